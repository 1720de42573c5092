import Type, { type Static } from 'typebox';
import { meterLevel, USAGE_POLICIES, usagePlanOf } from './domain/usage.ts';
import type { LicenseRow } from './licensing.tables.ts';
import type { UsageService } from './usage.service.ts';

/** A license's meters in the current period, with where each stands: the owner's license page and JSON. */

/** Closed periods the owner's page lists. */
const PAST_PERIODS = 12;

const nullableInt = (description: string) => Type.Union([Type.Integer(), Type.Null()], { description });

export const UsageMetersJson = Type.Object(
  {
    policy: Type.Enum([...USAGE_POLICIES], {
      description: '`block`: usage above what is included is refused; `overage`: it is recorded and billed.',
    }),
    meters: Type.Array(
      Type.Object({
        meter: Type.String(),
        periodStart: Type.String({ format: 'date-time' }),
        periodEnd: Type.String({ format: 'date-time' }),
        included: nullableInt('Included this period; null: unlimited.'),
        used: Type.Integer(),
        remaining: nullableInt('null: unlimited.'),
        overage: Type.Integer(),
        level: Type.Enum(['under', 'warning', 'reached', 'unlimited'], {
          description:
            '`warning`: 80 % of what is included is used; `reached`: 100 % (the owner was mailed at each).',
        }),
      }),
    ),
    periods: Type.Array(
      Type.Object({
        periodStart: Type.String({ format: 'date-time' }),
        periodEnd: Type.String({ format: 'date-time' }),
        currency: Type.String(),
        overageAmount: Type.Integer({ description: 'Minor units, before tax; 0: nothing to bill.' }),
        orderId: Type.Union([Type.String(), Type.Null()], {
          description:
            'The order that bills the overage (its invoice once paid); null when nothing was billed.',
        }),
        meters: Type.Array(
          Type.Object({
            meter: Type.String(),
            included: nullableInt('null: unlimited.'),
            used: Type.Integer(),
            overage: Type.Integer(),
            overageAmount: Type.Integer(),
          }),
        ),
      }),
      {
        description: `The last ${PAST_PERIODS} closed periods (newest first): what each came to and its order.`,
      },
    ),
  },
  {
    description:
      'The current period’s usage of each meter the license’s limits define (`recordsPerMonth` is the meter `records`); none when it meters nothing.',
  },
);
export type UsageMeters = Static<typeof UsageMetersJson>;

export async function usageMeters(usage: UsageService, license: LicenseRow): Promise<UsageMeters> {
  const { policy } = usagePlanOf(license.limits);
  const totals = await usage.totals(license);
  // Statement rows are per meter; a period is their group (rows come newest period first).
  const periods = new Map<number, UsageMeters['periods'][number]>();
  for (const s of await usage.statements(license.id, PAST_PERIODS * 20)) {
    const start = new Date(s.period_start);
    let p = periods.get(start.getTime());
    if (!p) {
      if (periods.size === PAST_PERIODS) break;
      p = {
        periodStart: start.toISOString(),
        periodEnd: new Date(s.period_end).toISOString(),
        currency: s.currency.trim(),
        overageAmount: 0,
        orderId: null,
        meters: [],
      };
      periods.set(start.getTime(), p);
    }
    const amount = Number(s.overage_amount);
    p.overageAmount += amount;
    p.orderId ??= s.order_id;
    p.meters.push({
      meter: s.meter,
      included: s.included === null ? null : Number(s.included),
      used: Number(s.used),
      overage: Number(s.overage),
      overageAmount: amount,
    });
  }
  return {
    policy,
    meters: totals.map((m) => ({ ...m, level: meterLevel(m.included, m.used) })),
    periods: [...periods.values()],
  };
}
