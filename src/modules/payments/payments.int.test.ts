import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { CookieJar } from '../accounts/test-support.ts';
import { checkoutAs, count, GERMAN_CONSUMER, guestWithCart, payWithCard } from '../checkout/test-support.ts';
import { ORDER_CONFIRMATION_TEMPLATE, ORDERS_PAID_JOB } from '../orders/index.ts';
import type { PaymentEvent } from './index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => t?.close());

const orderState = async (id: string) =>
  (
    await sql<{ state: string; paid_at: Date | null; last_payment_error: string | null }>`
    SELECT state, paid_at, last_payment_error FROM sales_order WHERE id = ${id}`.execute(t.app.ctx.db)
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
async function runPaidJob(orderId: string) {
  const def = t.app.ctx.jobs.definitions.find((d) => d.name === ORDERS_PAID_JOB)!;
  await def.handler({ orderId }, { id: 'test', retryCount: 0 });
}
async function newOrder(email: string) {
  const jar = await guestWithCart(t);
  return { jar, ...(await checkoutAs(t, jar, { ...GERMAN_CONSUMER, email })) };
}

describe('test payment page', () => {
  it('says on every page it serves that it is a test payment', async () => {
    const { payUrl } = await newOrder('banner@example.de');
    const page = await t.http.inject({ method: 'GET', url: payUrl, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('TEST PAYMENT');
    expect(page.body).toContain('no real money');
    const invalid = await payWithCard(t, new CookieJar(), payUrl, '1234');
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('TEST PAYMENT');
    expect(invalid.body).toContain('Enter a valid card number.');
  });

  it('pays with 4242 4242 4242 4242, publishes "order paid" once and mails one confirmation', async () => {
    const email = 'paid@example.de';
    const { jar, orderId, payUrl } = await newOrder(email);
    const res = await payWithCard(t, jar, payUrl, '4242 4242 4242 4242');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^/orders/${orderId}/confirmation\\?token=`));
    expect((await orderState(orderId)).state).toBe('paid');
    expect(await paidJobs(orderId)).toBe(1);
    await Promise.all([runPaidJob(orderId), runPaidJob(orderId), runPaidJob(orderId)]);
    await runPaidJob(orderId);
    expect(await confirmations(email)).toBe(1);
    // The confirmation page: by token for the guest; 404 without it or with a wrong one.
    const confirmation = await t.http.inject({
      method: 'GET',
      url: String(res.headers.location),
      headers: { accept: 'text/html' },
    });
    expect(confirmation.statusCode).toBe(200);
    expect(confirmation.body).toContain('Thank you for your order');
    expect((await t.http.inject({ method: 'GET', url: `/orders/${orderId}/confirmation` })).statusCode).toBe(
      404,
    );
    expect(
      (await t.http.inject({ method: 'GET', url: `/orders/${orderId}/confirmation?token=x` })).statusCode,
    ).toBe(404);
    // Paying again is refused; the pay page now sends to the confirmation.
    const page = await t.http.inject({ method: 'GET', url: payUrl });
    expect(page.statusCode).toBe(303);
    // Only brand and last four digits are kept, nowhere the number.
    const attempt = (
      await sql<{ card_brand: string; card_last4: string }>`
      SELECT a.card_brand, a.card_last4 FROM payment_attempt a JOIN payment p ON p.id = a.payment_id WHERE p.order_id = ${orderId}`.execute(
        t.app.ctx.db,
      )
    ).rows;
    expect(attempt).toEqual([{ card_brand: 'visa', card_last4: '4242' }]);
    for (const table of [
      'payment',
      'payment_attempt',
      'payment_event',
      'payment_method',
      'sales_order',
      'mail_message',
    ]) {
      const dump = await sql<{
        j: string;
      }>`SELECT row_to_json(x)::text AS j FROM ${sql.table(table)} x`.execute(t.app.ctx.db);
      expect(dump.rows.map((r) => r.j).join('\n'), table).not.toMatch(/4242\s?4242\s?4242\s?4242/);
    }
  });

  it('leaves a declined card (0002) unpaid with a clear message; a new attempt pays the same order', async () => {
    const email = 'declined@example.de';
    const { jar, orderId, payUrl } = await newOrder(email);
    const declined = await payWithCard(t, jar, payUrl, '4000 0000 0000 0002');
    expect(declined.statusCode).toBe(402);
    expect(declined.body).toContain('Your card was declined.');
    expect(declined.body).toContain('TEST PAYMENT');
    expect(await orderState(orderId)).toMatchObject({ state: 'payment_failed', paid_at: null });
    expect(await paidJobs(orderId)).toBe(0);
    const funds = await payWithCard(t, jar, payUrl, '4000000000009995');
    expect(funds.statusCode).toBe(402);
    expect(funds.body).toContain('insufficient funds');
    expect((await orderState(orderId)).last_payment_error).toBe('Your card has insufficient funds.');
    const ok = await payWithCard(t, jar, payUrl, '4242424242424242');
    expect(ok.statusCode).toBe(303);
    expect((await orderState(orderId)).state).toBe('paid');
    expect(
      await count(t, sql`SELECT count(*)::int AS n FROM sales_order WHERE billing->>'email' = ${email}`),
    ).toBe(1);
    expect(
      await count(
        t,
        sql`SELECT count(*)::int AS n FROM payment_attempt a JOIN payment p ON p.id = a.payment_id WHERE p.order_id = ${orderId}`,
      ),
    ).toBe(3);
    expect(await paidJobs(orderId)).toBe(1);
  });

  it('saves 4000 0000 0000 0341 as a card that will fail on renewals', async () => {
    const { jar, orderId, payUrl } = await newOrder('renewal@example.de');
    expect((await payWithCard(t, jar, payUrl, '4000000000000341')).statusCode).toBe(303);
    const method = (
      await sql<{ fails_on_renewal: boolean; card_last4: string }>`
      SELECT m.fails_on_renewal, m.card_last4 FROM payment_method m JOIN payment_attempt a ON a.payment_method_id = m.id
      JOIN payment p ON p.id = a.payment_id WHERE p.order_id = ${orderId}`.execute(t.app.ctx.db)
    ).rows;
    expect(method).toEqual([{ fails_on_renewal: true, card_last4: '0341' }]);
  });
});

describe('payment events', () => {
  it('100 concurrent, duplicated and reordered events → one success, one "order paid" job, one mail', async () => {
    const email = 'events@example.de';
    const { orderId } = await newOrder(email);
    const payment = (await t.app.modules.payments.service.ofOrder(orderId))!;
    const failed: PaymentEvent = {
      id: 'evt_test_fail_1',
      provider: 'test',
      type: 'payment.failed',
      paymentId: payment.id,
      declineCode: 'card_declined',
      message: 'Your card was declined.',
    };
    const succeeded: PaymentEvent = {
      id: 'evt_test_ok_2',
      provider: 'test',
      type: 'payment.succeeded',
      paymentId: payment.id,
    };
    // Out of order: the failure of an earlier attempt first, then interleaved with the success.
    const events = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? failed : succeeded));
    const outcomes = await Promise.all(events.map((e) => t.app.modules.payments.service.handleEvent(e)));
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(2);
    expect((await t.app.modules.payments.service.ofOrder(orderId))!.status).toBe('succeeded');
    expect((await orderState(orderId)).state).toBe('paid');
    expect(await paidJobs(orderId)).toBe(1);
    await Promise.all(Array.from({ length: 10 }, () => runPaidJob(orderId)));
    expect(await confirmations(email)).toBe(1);
    expect(
      await count(t, sql`SELECT count(*)::int AS n FROM payment_event WHERE payment_id = ${payment.id}`),
    ).toBe(2);
  });

  it('a failure arriving after the success changes nothing', async () => {
    const { orderId } = await newOrder('late@example.de');
    const payment = (await t.app.modules.payments.service.ofOrder(orderId))!;
    await t.app.modules.payments.service.handleEvent({
      id: 'evt_late_ok',
      provider: 'test',
      type: 'payment.succeeded',
      paymentId: payment.id,
    });
    await t.app.modules.payments.service.handleEvent({
      id: 'evt_late_fail',
      provider: 'test',
      type: 'payment.failed',
      paymentId: payment.id,
      declineCode: 'card_declined',
    });
    expect((await orderState(orderId)).state).toBe('paid');
    expect((await t.app.modules.payments.service.ofOrder(orderId))!.status).toBe('succeeded');
  });
});
