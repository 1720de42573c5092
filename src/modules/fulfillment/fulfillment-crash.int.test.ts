import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, onPostgres, type TestDatabase } from '../../../test/support/database.ts';
import { pgliteDataDirFromTemplate } from '../../../test/support/template.ts';
import type { TestApp } from '../../../test/support/test-app.ts';
import { App } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../platform/log.ts';
import { CookieJar } from '../accounts/test-support.ts';
import { READY_MAIL_TEMPLATE } from './index.ts';
import { buy, mailsWith, runQueued } from './test-support.ts';

/**
 * The worker really dies: a child process fulfils an order and SIGKILLs itself between two
 * steps (after the second delivery committed, before its step is marked done). After a
 * restart on the same database the job runs again and the order ends with exactly one license,
 * one enrollment and one allocation. Embedded mode (a PGlite data directory) or PostgreSQL
 * (TEST_DATABASE_URL), like the rest of the suite.
 */

const root = path.resolve(import.meta.dirname, '../../..');
const child = path.join(import.meta.dirname, 'crash-child.test-support.ts');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhiriq-crash-'));
let pg: TestDatabase | undefined;

afterAll(async () => {
  await pg?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function open(env: Record<string, string>): Promise<TestApp> {
  const config = loadConfig(env);
  const app = await App.create({ config, log: createLogger('silent'), purpose: 'crash test parent' });
  const http = await app.buildHttp();
  return {
    app,
    http,
    config,
    clock: undefined,
    testDb: { database: app.ctx.database, url: env.DATABASE_URL, drop: async () => {} },
    close: () => app.stop(),
  };
}

function runChild(
  env: Record<string, string>,
  args: string[],
): Promise<{ signal: string | null; out: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], { env, cwd: root });
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
    });
    proc.stderr.on('data', (d) => {
      out += d;
    });
    proc.on('close', (_code, signal) => resolve({ signal, out }));
  });
}

const counts = async (t: TestApp, orderId: string) => {
  const n = async (table: string) =>
    (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE source_ref IN
        (SELECT key FROM fulfillment_step WHERE order_id = ${orderId})`.execute(t.app.ctx.db)
    ).rows[0]!.n;
  return {
    licenses: await n('license'),
    enrollments: await n('training_enrollment'),
    allocations: await n('consulting_allocation'),
  };
};

describe('a worker killed between fulfillment steps', () => {
  it('resumes after a restart and ends with exactly one license, one enrollment, one allocation', async () => {
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      APP_SECRET: 'crash-secret-crash-secret-crash-secret-01',
      LOG_LEVEL: 'silent',
      PORT: '0',
    };
    if (onPostgres) {
      // The suite's choice of database: a fresh PostgreSQL database, which parent and child open by URL.
      pg = await createTestDatabase({ migrated: true });
      await pg.database.close();
      env.DATABASE_URL = pg.url!;
    } else {
      // The embedded database starts from the run's migrated template, like every other test's.
      pgliteDataDirFromTemplate(dataDir);
    }

    // A paid order with a tool, a course and consulting hours; its subscription exists.
    let t = await open(env);
    const orderId = await buy(t, new CookieJar(), 'killed@example.de', [
      { sku: 'TL-MAPPER-ST-M', quantity: 1 },
      { sku: 'TR-FHIR101-SP-P', quantity: 1 },
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
    ]);
    await runQueued(t, 'orders.paid-subscriptions');
    await t.close();

    // The worker dies after the second step delivered, before it could mark the step done.
    const died = await runChild(env, [orderId, 'after-effect', '1']);
    expect(died.signal, died.out).toBe('SIGKILL');

    t = await open(env);
    try {
      const view = (await t.app.modules.fulfillment.service.get(orderId))!;
      expect(view.fulfillment).toMatchObject({ status: 'pending', attempts: 1 });
      expect(view.steps.map((s) => s.status)).toEqual(['done', 'pending', 'pending']);
      // The first two deliveries exist (the second one's step not marked done), the third does not.
      const made = { license: 0, enrollment: 0, allocation: 0 };
      for (const s of view.steps.slice(0, 2)) made[s.kind]++;
      expect(made.license + made.enrollment + made.allocation).toBe(2);
      expect(await counts(t, orderId)).toEqual({
        licenses: made.license,
        enrollments: made.enrollment,
        allocations: made.allocation,
      });

      // The queue delivers the job again (its lease expired with the process).
      await t.app.modules.fulfillment.service.onOrderPaid(orderId, { final: false });
      expect(await counts(t, orderId)).toEqual({ licenses: 1, enrollments: 1, allocations: 1 });
      expect((await t.app.modules.fulfillment.service.get(orderId))!.fulfillment).toMatchObject({
        status: 'fulfilled',
        attempts: 2,
      });
      expect(
        (await mailsWith(t, READY_MAIL_TEMPLATE)).filter((m) => m.to === 'killed@example.de'),
      ).toHaveLength(1);
    } finally {
      await t.close();
    }
  }, 120_000);
});
