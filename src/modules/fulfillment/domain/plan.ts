import { type BundleItem, type Fulfillment, licenseSeats } from '../../catalog/index.ts';
import type { StepKind } from '../fulfillment.tables.ts';

/**
 * What a paid order delivers, step by step, pure. One step per line, and one per component of
 * a bundle line. Each step's key is derived from the order line (and the component), so it
 * names the same delivery however often the order is run: it is the idempotency key of the
 * license, enrollment or allocation the step creates.
 */

export interface PlanLine {
  id: string;
  position: number;
  sku: string;
  name: string;
  quantity: number;
  /** Net + tax of the line as sold, minor units. */
  gross: number;
}

export interface PlanSku {
  code: string;
  name: string;
  /** Sold per seat: a license gives one seat per unit (else the edition's users per unit). */
  perSeat: boolean;
  fulfillment: Fulfillment;
  recurring: boolean;
}

export interface PlannedStep {
  key: string;
  position: number;
  lineId: string;
  linePosition: number;
  lineQuantity: number;
  lineGross: number;
  sku: string;
  name: string;
  bundleSku: string | null;
  kind: StepKind;
  /** Units of `sku` per unit of the line. */
  perUnit: number;
  /** Seats (licenses, enrollments), minutes (hour blocks), null (fixed scope). */
  delivered: number | null;
  /** The line is billed by a subscription (its license follows it). */
  recurring: boolean;
}

export const stepKey = (lineId: string, componentSku?: string): string =>
  componentSku ? `order-line:${lineId}:${componentSku}` : `order-line:${lineId}`;

export class PlanError extends Error {
  override name = 'PlanError';
}

/**
 * What `units` of a SKU deliver: the step kind and its seats or minutes. A license sold per seat
 * gives one seat per unit — in a bundle, one per component unless the bundle's item quantity
 * says more.
 */
export function delivery(
  sku: Pick<PlanSku, 'perSeat' | 'fulfillment'>,
  units: number,
): { kind: StepKind; delivered: number | null } | undefined {
  const f = sku.fulfillment;
  switch (f.kind) {
    case 'license':
      return { kind: 'license', delivered: licenseSeats(sku, units) };
    case 'training':
      return { kind: 'enrollment', delivered: units * f.seatsPerUnit };
    case 'consulting':
      return { kind: 'allocation', delivered: f.hours === null ? null : units * f.hours * 60 };
    case 'bundle':
      return undefined;
  }
}

/**
 * The steps of an order's lines, in line order. A bundle without components (or containing a
 * bundle) cannot be delivered: PlanError, so the order waits for staff instead of being marked
 * done with nothing delivered.
 */
export function planSteps(
  lines: readonly PlanLine[],
  skuOf: (code: string) => PlanSku,
  componentsOf: (bundleSku: string) => readonly BundleItem[],
): PlannedStep[] {
  const steps: PlannedStep[] = [];
  const push = (
    line: PlanLine,
    sku: PlanSku,
    bundleSku: string | null,
    perUnit: number,
    recurring: boolean,
  ) => {
    const d = delivery(sku, line.quantity * perUnit);
    if (!d) throw new PlanError(`${sku.code} is a bundle inside bundle ${bundleSku}`);
    steps.push({
      key: stepKey(line.id, bundleSku ? sku.code : undefined),
      position: steps.length + 1,
      lineId: line.id,
      linePosition: line.position,
      lineQuantity: line.quantity,
      lineGross: line.gross,
      sku: sku.code,
      name: sku.name,
      bundleSku,
      kind: d.kind,
      perUnit,
      delivered: d.delivered,
      recurring,
    });
  };
  for (const line of [...lines].sort((a, b) => a.position - b.position)) {
    const sku = skuOf(line.sku);
    if (sku.fulfillment.kind !== 'bundle') {
      push(line, sku, null, 1, sku.recurring);
      continue;
    }
    const items = [...componentsOf(sku.code)].sort((a, b) => a.position - b.position);
    if (!items.length) throw new PlanError(`bundle ${sku.code} has no components`);
    for (const item of items) push(line, skuOf(item.componentSku), sku.code, item.quantity, sku.recurring);
  }
  return steps;
}

/** A succeeded refund's split over the order's lines (the payments module's allocation). */
export interface RefundParts {
  status: string;
  allocation: readonly { lineId: string; net: number; tax: number }[];
}

/** Gross refunded so far on one line, over the succeeded refunds. */
export function refundedOfLine(lineId: string, refunds: readonly RefundParts[]): number {
  let total = 0;
  for (const r of refunds)
    if (r.status === 'succeeded')
      for (const p of r.allocation) if (p.lineId === lineId) total += Number(p.net) + Number(p.tax);
  return total;
}

/** What a line's refunds take back of a delivery of `delivered` units. */
export interface RefundEffect {
  /** The whole line is refunded: the delivery is revoked. */
  full: boolean;
  /** Whole units the refunded share paid for (all of them when full). */
  units: number;
}

/**
 * Whole units' worth refunded: ⌊refunded × delivered / gross⌋, in exact integer arithmetic.
 * A line sold for nothing cannot be refunded.
 */
export function refundEffect(refunded: number, gross: number, delivered: number): RefundEffect {
  if (gross <= 0 || refunded <= 0) return { full: false, units: 0 };
  if (refunded >= gross) return { full: true, units: delivered };
  const units = Number((BigInt(refunded) * BigInt(delivered)) / BigInt(gross));
  return { full: false, units };
}

/** What remains after a partial refund: never below one while part of the line is unrefunded. */
export function remainingAfter(delivered: number, effect: RefundEffect): number {
  return effect.full ? 0 : Math.max(1, delivered - effect.units);
}
