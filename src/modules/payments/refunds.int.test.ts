import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, csrfFrom, postForm, signedInUser } from '../accounts/test-support.ts';
import { checkoutAs, count, GERMAN_CONSUMER, guestWithCart, payWithCard } from '../checkout/test-support.ts';
import { ORDER_REFUND_TEMPLATE, ORDERS_REFUNDED_JOB } from '../orders/index.ts';
import { REFUND_JOB } from './index.ts';

let t: TestApp;
let admin: CookieJar;
let support: CookieJar;
let customer: CookieJar;

async function staffJar(email: string, role: 'admin' | 'support'): Promise<CookieJar> {
  const password = 'staff passphrase 2026 ok';
  await t.app.modules.accounts.createAdmin({ email, password });
  if (role === 'support')
    await sql`UPDATE auth_user SET staff_role = 'support' WHERE email = ${email}`.execute(t.app.ctx.db);
  const jar = new CookieJar();
  const r = await api(t, 'POST', '/api/v1/auth/sign-in', { jar, body: { email, password } });
  expect(r.statusCode).toBe(200);
  return jar;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await staffJar('refunds-admin@example.org', 'admin');
  support = await staffJar('refunds-support@example.org', 'support');
  customer = await signedInUser(t, 'customer@example.org');
}, 60_000);
afterAll(async () => t?.close());

/** A paid order: a cart (several lines when asked), checkout, the test card. */
async function paidOrder(
  email: string,
  items?: { sku: string; quantity: number }[],
  jar?: CookieJar,
): Promise<{ orderId: string; gross: number; net: number; tax: number; jar: CookieJar }> {
  const buyer = jar ?? (await guestWithCart(t, items));
  if (jar)
    for (const body of items ?? [{ sku: 'TL-MAPPER-PR-A', quantity: 1 }])
      expect((await api(t, 'POST', '/api/v1/cart/items', { jar, body })).statusCode).toBe(200);
  const { orderId, payUrl } = await checkoutAs(t, buyer, { ...GERMAN_CONSUMER, email });
  expect((await payWithCard(t, buyer, payUrl, '4242424242424242')).statusCode).toBe(303);
  const o = await orderRow(orderId);
  return { orderId, gross: o.gross_total, net: o.net_total, tax: o.tax_total, jar: buyer };
}

const orderRow = async (id: string) =>
  (
    await sql<{
      state: string;
      refunded_total: number;
      gross_total: number;
      net_total: number;
      tax_total: number;
    }>`SELECT state, refunded_total::int, gross_total::int, net_total::int, tax_total::int FROM sales_order WHERE id = ${id}`.execute(
      t.app.ctx.db,
    )
  ).rows[0]!;
const refundedEvents = (orderId: string) =>
  count(
    t,
    sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${ORDERS_REFUNDED_JOB} AND data->>'orderId' = ${orderId}`,
  );
const refundRows = (orderId: string) =>
  count(t, sql`SELECT count(*)::int AS n FROM refund WHERE order_id = ${orderId}`);
/** What a refused request must leave as it was. */
const written = async () => ({
  refunds: await count(t, sql`SELECT count(*)::int AS n FROM refund`),
  audit: await count(t, sql`SELECT count(*)::int AS n FROM audit_event`),
  jobs: await count(
    t,
    sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name LIKE 'orders.refunded%' OR name LIKE 'payments.refund%'`,
  ),
  orders: await count(t, sql`SELECT count(*)::int AS n FROM sales_order WHERE refunded_total > 0`),
});

const key = () => `test-${randomUUID()}`;
const refund = (
  orderId: string,
  body: unknown,
  options: { jar?: CookieJar; idempotencyKey?: string | null } = {},
) =>
  api(t, 'POST', `/api/v1/admin/orders/${orderId}/refunds`, {
    jar: options.jar ?? admin,
    body,
    headers: options.idempotencyKey === null ? {} : { 'idempotency-key': options.idempotencyKey ?? key() },
  });

async function runJob(name: string, data: object) {
  const def = t.app.ctx.jobs.definitions.find((d) => d.name === name)!;
  await def.handler(data, { id: 'test', retryCount: 0 });
}

const page = (url: string, jar?: CookieJar) =>
  t.http.inject({
    method: 'GET',
    url,
    headers: { accept: 'text/html', ...(jar ? { cookie: jar.header() } : {}) },
  });

describe('staff refunds on the test provider', () => {
  it('a partial then a final refund: states, totals, net/tax split, one "order refunded" per refund, audited', async () => {
    const o = await paidOrder('partial@example.de', [
      { sku: 'TL-MAPPER-PR-A', quantity: 1 },
      { sku: 'TR-FHIR101-LV-S', quantity: 3 },
    ]);
    const first = await refund(o.orderId, { amount: 10_001, reason: 'Goodwill: late delivery' });
    expect(first.statusCode).toBe(201);
    const r1 = first.json();
    expect(r1).toMatchObject({ orderId: o.orderId, amount: 10_001, status: 'succeeded', provider: 'test' });
    expect(r1.net + r1.tax).toBe(10_001);
    expect(r1.lines).toHaveLength(2);
    expect(r1.lines.reduce((s: number, l: { net: number; tax: number }) => s + l.net + l.tax, 0)).toBe(
      10_001,
    );
    expect(await orderRow(o.orderId)).toMatchObject({ state: 'partially_refunded', refunded_total: 10_001 });
    expect(await refundedEvents(o.orderId)).toBe(1);

    const rest = o.gross - 10_001;
    const second = await refund(o.orderId, { amount: rest, reason: 'Customer cancelled the training' });
    expect(second.statusCode).toBe(201);
    expect(second.json().status).toBe('succeeded');
    expect(await orderRow(o.orderId)).toMatchObject({ state: 'refunded', refunded_total: o.gross });
    expect(await refundedEvents(o.orderId)).toBe(2);
    // The two credit notes reverse exactly what was invoiced, net and tax apart.
    const parts = (
      await sql<{
        net: number;
        tax: number;
      }>`SELECT sum(net)::int AS net, sum(tax)::int AS tax FROM refund WHERE order_id = ${o.orderId}`.execute(
        t.app.ctx.db,
      )
    ).rows[0]!;
    expect(parts).toEqual({ net: o.net, tax: o.tax });
    const jobs = (
      await sql<{ data: { amount: number; full: boolean; refundId: string } }>`
      SELECT data FROM pgboss.job WHERE name = ${ORDERS_REFUNDED_JOB} AND data->>'orderId' = ${o.orderId} ORDER BY created_on`.execute(
        t.app.ctx.db,
      )
    ).rows.map((r) => r.data);
    expect(jobs).toEqual([
      expect.objectContaining({ refundId: r1.id, amount: 10_001, full: false, currency: 'USD' }),
      expect.objectContaining({ refundId: second.json().id, amount: rest, full: true }),
    ]);
    // Running the refund job again (a redelivery) publishes nothing more.
    await runJob(REFUND_JOB, { refundId: r1.id });
    expect(await refundedEvents(o.orderId)).toBe(2);
    // One refund notice per refund, however often its event is delivered.
    for (const data of jobs)
      await Promise.all([runJob(ORDERS_REFUNDED_JOB, data), runJob(ORDERS_REFUNDED_JOB, data)]);
    expect(
      await count(
        t,
        sql`SELECT count(*)::int AS n FROM mail_message WHERE template = ${ORDER_REFUND_TEMPLATE} AND to_address = 'partial@example.de'`,
      ),
    ).toBe(2);
    // Nothing is left: a refunded order refuses further refunds.
    const more = await refund(o.orderId, { amount: 1, reason: 'again' });
    expect(more.statusCode).toBe(422);
    expect(more.json().error.code).toBe('REFUND_EXCEEDS_BALANCE');
    const audit = await count(
      t,
      sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'orders.refund' AND target_id = ${o.orderId} AND actor_email = 'refunds-admin@example.org'`,
    );
    expect(audit).toBe(2);
    const detail = await api(t, 'GET', `/api/v1/admin/orders/${o.orderId}`, { jar: admin });
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      refundable: 0,
      order: { state: 'refunded', refundedTotal: o.gross },
    });
    expect(detail.json().refunds.map((r: { id: string }) => r.id)).toEqual([r1.id, second.json().id]);
    expect(detail.json().evidence).toMatchObject({
      billingCountry: 'DE',
      customerType: 'consumer',
      vatStatus: 'not_provided',
      ipAddress: expect.stringMatching(/^10\./),
      taxDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(detail.json().payment.attempts).toEqual([
      expect.objectContaining({ cardBrand: 'visa', cardLast4: '4242', outcome: 'succeeded' }),
    ]);
    expect(JSON.stringify(detail.json())).not.toMatch(/4242\s?4242\s?4242\s?4242/);
  });

  it('a double submit (sequential or concurrent) records one refund; the same key for another amount is refused', async () => {
    const o = await paidOrder('double@example.de');
    const k = key();
    const a = await refund(o.orderId, { amount: 500, reason: 'Double click' }, { idempotencyKey: k });
    const b = await refund(o.orderId, { amount: 500, reason: 'Double click' }, { idempotencyKey: k });
    expect([a.statusCode, b.statusCode]).toEqual([201, 200]);
    expect(b.json().id).toBe(a.json().id);
    const k2 = key();
    const burst = await Promise.all(
      Array.from({ length: 8 }, () =>
        refund(o.orderId, { amount: 700, reason: 'Retry storm' }, { idempotencyKey: k2 }),
      ),
    );
    expect(burst.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(burst.every((r) => r.statusCode === 201 || r.statusCode === 200)).toBe(true);
    expect(new Set(burst.map((r) => r.json().id)).size).toBe(1);
    expect(await refundRows(o.orderId)).toBe(2);
    expect(await orderRow(o.orderId)).toMatchObject({ refunded_total: 1_200 });
    expect(await refundedEvents(o.orderId)).toBe(2);
    const reused = await refund(o.orderId, { amount: 501, reason: 'Double click' }, { idempotencyKey: k });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const other = await paidOrder('double-other@example.de');
    const elsewhere = await refund(
      other.orderId,
      { amount: 500, reason: 'Double click' },
      { idempotencyKey: k },
    );
    expect(elsewhere.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await refundRows(other.orderId)).toBe(0);
  });

  it('20 concurrent requests for the remaining balance: exactly one refunds, the others get REFUND_EXCEEDS_BALANCE', async () => {
    const o = await paidOrder('race@example.de');
    expect((await refund(o.orderId, { amount: 1_000, reason: 'First part' })).statusCode).toBe(201);
    const balance = o.gross - 1_000;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => refund(o.orderId, { amount: balance, reason: 'The rest' })),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const refused = results.filter((r) => r.statusCode !== 201);
    expect(refused).toHaveLength(19);
    for (const r of refused) {
      expect(r.statusCode).toBe(422);
      expect(r.json().error.code).toBe('REFUND_EXCEEDS_BALANCE');
    }
    const row = await orderRow(o.orderId);
    expect(row).toMatchObject({ state: 'refunded', refunded_total: o.gross });
    expect(row.refunded_total).toBeLessThanOrEqual(row.gross_total);
    expect(await refundRows(o.orderId)).toBe(2);
    expect(await refundedEvents(o.orderId)).toBe(2);
  });

  it('refuses bad input with a stable code and writes nothing', async () => {
    const o = await paidOrder('bad-input@example.de');
    const unpaid = await checkoutAs(t, await guestWithCart(t), {
      ...GERMAN_CONSUMER,
      email: 'unpaid@example.de',
    });
    const before = await written();
    const cases: [string, Promise<Awaited<ReturnType<typeof refund>>>, number, string][] = [
      ['negative', refund(o.orderId, { amount: -100, reason: 'x' }), 400, 'VALIDATION_FAILED'],
      ['zero', refund(o.orderId, { amount: 0, reason: 'x' }), 400, 'VALIDATION_FAILED'],
      ['fraction', refund(o.orderId, { amount: 10.5, reason: 'x' }), 400, 'VALIDATION_FAILED'],
      ['string', refund(o.orderId, { amount: '100', reason: 'x' }), 400, 'VALIDATION_FAILED'],
      ['huge', refund(o.orderId, { amount: 1e20, reason: 'x' }), 400, 'VALIDATION_FAILED'],
      [
        'huge but valid',
        refund(o.orderId, { amount: 99_999_999, reason: 'x' }),
        422,
        'REFUND_EXCEEDS_BALANCE',
      ],
      [
        'over balance',
        refund(o.orderId, { amount: o.gross + 1, reason: 'x' }),
        422,
        'REFUND_EXCEEDS_BALANCE',
      ],
      ['no reason', refund(o.orderId, { amount: 100 }), 400, 'VALIDATION_FAILED'],
      ['blank reason', refund(o.orderId, { amount: 100, reason: '   ' }), 400, 'VALIDATION_FAILED'],
      [
        'extra field',
        refund(o.orderId, { amount: 100, reason: 'x', currency: 'EUR' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'no key',
        refund(o.orderId, { amount: 100, reason: 'x' }, { idempotencyKey: null }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'short key',
        refund(o.orderId, { amount: 100, reason: 'x' }, { idempotencyKey: 'abc' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'odd key',
        refund(o.orderId, { amount: 100, reason: 'x' }, { idempotencyKey: 'key with spaces!' }),
        400,
        'VALIDATION_FAILED',
      ],
      ['malformed id', refund("ord_'%20OR%201=1", { amount: 100, reason: 'x' }), 400, 'VALIDATION_FAILED'],
      [
        'unknown order',
        refund('ord_00000000000000000000000000', { amount: 100, reason: 'x' }),
        404,
        'NOT_FOUND',
      ],
      ['unpaid order', refund(unpaid.orderId, { amount: 100, reason: 'x' }), 409, 'ORDER_STATE_CONFLICT'],
      [
        'not json',
        api(t, 'POST', `/api/v1/admin/orders/${o.orderId}/refunds`, {
          jar: admin,
          body: '{"amount": 1',
          headers: { 'idempotency-key': key() },
        }),
        400,
        'MALFORMED_JSON',
      ],
    ];
    for (const [name, pending, status, code] of cases) {
      const r = await pending;
      expect(r.statusCode, name).toBe(status);
      expect(r.json().error.code, name).toBe(code);
    }
    expect(await written()).toEqual(before);
    expect(await orderRow(o.orderId)).toMatchObject({ state: 'paid', refunded_total: 0 });
  });

  it('keeps customers, anonymous callers and support staff away from refunds', async () => {
    const o = await paidOrder('access@example.de');
    const before = await written();
    expect((await refund(o.orderId, { amount: 100, reason: 'x' }, { jar: customer })).statusCode).toBe(403);
    expect((await refund(o.orderId, { amount: 100, reason: 'x' }, { jar: support })).statusCode).toBe(403);
    expect((await refund(o.orderId, { amount: 100, reason: 'x' }, { jar: new CookieJar() })).statusCode).toBe(
      401,
    );
    expect((await api(t, 'GET', `/api/v1/admin/orders/${o.orderId}`, { jar: customer })).statusCode).toBe(
      403,
    );
    expect((await api(t, 'GET', `/api/v1/admin/orders/${o.orderId}`)).statusCode).toBe(401);
    expect((await page(`/admin/orders/${o.orderId}`, customer)).statusCode).toBe(403);
    const anonymous = await page(`/admin/orders/${o.orderId}`);
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/sign-in\?next=/);
    // A forged form post from a customer: no CSRF token of staff, no permission.
    const { token } = await csrfFrom(t, customer, '/account');
    const forged = await postForm(t, customer, `/admin/orders/${o.orderId}/refunds`, {
      _csrf: token,
      amount: '1.00',
      reason: 'x',
      requestKey: 'aaaaaaaaaaaaaaaaaaaaaaaa',
    });
    expect(forged.statusCode).toBe(403);
    // Support staff read the order page, without the refund form.
    const supportPage = await page(`/admin/orders/${o.orderId}`, support);
    expect(supportPage.statusCode).toBe(200);
    expect(supportPage.body).not.toContain('name="requestKey"');
    expect(await written()).toEqual(before);
  });
});

describe('staff order page', () => {
  it('shows lines, evidence, payment attempts and events; the form refunds once however often it is submitted', async () => {
    const o = await paidOrder('page@example.de');
    const list = await page('/admin/orders?q=page@example.de', admin);
    expect(list.body).toContain(`href="/admin/orders/${o.orderId}"`);
    const view = await page(`/admin/orders/${o.orderId}`, admin);
    expect(view.statusCode).toBe(200);
    const html = view.body;
    for (const text of [
      'TL-MAPPER-PR-A',
      'Billing and tax evidence',
      'visa ending 4242',
      'payment.succeeded',
      'Refund this order',
    ])
      expect(html, text).toContain(text);
    expect(html).toMatch(/IP address<\/dt><dd>10\.\d+\.\d+\.\d+/);
    expect(html).not.toMatch(/4242\s?4242\s?4242\s?4242/);
    const amount =
      /name="amount"[^>]*value="([^"]+)"/.exec(html)?.[1] ??
      /value="([^"]+)"[^>]*name="amount"/.exec(html)?.[1];
    expect(Math.round(Number(amount) * 100)).toBe(o.gross);
    const requestKey = /name="requestKey" value="([^"]+)"/.exec(html)?.[1];
    expect(requestKey).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    const { token } = await csrfFrom(t, admin, `/admin/orders/${o.orderId}`);
    const fields = {
      _csrf: token,
      amount: '12.34',
      reason: 'Partial refund from the form',
      requestKey: requestKey!,
    };
    const [first, second] = [
      await postForm(t, admin, `/admin/orders/${o.orderId}/refunds`, fields),
      await postForm(t, admin, `/admin/orders/${o.orderId}/refunds`, fields),
    ];
    expect(first.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await refundRows(o.orderId)).toBe(1);
    expect(await orderRow(o.orderId)).toMatchObject({ state: 'partially_refunded', refunded_total: 1_234 });
    const after = await page(String(first.headers.location), admin);
    expect(after.body).toContain('Refund succeeded');
    expect(after.body).toContain('Partial refund from the form');
    // Refusals re-render the form with the reason, nothing recorded.
    const { token: t2 } = await csrfFrom(t, admin, `/admin/orders/${o.orderId}`);
    const bad = await postForm(t, admin, `/admin/orders/${o.orderId}/refunds`, {
      _csrf: t2,
      amount: '12,5x',
      reason: '',
      requestKey: 'bbbbbbbbbbbbbbbbbbbbbbbb',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter an amount such as 120.50.');
    expect(bad.body).toContain('Say why this order is refunded.');
    const { token: t3 } = await csrfFrom(t, admin, `/admin/orders/${o.orderId}`);
    const over = await postForm(t, admin, `/admin/orders/${o.orderId}/refunds`, {
      _csrf: t3,
      amount: String(o.gross),
      reason: 'Too much',
      requestKey: 'cccccccccccccccccccccccc',
    });
    expect(over.statusCode).toBe(422);
    expect(over.body).toContain('can be refunded on order');
    expect(await refundRows(o.orderId)).toBe(1);
  });

  it('customers see their refunds on their own order page and in the JSON', async () => {
    const o = await paidOrder('customer@example.org', undefined, customer);
    expect((await refund(o.orderId, { amount: 2_500, reason: 'Seat not used' })).statusCode).toBe(201);
    const mine = await page(`/account/orders/${o.orderId}`, customer);
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('Refunds');
    expect(mine.body).toContain('$25.00');
    expect(mine.body).not.toContain('Seat not used');
    const json = await api(t, 'GET', `/api/v1/orders/${o.orderId}`, { jar: customer });
    expect(json.json()).toMatchObject({ state: 'partially_refunded', refundedTotal: 2_500 });
  });
});
