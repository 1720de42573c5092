import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { handle, inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditModule } from '../audit/index.ts';
import { checkNewRate, type NewRateInput, planAddition } from './domain/rate-schedule.ts';
import { dayOf, formatRate } from './domain/rates.ts';
import type { StaffContext } from './tax.contract.ts';
import { endRate, insertRate, listRateRows, lockJurisdiction, type RateRow } from './tax.repository.ts';
import type { TaxRateService } from './tax.service.ts';
import type { TaxDb } from './tax.tables.ts';

export type RateStatus = 'past' | 'current' | 'future';
export type StaffRate = RateRow & { status: RateStatus };

export interface ScheduledRate {
  rate: StaffRate;
  /** The period the new rate supersedes, as it is now (ending on the new start). */
  closed: StaffRate | null;
  /** That period going on after a temporary rate. */
  resumed: StaffRate | null;
}

const describe = (r: { label: string; ratePpm: number; validFrom: string; validTo: string | null }) =>
  `${r.label} ${formatRate(r.ratePpm)} from ${r.validFrom}${r.validTo ? ` until ${r.validTo}` : ' on'}`;

/**
 * Staff reading and adding tax rates. Each addition is one transaction, under
 * a per-jurisdiction lock: check, plan (domain/rate-schedule.ts), end the
 * superseded period, insert, audit — or change nothing.
 */
export class TaxRateAdminService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<TaxDb>,
    private readonly rates: TaxRateService,
    private readonly audit: AuditModule,
  ) {}

  #today(): string {
    return dayOf(this.ctx.clock.now());
  }

  #withStatus(r: RateRow, today: string): StaffRate {
    const status: RateStatus =
      r.validTo !== null && r.validTo <= today ? 'past' : r.validFrom > today ? 'future' : 'current';
    return { ...r, status };
  }

  /** Rows by jurisdiction and start; `scope: 'current'` leaves out periods that ended before today. */
  async list(
    options: { country?: string | undefined; scope?: 'current' | 'all' } = {},
  ): Promise<StaffRate[]> {
    const today = this.#today();
    const rows = await listRateRows(this.db, { country: options.country?.toUpperCase() });
    const all = rows.map((r) => this.#withStatus(r, today));
    return options.scope === 'all' ? all : all.filter((r) => r.status !== 'past');
  }

  async add(staff: StaffContext, input: NewRateInput): Promise<ScheduledRate> {
    const today = this.#today();
    const checked = checkNewRate(input, today);
    if (!checked.ok) throw new AppError('TAX_RATE_INVALID', undefined, { details: checked.problems });
    const rate = checked.rate;
    const jurisdiction = rate.region ? `${rate.country}-${rate.region}` : rate.country;
    const result = await inTransaction(this.db, async (trx) => {
      await lockJurisdiction(trx, rate.country, rate.region);
      const existing = await listRateRows(trx, { country: rate.country, region: rate.region });
      const plan = planAddition(existing, rate);
      if (!plan.ok) {
        throw new AppError(
          'TAX_RATE_OVERLAP',
          `${describe(rate)} overlaps ${plan.overlaps.length === 1 ? 'a period' : 'periods'} already scheduled for ${jurisdiction}; nothing was changed.`,
          {
            details: plan.overlaps.map((o) => ({ path: '/validFrom', message: `Overlaps ${describe(o)}.` })),
          },
        );
      }
      const now = this.ctx.clock.now();
      const by = staff.actor.userId;
      if (plan.closed) await endRate(trx, plan.closed.row.id, plan.closed.validTo);
      const id = newId('txr', this.ctx.clock);
      await insertRate(trx, { ...rate, id }, now, by);
      const resumedId = plan.resumed ? newId('txr', this.ctx.clock) : null;
      if (plan.resumed && resumedId) await insertRate(trx, { ...plan.resumed, id: resumedId }, now, by);
      await this.audit.log.record(
        {
          actor: staff.actor,
          action: 'tax.rate.add',
          target: { type: 'tax_rate', id: jurisdiction },
          ...(plan.closed ? { before: { superseded: plan.closed.row } } : {}),
          after: {
            added: { id, ...rate },
            ...(plan.closed ? { superseded: { ...plan.closed.row, validTo: plan.closed.validTo } } : {}),
            ...(plan.resumed && resumedId ? { resumed: { id: resumedId, ...plan.resumed } } : {}),
          },
          ip: staff.ip,
          requestId: staff.requestId,
        },
        handle(trx),
      );
      const rows = await listRateRows(trx, { country: rate.country, region: rate.region });
      const find = (rowId: string | null | undefined) => {
        const r = rows.find((x) => x.id === rowId);
        return r ? this.#withStatus(r, today) : null;
      };
      const added = find(id);
      if (!added) throw new Error(`tax_rate ${id} vanished inside its own transaction`);
      return { rate: added, closed: find(plan.closed?.row.id), resumed: find(resumedId) };
    });
    // This process quotes with the new rate at once; others within the rates cache's minute.
    this.rates.invalidate();
    return result;
  }
}
