import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar } from '../accounts/test-support.ts';
import { checkoutAs, count, GERMAN_CONSUMER, guestWithCart } from '../checkout/test-support.ts';
import { ORDERS_REFUNDED_JOB } from '../orders/index.ts';
import { type FakeStripe, type FakeStripeRefund, startFakeStripe } from './fake-stripe.ts';
import { REFUND_JOB, REFUND_SYNC_JOB } from './index.ts';
import { deliver, paymentIntent, stripeEvent, TEST_STRIPE_ENV } from './stripe-test-support.ts';

// Refunds through Stripe: the official SDK against a local server speaking Stripe's REST API,
// webhooks signed with the SDK's test header. Never the live API.

let t: TestApp;
let fake: FakeStripe;
let admin: CookieJar;

beforeAll(async () => {
  fake = await startFakeStripe();
  t = await createTestApp({ env: { ...TEST_STRIPE_ENV, STRIPE_API_URL: fake.url } });
  const email = 'stripe-refunds@example.org';
  const password = 'staff passphrase 2026 ok';
  await t.app.modules.accounts.createAdmin({ email, password });
  admin = new CookieJar();
  expect(
    (await api(t, 'POST', '/api/v1/auth/sign-in', { jar: admin, body: { email, password } })).statusCode,
  ).toBe(200);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

/** An order placed with Stripe Checkout; paid (its payment intent's event delivered) unless told otherwise. */
async function stripeOrder(email: string, paid = true) {
  const { orderId } = await checkoutAs(t, await guestWithCart(t), { ...GERMAN_CONSUMER, email });
  const pi = `pi_${orderId}`;
  const gross = (await orderRow(orderId)).gross_total;
  fake.paymentIntents.set(pi, { amount: gross, currency: 'usd', orderId });
  if (paid) await payIntent(orderId);
  return { orderId, pi, gross };
}
async function payIntent(orderId: string) {
  const r = await deliver(t.http, stripeEvent('payment_intent.succeeded', paymentIntent(orderId)));
  expect(r.json().outcome).toBe('applied');
}

const orderRow = async (id: string) =>
  (
    await sql<{ state: string; refunded_total: number; gross_total: number }>`
    SELECT state, refunded_total::int, gross_total::int FROM sales_order WHERE id = ${id}`.execute(
      t.app.ctx.db,
    )
  ).rows[0]!;
const refundsOf = async (orderId: string) =>
  (
    await sql<{
      id: string;
      status: string;
      amount: number;
      provider_refund_id: string | null;
      requested_by: string | null;
      failure_message: string | null;
    }>`SELECT id, status, amount::int, provider_refund_id, requested_by, failure_message FROM refund
       WHERE order_id = ${orderId} ORDER BY created_at, id`.execute(t.app.ctx.db)
  ).rows;
const refundedEvents = (orderId: string) =>
  count(
    t,
    sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${ORDERS_REFUNDED_JOB} AND data->>'orderId' = ${orderId}`,
  );
const staffRefund = (orderId: string, amount: number) =>
  api(t, 'POST', `/api/v1/admin/orders/${orderId}/refunds`, {
    jar: admin,
    body: { amount, reason: 'Requested by the customer' },
    headers: { 'idempotency-key': `stripe-${randomUUID()}` },
  });
const refundCalls = (refundId: string) =>
  fake.requests.filter(
    (r) => r.path === '/v1/refunds' && r.form.amount && r.idempotencyKey === `refund:${refundId}`,
  );
async function runJob(name: string, data: object) {
  const def = t.app.ctx.jobs.definitions.find((d) => d.name === name)!;
  await def.handler(data, { id: 'test', retryCount: 0 });
}
/** A Stripe refund object as its events carry it. */
const refundObject = (
  r: Partial<FakeStripeRefund> & Pick<FakeStripeRefund, 'id' | 'amount' | 'payment_intent'>,
) => ({
  object: 'refund',
  currency: 'usd',
  charge: `ch_${r.payment_intent.slice(3)}`,
  status: 'succeeded',
  reason: null,
  failure_reason: null,
  metadata: {},
  created: Math.floor(Date.now() / 1000),
  ...r,
});

describe('staff refunds through Stripe', () => {
  it('sends POST /v1/refunds with the refund’s idempotency key; the webhooks that follow apply nothing twice', async () => {
    const o = await stripeOrder('stripe-staff@example.de');
    const r = await staffRefund(o.orderId, 3_000);
    expect(r.statusCode).toBe(201);
    const refund = r.json();
    expect(refund).toMatchObject({ status: 'succeeded', provider: 'stripe', amount: 3_000 });
    expect(refund.providerRefundId).toMatch(/^re_fake/);
    const calls = refundCalls(refund.id);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.form).toMatchObject({
      payment_intent: o.pi,
      amount: '3000',
      'metadata[refundId]': refund.id,
      'metadata[orderId]': o.orderId,
    });
    expect(await orderRow(o.orderId)).toMatchObject({ state: 'partially_refunded', refunded_total: 3_000 });
    expect(await refundedEvents(o.orderId)).toBe(1);

    const stored = fake.refunds.find((x) => x.id === refund.providerRefundId)!;
    const created = stripeEvent('refund.created', refundObject(stored));
    const outcomes = [];
    for (const e of [
      created,
      stripeEvent('charge.refunded', {
        id: `ch_${o.orderId}`,
        object: 'charge',
        payment_intent: o.pi,
        amount_refunded: 3_000,
        metadata: {},
      }),
      stripeEvent('refund.updated', refundObject(stored)),
      stripeEvent('charge.refund.updated', refundObject(stored)),
      created, // delivered twice
    ])
      outcomes.push((await deliver(t.http, e)).json().outcome);
    expect(outcomes).toEqual(['applied', 'applied', 'applied', 'applied', 'duplicate']);
    expect(await orderRow(o.orderId)).toMatchObject({ state: 'partially_refunded', refunded_total: 3_000 });
    expect(await refundsOf(o.orderId)).toHaveLength(1);
    expect(await refundedEvents(o.orderId)).toBe(1);
    // Stripe's refunded total matches what we applied: nothing to fetch.
    const payment = (await t.app.modules.payments.service.ofOrder(o.orderId))!;
    expect(
      await count(
        t,
        sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${REFUND_SYNC_JOB} AND data->>'paymentId' = ${payment.id}`,
      ),
    ).toBe(0);
  });

  it('Stripe failing: the refund stays pending, the job retries with the same key and refunds once', async () => {
    const o = await stripeOrder('stripe-outage@example.de');
    fake.failPath = '/v1/refunds';
    fake.failNext = 3; // the SDK's first try and both of its retries
    const r = await staffRefund(o.orderId, o.gross);
    fake.failPath = undefined;
    expect(r.statusCode).toBe(201);
    const refund = r.json();
    expect(refund.status).toBe('pending');
    expect(refundCalls(refund.id)).toHaveLength(3);
    expect(await orderRow(o.orderId)).toMatchObject({ state: 'paid', refunded_total: 0 });
    // The pending refund holds its amount: nothing more can be refunded meanwhile.
    expect((await staffRefund(o.orderId, 1)).json().error.code).toBe('REFUND_EXCEEDS_BALANCE');
    await runJob(REFUND_JOB, { refundId: refund.id });
    const calls = refundCalls(refund.id);
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((c) => c.idempotencyKey))).toEqual(new Set([`refund:${refund.id}`]));
    expect(fake.refunds.filter((x) => x.metadata.refundId === refund.id)).toHaveLength(1);
    expect(await orderRow(o.orderId)).toMatchObject({ state: 'refunded', refunded_total: o.gross });
    await runJob(REFUND_JOB, { refundId: refund.id });
    expect(refundCalls(refund.id)).toHaveLength(4);
    expect(await refundedEvents(o.orderId)).toBe(1);
  });

  it('the webhook of our refund arrives before its API answer was recorded, newest status first: applied once', async () => {
    const o = await stripeOrder('stripe-early-webhook@example.de');
    fake.failPath = '/v1/refunds';
    fake.failNext = 3;
    const pending = (await staffRefund(o.orderId, 4_000)).json();
    fake.failPath = undefined;
    expect(pending.status).toBe('pending');
    // Stripe made it (the answer was lost on the way): its events name our refund in metadata.
    const re = refundObject({
      id: 're_lost_answer_1',
      amount: 4_000,
      payment_intent: o.pi,
      metadata: { refundId: pending.id, orderId: o.orderId },
    });
    const updated = stripeEvent('refund.updated', re);
    const created = stripeEvent('refund.created', { ...re, status: 'pending' });
    expect((await deliver(t.http, updated)).json().outcome).toBe('applied');
    expect((await deliver(t.http, created)).json().outcome).toBe('applied');
    expect((await deliver(t.http, updated)).json().outcome).toBe('duplicate');
    expect(await refundsOf(o.orderId)).toEqual([
      expect.objectContaining({
        id: pending.id,
        status: 'succeeded',
        provider_refund_id: 're_lost_answer_1',
      }),
    ]);
    expect(await orderRow(o.orderId)).toMatchObject({ state: 'partially_refunded', refunded_total: 4_000 });
    // The job finds it settled and calls Stripe no more.
    const before = refundCalls(pending.id).length;
    await runJob(REFUND_JOB, { refundId: pending.id });
    expect(refundCalls(pending.id)).toHaveLength(before);
    expect(await refundedEvents(o.orderId)).toBe(1);
  });

  it('a refund Stripe refuses is marked failed with its message and changes nothing else; the Dashboard refund that caused it is recorded and applied', async () => {
    const o = await stripeOrder('stripe-refused@example.de');
    const dashboard = fake.dashboardRefund(o.pi, o.gross); // its webhook has not arrived yet
    const r = await staffRefund(o.orderId, 1_000);
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ status: 'failed', providerRefundId: null });
    expect(r.json().failureMessage).toMatch(/already been refunded/);
    expect(await orderRow(o.orderId)).toMatchObject({ state: 'paid', refunded_total: 0 });
    expect(await refundedEvents(o.orderId)).toBe(0);

    const event = stripeEvent('refund.created', refundObject(dashboard));
    expect((await deliver(t.http, event)).json().outcome).toBe('applied');
    expect((await deliver(t.http, event)).json().outcome).toBe('duplicate');
    expect(
      (await deliver(t.http, stripeEvent('refund.updated', refundObject(dashboard)))).json().outcome,
    ).toBe('applied');
    const rows = await refundsOf(o.orderId);
    expect(rows).toEqual([
      expect.objectContaining({ status: 'failed', requested_by: expect.any(String) }),
      expect.objectContaining({
        status: 'succeeded',
        amount: o.gross,
        provider_refund_id: dashboard.id,
        requested_by: null,
      }),
    ]);
    expect(await orderRow(o.orderId)).toMatchObject({ state: 'refunded', refunded_total: o.gross });
    expect(await refundedEvents(o.orderId)).toBe(1);
    expect(
      await count(
        t,
        sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'orders.refund.provider' AND target_id = ${o.orderId} AND actor_user_id IS NULL`,
      ),
    ).toBe(1);
    const page = await t.http.inject({
      method: 'GET',
      url: `/admin/orders/${o.orderId}`,
      headers: { accept: 'text/html', cookie: admin.header() },
    });
    expect(page.body).toContain('At Stripe');
    expect(page.body).toContain('already been refunded');
  });

  it('a Dashboard refund known only from charge.refunded is fetched from Stripe’s list, once', async () => {
    const o = await stripeOrder('stripe-charge-refunded@example.de');
    const dashboard = fake.dashboardRefund(o.pi, 2_000);
    const charge = (amountRefunded: number) =>
      stripeEvent('charge.refunded', {
        id: `ch_${o.orderId}`,
        object: 'charge',
        payment_intent: o.pi,
        amount_refunded: amountRefunded,
        metadata: {},
      });
    expect((await deliver(t.http, charge(2_000))).json().outcome).toBe('applied');
    const payment = (await t.app.modules.payments.service.ofOrder(o.orderId))!;
    expect(await orderRow(o.orderId)).toMatchObject({ state: 'paid', refunded_total: 0 });
    await Promise.all([
      runJob(REFUND_SYNC_JOB, { paymentId: payment.id }),
      runJob(REFUND_SYNC_JOB, { paymentId: payment.id }),
    ]);
    expect(await orderRow(o.orderId)).toMatchObject({ state: 'partially_refunded', refunded_total: 2_000 });
    expect(
      (await deliver(t.http, stripeEvent('refund.created', refundObject(dashboard)))).json().outcome,
    ).toBe('applied');
    expect((await deliver(t.http, charge(2_000))).json().outcome).toBe('applied');
    await runJob(REFUND_SYNC_JOB, { paymentId: payment.id });
    expect(await refundsOf(o.orderId)).toEqual([
      expect.objectContaining({ provider_refund_id: dashboard.id, requested_by: null, status: 'succeeded' }),
    ]);
    expect(await refundedEvents(o.orderId)).toBe(1);
  });

  it('a Dashboard refund whose event comes before the payment’s: refused until the payment is recorded, then applied', async () => {
    const o = await stripeOrder('stripe-refund-first@example.de', false);
    const dashboard = fake.dashboardRefund(o.pi, 1_500);
    const early = stripeEvent('refund.created', refundObject(dashboard));
    const refused = await deliver(t.http, early);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('ORDER_STATE_CONFLICT');
    expect(await refundsOf(o.orderId)).toEqual([]);
    await payIntent(o.orderId);
    // Stripe delivers the refused event again.
    expect((await deliver(t.http, early)).json().outcome).toBe('applied');
    expect(await orderRow(o.orderId)).toMatchObject({ state: 'partially_refunded', refunded_total: 1_500 });
    expect(await refundedEvents(o.orderId)).toBe(1);
    // A refund of a payment intent that is not ours is acknowledged and ignored.
    const foreign = refundObject({ id: 're_foreign', amount: 100, payment_intent: 'pi_someone_else' });
    expect((await deliver(t.http, stripeEvent('refund.created', foreign))).json().outcome).toBe('ignored');
  });

  it('a refund pending at Stripe is settled by its later event: failed (nothing changes) or succeeded (applied)', async () => {
    fake.refundStatus = 'pending';
    try {
      const o = await stripeOrder('stripe-pending@example.de');
      const first = (await staffRefund(o.orderId, 1_000)).json();
      const second = (await staffRefund(o.orderId, 2_000)).json();
      expect([first.status, second.status]).toEqual(['pending', 'pending']);
      expect(first.providerRefundId).toMatch(/^re_fake/);
      const at = (id: string) => fake.refunds.find((x) => x.id === id)!;
      const failed = stripeEvent(
        'refund.failed',
        refundObject({
          ...at(first.providerRefundId),
          status: 'failed',
          failure_reason: 'expired_or_canceled_card',
        }),
      );
      expect((await deliver(t.http, failed)).json().outcome).toBe('applied');
      const ok = stripeEvent(
        'refund.updated',
        refundObject({ ...at(second.providerRefundId), status: 'succeeded' }),
      );
      expect((await deliver(t.http, ok)).json().outcome).toBe('applied');
      // The older "pending" of the first one, delivered late, changes nothing.
      const late = stripeEvent(
        'refund.created',
        refundObject({ ...at(first.providerRefundId), status: 'pending' }),
      );
      expect((await deliver(t.http, late)).json().outcome).toBe('applied');
      const rows = await refundsOf(o.orderId);
      expect(rows).toEqual([
        expect.objectContaining({ id: first.id, status: 'failed' }),
        expect.objectContaining({ id: second.id, status: 'succeeded' }),
      ]);
      expect(rows[0]!.failure_message).toMatch(/expired or canceled card/);
      expect(await orderRow(o.orderId)).toMatchObject({ state: 'partially_refunded', refunded_total: 2_000 });
      expect(await refundedEvents(o.orderId)).toBe(1);
    } finally {
      fake.refundStatus = 'succeeded';
    }
  });
});
