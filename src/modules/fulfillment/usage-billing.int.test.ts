import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, signedInUser } from '../accounts/test-support.ts';
import { payWithCard } from '../checkout/test-support.ts';
import { FULFILLMENT_JOBS, OVERAGE_DUE_MAIL_TEMPLATE } from './index.ts';
import { afterPayment, buy, mailsWith, runQueued } from './test-support.ts';

/**
 * A usage license's overage billed at its period end, against the real database and the job queue:
 * charged to the subscription's card once (an order with tax, invoiced when paid, delivering
 * nothing), however often the event runs; a declined card leaves the order to pay by link and mails
 * the customer once; a license issued by staff is recorded for staff to invoice by hand.
 */

let t: TestApp;
afterEach(async () => t?.close());

/** Records the overage policy: 1,000 records included, 20.00 EUR per 1,000 above; apps unlimited. */
const OVERAGE_LIMITS = {
  recordsPerMonth: 1_000,
  recordsOveragePer1000: 2_000,
  appsPerMonth: 'unlimited',
  usagePolicy: 'overage',
  overageCurrency: 'EUR',
  users: 1,
};

const PERIOD_START = '2026-03-10T12:00:00.000Z';

async function meteredLicense(id: string) {
  await sql`UPDATE license SET limits = ${JSON.stringify(OVERAGE_LIMITS)}::jsonb WHERE id = ${id}`.execute(
    t.app.ctx.db,
  );
  t.app.modules.licensing.licenses.cache.invalidate(id);
}

/** Buys a monthly Mapper Pro seat with `card`; its license meters records with overage. */
async function subscribedLicense(email: string, card: string) {
  const jar = await signedInUser(t, email);
  const orderId = await buy(t, jar, email, [{ sku: 'TL-MAPPER-PR-M', quantity: 1 }], { card });
  await afterPayment(t);
  const [sub] = await t.app.modules.subscriptions.service.ofOrder(orderId);
  const license = (await t.app.modules.licensing.licenses.listForUser(sub!.user_id))[0]!;
  await meteredLicense(license.id);
  return { orderId, sub: sub!, license, key: t.app.modules.licensing.licenses.keyOf(license), jar };
}

const use = (key: string, events: { meter: string; quantity: number; idempotencyKey: string }[]) =>
  t.app.modules.licensing.usage.record(key, events, { ip: null });

/** The period ends; the job closes it and billing runs its queued event, as the worker would. */
async function closePeriod(): Promise<void> {
  t.clock!.set('2026-04-10T12:01:00Z');
  await t.app.modules.licensing.usage.closeDuePeriods();
  await runQueued(t, FULFILLMENT_JOBS.usagePeriodClosed);
}

/** Runs every event billing has received again (a redelivery after a crash). */
async function redeliver(): Promise<void> {
  const def = t.app.ctx.jobs.definitions.find((d) => d.name === FULFILLMENT_JOBS.usagePeriodClosed)!;
  const jobs = await sql<{ data: object }>`
    SELECT data FROM pgboss.job WHERE name = ${FULFILLMENT_JOBS.usagePeriodClosed}`.execute(t.app.ctx.db);
  expect(jobs.rows.length).toBeGreaterThan(0);
  for (const job of jobs.rows) await def.handler(job.data, { id: 'redelivered', retryCount: 1 });
}

const usageOrders = async (licenseId: string) =>
  (
    await sql<{
      id: string;
      status: string;
      paid_at: Date | null;
      subscription_id: string | null;
      net_total: string;
      tax_total: string;
      gross_total: string;
    }>`
      SELECT id, state AS status, paid_at, subscription_id, net_total::text, tax_total::text, gross_total::text
      FROM sales_order WHERE origin = 'usage' AND idempotency_key LIKE ${`overage:${licenseId}:%`}`.execute(
      t.app.ctx.db,
    )
  ).rows;

const statement = async (licenseId: string) =>
  (
    await sql<{ meter: string; status: string; order_id: string | null; overage_amount: string }>`
      SELECT meter, status, order_id, overage_amount::text FROM license_usage_statement
      WHERE license_id = ${licenseId} ORDER BY meter`.execute(t.app.ctx.db)
  ).rows;

const trail = async (licenseId: string, type: string) =>
  (
    await sql<{ detail: Record<string, unknown> }>`
      SELECT detail FROM license_event WHERE license_id = ${licenseId} AND type = ${type}`.execute(
      t.app.ctx.db,
    )
  ).rows;

const attempts = async (orderId: string) =>
  (
    await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM payment_attempt a JOIN payment p ON p.id = a.payment_id
      WHERE p.order_id = ${orderId}`.execute(t.app.ctx.db)
  ).rows[0]!.n;

describe('overage at the end of a usage period', () => {
  it('is charged to the subscription’s card once, taxed, invoiced, and delivers nothing', async () => {
    t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
    const { license, key, sub, jar } = await subscribedLicense('metered@example.de', '4242424242424242');
    await use(key, [
      { meter: 'records', quantity: 3_000, idempotencyKey: 'bill-0001' },
      { meter: 'records', quantity: 500, idempotencyKey: 'bill-0002' },
      { meter: 'apps', quantity: 7, idempotencyKey: 'bill-0003' },
    ]);
    await closePeriod();

    // 2,500 records over × 20.00 per 1,000 = 50.00, with German VAT (19 %) for a consumer.
    const [order, ...more] = await usageOrders(license.id);
    expect(more).toEqual([]);
    expect(order).toMatchObject({
      status: 'paid',
      subscription_id: sub.id,
      net_total: '5000',
      tax_total: '950',
      gross_total: '5950',
    });
    expect(order!.paid_at).not.toBeNull();
    const lines = await t.app.modules.orders.service.get(order!.id);
    expect(lines!.lines.map((l) => [l.sku, l.name, Number(l.net)])).toEqual([
      [
        'TL-MAPPER-PR-M',
        'Usage overage, records: 2,500 above the 1,000 included, 2026-03-10 to 2026-04-10',
        5000,
      ],
    ]);
    expect(await statement(license.id)).toEqual([
      { meter: 'apps', status: 'closed', order_id: null, overage_amount: '0' },
      { meter: 'records', status: 'billed', order_id: order!.id, overage_amount: '5000' },
    ]);
    expect(await trail(license.id, 'usage-overage-billed')).toEqual([
      { detail: { periodStart: PERIOD_START, orderId: order!.id, amount: 5000, currency: 'EUR' } },
    ]);

    // The event again (a redelivery): nothing billed or charged twice.
    await redeliver();
    expect((await usageOrders(license.id)).map((o) => o.id)).toEqual([order!.id]);
    expect(await attempts(order!.id)).toBe(1);
    expect(await trail(license.id, 'usage-overage-billed')).toHaveLength(1);

    // Paid: invoiced like any order; fulfillment and subscriptions leave it alone.
    await runQueued(t, 'orders.paid-invoices');
    await afterPayment(t);
    const invoices = await sql<{ order_origin: string; gross_total: string }>`
      SELECT order_origin, gross_total::text FROM invoice WHERE order_id = ${order!.id}`.execute(
      t.app.ctx.db,
    );
    expect(invoices.rows).toEqual([{ order_origin: 'usage', gross_total: '5950' }]);
    expect(await t.app.modules.licensing.licenses.listForUser(sub.user_id)).toHaveLength(1);
    expect(await t.app.modules.subscriptions.service.ofOrder(order!.id)).toEqual([]);
    expect((await t.app.modules.subscriptions.service.get(sub.id))!.period_index).toBe(0);
    expect(await mailsWith(t, OVERAGE_DUE_MAIL_TEMPLATE)).toEqual([]);

    // The owner sees the closed period, what it came to and the order that bills it.
    const json = (await api(t, 'GET', `/api/v1/account/licenses/${license.id}`, { jar })).json();
    expect(json.usage.periods).toEqual([
      {
        periodStart: PERIOD_START,
        periodEnd: '2026-04-10T12:00:00.000Z',
        currency: 'EUR',
        overageAmount: 5000,
        orderId: order!.id,
        meters: [
          { meter: 'apps', included: null, used: 7, overage: 0, overageAmount: 0 },
          { meter: 'records', included: 1_000, used: 3_500, overage: 2_500, overageAmount: 5000 },
        ],
      },
    ]);
    const html = (
      await t.http.inject({
        method: 'GET',
        url: `/account/licenses/${license.id}`,
        headers: { accept: 'text/html', cookie: jar.header() },
      })
    ).body;
    expect(html).toContain('<h2 id="usage-periods-heading">Past usage periods</h2>');
    expect(html).toContain('Records: 3,500 of 1,000 (2,500 over)');
    expect(html).toContain(`<a href="/account/orders/${order!.id}">€50.00: see the order</a>`);
  });

  it('declined: the order waits for payment, the customer is mailed once, and paying by the link settles it', async () => {
    t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
    // Pays the purchase, declines every later charge.
    const { license, key } = await subscribedLicense('declined@example.de', '4000000000000341');
    await use(key, [{ meter: 'records', quantity: 1_500, idempotencyKey: 'decl-0001' }]);
    await closePeriod();
    await redeliver();

    const [order, ...more] = await usageOrders(license.id);
    expect(more).toEqual([]);
    expect(order).toMatchObject({ status: 'payment_failed', paid_at: null, gross_total: '1190' });
    // Tried once: the redelivery did not charge the declined card again.
    expect(await attempts(order!.id)).toBe(1);
    expect(await statement(license.id)).toEqual([
      { meter: 'apps', status: 'closed', order_id: null, overage_amount: '0' },
      { meter: 'records', status: 'billed', order_id: order!.id, overage_amount: '1000' },
    ]);
    const mails = await mailsWith(t, OVERAGE_DUE_MAIL_TEMPLATE);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toBe('declined@example.de');
    expect(mails[0]!.text).toContain('records: 1,500 used, 1,000 included, 500 over');
    expect(mails[0]!.text).toContain('€11.90');
    const payUrl = (await t.app.modules.payments.service.payUrlForOrder(order!.id))!;
    expect(mails[0]!.text).toContain(payUrl);

    expect((await payWithCard(t, new CookieJar(), payUrl, '4242424242424242')).statusCode).toBe(303);
    expect((await usageOrders(license.id))[0]).toMatchObject({ status: 'paid' });
    // Paid, a redelivery neither charges again nor mails again.
    await redeliver();
    expect(await mailsWith(t, OVERAGE_DUE_MAIL_TEMPLATE)).toHaveLength(1);
    expect(await usageOrders(license.id)).toHaveLength(1);
  });

  it('of a license issued by staff is recorded for staff (no order); a period within its plan bills nothing', async () => {
    t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
    const { licenses } = t.app.modules.licensing;
    const staffIssued = await licenses.issue({
      sku: 'TL-MAPPER-PR-M',
      email: 'by-hand@hospital.org',
      source: 'staff',
      sourceRef: 'staff:overage-by-hand',
    });
    await meteredLicense(staffIssued.license.id);
    await use(staffIssued.key, [{ meter: 'records', quantity: 2_000, idempotencyKey: 'staff-0001' }]);
    const { license: within, key } = await subscribedLicense('within@example.de', '4242424242424242');
    await use(key, [{ meter: 'records', quantity: 999, idempotencyKey: 'within-0001' }]);
    await closePeriod();
    await redeliver();

    expect(await usageOrders(staffIssued.license.id)).toEqual([]);
    expect(await statement(staffIssued.license.id)).toMatchObject([
      { meter: 'apps', status: 'closed' },
      { meter: 'records', status: 'closed', order_id: null, overage_amount: '2000' },
    ]);
    expect(await trail(staffIssued.license.id, 'usage-overage-unbilled')).toEqual([
      { detail: { periodStart: PERIOD_START, reason: 'issued by staff, without a purchase to bill' } },
    ]);
    expect(await usageOrders(within.id)).toEqual([]);
    expect(await trail(within.id, 'usage-overage-billed')).toEqual([]);
  });
});
