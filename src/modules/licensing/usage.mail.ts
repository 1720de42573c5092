import type { PlatformContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/transaction.ts';
import { paragraphMail } from '../../platform/mail/compose.ts';
import { formatMoney } from '../../platform/money.ts';
import type { UsagePlan, UsageThreshold } from './domain/usage.ts';
import type { LicenseRow } from './licensing.tables.ts';

export const USAGE_WARNING_TEMPLATE = 'licensing.usage-warning';

const count = (n: number) => n.toLocaleString('en-US');
const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * A usage warning: the license reached 80 % or 100 % of a meter's included quantity this period.
 * Queued in the caller's transaction, so it exists exactly when the usage that crossed it does.
 * The key is never in it (only its last group, as on the owner's pages).
 */
export async function sendUsageWarning(
  ctx: PlatformContext,
  trx: DbHandle,
  input: {
    license: Pick<LicenseRow, 'id' | 'email' | 'sku' | 'key_last4'>;
    plan: UsagePlan;
    meter: string;
    threshold: UsageThreshold;
    included: number;
    used: number;
    periodEnd: Date;
  },
): Promise<void> {
  const { license, plan, meter, threshold, included, used, periodEnd } = input;
  if (!license.email) return;
  const rate = plan.meters.find((m) => m.meter === meter)?.ratePer1000 ?? 0;
  const after =
    plan.policy === 'block'
      ? threshold === 100
        ? `Further ${meter} are refused until the next period starts on ${day(periodEnd)}.`
        : `Once it is used up, further ${meter} are refused until the next period starts on ${day(periodEnd)}.`
      : `Usage above the included quantity is billed at the end of the period (${day(periodEnd)}) at ${formatMoney(rate, plan.currency)} per 1,000 ${meter}.`;
  const paragraphs = [
    'Hello,',
    `Your ${license.sku} license (key ending ${license.key_last4}) has used ${count(used)} of the ${count(included)} ${meter} included this period: ${threshold === 100 ? 'all of it' : `${threshold} %`}.`,
    after,
    `Your account: ${ctx.config.publicUrl}/account`,
  ];
  await ctx.mail.enqueue(
    {
      to: license.email,
      template: USAGE_WARNING_TEMPLATE,
      subject:
        threshold === 100
          ? `Your FHIR IQ ${license.sku} license has used its included ${meter}`
          : `Your FHIR IQ ${license.sku} license has used ${threshold} % of its included ${meter}`,
      ...paragraphMail(paragraphs),
    },
    trx,
  );
}
