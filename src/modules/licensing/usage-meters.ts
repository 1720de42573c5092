import Type, { type Static } from 'typebox';
import { meterLevel, USAGE_POLICIES, usagePlanOf } from './domain/usage.ts';
import type { LicenseRow } from './licensing.tables.ts';
import type { UsageService } from './usage.service.ts';

/** A license's meters in the current period, with where each stands: the owner's license page and JSON. */

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
  return { policy, meters: totals.map((m) => ({ ...m, level: meterLevel(m.included, m.used) })) };
}
