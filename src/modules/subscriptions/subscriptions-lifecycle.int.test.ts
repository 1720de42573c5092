import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { CookieJar } from '../accounts/test-support.ts';
import { activePriceId } from '../catalog/test-support.ts';
import { checkoutAs, count, GERMAN_CONSUMER, guestWithCart, payWithCard } from '../checkout/test-support.ts';
import { SUBSCRIPTION_MAIL_TEMPLATES, type SubscriptionRow } from './index.ts';

/**
 * Time travel through a subscription's life on the built-in provider: the
 * clock moves, the sweep runs, nothing sleeps. The "order paid" subscriber is
 * called the way the queue would call it (and called twice: it is idempotent).
 */

let t: TestApp;
afterEach(async () => t?.close());

async function subscribe(
  sku: string,
  card: string,
  billing: Record<string, unknown> = GERMAN_CONSUMER,
): Promise<SubscriptionRow> {
  const jar = await guestWithCart(t, [{ sku, quantity: 1 }]);
  const order = await checkoutAs(t, jar, billing);
  const paid = await payWithCard(t, jar, order.payUrl, card);
  expect(paid.statusCode).toBe(303);
  const service = t.app.modules.subscriptions.service;
  await service.onOrderPaid(order.orderId);
  await service.onOrderPaid(order.orderId); // a redelivery creates nothing more
  const subs = await service.ofOrder(order.orderId);
  expect(subs).toHaveLength(1);
  return subs[0]!;
}

const sweep = () => t.app.modules.subscriptions.service.sweep();
const reload = async (id: string) => (await t.app.modules.subscriptions.service.get(id))!;
const at = (iso: string) => t.clock!.set(iso);
const mails = (template: string) =>
  count(t, sql<{ n: number }>`SELECT count(*)::int AS n FROM mail_message WHERE template = ${template}`);
const orderOf = async (orderId: string) => (await t.app.modules.orders.service.get(orderId))!.row;

describe('a renewal left unpaid after the suspension', () => {
  it('ends the subscription SUBSCRIPTION_UNPAID_CANCEL_DAYS later (renewal canceled, customer mailed, once); one paid meanwhile stays', async () => {
    t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
    // Both pay the first time and fail every later charge.
    const unpaid = await subscribe('TL-MAPPER-PR-M', '4000000000000341');
    const paidLate = await subscribe('TL-MAPPER-PR-M', '4000000000000341');
    at('2026-04-10T12:05:00Z');
    expect((await sweep()).failed).toBe(2);
    at('2026-04-17T12:06:00Z');
    expect((await sweep()).suspended).toBe(2);
    const suspendedAt = (await reload(unpaid.id)).suspended_at!;
    const renewal = (await t.app.modules.subscriptions.service.openRenewal(await reload(unpaid.id)))!;

    // One customer pays during the suspension: reinstated, and never given up.
    at('2026-04-25T09:00:00Z');
    const late = (await t.app.modules.subscriptions.service.openRenewal(await reload(paidLate.id)))!;
    const payUrl = (await t.app.modules.payments.service.payUrlForOrder(late.order_id))!;
    expect((await payWithCard(t, new CookieJar(), payUrl, '4242424242424242')).statusCode).toBe(303);
    await t.app.modules.subscriptions.service.onOrderPaid(late.order_id);
    expect((await reload(paidLate.id)).status).toBe('active');

    const days = t.app.ctx.config.subscriptionUnpaidCancelDays;
    const sinceSuspension = (ms: number) =>
      t.clock!.set(new Date(suspendedAt.getTime() + days * 86_400_000 + ms));
    sinceSuspension(-60_000);
    expect((await sweep()).canceled).toBe(0);
    expect((await reload(unpaid.id)).status).toBe('suspended');

    sinceSuspension(60_000);
    expect(await sweep()).toMatchObject({ canceled: 1, renewed: 0, failed: 0 });
    const ended = await reload(unpaid.id);
    expect(ended).toMatchObject({ status: 'canceled', cancel_at_period_end: false, next_retry_at: null });
    expect(ended.ended_at?.getTime()).toBe(suspendedAt.getTime() + days * 86_400_000 + 60_000);
    // Nobody can pay the renewal of a period that will not come.
    expect((await orderOf(renewal.order_id)).state).toBe('canceled');
    const payment = (await t.app.modules.payments.service.ofOrder(renewal.order_id))!;
    await expect(
      t.app.modules.payments.service.chargeSaved(payment.id, ended.payment_method_id),
    ).rejects.toMatchObject({ code: 'PAYMENT_NOT_PAYABLE' });
    expect(await mails(SUBSCRIPTION_MAIL_TEMPLATES.canceledUnpaid)).toBe(1);
    expect(await mails(SUBSCRIPTION_MAIL_TEMPLATES.canceled)).toBe(0);
    const history = await t.app.modules.subscriptions.service.history(unpaid.id);
    expect(history.at(-1)).toMatchObject({
      type: 'canceled',
      detail: { reason: 'unpaid', suspendedAt: suspendedAt.toISOString() },
    });

    // Once: the next sweeps end nothing more; the reinstated one renews as usual later.
    expect((await sweep()).canceled).toBe(0);
    expect(await mails(SUBSCRIPTION_MAIL_TEMPLATES.canceledUnpaid)).toBe(1);
    expect((await reload(paidLate.id)).status).toBe('active');
  });
});

describe('a renewal that fails: past due, retries, grace, suspension, reinstatement', () => {
  it('goes renew → fail → retry ×3 → suspend → pay → reinstate → renew, with one renewal order', async () => {
    t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
    // 4000 0000 0000 0341 pays the first time and fails every later charge.
    const sub = await subscribe('TL-MAPPER-PR-M', '4000000000000341');
    expect(sub).toMatchObject({ status: 'active', interval: 'month', period_index: 0, unit_amount: 9900 });
    expect(sub.current_period_end.toISOString()).toBe('2026-04-10T12:00:00.000Z');
    expect(sub.payment_method_id).toMatch(/^pm_/);

    // Nothing is due before the period ends.
    at('2026-04-10T11:59:00Z');
    expect((await sweep()).failed).toBe(0);

    at('2026-04-10T12:05:00Z');
    expect(await sweep()).toMatchObject({ failed: 1, renewed: 0 });
    let s = await reload(sub.id);
    expect(s).toMatchObject({ status: 'past_due', failures: 1, period_index: 0 });
    expect(s.next_retry_at?.toISOString()).toBe('2026-04-11T12:05:00.000Z');
    expect(s.grace_ends_at?.toISOString()).toBe('2026-04-17T12:05:00.000Z');
    expect(await mails(SUBSCRIPTION_MAIL_TEMPLATES.paymentFailed)).toBe(1);
    const renewal = (await t.app.modules.subscriptions.service.openRenewal(s))!;
    const renewalOrder = await orderOf(renewal.order_id);
    expect(renewalOrder).toMatchObject({
      origin: 'renewal',
      subscription_id: sub.id,
      state: 'payment_failed',
    });
    // Renewed at the subscription's price with German VAT of the renewal day.
    expect(Number(renewalOrder.net_total)).toBe(9900);
    expect(Number(renewalOrder.tax_total)).toBe(1881);

    // A sweep in between retries nothing.
    at('2026-04-11T00:00:00Z');
    expect((await sweep()).failed).toBe(0);

    for (const [when, next] of [
      ['2026-04-11T12:05:00Z', '2026-04-13T12:05:00.000Z'],
      ['2026-04-13T12:05:00Z', '2026-04-15T12:05:00.000Z'],
      ['2026-04-15T12:05:00Z', null],
    ] as const) {
      at(when);
      expect((await sweep()).failed).toBe(1);
      s = await reload(sub.id);
      expect(s.status).toBe('past_due');
      expect(s.next_retry_at?.toISOString() ?? null).toBe(next);
    }
    expect(s.failures).toBe(4);
    // Still one renewal order, retried on the same payment.
    expect(
      await count(t, sql<{ n: number }>`SELECT count(*)::int AS n FROM sales_order WHERE origin = 'renewal'`),
    ).toBe(1);
    expect(
      await count(
        t,
        sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM payment_attempt a JOIN payment p ON p.id = a.payment_id
          WHERE p.order_id = ${renewal.order_id}`,
      ),
    ).toBe(4);

    // The grace period ends: suspended.
    at('2026-04-17T12:04:00Z');
    expect((await sweep()).suspended).toBe(0);
    at('2026-04-17T12:06:00Z');
    expect((await sweep()).suspended).toBe(1);
    expect((await reload(sub.id)).status).toBe('suspended');
    expect(await mails(SUBSCRIPTION_MAIL_TEMPLATES.suspended)).toBe(1);
    expect((await sweep()).suspended).toBe(0);

    // The customer pays the renewal with another card: reinstated, for the period it paid.
    at('2026-04-20T09:00:00Z');
    const payUrl = (await t.app.modules.payments.service.payUrlForOrder(renewal.order_id))!;
    expect((await payWithCard(t, new CookieJar(), payUrl, '4242424242424242')).statusCode).toBe(303);
    await t.app.modules.subscriptions.service.onOrderPaid(renewal.order_id);
    await t.app.modules.subscriptions.service.onOrderPaid(renewal.order_id);
    s = await reload(sub.id);
    expect(s).toMatchObject({ status: 'active', period_index: 1, failures: 0, next_retry_at: null });
    expect(s.current_period_start.toISOString()).toBe('2026-04-10T12:00:00.000Z');
    expect(s.current_period_end.toISOString()).toBe('2026-05-10T12:00:00.000Z');
    expect(s.payment_method_id).not.toBe(sub.payment_method_id);
    expect(await mails(SUBSCRIPTION_MAIL_TEMPLATES.reinstated)).toBe(1);

    // The next renewal charges the new card.
    at('2026-05-10T12:01:00Z');
    expect(await sweep()).toMatchObject({ renewed: 1, failed: 0 });
    s = await reload(sub.id);
    expect(s).toMatchObject({ status: 'active', period_index: 2 });
    expect(s.current_period_end.toISOString()).toBe('2026-06-10T12:00:00.000Z');

    const history = (await t.app.modules.subscriptions.service.history(sub.id)).map((e) => e.type);
    expect(history).toEqual([
      'created',
      'past_due',
      'payment_retry_failed',
      'payment_retry_failed',
      'payment_retry_failed',
      'suspended',
      'reinstated',
      'renewed',
    ]);
  });

  it('makes only annual and monthly lines subscriptions, anchored on the payment', async () => {
    t = await createTestApp({ clockAt: '2026-01-31T08:00:00Z' });
    const jar = await guestWithCart(t, [
      { sku: 'TL-QUALITY-ST-A', quantity: 1 },
      { sku: 'TR-FHIR101-SP-P', quantity: 1 },
      { sku: 'TL-BUILDER-IN-M', quantity: 1 },
    ]);
    const order = await checkoutAs(t, jar);
    await payWithCard(t, jar, order.payUrl, '4242424242424242');
    await t.app.modules.subscriptions.service.onOrderPaid(order.orderId);
    const subs = (await t.app.modules.subscriptions.service.ofOrder(order.orderId)).sort((a, b) =>
      a.sku.localeCompare(b.sku),
    );
    expect(subs.map((s) => [s.sku, s.interval, s.current_period_end.toISOString()])).toEqual([
      ['TL-BUILDER-IN-M', 'month', '2026-02-28T08:00:00.000Z'],
      ['TL-QUALITY-ST-A', 'year', '2027-01-31T08:00:00.000Z'],
    ]);
    // Staff raise the price meanwhile: the subscriber keeps the price they bought at.
    const staff = {
      actor: { userId: 'usr_staff', email: 'staff@example.com' },
      ip: '127.0.0.1',
      requestId: 'r',
    };
    const { price } = await t.app.modules.catalog.service.changePrice(
      staff,
      await activePriceId(t, 'TL-BUILDER-IN-M', 'USD'),
      2900,
    );
    expect(price.amount).toBe(2900);
    // The monthly one renews on 28 February, then on 31 March: the anchor does not drift.
    at('2026-02-28T08:00:00Z');
    expect((await sweep()).renewed).toBe(1);
    const monthly = await reload(subs[0]!.id);
    expect(monthly.current_period_end.toISOString()).toBe('2026-03-31T08:00:00.000Z');
    const renewal = (
      await sql<{ net_total: number }>`SELECT net_total FROM sales_order WHERE origin = 'renewal'`.execute(
        t.app.ctx.db,
      )
    ).rows[0]!;
    expect(Number(renewal.net_total)).toBe(1900);
  });
});

describe('paying an overdue renewal with the saved card', () => {
  it('an expired card fails the renewal and the retry; once it is valid again, "charge now" renews', async () => {
    t = await createTestApp({ clockAt: '2026-03-01T00:00:00Z' });
    const sub = await subscribe('TL-MAPPER-ST-M', '4242424242424242');
    const service = t.app.modules.subscriptions.service;
    const setExpiry = (year: number) =>
      sql`UPDATE payment_method SET exp_year = ${year} WHERE id = ${sub.payment_method_id}`.execute(
        t.app.ctx.db,
      );
    await setExpiry(2025);
    at('2026-04-01T00:05:00Z');
    expect((await sweep()).failed).toBe(1);
    await expect(service.retryPayment(sub.user_id, sub.id)).rejects.toMatchObject({
      code: 'PAYMENT_DECLINED',
      message: 'Your card has expired.',
    });
    expect((await reload(sub.id)).status).toBe('past_due');
    await setExpiry(2030);
    const s = await service.retryPayment(sub.user_id, sub.id);
    expect(s).toMatchObject({ status: 'active', period_index: 1, failures: 0 });
    expect(s.current_period_end.toISOString()).toBe('2026-05-01T00:00:00.000Z');
    await expect(service.retryPayment(sub.user_id, sub.id)).rejects.toMatchObject({
      code: 'SUBSCRIPTION_STATE_CONFLICT',
    });
  });
});

describe('cancellation', () => {
  it('at period end keeps access until then, can be resumed, then ends without charging', async () => {
    t = await createTestApp({ clockAt: '2026-03-01T00:00:00Z' });
    const sub = await subscribe('TL-MAPPER-ST-M', '4242424242424242');
    const service = t.app.modules.subscriptions.service;
    at('2026-03-05T00:00:00Z');
    let s = await service.cancel(sub.user_id, sub.id, 'period_end');
    expect(s).toMatchObject({ status: 'active', cancel_at_period_end: true });
    s = await service.resume(sub.user_id, sub.id);
    expect(s.cancel_at_period_end).toBe(false);
    await service.cancel(sub.user_id, sub.id, 'period_end');
    at('2026-04-01T00:01:00Z');
    expect(await sweep()).toMatchObject({ ended: 1, renewed: 0 });
    s = await reload(sub.id);
    expect(s.status).toBe('canceled');
    expect(s.ended_at?.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(
      await count(t, sql<{ n: number }>`SELECT count(*)::int AS n FROM sales_order WHERE origin = 'renewal'`),
    ).toBe(0);
    await expect(service.resume(sub.user_id, sub.id)).rejects.toMatchObject({
      code: 'SUBSCRIPTION_STATE_CONFLICT',
    });
  });

  it('now ends access at once and cancels the unpaid renewal', async () => {
    t = await createTestApp({ clockAt: '2026-03-01T00:00:00Z' });
    const sub = await subscribe('TL-MAPPER-ST-M', '4000000000000341');
    at('2026-04-01T00:01:00Z');
    expect((await sweep()).failed).toBe(1);
    const service = t.app.modules.subscriptions.service;
    const renewal = (await service.openRenewal(await reload(sub.id)))!;
    await expect(service.cancel(sub.user_id, sub.id, 'period_end')).rejects.toMatchObject({
      code: 'SUBSCRIPTION_STATE_CONFLICT',
    });
    const s = await service.cancel(sub.user_id, sub.id, 'now');
    expect(s.status).toBe('canceled');
    expect((await orderOf(renewal.order_id)).state).toBe('canceled');
    // Nothing is due any more: no retries, no suspension.
    at('2026-04-20T00:00:00Z');
    expect(await sweep()).toMatchObject({ failed: 0, suspended: 0 });
    // Another customer cannot touch it.
    await expect(service.cancel('usr_someone_else', sub.id, 'now')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('plan changes with proration', () => {
  it('upgrades now with a prorated charge, downgrades into account credit taken off the next renewal', async () => {
    t = await createTestApp({ clockAt: '2026-03-01T00:00:00Z' });
    const sub = await subscribe('TL-MAPPER-ST-M', '4242424242424242');
    const service = t.app.modules.subscriptions.service;

    // 16 of 31 days left: credit 29 × 16/31 = 14.97, charge 99 × 16/31 = 51.10.
    at('2026-03-16T00:00:00Z');
    const preview = await service.previewChange(sub.user_id, sub.id, { sku: 'TL-MAPPER-PR-M', quantity: 1 });
    expect(preview.proration).toMatchObject({ credit: 1497, charge: 5110, net: 3613 });
    expect(preview.amountDue).toBe(3613 + 686); // 19 % VAT on the difference
    const up = await service.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-PR-M', quantity: 1 });
    expect(up.subscription).toMatchObject({ sku: 'TL-MAPPER-PR-M', unit_amount: 9900, status: 'active' });
    expect(up.subscription.current_period_end.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    const changeOrder = await orderOf(up.orderId!);
    expect(changeOrder).toMatchObject({ origin: 'plan_change', state: 'paid' });
    expect(Number(changeOrder.gross_total)).toBe(4299);
    // Repeating the request answers "this is the current plan", it charges nothing more.
    await expect(
      service.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-PR-M', quantity: 1 }),
    ).rejects.toMatchObject({ code: 'PLAN_CHANGE_INVALID' });

    // 8 days left: back to Standard, credit 99 × 8/31 − 29 × 8/31 = 25.55 − 7.48 = 18.07 net, + VAT.
    at('2026-03-24T00:00:00Z');
    const down = await service.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-ST-M', quantity: 1 });
    expect(down.orderId).toBeNull();
    expect(down.preview.proration.net).toBe(-1807);
    expect(down.subscription.credit_balance).toBe(1807 + 343);

    // The renewal bills the full month and takes the credit off what the card pays.
    at('2026-04-01T00:05:00Z');
    expect((await sweep()).renewed).toBe(1);
    const renewal = (
      await sql<{ id: string; gross_total: number; credit_applied: number }>`
        SELECT id, gross_total, credit_applied FROM sales_order WHERE origin = 'renewal'`.execute(
        t.app.ctx.db,
      )
    ).rows[0]!;
    expect(Number(renewal.gross_total)).toBe(2900 + 551);
    expect(Number(renewal.credit_applied)).toBe(2150);
    const payment = (await t.app.modules.payments.service.ofOrder(renewal.id))!;
    expect(Number(payment.amount)).toBe(3451 - 2150);
    expect((await reload(sub.id)).credit_balance).toBe(0);
  });

  it('a declined upgrade changes nothing; invalid targets are refused with a code', async () => {
    t = await createTestApp({ clockAt: '2026-03-01T00:00:00Z' });
    const sub = await subscribe('TL-MAPPER-ST-M', '4000000000000341');
    const service = t.app.modules.subscriptions.service;
    at('2026-03-10T00:00:00Z');
    await expect(
      service.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-PR-M', quantity: 1 }),
    ).rejects.toMatchObject({ code: 'PAYMENT_DECLINED' });
    const s = await reload(sub.id);
    expect(s).toMatchObject({ sku: 'TL-MAPPER-ST-M', status: 'active', credit_balance: 0 });
    expect(
      await count(
        t,
        sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM sales_order WHERE origin = 'plan_change' AND state = 'canceled'`,
      ),
    ).toBe(1);
    for (const [target, path] of [
      [{ sku: 'TL-QUALITY-PR-M', quantity: 1 }, '/sku'], // another product
      [{ sku: 'TL-MAPPER-PR-A', quantity: 1 }, '/sku'], // another interval
      [{ sku: 'TL-MAPPER-ST-M', quantity: 1 }, '/sku'], // the same plan
      [{ sku: 'NOPE', quantity: 1 }, '/sku'],
      [{ sku: 'TL-MAPPER-PR-M', quantity: 0 }, '/quantity'],
      [{ sku: 'TL-MAPPER-PR-M', quantity: 2.5 }, '/quantity'],
    ] as const) {
      await expect(service.changePlan(sub.user_id, sub.id, target)).rejects.toMatchObject({
        code: 'PLAN_CHANGE_INVALID',
        details: [{ path }],
      });
    }
    expect(
      await count(
        t,
        sql<{ n: number }>`SELECT count(*)::int AS n FROM sales_order WHERE origin = 'plan_change'`,
      ),
    ).toBe(1);
  });

  it('concurrent identical upgrades charge once', async () => {
    t = await createTestApp({ clockAt: '2026-03-01T00:00:00Z' });
    const sub = await subscribe('TL-MAPPER-ST-M', '4242424242424242');
    const service = t.app.modules.subscriptions.service;
    at('2026-03-16T00:00:00Z');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        service.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-PR-M', quantity: 1 }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    for (const r of results)
      if (r.status === 'rejected')
        expect((r.reason as { code: string }).code).toMatch(
          /PLAN_CHANGE_INVALID|SUBSCRIPTION_STATE_CONFLICT/,
        );
    expect(
      await count(
        t,
        sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM payment_attempt a JOIN payment p ON p.id = a.payment_id
          JOIN sales_order o ON o.id = p.order_id WHERE o.origin = 'plan_change' AND a.outcome = 'succeeded'`,
      ),
    ).toBe(1);
    expect((await reload(sub.id)).sku).toBe('TL-MAPPER-PR-M');
  });
});
