import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { checkoutAs, GERMAN_CONSUMER, guestWithCart } from '../checkout/test-support.ts';
import { type FakeStripe, startFakeStripe } from '../payments/fake-stripe.ts';
import { deliver, sessionCompleted, stripeEvent, TEST_STRIPE_ENV } from '../payments/stripe-test-support.ts';
import type { SubscriptionRow } from './index.ts';

/**
 * Stripe Billing drives Stripe subscriptions: signed webhooks (delivered
 * twice, and out of order) move ours through renew → fail → grace → suspend
 * → pay → reinstate → cancel, exactly as the sweep does for built-in ones.
 */

const QUEUE = 'payments.subscription-updated-subscriptions';
let t: TestApp;
let fake: FakeStripe;
let sub: SubscriptionRow;
const STRIPE_SUB = 'sub_stripe_lifecycle';

beforeAll(async () => {
  fake = await startFakeStripe();
  t = await createTestApp({
    clockAt: '2026-03-01T00:00:00Z',
    env: { ...TEST_STRIPE_ENV, STRIPE_API_URL: fake.url, PUBLIC_URL: 'https://shop.example.com' },
  });
  const jar = await guestWithCart(t, [{ sku: 'TL-MAPPER-PR-M', quantity: 1 }]);
  const { orderId } = await checkoutAs(t, jar, GERMAN_CONSUMER);
  const paid = await deliver(
    t.http,
    stripeEvent(
      'checkout.session.completed',
      sessionCompleted(orderId, {
        mode: 'subscription',
        payment_intent: null,
        subscription: STRIPE_SUB,
        invoice: 'in_first',
      }),
    ),
  );
  expect(paid.statusCode).toBe(200);
  await t.app.modules.subscriptions.service.onOrderPaid(orderId);
  [sub] = (await t.app.modules.subscriptions.service.ofOrder(orderId)) as [SubscriptionRow];
  expect(sub).toMatchObject({ provider: 'stripe', provider_subscription_id: STRIPE_SUB, status: 'active' });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

/** Runs the subscriber's queued jobs the way a worker would, and returns how many ran. */
async function drain(): Promise<number> {
  const jobs = (
    await sql<{ id: string; data: unknown }>`
      SELECT id::text AS id, data FROM pgboss.job WHERE name = ${QUEUE} AND state = 'created' ORDER BY created_on`.execute(
      t.app.ctx.db,
    )
  ).rows;
  const def = t.app.ctx.jobs.definitions.find((d) => d.name === QUEUE)!;
  for (const job of jobs) {
    await def.handler(job.data as object, { id: job.id, retryCount: 0 });
    await sql`UPDATE pgboss.job SET state = 'completed' WHERE id = ${job.id}::uuid`.execute(t.app.ctx.db);
  }
  return jobs.length;
}

const secs = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
const reload = async () => (await t.app.modules.subscriptions.service.get(sub.id))!;
const invoice = (
  type: 'invoice.payment_succeeded' | 'invoice.payment_failed',
  id: string,
  periodEnd: string,
) =>
  stripeEvent(type, {
    id,
    object: 'invoice',
    billing_reason: 'subscription_cycle',
    next_payment_attempt: type === 'invoice.payment_failed' ? secs('2026-04-04T00:00:00Z') : null,
    amount_paid: type === 'invoice.payment_succeeded' ? 11_781 : 0,
    currency: 'usd',
    parent: { subscription_details: { subscription: STRIPE_SUB, metadata: {} } },
    lines: { data: [{ period: { start: secs('2026-04-01T00:00:00Z'), end: secs(periodEnd) } }] },
  });
const subscriptionEvent = (type: string, created: number, extra: Record<string, unknown>) => ({
  ...stripeEvent(type, { id: STRIPE_SUB, object: 'subscription', customer: 'cus_1', metadata: {}, ...extra }),
  created,
});

describe('Stripe Billing webhooks move Stripe subscriptions', () => {
  it('a failed renewal invoice → past due with grace; delivered twice, applied once', async () => {
    t.clock!.set('2026-04-01T01:00:00Z');
    // Stripe renews: the sweep never charges a Stripe subscription itself.
    expect((await t.app.modules.subscriptions.service.sweep()).renewed).toBe(0);
    const failed = invoice('invoice.payment_failed', 'in_renewal_1', '2026-05-01T00:00:00Z');
    expect((await deliver(t.http, failed)).statusCode).toBe(200);
    expect((await deliver(t.http, failed)).statusCode).toBe(200);
    expect(await drain()).toBe(1);
    const s = await reload();
    expect(s).toMatchObject({ status: 'past_due', failures: 1, period_index: 0 });
    expect(s.grace_ends_at?.toISOString()).toBe('2026-04-08T01:00:00.000Z');
    expect(s.next_retry_at?.toISOString()).toBe('2026-04-04T00:00:00.000Z');
  });

  it('the grace period ends → the sweep suspends it; a paid invoice reinstates it for the period it covers', async () => {
    t.clock!.set('2026-04-04T00:00:00Z');
    expect((await t.app.modules.subscriptions.service.sweep()).suspended).toBe(0);
    t.clock!.set('2026-04-08T01:01:00Z');
    expect((await t.app.modules.subscriptions.service.sweep()).suspended).toBe(1);
    expect((await reload()).status).toBe('suspended');

    // Which payment intent paid the renewal invoice arrives first, before its order exists.
    const link = stripeEvent('invoice_payment.paid', {
      id: 'inpay_1',
      object: 'invoice_payment',
      invoice: 'in_renewal_1',
      payment: { type: 'payment_intent', payment_intent: 'pi_renewal_1' },
    });
    expect((await deliver(t.http, link)).statusCode).toBe(200);
    const paid = invoice('invoice.payment_succeeded', 'in_renewal_1', '2026-05-01T00:00:00Z');
    expect((await deliver(t.http, paid)).statusCode).toBe(200);
    // A late copy of the failure (a new event id, as Stripe's retries have) changes nothing.
    const lateFailure = invoice('invoice.payment_failed', 'in_renewal_1', '2026-05-01T00:00:00Z');
    expect((await deliver(t.http, lateFailure)).statusCode).toBe(200);
    await drain();
    let s = await reload();
    expect(s).toMatchObject({ status: 'active', period_index: 1, failures: 0, grace_ends_at: null });
    expect(s.current_period_end.toISOString()).toBe('2026-05-01T00:00:00.000Z');
    // The same invoice again moves nothing.
    await deliver(t.http, invoice('invoice.payment_succeeded', 'in_renewal_1', '2026-05-01T00:00:00Z'));
    await drain();
    s = await reload();
    expect(s.period_index).toBe(1);
    // What Stripe collected is a paid renewal order (for receipts, invoicing and refunds), once.
    const renewals = (
      await sql<{ id: string; state: string; gross_total: number; tax_total: number }>`
        SELECT id, state, gross_total, tax_total FROM sales_order WHERE origin = 'renewal'`.execute(
        t.app.ctx.db,
      )
    ).rows;
    expect(renewals).toHaveLength(1);
    expect(renewals[0]).toMatchObject({ state: 'paid' });
    expect([Number(renewals[0]!.gross_total), Number(renewals[0]!.tax_total)]).toEqual([11_781, 1881]);
    const payment = (await t.app.modules.payments.service.ofOrder(renewals[0]!.id))!;
    expect(payment).toMatchObject({
      provider: 'stripe',
      status: 'succeeded',
      provider_invoice_id: 'in_renewal_1',
      provider_payment_intent: 'pi_renewal_1',
    });
    expect(Number(payment.amount)).toBe(11_781);
    // So staff can refund it, and the refund reaches that charge.
    const { refund } = await t.app.modules.payments.refunds.request(
      { userId: 'usr_staff', email: 'staff@example.com' },
      { orderId: renewals[0]!.id, amount: 5_000, reason: 'goodwill', requestKey: 'renewal-refund-1' },
      { ip: '127.0.0.1', requestId: 'req_test' },
    );
    expect(refund.order_id).toBe(renewals[0]!.id);
    const sent = fake.requests.filter((r) => r.path === '/v1/refunds');
    expect(sent.at(-1)?.form).toMatchObject({ payment_intent: 'pi_renewal_1', amount: '5000' });

    // The first invoice's payment intent links to the checkout's payment the same way (after it).
    await deliver(
      t.http,
      stripeEvent('invoice_payment.paid', {
        id: 'inpay_0',
        object: 'invoice_payment',
        invoice: 'in_first',
        payment: { type: 'payment_intent', payment_intent: 'pi_first' },
      }),
    );
    const first = (await t.app.modules.payments.service.ofOrder(sub.origin_order_id))!;
    expect(first).toMatchObject({ provider_invoice_id: 'in_first', provider_payment_intent: 'pi_first' });
  });

  it('plan changes go through Stripe: both prices replaced, prorated and charged there; a decline changes nothing', async () => {
    const service = t.app.modules.subscriptions.service;
    fake.subscriptions.set(STRIPE_SUB, {
      currency: 'usd',
      interval: 'month',
      items: [
        {
          id: 'si_main',
          productId: 'prod_main',
          name: 'Mapper Pro',
          metadata: { sku: 'TL-MAPPER-PR-M' },
          unitAmount: 9900,
          quantity: 1,
        },
        {
          id: 'si_tax',
          productId: 'prod_tax',
          name: 'Tax 19 % (DE)',
          metadata: { sku: 'TL-MAPPER-PR-M', tax_for: '1' },
          unitAmount: 1881,
          quantity: 1,
        },
      ],
    });
    // A declined card refuses the change at Stripe: nothing changes here either.
    fake.declineSubscriptionUpdates = true;
    await expect(
      service.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-ST-M', quantity: 1 }),
    ).rejects.toMatchObject({ code: 'PAYMENT_DECLINED' });
    fake.declineSubscriptionUpdates = false;
    expect((await reload()).sku).toBe('TL-MAPPER-PR-M');

    // Downgrade: Stripe credits the unused time itself; no order here.
    const down = await service.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-ST-M', quantity: 1 });
    expect(down.orderId).toBeNull();
    expect(down.subscription).toMatchObject({ sku: 'TL-MAPPER-ST-M', unit_amount: 2900 });
    const update = fake.requests
      .filter((r) => r.path === `/v1/subscriptions/${STRIPE_SUB}` && r.form['items[0][id]'])
      .at(-1)!;
    expect(update.form).toMatchObject({
      'items[0][id]': 'si_main',
      'items[0][price_data][unit_amount]': '2900',
      'items[1][id]': 'si_tax',
      'items[1][price_data][unit_amount]': '551',
      proration_behavior: 'always_invoice',
      payment_behavior: 'error_if_incomplete',
    });
    expect(fake.subscriptions.get(STRIPE_SUB)!.items.map((i) => [i.metadata.sku, i.unitAmount])).toEqual([
      ['TL-MAPPER-ST-M', 2900],
      ['TL-MAPPER-ST-M', 551],
    ]);

    // Upgrade: the prorated charge is an order, paid when Stripe reports its invoice paid.
    const up = await service.changePlan(sub.user_id, sub.id, { sku: 'TL-MAPPER-PR-M', quantity: 1 });
    expect(up.orderId).not.toBeNull();
    const order = async () => (await t.app.modules.orders.service.get(up.orderId!))!.row;
    expect(await order()).toMatchObject({ origin: 'plan_change', state: 'pending_payment' });
    const prorated = stripeEvent('invoice.payment_succeeded', {
      id: 'in_update_1',
      object: 'invoice',
      billing_reason: 'subscription_update',
      amount_paid: Number((await order()).gross_total),
      currency: 'usd',
      next_payment_attempt: null,
      parent: { subscription_details: { subscription: STRIPE_SUB, metadata: {} } },
      lines: {
        data: [{ period: { start: secs('2026-04-08T01:01:00Z'), end: secs('2026-05-01T00:00:00Z') } }],
      },
    });
    expect((await deliver(t.http, prorated)).statusCode).toBe(200);
    expect((await deliver(t.http, prorated)).statusCode).toBe(200);
    await drain();
    expect(await order()).toMatchObject({ state: 'paid' });
    const s = await reload();
    expect(s).toMatchObject({ sku: 'TL-MAPPER-PR-M', status: 'active', period_index: 1 });
  });

  it('cancellation in Stripe: a newer update wins over an older one; deletion ends it', async () => {
    const base = secs('2026-04-10T00:00:00Z');
    await deliver(
      t.http,
      subscriptionEvent('customer.subscription.updated', base + 10, {
        status: 'active',
        cancel_at_period_end: true,
      }),
    );
    // Older, delivered later: ignored.
    await deliver(
      t.http,
      subscriptionEvent('customer.subscription.updated', base, {
        status: 'active',
        cancel_at_period_end: false,
      }),
    );
    await drain();
    expect(await reload()).toMatchObject({ status: 'active', cancel_at_period_end: true });

    // The customer takes it back here: Stripe is told first (with a business idempotency key).
    const service = t.app.modules.subscriptions.service;
    const resumed = await service.resume(sub.user_id, sub.id);
    expect(resumed.cancel_at_period_end).toBe(false);
    const call = fake.requests.find(
      (r) => r.path === `/v1/subscriptions/${STRIPE_SUB}` && r.form.cancel_at_period_end !== undefined,
    )!;
    expect(call.form).toMatchObject({ cancel_at_period_end: 'false' });
    expect(call.idempotencyKey).toMatch(new RegExp(`^subscription:${sub.id}:resume:\\d+$`));
    // Stripe unreachable: a clear 503, nothing changed here.
    fake.failNext = 10;
    fake.failPath = `/v1/subscriptions/${STRIPE_SUB}`;
    await expect(service.cancel(sub.user_id, sub.id, 'period_end')).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
    fake.failNext = 0;
    fake.failPath = undefined;
    expect((await reload()).cancel_at_period_end).toBe(false);

    await deliver(
      t.http,
      subscriptionEvent('customer.subscription.deleted', base + 20, {
        status: 'canceled',
        cancel_at_period_end: false,
      }),
    );
    await drain();
    const s = await reload();
    expect(s.status).toBe('canceled');
    expect((await service.history(sub.id)).map((e) => e.type)).toEqual([
      'created',
      'past_due',
      'suspended',
      'reinstated',
      'plan_changed',
      'plan_changed',
      'cancel_scheduled',
      'resumed',
      'ended',
    ]);
  });
});
