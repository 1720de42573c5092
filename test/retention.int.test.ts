import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser } from '../src/modules/accounts/test-support.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';

// Personal data and credentials are kept only as long as they serve a purpose:
// cron jobs prune the outbox and dead credentials.

let t: TestApp;

async function runJob(name: string) {
  const def = t.app.ctx.jobs.definitions.find((d) => d.name === name);
  if (!def) throw new Error(`no job ${name}`);
  await def.handler({}, { id: 'test', retryCount: 0 });
}

const count = async (table: string) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.app.ctx.db))
    .rows[0]!.n;

beforeAll(async () => {
  t = await createTestApp({ clockAt: new Date().toISOString() });
});

afterAll(async () => {
  await t?.close();
});

describe('retention', () => {
  it('deletes delivered mail after MAIL_RETENTION_DAYS and keeps undelivered mail', async () => {
    const mail = t.app.ctx.mail;
    const delivered = await mail.enqueue({
      to: 'old@example.com',
      subject: 's',
      text: 't',
      html: 'h',
      template: 'test.old',
    });
    await mail.deliver(delivered);
    const pending = await mail.enqueue({
      to: 'queued@example.com',
      subject: 's',
      text: 't',
      html: 'h',
      template: 'test.q',
    });
    await sql`UPDATE mail_message SET status = 'queued' WHERE id = ${pending}`.execute(t.app.ctx.db);

    t.clock!.advance(89 * 86_400_000);
    await runJob('mail.prune');
    expect(await mail.get(delivered)).toBeDefined();

    t.clock!.advance(2 * 86_400_000);
    await runJob('mail.prune');
    expect(await mail.get(delivered)).toBeUndefined();
    expect(await mail.get(pending)).toBeDefined();
  });

  it('deletes expired sessions and verification tokens', async () => {
    t.clock!.set(new Date());
    await signedInUser(t, 'prune@example.com');
    expect(await count('auth_session')).toBeGreaterThan(0);
    await runJob('accounts.prune-expired');
    expect(await count('auth_session')).toBeGreaterThan(0);
    t.clock!.set('2035-01-01T00:00:00Z');
    await runJob('accounts.prune-expired');
    expect(await count('auth_session')).toBe(0);
    expect(await count('auth_verification')).toBe(0);
  });

  // Last: once the app works, every queue's workers poll the one PGlite connection, and on a
  // loaded machine the tests above, queued behind them, ran out of time.
  it('schedules the pruning jobs as cron jobs', async () => {
    await t.app.work();
    const names = (await t.app.ctx.jobs.boss.getSchedules()).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['mail.prune', 'accounts.prune-expired', 'leads.prune']));
  });
});
