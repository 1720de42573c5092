import type { PlatformContext } from '../../platform/context.ts';
import { type CatalogModule, licenseSeats } from '../catalog/index.ts';
import type { LicenseActor, LicenseRow, LicensingModule } from '../licensing/index.ts';
import type { PaymentsModule } from '../payments/index.ts';
import type { SubscriptionRow, SubscriptionsModule } from '../subscriptions/index.ts';
import type { ConsultingService } from './consulting.service.ts';
import { refundEffect, refundedOfLine } from './domain/plan.ts';
import type { StepRow } from './fulfillment.tables.ts';
import type { TrainingService } from './training.service.ts';

/** Why fulfillment suspended a license: only a suspension with this reason is lifted by a payment. */
export const SUBSCRIPTION_SUSPENDED = 'subscription suspended';

export interface EntitlementDeps {
  catalog: CatalogModule;
  licensing: LicensingModule;
  subscriptions: SubscriptionsModule;
  payments: PaymentsModule;
  training: TrainingService;
  consulting: ConsultingService;
}

/** What a delivery depends on besides itself: its line's subscription and refunds. */
interface Inputs {
  sub: SubscriptionRow | undefined;
  refunded: number;
  fingerprint: string;
}

const ROUNDS = 5;

const system = (reason: string): LicenseActor => ({ kind: 'system', reason });

/**
 * Keeps what an order line delivered in line with the line's subscription and refunds. It is
 * state-based, not event-based: it reads the subscription and the refunds as they are now and
 * moves the delivery there, so duplicate and out-of-order events change nothing, and a delivery
 * made after an event (fulfillment still running) catches up when fulfillment syncs it.
 *
 * Licenses live in the licensing module, whose moves commit on their own: after applying, the
 * inputs are read again and the sync repeats if they moved meanwhile, so the last writer always
 * wrote the current state. Enrollments and allocations only shrink (under their row lock), so a
 * stale read can never undo a newer one.
 */
export class EntitlementSync {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly deps: EntitlementDeps,
  ) {}

  async subscription(id: string): Promise<SubscriptionRow | undefined> {
    return this.deps.subscriptions.service.get(id);
  }

  /** Brings one step's delivery up to date. `seats`: recompute license seats (issue, plan change, refund). */
  async syncStep(step: StepRow, options: { seats: boolean }): Promise<void> {
    if (step.kind === 'license') return this.#syncLicense(step, options);
    const { refunded } = await this.#inputs(step, false);
    const effect = refundEffect(refunded, Number(step.line_gross), step.delivered ?? 0);
    if (step.kind === 'enrollment')
      await this.deps.training.applyRefund(step.key, step.delivered ?? 1, effect);
    else await this.deps.consulting.applyRefund(step.key, effect);
  }

  async #inputs(step: StepRow, withSubscription: boolean): Promise<Inputs> {
    const refunds = await this.deps.payments.refunds.ofOrder(step.order_id);
    const refunded = refundedOfLine(step.line_id, refunds);
    const sub =
      withSubscription && step.recurring
        ? (await this.deps.subscriptions.service.ofOrder(step.order_id)).find(
            (s) => Number(s.origin_line) === step.line_position,
          )
        : undefined;
    const time = (d: Date | null) => (d ? new Date(d).getTime() : null);
    const fingerprint = JSON.stringify([
      refunded,
      sub && [
        sub.status,
        sub.sku,
        sub.quantity,
        time(sub.current_period_end),
        time(sub.grace_ends_at),
        time(sub.ended_at),
      ],
    ]);
    return { sub, refunded, fingerprint };
  }

  async #syncLicense(step: StepRow, options: { seats: boolean }): Promise<void> {
    for (let round = 0; round < ROUNDS; round++) {
      const inputs = await this.#inputs(step, true);
      const license = await this.deps.licensing.licenses.bySourceRef(step.key);
      // Not issued yet: fulfillment syncs it right after issuing.
      if (!license) return;
      await this.#applyLicense(step, license, inputs, options);
      if ((await this.#inputs(step, true)).fingerprint === inputs.fingerprint) return;
    }
    // The job retries: the subscription or the refunds are moving right now.
    throw new Error(`the subscription or refunds of ${step.key} kept changing during the sync`);
  }

  async #applyLicense(
    step: StepRow,
    current: LicenseRow,
    { sub, refunded }: Inputs,
    options: { seats: boolean },
  ): Promise<void> {
    const { licenses } = this.deps.licensing;
    let license = current;
    // Revocation is final (licensing refuses any move out of it).
    if (license.status === 'REVOKED') return;
    const effect = refundEffect(refunded, Number(step.line_gross), step.delivered ?? license.seats);
    if (effect.full) {
      await licenses.setStatus(license.id, 'REVOKED', system('refund'), 'refund');
      return;
    }
    if (options.seats) {
      const target = await this.#licenseTarget(step, sub, license);
      // The refunded seats come off what the subscription (or the line) pays for now.
      const seats = Math.max(1, target.seats - effect.units);
      if (seats !== license.seats || target.sku !== license.sku)
        license = (
          await licenses.changeSeats(
            license.id,
            { seats, ...(target.sku !== license.sku ? { sku: target.sku } : {}) },
            system(effect.units ? 'refund' : 'plan'),
          )
        ).license;
    }
    if (sub) await this.#followSubscription(license, sub);
  }

  /**
   * The SKU and seats a license should have before refunds: the subscription's plan when there is
   * one. While the line is still what was delivered (same SKU, same quantity) it keeps the seats
   * it was delivered with — a subscription bought when editions came with their users included
   * keeps them until its plan or seat count changes; a change counts seats by today's rule.
   */
  async #licenseTarget(
    step: StepRow,
    sub: SubscriptionRow | undefined,
    license: LicenseRow,
  ): Promise<{ sku: string; seats: number }> {
    // A bundle's component keeps its SKU; a plain line follows the plan it was changed to.
    const sku = step.bundle_sku ? step.sku : (sub?.sku ?? step.sku);
    const units = (sub ? Number(sub.quantity) : step.line_quantity) * step.per_unit;
    const unchanged = sku === step.sku && units === Number(step.line_quantity) * step.per_unit;
    if (unchanged && step.delivered !== null) return { sku, seats: step.delivered };
    const found = await this.deps.catalog.service.skuWithPrices(sku).catch(() => undefined);
    if (!found) return { sku: license.sku, seats: step.delivered ?? license.seats };
    return { sku, seats: licenseSeats(found.sku, units) };
  }

  /**
   * The license's term and status from its subscription: active → valid to the period end (a
   * renewal extends it; a suspension fulfillment made is lifted); past due → valid to the end
   * of the grace period (entitlement is separate from billing: access continues during grace);
   * suspended → SUSPENDED; ended → valid to the end and EXPIRED.
   */
  async #followSubscription(current: LicenseRow, sub: SubscriptionRow): Promise<void> {
    const { licenses } = this.deps.licensing;
    const now = this.ctx.clock.now();
    const actor = system(`subscription ${sub.status.replace('_', ' ')}`);
    let license = current;
    const setUntil = async (until: Date) => {
      if (license.valid_until && new Date(license.valid_until).getTime() === until.getTime()) return;
      license = (await licenses.extend(license.id, until, actor)).license;
    };
    const end = new Date(sub.current_period_end);
    const grace = sub.grace_ends_at ? new Date(sub.grace_ends_at) : null;
    // An unpaid renewal keeps the term open to the end of its grace period (then suspended).
    const termEnd = sub.status !== 'active' && grace && grace > end ? grace : end;
    switch (sub.status) {
      case 'active':
      case 'past_due':
        await setUntil(termEnd);
        if (
          license.status === 'SUSPENDED' &&
          license.status_reason === SUBSCRIPTION_SUSPENDED &&
          termEnd > now
        )
          await licenses.setStatus(license.id, 'ACTIVE', actor);
        return;
      case 'suspended':
        // The same term as in grace, whichever of the two changes arrives first.
        if (license.status !== 'EXPIRED') await setUntil(termEnd);
        if (license.status === 'ACTIVE')
          await licenses.setStatus(license.id, 'SUSPENDED', actor, SUBSCRIPTION_SUSPENDED);
        return;
      case 'canceled': {
        const end = sub.ended_at ? new Date(sub.ended_at) : now;
        if (!license.valid_until || new Date(license.valid_until) > end) await setUntil(end);
        if (end <= now && (license.status === 'ACTIVE' || license.status === 'SUSPENDED'))
          await licenses.setStatus(license.id, 'EXPIRED', actor, 'subscription ended');
        return;
      }
    }
  }
}
