import { getMigrations } from 'better-auth/db/migration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { authOptions } from './auth/better-auth.ts';

/**
 * Our migration is better-auth's schema for our options, committed as SQL. If
 * the options change (a plugin, a field) without a migration, better-auth would
 * find something to create or add here, and this test fails.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('better-auth schema', () => {
  it('has nothing to create or add after our migrations ran', async () => {
    const noop = async () => {};
    const options = authOptions({
      config: t.config,
      secrets: t.app.ctx.secrets,
      clock: t.app.ctx.clock,
      log: t.app.ctx.log,
      db: t.app.ctx.db.withTables(),
      mail: {
        sendVerificationEmail: noop,
        sendResetPassword: noop,
        onExistingUserSignUp: noop,
        sendInvitationEmail: noop,
      },
    });
    const plan = await getMigrations(options, { throwOnUnsafe: false });
    expect(plan.toBeCreated.map((x) => x.table)).toEqual([]);
    expect(plan.toBeAdded.map((x) => [x.table, Object.keys(x.fields)])).toEqual([]);
    expect(plan.toBeAddedIndexes.map((x) => x.name)).toEqual([]);
    expect(plan.schemaProblems).toEqual([]);
    expect(plan.unsafeChanges).toEqual([]);
    expect(await plan.compileMigrations()).toBe(';');
  });
});
