import { type Kysely, sql, type Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, type Executor, handle, inTransaction, view } from '../../platform/db/transaction.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { parseLicenseKey } from './domain/license-key.ts';
import {
  calculateUsageBilling,
  crossedThresholds,
  METER_PATTERN,
  type MeterDef,
  type Period,
  periodOf,
  type UsagePlan,
  type UsagePolicy,
  type UsageThreshold,
  usagePlanOf,
} from './domain/usage.ts';
import { type LicenseFacts, validateLicense } from './domain/validation.ts';
import type { LicenseService } from './licenses.service.ts';
import type { LicenseRow, UsageDb, UsageStatementRow } from './licensing.tables.ts';
import { sendUsageWarning } from './usage.mail.ts';

/** How far in the future an event's `occurredAt` may be (client clocks drift). */
export const USAGE_CLOCK_SKEW_MS = 5 * 60_000;
/** Events per request, at most. */
export const USAGE_BATCH_MAX = 1000;
/** One event's quantity, at most: a request adds at most 10^12, far from the 2^53 a total may reach. */
export const USAGE_QUANTITY_MAX = 1_000_000_000;
export const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9_.:-]{8,100}$';

const IDEMPOTENCY_KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN);
const METER = new RegExp(METER_PATTERN);

export interface UsageEventInput {
  meter: string;
  quantity: number;
  /** The client's id for the event: reporting it again (a retry) counts it once. */
  idempotencyKey: string;
  /** When the usage happened (default: now); decides its period. */
  occurredAt?: string | Date | undefined;
}

/** A meter's totals in a period, as the usage API answers them. */
export interface MeterTotals {
  meter: string;
  periodStart: string;
  periodEnd: string;
  /** Null: unlimited. */
  included: number | null;
  used: number;
  /** Null: unlimited. */
  remaining: number | null;
  overage: number;
}

export interface UsageAnswer {
  licenseId: string;
  policy: UsagePolicy;
  /** Events counted by this request. */
  accepted: number;
  /** Events already counted (by an earlier request, or twice in this one). */
  duplicates: number;
  /** The current period's totals of every meter of the license. */
  totals: MeterTotals[];
}

interface CheckedEvent {
  index: number;
  meter: string;
  quantity: number;
  key: string;
  occurredAt: Date;
  period: Period;
}

type Tx = Transaction<UsageDb>;

/**
 * Usage metering for licenses whose limits define meters (domain/usage.ts has the conventions).
 * `record` counts events once per idempotency key and adds only newly inserted quantities to the
 * period totals, in one transaction with the block policy, the warnings and their mail;
 * `closeDuePeriods` closes ended periods into statements and hands them to billing
 * (`licensing.usage-period-closed`).
 */
export class UsageService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<UsageDb>,
    private readonly licenses: LicenseService,
  ) {}

  /** Records usage events for the license of `key`; answers the current period's totals. */
  async record(
    key: string,
    events: readonly UsageEventInput[],
    meta: { ip: string | null; single?: boolean },
  ): Promise<UsageAnswer> {
    const now = this.ctx.clock.now();
    const license = await this.#usableLicense(key, now);
    const plan = usagePlanOf(license.limits);
    const current = periodOf(license.valid_from, now);
    const { fresh, late } = checkEvents(events, plan, current, now, license.valid_from, meta.single);
    try {
      return await this.#recordIn(license, plan, current, fresh, late, now, meta, events.length);
    } finally {
      // Validation caches usage with the license: this process sees the new totals at once.
      this.licenses.cache.invalidate(license.id);
    }
  }

  async #recordIn(
    license: LicenseRow,
    plan: ReturnType<typeof usagePlanOf>,
    current: ReturnType<typeof periodOf>,
    fresh: ReturnType<typeof checkEvents>['fresh'],
    late: ReturnType<typeof checkEvents>['late'],
    now: Date,
    meta: { ip: string | null; single?: boolean },
    asked: number,
  ): Promise<UsageAnswer> {
    return inTransaction(this.db, async (tx) => {
      const inserted = new Set<string>();
      if (fresh.length) {
        // Rows are locked in key order (and totals in meter order below), the same order in every
        // request: two batches with the same events in another order wait, never deadlock.
        const byKey = [...fresh].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        const rows = await tx
          .insertInto('license_usage_event')
          .values(
            byKey.map((e) => ({
              license_id: license.id,
              idempotency_key: e.key,
              meter: e.meter,
              quantity: e.quantity,
              occurred_at: e.occurredAt,
              period_start: e.period.start,
              recorded_at: now,
            })),
          )
          // A retry (or a concurrent duplicate, once the first commits) inserts nothing.
          .onConflict((oc) => oc.columns(['license_id', 'idempotency_key']).doNothing())
          .returning('idempotency_key')
          .execute();
        for (const r of rows) inserted.add(r.idempotency_key);
      }
      // Events not inserted were counted before: they must be the same events. Late ones are
      // only acceptable as such repeats (a retry after the period ended answers as before).
      const unresolved = [...fresh.filter((e) => !inserted.has(e.key)), ...late];
      if (unresolved.length) await this.#checkRepeats(tx, license.id, unresolved, meta.single);

      const counted = fresh.filter((e) => inserted.has(e.key));
      const groups = new Map<string, { meter: MeterDef; period: Period; quantity: number }>();
      for (const e of counted) {
        const id = `${e.meter}\u0000${e.period.start.getTime()}`;
        const g = groups.get(id);
        if (g) g.quantity += e.quantity;
        else
          groups.set(id, {
            meter: plan.meters.find((m) => m.meter === e.meter)!,
            period: e.period,
            quantity: e.quantity,
          });
      }
      const ordered = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [, g] of ordered) await this.#add(tx, license, plan, g, now, meta.ip);

      return {
        licenseId: license.id,
        policy: plan.policy,
        accepted: counted.length,
        duplicates: asked - counted.length,
        totals: await this.#totals(tx, license.id, plan, current),
      };
    });
  }

  /** The license of a key when it may report usage; a clear refusal otherwise. */
  async #usableLicense(key: string, now: Date): Promise<LicenseRow> {
    const parsed = parseLicenseKey(key);
    const license = parsed.ok ? await this.licenses.byKey(parsed.key) : undefined;
    if (!license)
      throw new AppError('LICENSE_KEY_INVALID', undefined, {
        details: [{ path: '/key', message: parsed.ok ? 'NOT_FOUND' : 'INVALID_KEY_FORMAT' }],
      });
    // The license's own standing, by the same rules (and codes) as validation.
    const facts: LicenseFacts = {
      status: license.status,
      sku: license.sku,
      productKey: license.product_key,
      validUntil: license.valid_until,
      maxMachines: license.max_machines,
      machines: [],
      heartbeatWindowSeconds: null,
      assignedUsers: null,
      allowedDomains: [],
      allowedCountries: [],
      usage: null,
    };
    const standing = validateLicense(facts, { now });
    if (!standing.valid)
      throw new AppError('LICENSE_NOT_ACTIVE', standing.detail, {
        details: [{ path: '/key', message: standing.code }],
      });
    if (license.valid_from.getTime() > now.getTime())
      throw new AppError('LICENSE_NOT_ACTIVE', 'The license is not valid yet.', {
        details: [{ path: '/key', message: `valid from ${license.valid_from.toISOString()}` }],
      });
    return license;
  }

  /** Events already recorded must be the same events; late events must be such repeats. */
  async #checkRepeats(
    tx: Tx,
    licenseId: string,
    events: readonly CheckedEvent[],
    single: boolean | undefined,
  ): Promise<void> {
    const prior = new Map(
      (
        await tx
          .selectFrom('license_usage_event')
          .select(['idempotency_key', 'meter', 'quantity'])
          .where('license_id', '=', licenseId)
          // One array parameter rather than up to 1,000 (a retried batch asks for all of them).
          .where('idempotency_key', '=', sql<string>`ANY(${events.map((e) => e.key)}::text[])`)
          .execute()
      ).map((r) => [r.idempotency_key, r]),
    );
    const reused: ErrorDetail[] = [];
    const closed: ErrorDetail[] = [];
    for (const e of events) {
      const p = prior.get(e.key);
      if (!p)
        closed.push({
          path: pathOf(e.index, 'occurredAt', single),
          message: `${e.occurredAt.toISOString()} is before the current period`,
        });
      else if (p.meter !== e.meter || Number(p.quantity) !== e.quantity)
        reused.push({
          path: pathOf(e.index, 'idempotencyKey', single),
          message: `already used for ${p.quantity} ${p.meter}`,
        });
    }
    if (reused.length) throw new AppError('IDEMPOTENCY_KEY_REUSED', undefined, { details: reused });
    if (closed.length) throw new AppError('USAGE_PERIOD_CLOSED', undefined, { details: closed });
  }

  /** Adds a new quantity to a meter's period total, under the policy; warns on crossing a threshold. */
  async #add(
    tx: Tx,
    license: LicenseRow,
    plan: UsagePlan,
    g: { meter: MeterDef; period: Period; quantity: number },
    now: Date,
    ip: string | null,
  ): Promise<void> {
    const { meter, period, quantity } = g;
    const included = meter.included;
    const block = plan.policy === 'block' && included !== null;
    // One atomic statement: concurrent requests serialize on the row, so the block check and the
    // before/after values are exact. A closed period's row is never changed.
    const row =
      block && quantity > included
        ? undefined
        : (
            await sql<{ used: number }>`
          INSERT INTO license_usage_total AS t
            (license_id, meter, period_start, period_end, included, used, over_at, updated_at)
          VALUES (${license.id}, ${meter.meter}, ${period.start}, ${period.end}, ${included}, ${quantity},
            ${included !== null && quantity > included ? now : null}, ${now})
          ON CONFLICT (license_id, meter, period_start) DO UPDATE SET
            used = t.used + excluded.used,
            included = excluded.included,
            over_at = COALESCE(t.over_at, CASE WHEN t.used + excluded.used > excluded.included
              THEN excluded.updated_at END),
            updated_at = excluded.updated_at
          WHERE t.closed_at IS NULL
            AND (${block} = false OR t.used + excluded.used <= excluded.included)
          RETURNING used`.execute(tx)
          ).rows[0];
    if (!row) {
      const existing = await tx
        .selectFrom('license_usage_total')
        .select(['used', 'closed_at'])
        .where('license_id', '=', license.id)
        .where('meter', '=', meter.meter)
        .where('period_start', '=', period.start)
        .executeTakeFirst();
      if (existing?.closed_at)
        throw new AppError('USAGE_PERIOD_CLOSED', undefined, {
          details: [{ path: '/occurredAt', message: `the period ${period.start.toISOString()} is closed` }],
        });
      throw new AppError('USAGE_LIMIT_EXCEEDED', undefined, {
        details: [
          {
            message: `${meter.meter}: ${Number(existing?.used ?? 0)} of ${included} used this period; the request adds ${quantity}`,
          },
        ],
      });
    }
    const after = Number(row.used);
    const crossed = crossedThresholds(included, after - quantity, after);
    if (!crossed.length || included === null) return;
    // The stamps make each warning once per period and meter even if the included quantity
    // changes between writes (a plan change): only the write that sets the stamp warns.
    const marked: UsageThreshold[] = [];
    for (const t of crossed) {
      const column = t === 80 ? 'warned_80_at' : 'warned_100_at';
      const r = await tx
        .updateTable('license_usage_total')
        .set({ [column]: now })
        .where('license_id', '=', license.id)
        .where('meter', '=', meter.meter)
        .where('period_start', '=', period.start)
        .where(column, 'is', null)
        .returning('meter')
        .executeTakeFirst();
      if (r) marked.push(t);
    }
    const threshold = marked.at(-1);
    if (threshold === undefined) return;
    await tx
      .insertInto('license_event')
      .values({
        id: newId('lev', this.ctx.clock),
        license_id: license.id,
        type: 'usage-warning',
        code: threshold === 100 && plan.policy === 'block' ? 'USAGE_LIMIT_EXCEEDED' : null,
        detail: JSON.stringify({
          meter: meter.meter,
          threshold,
          included,
          used: after,
          periodStart: period.start.toISOString(),
          policy: plan.policy,
        }),
        ip,
        at: now,
      } as never)
      .execute();
    await sendUsageWarning(this.ctx, handle(tx), {
      license,
      plan,
      meter: meter.meter,
      threshold,
      included,
      used: after,
      periodEnd: period.end,
    });
  }

  async #totals(
    db: Kysely<UsageDb> | Tx,
    licenseId: string,
    plan: UsagePlan,
    period: Period,
  ): Promise<MeterTotals[]> {
    const rows = await db
      .selectFrom('license_usage_total')
      .select(['meter', 'used'])
      .where('license_id', '=', licenseId)
      .where('period_start', '=', period.start)
      .execute();
    const used = new Map(rows.map((r) => [r.meter, Number(r.used)]));
    return plan.meters.map((m) => {
      const u = used.get(m.meter) ?? 0;
      return {
        meter: m.meter,
        periodStart: period.start.toISOString(),
        periodEnd: period.end.toISOString(),
        included: m.included,
        used: u,
        remaining: m.included === null ? null : Math.max(0, m.included - u),
        overage: m.included === null ? 0 : Math.max(0, u - m.included),
      };
    });
  }

  /** A license's totals in the period containing `at` (default now): for the owner's pages. */
  async totals(license: LicenseRow, at = this.ctx.clock.now()): Promise<MeterTotals[]> {
    return this.#totals(this.db, license.id, usagePlanOf(license.limits), periodOf(license.valid_from, at));
  }

  /**
   * What validation needs to know about usage: the block-policy meter closest to (or past) its
   * included quantity in the current period (or the named meter), null when nothing blocks.
   */
  async usageFacts(license: LicenseRow, now: Date, meter?: string): Promise<LicenseFacts['usage']> {
    const plan = usagePlanOf(license.limits);
    if (plan.policy !== 'block') return null;
    const capped = plan.meters.filter(
      (m) => m.included !== null && (meter === undefined || m.meter === meter),
    );
    if (!capped.length) return null;
    const totals = await this.#totals(this.db, license.id, plan, periodOf(license.valid_from, now));
    let worst: { included: number; used: number; share: number } | null = null;
    for (const t of totals) {
      if (t.included === null || !capped.some((m) => m.meter === t.meter)) continue;
      const share = t.included === 0 ? Number.POSITIVE_INFINITY : t.used / t.included;
      if (!worst || share > worst.share) worst = { included: t.included, used: t.used, share };
    }
    return worst && { included: worst.included, used: worst.used, blockAbove: true };
  }

  /**
   * Closes up to `limit` license periods that have ended: each in its own transaction, with its
   * statement and `licensing.usage-period-closed`. Running again closes nothing twice.
   */
  async closeDuePeriods(limit = 500): Promise<{ closed: number; skipped: number; failed: number }> {
    const due = await this.db
      .selectFrom('license_usage_total')
      .select(['license_id', 'period_start', 'period_end'])
      .distinct()
      .where('closed_at', 'is', null)
      .where('period_end', '<=', this.ctx.clock.now())
      .orderBy('period_end')
      .orderBy('license_id')
      .orderBy('period_start')
      .limit(limit)
      .execute();
    const counts = { closed: 0, skipped: 0, failed: 0 };
    for (const d of due) {
      try {
        counts[(await this.closePeriod(d.license_id, d.period_start, d.period_end)) ? 'closed' : 'skipped']++;
      } catch (err) {
        // One license's problem must not hold up the others' statements; the next run retries it.
        counts.failed++;
        this.ctx.log.error({ err, licenseId: d.license_id }, 'closing a usage period failed');
      }
    }
    return counts;
  }

  /** Closes one license period: false when it was closed already. */
  async closePeriod(licenseId: string, periodStart: Date, periodEnd: Date): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const license = await tx
        .selectFrom('license')
        .select(['id', 'sku', 'limits'])
        .where('id', '=', licenseId)
        .executeTakeFirst();
      if (!license) return false;
      const plan = usagePlanOf(license.limits);
      const now = this.ctx.clock.now();
      const closed: { meter: string; used: number }[] = [];
      // Every meter of the license gets a closed row (zero when unused). A first event of a meter
      // racing this close then conflicts with the row, waits for this transaction and finds the
      // period closed, instead of leaving an open row behind a written statement.
      if (plan.meters.length)
        closed.push(
          ...(await tx
            .insertInto('license_usage_total')
            .values(
              plan.meters.map((m) => ({
                license_id: licenseId,
                meter: m.meter,
                period_start: periodStart,
                period_end: periodEnd,
                included: m.included,
                used: 0,
                over_at: null,
                warned_80_at: null,
                warned_100_at: null,
                closed_at: now,
                updated_at: now,
              })),
            )
            .onConflict((oc) =>
              oc
                .columns(['license_id', 'meter', 'period_start'])
                .doUpdateSet((eb) => ({
                  closed_at: eb.ref('excluded.closed_at'),
                  included: eb.ref('excluded.included'),
                }))
                .where('license_usage_total.closed_at', 'is', null),
            )
            .returning(['meter', 'used'])
            .execute()),
        );
      // Meters no longer in the limits (the product changed during the period).
      closed.push(
        ...(await tx
          .updateTable('license_usage_total')
          .set({ closed_at: now })
          .where('license_id', '=', licenseId)
          .where('period_start', '=', periodStart)
          .where('closed_at', 'is', null)
          .returning(['meter', 'used'])
          .execute()),
      );
      if (!closed.length) return false;

      const usage = Object.fromEntries(closed.map((r) => [r.meter, Number(r.used)]));
      const billing = calculateUsageBilling(
        usage,
        plan.meters.filter((m) => m.meter in usage),
      );
      const written = await tx
        .insertInto('license_usage_statement')
        .values(
          billing.lines.map((l) => ({
            license_id: licenseId,
            period_start: periodStart,
            meter: l.meter,
            period_end: periodEnd,
            included: l.included,
            used: l.used,
            overage: l.overage,
            rate_per_1000: l.ratePer1000,
            overage_amount: l.amount,
            currency: plan.currency,
            status: 'closed' as const,
            closed_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['license_id', 'period_start', 'meter']).doNothing())
        .returning('meter')
        .execute();
      if (!written.length) return false;
      await this.#trail(tx, licenseId, 'usage-period-closed', {
        periodStart: periodStart.toISOString(),
        periodEnd: periodEnd.toISOString(),
        amount: billing.overageAmount,
        currency: plan.currency,
      });
      const periodKey = periodStart.toISOString();
      // Billing charges the overage from this event, committed exactly with the statement.
      await this.ctx.events.publish(
        'licensing.usage-period-closed',
        {
          licenseId,
          sku: license.sku,
          periodStart: periodKey,
          periodEnd: periodEnd.toISOString(),
          currency: plan.currency,
          amount: billing.overageAmount,
          meters: billing.lines,
          key: `usage-period:${licenseId}:${periodKey}`,
        },
        { trx: handle(tx), key: `usage-period:${licenseId}:${periodKey}` },
      );
      return true;
    });
  }
  /** A license's statements (newest period first): what each closed period came to and how it was billed. */
  async statements(licenseId: string, limit = 24): Promise<UsageStatementRow[]> {
    return this.db
      .selectFrom('license_usage_statement')
      .selectAll()
      .where('license_id', '=', licenseId)
      .orderBy('period_start', 'desc')
      .orderBy('meter')
      .limit(limit)
      .execute();
  }

  /**
   * Billing created the order that bills a period's overage: its statement lines with an amount
   * become 'billed' with the order, and the license's trail says so, in billing's transaction.
   * Answers false when they were billed already (a repeated event), so the caller bills once.
   */
  async markBilled(licenseId: string, periodStart: Date, orderId: string, trx: DbHandle): Promise<boolean> {
    const db = view<UsageDb>(trx);
    const now = this.ctx.clock.now();
    const billed = await db
      .updateTable('license_usage_statement')
      .set({ status: 'billed', order_id: orderId, billed_at: now })
      .where('license_id', '=', licenseId)
      .where('period_start', '=', periodStart)
      .where('overage_amount', '>', 0)
      .where('status', '=', 'closed')
      .returning(['meter', 'overage_amount', 'currency'])
      .execute();
    if (!billed.length) return false;
    await this.#trail(db, licenseId, 'usage-overage-billed', {
      periodStart: periodStart.toISOString(),
      orderId,
      amount: billed.reduce((n, r) => n + Number(r.overage_amount), 0),
      currency: billed[0]!.currency,
    });
    return true;
  }

  /**
   * A period's overage that no order can bill (a license issued by staff, without a purchase to
   * charge): its statement stays 'closed' and the trail tells staff, who invoice it by hand.
   */
  async markUnbilled(licenseId: string, periodStart: Date, reason: string, trx: DbHandle): Promise<void> {
    await this.#trail(view<UsageDb>(trx), licenseId, 'usage-overage-unbilled', {
      periodStart: periodStart.toISOString(),
      reason,
    });
  }

  async #trail(
    db: Executor<UsageDb>,
    licenseId: string,
    type: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await db
      .insertInto('license_event')
      .values({
        id: newId('lev', this.ctx.clock),
        license_id: licenseId,
        type,
        code: null,
        detail: JSON.stringify(detail),
        ip: null,
        at: this.ctx.clock.now(),
      } as never)
      .execute();
  }

  /**
   * Retention: deletes the events of periods closed before `before` (at most `limit`); answers how
   * many. The totals and statements stay: they are what was billed. A client retrying such an old
   * event is then told the period is closed instead of being answered as a duplicate.
   */
  async pruneEvents(before: Date, limit = 10_000): Promise<number> {
    const r = await sql<{ n: number }>`
      WITH doomed AS (
        SELECT e.license_id, e.idempotency_key
        FROM license_usage_event e
        JOIN license_usage_total t
          ON t.license_id = e.license_id AND t.meter = e.meter AND t.period_start = e.period_start
        WHERE t.closed_at IS NOT NULL AND t.period_end < ${before}
          -- The index on period_start narrows the scan: a period ends at most 31 days after it starts.
          AND e.period_start < ${before}
        LIMIT ${limit}
      ), gone AS (
        DELETE FROM license_usage_event e USING doomed d
        WHERE e.license_id = d.license_id AND e.idempotency_key = d.idempotency_key
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM gone`.execute(this.db);
    return r.rows[0]?.n ?? 0;
  }
}

const pathOf = (index: number, field: string, single: boolean | undefined) =>
  single ? `/${field}` : `/events/${index}/${field}`;

/**
 * The request's events, checked before any write: well-formed, of a meter the license has, not
 * from the future, each idempotency key once (the same event twice counts once; two different
 * events under one key are refused). Late events (before the current period) are set aside.
 */
function checkEvents(
  events: readonly UsageEventInput[],
  plan: UsagePlan,
  current: Period,
  now: Date,
  validFrom: Date,
  single: boolean | undefined,
): { fresh: CheckedEvent[]; late: CheckedEvent[] } {
  const invalid: ErrorDetail[] = [];
  const unknown: ErrorDetail[] = [];
  const reused: ErrorDetail[] = [];
  if (events.length < 1 || events.length > USAGE_BATCH_MAX)
    invalid.push({ path: '/events', message: `must hold 1 to ${USAGE_BATCH_MAX} events` });
  const meters = new Set(plan.meters.map((m) => m.meter));
  const byKey = new Map<string, CheckedEvent>();
  const fresh: CheckedEvent[] = [];
  const late: CheckedEvent[] = [];
  const latest = now.getTime() + USAGE_CLOCK_SKEW_MS;
  events.forEach((e, index) => {
    const path = (field: string) => pathOf(index, field, single);
    if (!Number.isSafeInteger(e.quantity) || e.quantity < 1 || e.quantity > USAGE_QUANTITY_MAX)
      invalid.push({
        path: path('quantity'),
        message: `must be a whole number from 1 to ${USAGE_QUANTITY_MAX}`,
      });
    if (typeof e.idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(e.idempotencyKey))
      invalid.push({ path: path('idempotencyKey'), message: `must match ${IDEMPOTENCY_KEY_PATTERN}` });
    const occurredAt = e.occurredAt === undefined ? now : new Date(e.occurredAt);
    if (Number.isNaN(occurredAt.getTime()))
      invalid.push({ path: path('occurredAt'), message: 'must be a date-time' });
    else if (occurredAt.getTime() > latest)
      invalid.push({ path: path('occurredAt'), message: 'must not be in the future' });
    if (typeof e.meter !== 'string' || !METER.test(e.meter))
      invalid.push({ path: path('meter'), message: `must match ${METER_PATTERN}` });
    else if (!meters.has(e.meter))
      unknown.push({
        path: path('meter'),
        message: `${e.meter} is not metered by this license (its meters: ${[...meters].join(', ') || 'none'})`,
      });
    if (invalid.length || unknown.length) return;
    const prior = byKey.get(e.idempotencyKey);
    if (prior) {
      // The same event twice counts once; two different events under one key are refused.
      if (prior.meter !== e.meter || prior.quantity !== e.quantity)
        reused.push({ path: path('idempotencyKey'), message: `also used by event ${prior.index}` });
      return;
    }
    // The current period's events skip the calendar arithmetic (the common case, 1,000 at a time).
    const t = occurredAt.getTime();
    const period =
      t >= current.start.getTime() && t < current.end.getTime() ? current : periodOf(validFrom, occurredAt);
    const checked = {
      index,
      meter: e.meter,
      quantity: e.quantity,
      key: e.idempotencyKey,
      occurredAt,
      period,
    };
    byKey.set(e.idempotencyKey, checked);
    (t < current.start.getTime() ? late : fresh).push(checked);
  });
  if (invalid.length) throw new AppError('VALIDATION_FAILED', undefined, { details: invalid });
  if (unknown.length) throw new AppError('USAGE_METER_UNKNOWN', undefined, { details: unknown });
  if (reused.length) throw new AppError('IDEMPOTENCY_KEY_REUSED', undefined, { details: reused });
  return { fresh, late };
}
