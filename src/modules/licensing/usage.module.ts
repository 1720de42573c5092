import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import type { LicenseService } from './licenses.service.ts';
import type { LicensingDb, UsageTables } from './licensing.tables.ts';
import { UsageService } from './usage.service.ts';

/** The cron job that closes ended usage periods into statements and hands them to billing. */
export const USAGE_CLOSE_JOB = 'licensing.usage-close';
/** Daily: deletes the events of periods closed more than USAGE_EVENT_RETENTION_DAYS ago. */
export const USAGE_PRUNE_JOB = 'licensing.usage-prune';
const PRUNE_BATCH = 10_000;
const CLOSE_BATCH = 500;
/** Less than the cron interval, so two runs never overlap for long. */
const CLOSE_BUDGET_MS = 8 * 60 * 1000;

/**
 * Usage metering, assembled: the service, validation's usage check (a block-policy meter used up
 * answers USAGE_LIMIT_EXCEEDED) and the period-closing job.
 */
export function createUsage(
  ctx: PlatformContext,
  db: Kysely<LicensingDb>,
  licenses: LicenseService,
): UsageService {
  const usage = new UsageService(ctx, db.withTables<UsageTables>(), licenses);
  licenses.usageFacts = (license, now) => usage.usageFacts(license, now);
  ctx.jobs.define({
    name: USAGE_CLOSE_JOB,
    // Every 10 minutes: a period's statement is written within minutes of its end.
    cron: '*/10 * * * *',
    retryLimit: 2,
    expireInSeconds: 30 * 60,
    handler: async () => {
      // Batches until nothing is due or the run's budget is spent (the next run continues).
      const started = Date.now();
      for (;;) {
        const counts = await usage.closeDuePeriods(CLOSE_BATCH);
        if (counts.closed || counts.failed) ctx.log.info({ ...counts }, 'usage periods closed');
        const seen = counts.closed + counts.skipped + counts.failed;
        if (seen < CLOSE_BATCH || counts.closed === 0 || Date.now() - started > CLOSE_BUDGET_MS) break;
      }
    },
  });
  ctx.jobs.define({
    name: USAGE_PRUNE_JOB,
    cron: '40 3 * * *',
    retryLimit: 2,
    expireInSeconds: 30 * 60,
    handler: async () => {
      const before = new Date(ctx.clock.now().getTime() - ctx.config.usageEventRetentionDays * 86_400_000);
      // Batches, so one run never holds a long lock or a huge transaction.
      let pruned = 0;
      for (;;) {
        const n = await usage.pruneEvents(before, PRUNE_BATCH);
        pruned += n;
        if (n < PRUNE_BATCH) break;
      }
      if (pruned) ctx.log.info({ pruned }, 'usage events pruned');
    },
  });
  return usage;
}
