import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, csrfFrom, postForm } from '../accounts/test-support.ts';
import {
  cartOf,
  checkoutAs,
  commerceCounts,
  count,
  GERMAN_CONSUMER,
  guestWithCart,
} from '../checkout/test-support.ts';
import { ORDER_CONFIRMATION_TEMPLATE, ORDERS_PAID_JOB } from '../orders/index.ts';
import { type FakeStripe, startFakeStripe } from './fake-stripe.ts';
import { REFUND_SYNC_JOB } from './index.ts';
import {
  deliver,
  paymentIntent,
  sessionCompleted,
  stripeEvent,
  TEST_STRIPE_ENV,
} from './stripe-test-support.ts';

let t: TestApp;
let fake: FakeStripe;
beforeAll(async () => {
  fake = await startFakeStripe();
  t = await createTestApp({
    env: { ...TEST_STRIPE_ENV, STRIPE_API_URL: fake.url, PUBLIC_URL: 'https://shop.example.com' },
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const orderState = async (id: string) =>
  (
    await sql<{ state: string; paid_at: Date | null }>`
    SELECT state, paid_at FROM sales_order WHERE id = ${id}`.execute(t.app.ctx.db)
  ).rows[0]!;
const paidJobs = (orderId: string) =>
  count(
    t,
    sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${ORDERS_PAID_JOB} AND data->>'orderId' = ${orderId}`,
  );
const confirmations = (email: string) =>
  count(
    t,
    sql`SELECT count(*)::int AS n FROM mail_message WHERE template = ${ORDER_CONFIRMATION_TEMPLATE} AND to_address = ${email}`,
  );
const eventsOf = (orderId: string) =>
  count(
    t,
    sql`SELECT count(*)::int AS n FROM payment_event e JOIN payment p ON p.id = e.payment_id WHERE p.order_id = ${orderId}`,
  );
async function runPaidJob(orderId: string) {
  const def = t.app.ctx.jobs.definitions.find((d) => d.name === ORDERS_PAID_JOB)!;
  await def.handler({ orderId }, { id: 'test', retryCount: 0 });
}
async function newOrder(email: string, items?: { sku: string; quantity: number }[]) {
  const jar = await guestWithCart(t, items);
  return { jar, ...(await checkoutAs(t, jar, { ...GERMAN_CONSUMER, email })) };
}
const sessionsOf = (orderId: string) =>
  fake.requests.filter((r) => r.path === '/v1/checkout/sessions' && r.form.client_reference_id === orderId);

describe('Stripe Checkout Sessions (official SDK against a local server speaking Stripe’s REST API)', () => {
  it('checkout answers the Checkout Session URL; the session carries the order, customer, tax lines and a business idempotency key', async () => {
    const { orderId, payUrl } = await newOrder('session@example.de', [
      { sku: 'TR-FHIR101-LV-S', quantity: 2 },
    ]);
    const sessions = sessionsOf(orderId);
    expect(sessions).toHaveLength(1);
    const s = sessions[0]!;
    expect(payUrl).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);
    expect(s.idempotencyKey).toBe(`checkout-session:${orderId}:1`);
    const order = (await t.app.modules.orders.service.get(orderId))!;
    expect(s.form).toMatchObject({
      mode: 'payment',
      client_reference_id: orderId,
      'metadata[order_id]': orderId,
      'payment_intent_data[metadata][order_id]': orderId,
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': String(order.lines[0]!.unit_amount),
      'line_items[0][quantity]': '2',
      'line_items[1][price_data][unit_amount]': String(order.row.tax_total),
    });
    expect(s.form.success_url).toMatch(
      new RegExp(`^https://shop\\.example\\.com/orders/${orderId}/confirmation\\?token=`),
    );
    expect(s.form.cancel_url).toMatch(/^https:\/\/shop\.example\.com\/orders\//);
    // One Stripe customer per user, mapped and reused.
    const customer = fake.requests.find(
      (r) => r.path === '/v1/customers' && r.idempotencyKey === `customer:${order.row.user_id}`,
    );
    expect(customer?.form.email).toBe('session@example.de');
    const mapped = await count(
      t,
      sql`SELECT count(*)::int AS n FROM stripe_customer WHERE user_id = ${order.row.user_id} AND customer_id = ${s.form.customer}`,
    );
    expect(mapped).toBe(1);
    // The total Stripe charges is the order's gross total (tax sent as explicit lines).
    let total = 0;
    for (let i = 0; s.form[`line_items[${i}][quantity]`]; i++)
      total +=
        Number(s.form[`line_items[${i}][quantity]`]) *
        Number(s.form[`line_items[${i}][price_data][unit_amount]`]);
    expect(total).toBe(Number(order.row.gross_total));
    // The stored session is reused: the confirmation page and a repeat do not create another.
    expect(await t.app.modules.payments.service.payUrlForOrder(orderId)).toBe(payUrl);
    expect(sessionsOf(orderId)).toHaveLength(1);
  });

  it('a Stripe 500 is retried by the SDK with the same Idempotency-Key', async () => {
    fake.failNext = 1;
    fake.failPath = '/v1/checkout/sessions';
    const { orderId, payUrl } = await newOrder('retry@example.de');
    const sessions = sessionsOf(orderId);
    expect(sessions).toHaveLength(2);
    expect(new Set(sessions.map((s) => s.idempotencyKey))).toEqual(
      new Set([`checkout-session:${orderId}:1`]),
    );
    expect(payUrl).toMatch(/^https:\/\/checkout\.stripe\.test\//);
  });

  it('a recurring SKU gets a subscription-mode session with recurring prices (tax recurring too)', async () => {
    const { orderId } = await newOrder('monthly@example.de', [{ sku: 'TL-MAPPER-PR-M', quantity: 1 }]);
    const s = sessionsOf(orderId)[0]!;
    expect(s.form).toMatchObject({
      mode: 'subscription',
      'subscription_data[metadata][order_id]': orderId,
      'line_items[0][price_data][recurring][interval]': 'month',
      'line_items[1][price_data][recurring][interval]': 'month',
    });
    const annual = sessionsOf((await newOrder('annual@example.de')).orderId)[0]!;
    expect(annual.form['line_items[0][price_data][recurring][interval]']).toBe('year');
    expect(s.form['payment_intent_data[metadata][order_id]']).toBeUndefined();
  });

  it('monthly and annual plans in one cart are refused before anything is written (one interval per Stripe subscription)', async () => {
    const jar = await guestWithCart(t, [
      { sku: 'TL-MAPPER-PR-M', quantity: 1 },
      { sku: 'TL-QUALITY-ST-A', quantity: 1 },
    ]);
    const before = await commerceCounts(t);
    const cart = await cartOf(t, jar);
    const r = await api(t, 'POST', '/api/v1/checkout', {
      jar,
      body: {
        billing: { ...GERMAN_CONSUMER, email: 'mixed@example.de' },
        cartId: cart.id,
        cartVersion: cart.version,
      },
    });
    expect([r.statusCode, r.json().error.code]).toEqual([409, 'CART_MIXED_INTERVALS']);
    expect(await commerceCounts(t)).toEqual(before);
  });

  it('the checkout form redirects to the Checkout Session URL', async () => {
    const jar = await guestWithCart(t);
    const { token } = await csrfFrom(t, jar, '/checkout');
    const cart = await cartOf(t, jar);
    const placed = await postForm(t, jar, '/checkout/place', {
      _csrf: token,
      customerType: 'consumer',
      name: 'Erika Mustermann',
      email: 'form-stripe@example.de',
      line1: 'Unter den Linden 1',
      city: 'Berlin',
      postalCode: '10117',
      country: 'DE',
      cartId: cart.id,
      cartVersion: String(cart.version),
    });
    expect(placed.statusCode).toBe(303);
    expect(placed.headers.location).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);
  });
});

describe('POST /webhooks/stripe', () => {
  it('refuses a tampered body, a missing, wrong or stale signature with 400 and writes nothing', async () => {
    const { orderId } = await newOrder('tamper@example.de');
    const event = stripeEvent('checkout.session.completed', sessionCompleted(orderId));
    const before = await commerceCounts(t);
    const now = Math.floor(Date.now() / 1000);
    for (const r of [
      await deliver(t.http, event, { tamper: true }),
      await deliver(t.http, event, { signature: null }),
      await deliver(t.http, event, { signature: 't=1,v1=abc' }),
      await deliver(t.http, event, { secret: 'whsec_someone_else' }),
      await deliver(t.http, event, { timestamp: now - 600 }),
    ]) {
      expect(r.statusCode).toBe(400);
      expect(r.headers['content-type']).toMatch(/application\/json/);
      expect(r.json().error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    }
    expect(await commerceCounts(t)).toEqual(before);
    expect((await orderState(orderId)).state).toBe('pending_payment');
  });

  it('needs no CSRF token and answers JSON even to a browser-like Accept', async () => {
    const r = await t.http.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: { 'content-type': 'text/plain', accept: 'text/html' },
      payload: 'hello',
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
  });

  it('checkout.session.completed marks the order paid and publishes "order paid" once', async () => {
    const { orderId } = await newOrder('completed@example.de');
    const r = await deliver(t.http, stripeEvent('checkout.session.completed', sessionCompleted(orderId)));
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ received: true, outcome: 'applied' });
    expect((await orderState(orderId)).state).toBe('paid');
    expect(await paidJobs(orderId)).toBe(1);
    const payment = (await t.app.modules.payments.service.ofOrder(orderId))!;
    expect(payment).toMatchObject({ status: 'succeeded', provider_payment_intent: `pi_${orderId}` });
    expect(await t.app.modules.payments.service.payUrlForOrder(orderId)).toBeNull();
  });

  it('the same event 100× concurrently, shuffled with payment_intent.succeeded → one success, one job, one mail', async () => {
    const email = 'hundred@example.de';
    const { orderId } = await newOrder(email);
    const completed = stripeEvent('checkout.session.completed', sessionCompleted(orderId));
    const succeeded = stripeEvent('payment_intent.succeeded', paymentIntent(orderId));
    const events = [
      ...Array.from({ length: 100 }, () => completed),
      ...Array.from({ length: 20 }, () => succeeded),
    ];
    for (let i = events.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [events[i], events[j]] = [events[j]!, events[i]!];
    }
    const answers = await Promise.all(events.map((e) => deliver(t.http, e)));
    expect(answers.map((a) => a.statusCode).filter((s) => s !== 200)).toEqual([]);
    expect(answers.filter((a) => a.json().outcome === 'applied')).toHaveLength(2);
    expect((await orderState(orderId)).state).toBe('paid');
    expect(await paidJobs(orderId)).toBe(1);
    expect(await eventsOf(orderId)).toBe(2);
    await Promise.all(Array.from({ length: 10 }, () => runPaidJob(orderId)));
    expect(await confirmations(email)).toBe(1);
  });

  it('payment_intent.succeeded before checkout.session.completed is fine', async () => {
    const { orderId } = await newOrder('early-pi@example.de');
    expect(
      (await deliver(t.http, stripeEvent('payment_intent.succeeded', paymentIntent(orderId)))).statusCode,
    ).toBe(200);
    expect((await orderState(orderId)).state).toBe('paid');
    const late = await deliver(t.http, stripeEvent('checkout.session.completed', sessionCompleted(orderId)));
    expect(late.json().outcome).toBe('applied');
    expect(await paidJobs(orderId)).toBe(1);
  });

  it('payment_intent.payment_failed after the success leaves the order paid; before it, shows the failure', async () => {
    const { orderId } = await newOrder('late-fail@example.de');
    const failed = (id: string) =>
      stripeEvent(
        'payment_intent.payment_failed',
        paymentIntent(orderId, {
          status: 'requires_payment_method',
          last_payment_error: {
            code: 'card_declined',
            decline_code: 'generic_decline',
            message: 'Your card was declined.',
          },
        }),
        id,
      );
    await deliver(t.http, failed(`evt_fail_a_${orderId}`));
    expect((await orderState(orderId)).state).toBe('payment_failed');
    await deliver(t.http, stripeEvent('payment_intent.succeeded', paymentIntent(orderId)));
    const r = await deliver(t.http, failed(`evt_fail_b_${orderId}`));
    expect(r.statusCode).toBe(200);
    expect((await orderState(orderId)).state).toBe('paid');
    expect((await t.app.modules.payments.service.ofOrder(orderId))!.status).toBe('succeeded');
  });

  it('a handler failure (the database refusing) answers 5xx and writes nothing; the retry applies it', async () => {
    const { orderId } = await newOrder('refused@example.de');
    const event = stripeEvent('checkout.session.completed', sessionCompleted(orderId));
    const db = t.app.ctx.db;
    await sql`CREATE FUNCTION refuse_payment_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused'; END $$`.execute(db);
    await sql`CREATE TRIGGER refuse BEFORE INSERT ON payment_event FOR EACH ROW EXECUTE FUNCTION refuse_payment_event()`.execute(
      db,
    );
    try {
      const r = await deliver(t.http, event);
      expect(r.statusCode).toBeGreaterThanOrEqual(500);
      expect(await eventsOf(orderId)).toBe(0);
      expect((await orderState(orderId)).state).toBe('pending_payment');
    } finally {
      await sql`DROP TRIGGER refuse ON payment_event`.execute(db);
      await sql`DROP FUNCTION refuse_payment_event()`.execute(db);
    }
    const retry = await deliver(t.http, event);
    expect(retry.statusCode).toBe(200);
    expect((await orderState(orderId)).state).toBe('paid');
    expect(await paidJobs(orderId)).toBe(1);
  });

  it('unknown event types and events for someone else’s objects are acknowledged and ignored', async () => {
    const before = await commerceCounts(t);
    const unknown = await deliver(
      t.http,
      stripeEvent('customer.created', { id: 'cus_x', object: 'customer' }),
    );
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json().outcome).toBe('ignored');
    const foreign = await deliver(
      t.http,
      stripeEvent('payment_intent.succeeded', paymentIntent('ord_not_ours')),
    );
    expect(foreign.json().outcome).toBe('ignored');
    expect(await commerceCounts(t)).toEqual(before);
  });

  it('subscription-mode: the first invoice pays the order; subscription states are recorded, newest wins', async () => {
    const { orderId } = await newOrder('sub@example.de', [{ sku: 'TL-MAPPER-PR-M', quantity: 1 }]);
    const sub = (status: string, created: number) => {
      const e = stripeEvent('customer.subscription.updated', {
        id: `sub_${orderId}`,
        object: 'subscription',
        customer: 'cus_sub',
        status,
        metadata: { order_id: orderId },
      });
      e.created = created;
      return e;
    };
    const now = Math.floor(Date.now() / 1000);
    await deliver(t.http, sub('active', now));
    await deliver(t.http, sub('incomplete', now - 5)); // older, arrives late
    const invoice = stripeEvent('invoice.payment_succeeded', {
      id: `in_${orderId}`,
      object: 'invoice',
      billing_reason: 'subscription_create',
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: `sub_${orderId}`, metadata: { order_id: orderId } },
      },
    });
    expect((await deliver(t.http, invoice)).json().outcome).toBe('applied');
    expect((await orderState(orderId)).state).toBe('paid');
    const renewal = stripeEvent('invoice.payment_failed', {
      id: `in_renewal_${orderId}`,
      object: 'invoice',
      billing_reason: 'subscription_cycle',
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: `sub_${orderId}`, metadata: {} },
      },
    });
    expect((await deliver(t.http, renewal)).json().outcome).toBe('applied');
    expect((await orderState(orderId)).state).toBe('paid');
    const row = (
      await sql<{
        status: string;
        customer_id: string;
      }>`SELECT status, customer_id FROM stripe_subscription WHERE id = ${`sub_${orderId}`}`.execute(
        t.app.ctx.db,
      )
    ).rows[0];
    expect(row).toEqual({ status: 'active', customer_id: 'cus_sub' });
    expect((await t.app.modules.payments.service.ofOrder(orderId))!.provider_subscription_id).toBe(
      `sub_${orderId}`,
    );
  });

  it('charge.refunded without its refunds is recorded and schedules a reconciliation; alone it leaves the order paid', async () => {
    const { orderId } = await newOrder('refund@example.de');
    await deliver(t.http, stripeEvent('payment_intent.succeeded', paymentIntent(orderId)));
    const r = await deliver(
      t.http,
      stripeEvent('charge.refunded', {
        id: `ch_${orderId}`,
        object: 'charge',
        payment_intent: `pi_${orderId}`,
        amount_refunded: 100,
        metadata: {},
      }),
    );
    expect(r.json().outcome).toBe('applied');
    expect(await eventsOf(orderId)).toBe(2);
    expect((await orderState(orderId)).state).toBe('paid');
    const payment = (await t.app.modules.payments.service.ofOrder(orderId))!;
    expect(
      await count(
        t,
        sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${REFUND_SYNC_JOB} AND data->>'paymentId' = ${payment.id}`,
      ),
    ).toBe(1);
  });
});

describe('JSON checkout with Stripe', () => {
  it('repeating a checkout answers the same session URL', async () => {
    const jar = await guestWithCart(t);
    const cart = await cartOf(t, jar);
    const body = {
      billing: { ...GERMAN_CONSUMER, email: 'repeat@example.de' },
      cartId: cart.id,
      cartVersion: cart.version,
    };
    const first = await api(t, 'POST', '/api/v1/checkout', { jar, body });
    const again = await api(t, 'POST', '/api/v1/checkout', { jar, body });
    expect(first.statusCode).toBe(201);
    expect(again.json().payUrl).toBe(first.json().payUrl);
    expect(sessionsOf(first.json().orderId)).toHaveLength(1);
  });
});
