import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, signedInUser } from '../accounts/test-support.ts';
import { staffJars } from '../catalog/test-support.ts';
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
  seats = 1,
): Promise<{ sub: SubscriptionRow; license: () => Promise<LicenseRow>; key: string }> {
  const jar = await signedInUser(t, 'subscriber@example.de');
  const orderId = await buy(t, jar, 'subscriber@example.de', [{ sku, quantity: seats }], { card });
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
    const { sub, license, key } = await subscribed('TL-MAPPER-PR-M', '4000000000000341', 3);
    expect(await license()).toMatchObject({ status: 'ACTIVE', seats: 3, sku: 'TL-MAPPER-PR-M' });
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

  it('follows a plan change: a quantity change is a seat change, prorated; the edition too', async () => {
    t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
    const { sub, license } = await subscribed('TL-MAPPER-PR-M', '4242424242424242', 3);
    const subs = t.app.modules.subscriptions.service;
    expect(await license()).toMatchObject({ seats: 3, max_machines: 3 });
    at('2026-03-20T12:00:00Z');
    // Two more seats, 21 of the period's 31 days left: charged 2 × 99 × 21/31 now, seats follow.
    const more = await subs.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-PR-M', quantity: 5 });
    expect(more.preview.proration).toMatchObject({ credit: 20119, charge: 33532, net: 13413 });
    expect(more.orderId).not.toBeNull();
    await syncLicenses();
    expect(await license()).toMatchObject({ sku: 'TL-MAPPER-PR-M', seats: 5, max_machines: 5 });
    // More than Professional carries: refused, nothing changes.
    await expect(
      subs.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-PR-M', quantity: 6 }),
    ).rejects.toMatchObject({ code: 'EDITION_SEAT_LIMIT_EXCEEDED' });
    expect(await subs.get(sub.id)).toMatchObject({ quantity: 5 });

    // Named users on every seat; down to two seats: credited, the last assigned users lose theirs.
    const l = await license();
    const { seats } = t.app.modules.licensing;
    for (const n of [1, 2, 3, 4, 5]) await seats.assign(l.id, `user${n}@example.de`, { kind: 'cli' });
    const fewer = await subs.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-PR-M', quantity: 2 });
    expect(fewer.preview.proration.net).toBe(-20119);
    await syncLicenses();
    expect(await license()).toMatchObject({ seats: 2, max_machines: 2 });
    expect(await t.app.modules.licensing.licenses.seatsOf(l.id)).toEqual([
      'user1@example.de',
      'user2@example.de',
    ]);

    // Down to Starter (one person): credited, applied at once.
    await subs.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-ST-M', quantity: 1 });
    await syncLicenses();
    expect(await license()).toMatchObject({ sku: 'TL-MAPPER-ST-M', seats: 1, status: 'ACTIVE' });
    expect((await license()).limits).toMatchObject({ users: 1 });
    await expect(
      subs.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-ST-M', quantity: 2 }),
    ).rejects.toMatchObject({ code: 'EDITION_SEAT_LIMIT_EXCEEDED' });
    // Back up with four seats (charged to the saved card); the term is unchanged.
    await subs.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-PR-M', quantity: 4 });
    await syncLicenses();
    expect(await license()).toMatchObject({ sku: 'TL-MAPPER-PR-M', seats: 4 });
    expect(until(await license())).toBe('2026-04-10T12:00:00.000Z');
  });

  it('keeps the seats of a license sold with its users included until its plan or seats change', async () => {
    t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
    const db = t.app.ctx.db;
    // An install from before editions were sold per seat: Professional, one unit, five users included.
    await sql`UPDATE catalog_sku SET per_seat = false WHERE code = 'TL-MAPPER-PR-M'`.execute(db);
    await sql`UPDATE catalog_state SET version = version + 1`.execute(db);
    const { sub, license } = await subscribed('TL-MAPPER-PR-M');
    expect(await license()).toMatchObject({ seats: 5, max_machines: 5 });
    // The upgrade's migration sells the edition per seat from now on.
    const migration = readFileSync(
      new URL('../catalog/migrations/202611270500_catalog_tools_per_seat.sql', import.meta.url),
      'utf8',
    );
    await sql.raw(migration).execute(db);
    expect((await t.app.modules.catalog.service.get('TL-MAPPER-PR-M')).perSeat).toBe(true);
    // Renewals and a partial refund keep what was sold: five seats, a fifth of the line each.
    at('2026-04-10T12:01:00Z');
    expect((await sweep()).renewed).toBe(1);
    await syncLicenses();
    expect(await license()).toMatchObject({ seats: 5, status: 'ACTIVE' });
    // Just over a fifth of 117.81 EUR back: one of the five seats comes off.
    const staff = await staffJars(t, 'legacy');
    const refund = await api(t, 'POST', `/api/v1/admin/orders/${sub.origin_order_id}/refunds`, {
      jar: staff.admin,
      body: { amount: 2357, reason: 'one seat unused' },
      headers: { 'idempotency-key': 'legacy-seat-refund' },
    });
    expect(refund.statusCode, refund.body).toBe(201);
    await runQueued(t, FULFILLMENT_JOBS.orderRefunded);
    expect(await license()).toMatchObject({ seats: 4 });
    // A seat change counts seats by today's rule: three seats, less the one refunded.
    await t.app.modules.subscriptions.service.changePlan(sub.user_id, sub.id, {
      sku: 'TL-MAPPER-PR-M',
      quantity: 3,
    });
    await syncLicenses();
    expect(await license()).toMatchObject({ seats: 2 });
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
