import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { CookieJar, signedInUser } from '../accounts/test-support.ts';
import { payWithCard } from '../checkout/test-support.ts';
import type { LicenseRow } from '../licensing/index.ts';
import type { SubscriptionRow } from '../subscriptions/index.ts';
import { FULFILLMENT_JOBS, SUBSCRIPTION_SUSPENDED } from './index.ts';
import { afterPayment, buy, runQueued } from './test-support.ts';

/**
 * A subscription's license through its life, on the built-in provider and a manual clock:
 * renewal extends it, a failed renewal keeps it valid through the grace period, suspension
 * suspends it, paying reinstates it, a plan change changes its seats and edition, cancellation
 * expires it at the period end (or now). "Subscription changed" runs as the worker would —
 * twice, and out of order — and the license ends the same.
 */

let t: TestApp;
afterEach(async () => t?.close());

const at = (iso: string) => t.clock!.set(iso);
const sweep = () => t.app.modules.subscriptions.service.sweep();
const syncLicenses = () => runQueued(t, FULFILLMENT_JOBS.subscriptionChanged);

async function subscribed(
  sku: string,
  card = '4242424242424242',
): Promise<{ sub: SubscriptionRow; license: () => Promise<LicenseRow>; key: string }> {
  const jar = await signedInUser(t, 'subscriber@example.de');
  const orderId = await buy(t, jar, 'subscriber@example.de', [{ sku, quantity: 1 }], { card });
  await afterPayment(t);
  const [sub] = await t.app.modules.subscriptions.service.ofOrder(orderId);
  const ref = (
    await sql<{ source_ref: string }>`
      SELECT s.key AS source_ref FROM fulfillment_step s WHERE s.order_id = ${orderId}`.execute(t.app.ctx.db)
  ).rows[0]!.source_ref;
  const { licenses } = t.app.modules.licensing;
  const first = (await licenses.bySourceRef(ref))!;
  return { sub: sub!, license: async () => (await licenses.bySourceRef(ref))!, key: licenses.keyOf(first) };
}

const validation = async (key: string) =>
  (await t.app.modules.licensing.licenses.validate(key, {}, { ip: null })).result.code;
const until = (l: LicenseRow) => l.valid_until?.toISOString() ?? null;

describe('a monthly license and its subscription', () => {
  it('renews, keeps access in grace, suspends, reinstates when paid, and expires at the end', async () => {
    t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
    // Pays the first time, declines every later charge.
    const { sub, license, key } = await subscribed('TL-MAPPER-PR-M', '4000000000000341');
    expect(await license()).toMatchObject({ status: 'ACTIVE', seats: 5, sku: 'TL-MAPPER-PR-M' });
    expect(until(await license())).toBe('2026-04-10T12:00:00.000Z');

    // The renewal fails: past due, the license stays valid to the end of the grace period.
    at('2026-04-10T12:05:00Z');
    expect((await sweep()).failed).toBe(1);
    await syncLicenses();
    expect(await license()).toMatchObject({ status: 'ACTIVE' });
    expect(until(await license())).toBe('2026-04-17T12:05:00.000Z');
    at('2026-04-16T00:00:00Z');
    expect(await validation(key)).toBe('VALID');

    // The grace period ends: suspended.
    at('2026-04-17T12:06:00Z');
    expect((await sweep()).suspended).toBe(1);
    await syncLicenses();
    expect(await license()).toMatchObject({ status: 'SUSPENDED', status_reason: SUBSCRIPTION_SUSPENDED });
    expect(await validation(key)).toBe('SUSPENDED');

    // The customer pays the renewal with another card: reinstated, to the period paid for.
    at('2026-04-20T09:00:00Z');
    const renewal = (await t.app.modules.subscriptions.service.openRenewal(
      (await t.app.modules.subscriptions.service.get(sub.id))!,
    ))!;
    const payUrl = (await t.app.modules.payments.service.payUrlForOrder(renewal.order_id))!;
    expect((await payWithCard(t, new CookieJar(), payUrl, '4242424242424242')).statusCode).toBe(303);
    await runQueued(t, 'orders.paid-subscriptions');
    // A renewal order is not fulfilled again: no second license.
    await runQueued(t, FULFILLMENT_JOBS.orderPaid);
    expect(
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM license`.execute(t.app.ctx.db)).rows[0]!.n,
    ).toBe(1);
    await syncLicenses();
    expect(await license()).toMatchObject({ status: 'ACTIVE', status_reason: null });
    expect(until(await license())).toBe('2026-05-10T12:00:00.000Z');
    expect(await validation(key)).toBe('VALID');

    // The next renewal (the new card) extends it.
    at('2026-05-10T12:01:00Z');
    expect((await sweep()).renewed).toBe(1);
    await syncLicenses();
    expect(until(await license())).toBe('2026-06-10T12:00:00.000Z');

    // Every change delivered again changes nothing.
    const events = async () =>
      (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM license_event WHERE type <> 'validated'`.execute(t.app.ctx.db)
      ).rows[0]!.n;
    const before = await events();
    await sql`UPDATE pgboss.job SET state = 'created' WHERE name = ${FULFILLMENT_JOBS.subscriptionChanged}`.execute(
      t.app.ctx.db,
    );
    expect(await syncLicenses()).toBeGreaterThan(3);
    expect(await events()).toBe(before);

    // Canceled at the period end: runs to its end, then expires.
    await t.app.modules.subscriptions.service.cancel(sub.user_id, sub.id, 'period_end');
    await syncLicenses();
    expect(await license()).toMatchObject({ status: 'ACTIVE' });
    expect(until(await license())).toBe('2026-06-10T12:00:00.000Z');
    at('2026-06-10T12:01:00Z');
    expect((await sweep()).ended).toBe(1);
    await syncLicenses();
    expect(await license()).toMatchObject({ status: 'EXPIRED', status_reason: 'subscription ended' });
    expect(until(await license())).toBe('2026-06-10T12:00:00.000Z');
  });

  it('ends at once when canceled now', async () => {
    t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
    const { sub, license } = await subscribed('TL-QUALITY-ST-A');
    expect(until(await license())).toBe('2027-03-10T12:00:00.000Z');
    at('2026-05-01T08:00:00Z');
    await t.app.modules.subscriptions.service.cancel(sub.user_id, sub.id, 'now');
    await syncLicenses();
    expect(await license()).toMatchObject({ status: 'EXPIRED' });
    expect(until(await license())).toBe('2026-05-01T08:00:00.000Z');
  });

  it('follows a plan change: edition and seats, down and up', async () => {
    t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
    const { sub, license } = await subscribed('TL-MAPPER-PR-M');
    const subs = t.app.modules.subscriptions.service;
    at('2026-03-20T12:00:00Z');
    // Down to Starter (1 user): credited, applied at once.
    await subs.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-ST-M', quantity: 1 });
    await syncLicenses();
    expect(await license()).toMatchObject({ sku: 'TL-MAPPER-ST-M', seats: 1, status: 'ACTIVE' });
    expect((await license()).limits).toMatchObject({ users: 1 });
    // Back up (charged to the saved card): 5 seats again; the term is unchanged.
    await subs.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-PR-M', quantity: 1 });
    await syncLicenses();
    expect(await license()).toMatchObject({ sku: 'TL-MAPPER-PR-M', seats: 5 });
    expect(until(await license())).toBe('2026-04-10T12:00:00.000Z');
  });

  it('ends in the same state whatever order the changes arrive in', async () => {
    t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
    const { sub, license } = await subscribed('TL-MAPPER-ST-M', '4000000000000341');
    at('2026-04-10T12:05:00Z');
    await sweep();
    at('2026-04-17T12:06:00Z');
    await sweep();
    // past_due and suspended are queued; deliver them newest first.
    const queued = (
      await sql<{ id: string; data: object }>`
        SELECT id::text AS id, data FROM pgboss.job WHERE name = ${FULFILLMENT_JOBS.subscriptionChanged}
        AND state = 'created' ORDER BY created_on DESC`.execute(t.app.ctx.db)
    ).rows;
    expect(queued.length).toBeGreaterThanOrEqual(2);
    const def = t.app.ctx.jobs.definitions.find((d) => d.name === FULFILLMENT_JOBS.subscriptionChanged)!;
    for (const job of queued) await def.handler(job.data, { id: job.id, retryCount: 0 });
    expect((await t.app.modules.subscriptions.service.get(sub.id))?.status).toBe('suspended');
    expect(await license()).toMatchObject({ status: 'SUSPENDED' });
    expect(until(await license())).toBe('2026-04-17T12:05:00.000Z');
  });

  it('does not lift a suspension staff made', async () => {
    t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
    const { license } = await subscribed('TL-MAPPER-ST-M');
    const l = await license();
    await t.app.modules.licensing.licenses.setStatus(l.id, 'SUSPENDED', { kind: 'cli' }, 'abuse report');
    at('2026-04-10T12:01:00Z');
    expect((await sweep()).renewed).toBe(1);
    await syncLicenses();
    expect(await license()).toMatchObject({ status: 'SUSPENDED', status_reason: 'abuse report' });
    expect(until(await license())).toBe('2026-05-10T12:00:00.000Z');
  });
});
