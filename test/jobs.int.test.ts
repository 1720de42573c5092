import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/platform/db/client.ts';
import { handle } from '../src/platform/db/transaction.ts';
import { EventBus } from '../src/platform/jobs/events.ts';
import { JobQueue } from '../src/platform/jobs/queue.ts';
import { createLogger } from '../src/platform/log.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { pgliteDataDirFromTemplate } from './support/template.ts';

const log = createLogger('silent');
const until = async (check: () => boolean | Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
};

describe('job queue', () => {
  let testDb: TestDatabase;
  let queue: JobQueue;
  const seen: string[] = [];
  let flakyCalls = 0;
  const mixedRuns: string[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase();
    queue = new JobQueue(testDb.database, log, { concurrency: 2, pollingIntervalSeconds: 0.5 });
    queue.define<{ v: string }>({ name: 'test.ok', handler: async ({ v }) => void seen.push(v) });
    queue.define({
      name: 'test.flaky',
      retryLimit: 3,
      retryDelaySeconds: 1,
      handler: async () => {
        flakyCalls++;
        if (flakyCalls < 3) throw new Error('transient');
      },
    });
    queue.define({
      name: 'test.broken',
      retryLimit: 1,
      retryDelaySeconds: 1,
      retryBackoff: false,
      handler: async () => {
        throw new Error('always broken');
      },
    });
    queue.define({ name: 'test.cron', cron: '*/5 * * * *', handler: async () => {} });
    queue.define<{ v: string }>({
      name: 'test.mixed',
      retryLimit: 0,
      handler: async ({ v }) => {
        mixedRuns.push(v);
        if (v === 'bad') throw new Error('bad job');
      },
    });
    await queue.start();
    await queue.work();
  });

  afterAll(async () => {
    await queue.stop(2000);
    await testDb.drop();
  });

  it('runs a job', async () => {
    await queue.send('test.ok', { v: 'a' });
    await until(() => seen.includes('a'));
  });

  it('retries with backoff until it succeeds', async () => {
    await queue.send('test.flaky', {});
    await until(() => flakyCalls >= 3);
    expect(flakyCalls).toBe(3);
  });

  it('lists a job that spent its retries as failed, and can retry it', async () => {
    const id = await queue.send('test.broken', {});
    await until(async () => (await queue.failed()).some((j) => j.id === id));
    const failed = (await queue.failed()).find((j) => j.id === id)!;
    expect(failed.queue).toBe('test.broken');
    expect(JSON.stringify(failed.output)).toContain('always broken');
    // The dead-letter queue got a copy for inspection.
    expect(await queue.boss.getQueueSize('test.broken.dead')).toBeGreaterThanOrEqual(1);
    await queue.retry('test.broken', id!);
    const job = await queue.boss.getJobById('test.broken', id!);
    expect(['retry', 'created', 'active', 'failed']).toContain(job?.state);
  });

  it('holds a delayed job until its time', async () => {
    await queue.send('test.ok', { v: 'later' }, { startAfter: new Date(Date.now() + 1500) });
    await new Promise((r) => setTimeout(r, 700));
    expect(seen).not.toContain('later');
    await until(() => seen.includes('later'));
  });

  it('enqueues inside a transaction only if it commits', async () => {
    const db = testDb.database.db;
    await db
      .transaction()
      .execute(async (trx) => {
        await queue.send('test.ok', { v: 'rolled-back' }, { trx: handle(trx) });
        throw new Error('abort');
      })
      .catch(() => {});
    await db.transaction().execute(async (trx) => {
      await queue.send('test.ok', { v: 'committed' }, { trx: handle(trx) });
    });
    await until(() => seen.includes('committed'));
    await new Promise((r) => setTimeout(r, 700));
    expect(seen).not.toContain('rolled-back');
  });

  it('jobs fetched together end on their own: one failing fails alone, its neighbour completes once', async () => {
    // Committed together, so the queue's one poller fetches both in one go (concurrency 2).
    const ids = await testDb.database.db
      .transaction()
      .execute(async (trx) => [
        await queue.send('test.mixed', { v: 'bad' }, { trx: handle(trx) }),
        await queue.send('test.mixed', { v: 'good' }, { trx: handle(trx) }),
      ]);
    const state = async (i: number) => (await queue.boss.getJobById('test.mixed', ids[i]!))?.state;
    await until(async () => (await state(0)) === 'failed' && (await state(1)) === 'completed');
    await new Promise((r) => setTimeout(r, 1000));
    expect(mixedRuns.sort()).toEqual(['bad', 'good']);
    const failed = (await queue.failed()).find((j) => j.id === ids[0]);
    expect(JSON.stringify(failed?.output)).toContain('bad job');
  });

  it('registers cron schedules', async () => {
    const schedules = await queue.boss.getSchedules();
    expect(schedules.map((s) => s.name)).toContain('test.cron');
  });

  it('reports counts by queue and state', async () => {
    const counts = await queue.counts();
    expect(counts.find((c) => c.queue === 'test.ok')).toBeDefined();
  });
});

// The suite above starts on an empty database (the queue installs its schema); the ones below
// start from the run's migrated template, which has it, and skip PGlite's initdb (seconds each).
describe('a graceful stop', () => {
  it('waits for a running job to finish', async () => {
    const testDb = await createTestDatabase({ migrated: true });
    const q = new JobQueue(testDb.database, log, { pollingIntervalSeconds: 0.5 });
    let started = false;
    let finished = false;
    q.define({
      name: 'test.slow',
      handler: async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 1500));
        finished = true;
      },
    });
    await q.start();
    await q.work();
    await q.send('test.slow', {});
    await until(() => started);
    await q.stop(5000);
    expect(finished).toBe(true);
    await testDb.drop();
  });
});

describe('a job enqueued before a shutdown', () => {
  it('runs after the restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhiriq-jobs-'));
    let pg: TestDatabase | undefined;
    const open = async (): Promise<Database> => {
      if (process.env.TEST_DATABASE_URL) {
        pg ??= await createTestDatabase({ migrated: true });
        return openDatabase({ databaseUrl: pg.url });
      }
      return openDatabase({ pgliteDir: path.join(dir, 'pglite') });
    };
    pgliteDataDirFromTemplate(dir);
    try {
      const first = await open();
      const q1 = new JobQueue(first, log, { pollingIntervalSeconds: 0.5 });
      q1.define({ name: 'test.persist', handler: async () => {} });
      await q1.start();
      await q1.send('test.persist', { n: 1 });
      await q1.stop(1000);
      await first.close();

      const ran: unknown[] = [];
      const second = await open();
      const q2 = new JobQueue(second, log, { pollingIntervalSeconds: 0.5 });
      q2.define({ name: 'test.persist', handler: async (data) => void ran.push(data) });
      await q2.start();
      await q2.work();
      await until(() => ran.length === 1);
      expect(ran).toEqual([{ n: 1 }]);
      await q2.stop(1000);
      await second.close();
    } finally {
      await pg?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('domain events', () => {
  it('fan out to every subscriber in the publisher transaction; one failing subscriber never re-runs another', async () => {
    const testDb = await createTestDatabase({ migrated: true });
    const q = new JobQueue(testDb.database, log, { pollingIntervalSeconds: 0.5 });
    const bus = new EventBus(q);
    const mailed: string[] = [];
    let fulfilCalls = 0;
    bus.subscribe('orders.paid', { name: 'mail', handler: async ({ orderId }) => void mailed.push(orderId) });
    bus.subscribe('orders.paid', {
      name: 'fulfil',
      retryLimit: 2,
      retryDelaySeconds: 1,
      retryBackoff: false,
      handler: async () => {
        fulfilCalls++;
        if (fulfilCalls === 1) throw new Error('transient');
      },
    });
    expect(bus.subscribers('orders.paid')).toEqual(['orders.paid-mail', 'orders.paid-fulfil']);
    await q.start();
    await q.work();
    const db = testDb.database.db;
    await db
      .transaction()
      .execute(async (trx) => {
        await bus.publish('orders.paid', { orderId: 'rolled-back' }, { trx: handle(trx), key: 'rb' });
        throw new Error('abort');
      })
      .catch(() => {});
    await db.transaction().execute(async (trx) => {
      await bus.publish('orders.paid', { orderId: 'o1' }, { trx: handle(trx), key: 'o1' });
    });
    await until(() => fulfilCalls === 2);
    await new Promise((r) => setTimeout(r, 700));
    // The failing subscriber retried alone: the mail ran once.
    expect(mailed).toEqual(['o1']);
    await q.stop(2000);
    await testDb.drop();
  });
});
