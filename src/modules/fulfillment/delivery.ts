import type { CatalogModule, Fulfillment, ProductType } from '../catalog/index.ts';
import { type LicensingModule, maskLicenseKey } from '../licensing/index.ts';
import type { Order } from '../orders/index.ts';
import { period, periodStart } from '../subscriptions/index.ts';
import type { ConsultingService } from './consulting.service.ts';
import type { DeliveredItem } from './fulfillment.mail.ts';
import type { StepRow } from './fulfillment.tables.ts';
import type { TrainingService } from './training.service.ts';

/**
 * What a step delivers: a license through the licensing module (its `source_ref` is the step's
 * key), an enrollment or a consulting allocation (their unique `source_ref` likewise). Asking
 * twice answers the first delivery, so a step can always be run again.
 */
export class Delivery {
  constructor(
    private readonly deps: {
      catalog: CatalogModule;
      licensing: LicensingModule;
      training: TrainingService;
      consulting: ConsultingService;
    },
  ) {}

  async #fulfillmentOf(sku: string): Promise<Fulfillment> {
    return (await this.deps.catalog.service.skuWithPrices(sku)).sku.fulfillment;
  }

  /** Delivers a step (idempotent by its key) and answers the id of what it delivered. Commits on its own. */
  async deliver(order: Order, step: StepRow): Promise<string> {
    const { row } = order;
    const paidAt = new Date(row.paid_at!);
    const who = { orderId: row.id, userId: row.user_id, email: row.billing.email };
    const f = await this.#fulfillmentOf(step.sku);
    if (step.kind === 'license') {
      // A subscription's license runs to the end of its first period (the subscription's anchor
      // is the payment); the subscription moves it from there. Otherwise the SKU's term decides.
      const line = step.recurring
        ? (await this.deps.catalog.service.skuWithPrices(step.bundle_sku ?? step.sku)).sku
        : undefined;
      const { licenses } = this.deps.licensing;
      try {
        const issued = await licenses.issue({
          sku: step.sku,
          email: who.email,
          userId: who.userId,
          seats: step.delivered ?? 1,
          source: 'order',
          sourceRef: step.key,
          validFrom: paidAt,
          ...(line?.interval ? { validUntil: period(paidAt, line.interval, 0).end } : {}),
        });
        return issued.license.id;
      } catch (err) {
        // Two runs of the same order at once: the unique source_ref lets one insert win; the other takes it.
        const winner = (err as { code?: unknown }).code === '23505' && (await licenses.bySourceRef(step.key));
        if (!winner) throw err;
        return winner.id;
      }
    }
    if (step.kind === 'enrollment' && f.kind === 'training') {
      const r = await this.deps.training.enroll({
        ...who,
        sourceRef: step.key,
        sku: step.sku,
        name: step.name,
        format: f.format,
        hours: f.hours,
        seats: step.delivered ?? 1,
        validFrom: paidAt,
        validUntil: f.accessMonths === null ? null : periodStart(paidAt, 'month', f.accessMonths),
      });
      return r.enrollment.id;
    }
    if (step.kind === 'allocation' && f.kind === 'consulting') {
      const r = await this.deps.consulting.allocate({
        ...who,
        sourceRef: step.key,
        sku: step.sku,
        name: step.name,
        engagement: f.engagement,
        units: step.line_quantity * step.per_unit,
        minutes: step.delivered,
        validFrom: paidAt,
        expiresAt: f.expiryMonths === null ? null : periodStart(paidAt, 'month', f.expiryMonths),
      });
      return r.allocation.id;
    }
    throw new Error(`${step.sku} is no longer a ${step.kind} in the catalog`);
  }

  /** What the "ready" mail lists: what is still in force (a line refunded meanwhile is left out). */
  async items(steps: readonly StepRow[]): Promise<DeliveredItem[]> {
    const items: DeliveredItem[] = [];
    const typeOf = await this.#productTypes();
    for (const step of steps) {
      const productType = typeOf(step.sku, step.kind);
      if (step.kind === 'license') {
        const { licenses } = this.deps.licensing;
        const l = await licenses.bySourceRef(step.key);
        if (l && l.status !== 'REVOKED')
          items.push({
            kind: 'license',
            name: step.name,
            productType,
            licenseId: l.id,
            maskedKey: maskLicenseKey(licenses.keyOf(l)),
            seats: l.seats,
            validUntil: l.valid_until,
          });
      } else if (step.kind === 'enrollment') {
        const e = await this.deps.training.bySourceRef(step.key);
        if (e && e.status === 'active')
          items.push({
            kind: 'enrollment',
            name: step.name,
            productType,
            seats: e.seats,
            maskedKey: this.deps.training.masked(e),
            validUntil: e.valid_until,
          });
      } else {
        const a = await this.deps.consulting.bySourceRef(step.key);
        if (a && a.status === 'active')
          items.push({
            kind: 'allocation',
            name: step.name,
            productType,
            minutes:
              a.minutes_allocated === null ? null : a.minutes_allocated - a.minutes_used - a.minutes_canceled,
            expiresAt: a.expires_at,
          });
      }
    }
    return items;
  }

  /**
   * The product type of a delivered SKU (the component's own, in a bundle), from the catalog as
   * it is now: staff may have moved a tool from download to hosted since. A SKU no longer in the
   * catalog gets the usual type of what it delivered.
   */
  async #productTypes(): Promise<(sku: string, kind: StepRow['kind']) => ProductType> {
    const { data } = await this.deps.catalog.service.view();
    const products = new Map(data.products.map((p) => [p.key, p.type]));
    const productOf = new Map(data.skus.map((s) => [s.code, s.productKey]));
    const fallback: Record<StepRow['kind'], ProductType> = {
      license: 'desktop_software',
      enrollment: 'training_course',
      allocation: 'consulting',
    };
    return (sku, kind) => products.get(productOf.get(sku) ?? '') ?? fallback[kind];
  }
}
