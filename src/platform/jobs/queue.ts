import { CompiledQuery, sql } from 'kysely';
import PgBoss from 'pg-boss';
import type { Database } from '../db/client.ts';
import { type DbHandle, view } from '../db/transaction.ts';
import type { Logger } from '../log.ts';

/**
 * A job type: its name, retry policy and handler. Handlers must be idempotent:
 * the queue delivers at least once (a crash after the work but before the
 * acknowledgement runs it again).
 */
export interface JobDefinition<T extends object = Record<string, unknown>> {
  name: string;
  /** Attempts after the first. Default 5. */
  retryLimit?: number;
  /** Seconds before the first retry; doubled each time with backoff. Default 10. */
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  /** A running job not finished in this time is considered lost and retried. Default 15 min. */
  expireInSeconds?: number;
  /** Cron expression (UTC) for recurring jobs. */
  cron?: string;
  handler(data: T, meta: { id: string; retryCount: number }): Promise<void>;
}

export interface SendOptions {
  /** Run no earlier than this. */
  startAfter?: Date;
  /** At most one queued job with this key (pg-boss singleton). */
  singletonKey?: string;
  /** Enqueue inside this transaction: the job exists only if the transaction commits. */
  trx?: DbHandle;
}

export interface FailedJob {
  id: string;
  queue: string;
  data: unknown;
  output: unknown;
  retryCount: number;
  createdOn: Date;
  completedOn: Date | null;
}

export const JOB_STATES = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'] as const;

/** The durable queue (pg-boss in the same database), shared by web and worker processes. */
export class JobQueue {
  readonly boss: PgBoss;
  readonly #definitions = new Map<string, JobDefinition<object>>();
  readonly #log: Logger;
  readonly #database: Database;
  readonly #concurrency: number;
  readonly #polling: number;
  #working = false;
  #started = false;

  constructor(
    database: Database,
    log: Logger,
    options: { concurrency?: number; pollingIntervalSeconds?: number } = {},
  ) {
    this.#database = database;
    this.#log = log.child({ component: 'jobs' });
    this.#concurrency = options.concurrency ?? 4;
    this.#polling = options.pollingIntervalSeconds ?? 1;
    this.boss = new PgBoss({
      db: { executeSql: (text: string, values: unknown[]) => database.pool.query(text, values) },
      schema: 'pgboss',
      // Job rows are small; keep failed ones a month so staff can inspect and retry them.
      archiveFailedAfterSeconds: 30 * 24 * 3600,
      deleteAfterDays: 30,
    });
    this.boss.on('error', (err) => this.#log.error({ err }, 'job queue error'));
  }

  define<T extends object>(definition: JobDefinition<T>): void {
    if (this.#definitions.has(definition.name)) throw new Error(`Job ${definition.name} defined twice`);
    this.#definitions.set(definition.name, definition as unknown as JobDefinition<object>);
  }

  get definitions(): readonly JobDefinition<object>[] {
    return [...this.#definitions.values()];
  }

  get running(): boolean {
    return this.#started;
  }

  get working(): boolean {
    return this.#working;
  }

  /** Installs or upgrades pg-boss's schema, creates the queues and their dead-letter queues. */
  async start(): Promise<void> {
    await this.boss.start();
    for (const def of this.#definitions.values()) {
      const deadLetter = `${def.name}.dead`;
      await this.boss.createQueue(deadLetter, { name: deadLetter, retentionDays: 30 });
      const options = {
        name: def.name,
        retryLimit: def.retryLimit ?? 5,
        retryDelay: def.retryDelaySeconds ?? 10,
        retryBackoff: def.retryBackoff ?? true,
        expireInSeconds: def.expireInSeconds ?? 15 * 60,
        deadLetter,
      };
      // createQueue leaves an existing queue untouched; update it so policy changes in code take effect.
      if (await this.boss.getQueue(def.name)) await this.boss.updateQueue(def.name, options);
      else await this.boss.createQueue(def.name, options);
    }
    this.#started = true;
  }

  /** Starts consuming every defined queue in this process, and registers cron schedules. */
  async work(): Promise<void> {
    for (const def of this.#definitions.values()) {
      const run = async (job: PgBoss.JobWithMetadata<object>) => {
        const log = this.#log.child({ job: def.name, jobId: job.id, attempt: job.retryCount + 1 });
        try {
          await def.handler(job.data, { id: job.id, retryCount: job.retryCount });
          log.debug('job completed');
        } catch (err) {
          const final = job.retryCount >= job.retryLimit;
          log[final ? 'error' : 'warn'](
            { err, final },
            final ? 'job failed for good' : 'job failed, will retry',
          );
          throw err;
        }
      };
      // One poller per queue fetching up to `concurrency` jobs, not `concurrency` pollers of one
      // job each: an idle process polled every queue four times a second (56 queries a second,
      // a fifth of a core on the embedded database). The jobs of a fetch run side by side and each
      // ends on its own: a failed one is failed here, under its retry policy, and pg-boss's
      // completion of the fetch touches only jobs still active, so its neighbours are not failed
      // with it (what a plain batch handler would do). pg-boss waits the polling interval after a
      // fetch either way, so a queue's throughput is unchanged.
      await this.boss.work<object>(
        def.name,
        { batchSize: this.#concurrency, pollingIntervalSeconds: this.#polling, includeMetadata: true },
        async (jobs: PgBoss.JobWithMetadata<object>[]) => {
          const results = await Promise.allSettled(jobs.map(run));
          for (const [i, result] of results.entries()) {
            const job = jobs[i];
            if (result.status === 'fulfilled' || !job) continue;
            try {
              await this.boss.fail(def.name, job.id, toFailureOutput(result.reason));
            } catch (err) {
              // The job stays active until it expires, then pg-boss retries it.
              this.#log.error({ err, job: def.name, jobId: job.id }, 'could not record a job failure');
            }
          }
        },
      );
      if (def.cron) await this.boss.schedule(def.name, def.cron, {}, { tz: 'UTC' });
    }
    this.#working = true;
  }

  async send<T extends object>(name: string, data: T, options: SendOptions = {}): Promise<string | null> {
    if (!this.#definitions.has(name)) throw new Error(`Unknown job ${name}`);
    return this.boss.send(name, data, {
      ...(options.startAfter ? { startAfter: options.startAfter } : {}),
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      ...(options.trx ? { db: this.#executor(options.trx) } : {}),
    });
  }

  /** Counts by queue and state, for /metrics and the admin console. */
  async counts(): Promise<{ queue: string; state: string; count: number }[]> {
    if (!this.#started) return [];
    const r = await sql<{ queue: string; state: string; count: number }>`
      SELECT name AS queue, state::text AS state, count(*)::int AS count FROM pgboss.job GROUP BY name, state
    `.execute(this.#database.db);
    return r.rows;
  }

  /** Jobs that used up their retries (still retryable from the admin console). */
  async failed(limit = 100): Promise<FailedJob[]> {
    const r = await sql<FailedJob>`
      SELECT id::text AS id, name AS queue, data, output, retry_count AS "retryCount",
             created_on AS "createdOn", completed_on AS "completedOn"
      FROM pgboss.job WHERE state = 'failed' ORDER BY completed_on DESC NULLS LAST LIMIT ${limit}
    `.execute(this.#database.db);
    return r.rows;
  }

  /** Puts a failed job back in its queue; with `trx`, only if that transaction commits. */
  async retry(queue: string, id: string, trx?: DbHandle): Promise<void> {
    await this.boss.retry(queue, id, trx ? { db: this.#executor(trx) } : {});
  }

  /** pg-boss runs its SQL through this to join the caller's transaction. */
  #executor(trx: DbHandle): PgBoss.Db {
    const db = view<object>(trx);
    return {
      executeSql: async (text: string, values: unknown[]) => {
        const r = await db.executeQuery(CompiledQuery.raw(text, values));
        return { rows: r.rows as unknown[] };
      },
    };
  }

  /** Stops taking new jobs and waits (up to timeoutMs) for running ones to finish. */
  async stop(timeoutMs: number): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#working = false;
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: false });
  }
}

/** A failed job's output as pg-boss stores a thrown error itself (serialized: name, message, stack). */
function toFailureOutput(reason: unknown): object {
  return reason instanceof Error ? reason : { message: String(reason) };
}
