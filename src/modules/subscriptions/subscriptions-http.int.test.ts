import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, csrfFrom, postForm } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import { checkoutAs, count, GERMAN_CONSUMER, payWithCard } from '../checkout/test-support.ts';

/**
 * The subscription routes and pages over HTTP: the owner acts, nobody else
 * sees anything, bad input is refused with a code and writes nothing.
 */

let t: TestApp;
let jars: Record<Who, CookieJar>;
let subId: string;

const rows = async () => ({
  orders: await count(t, sql<{ n: number }>`SELECT count(*)::int AS n FROM sales_order`),
  events: await count(t, sql<{ n: number }>`SELECT count(*)::int AS n FROM subscription_event`),
  subs: await count(
    t,
    sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM subscription WHERE sku = 'TL-MAPPER-ST-M' AND status = 'active'
      AND cancel_at_period_end = false`,
  ),
});

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-03-01T00:00:00Z' });
  jars = await staffJars(t, 'subs');
  // The customer buys a monthly plan while signed in.
  const add = await api(t, 'POST', '/api/v1/cart/items', {
    jar: jars.customer,
    body: { sku: 'TL-MAPPER-ST-M', quantity: 1 },
  });
  expect(add.statusCode).toBe(200);
  const order = await checkoutAs(t, jars.customer, {
    ...GERMAN_CONSUMER,
    email: 'subs-customer@example.com',
  });
  await payWithCard(t, jars.customer, order.payUrl, '4242424242424242');
  await t.app.modules.subscriptions.service.onOrderPaid(order.orderId);
  const list = await api(t, 'GET', '/api/v1/subscriptions', { jar: jars.customer });
  expect(list.statusCode).toBe(200);
  const items = list.json().items;
  expect(items).toHaveLength(1);
  expect(items[0]).toMatchObject({
    sku: 'TL-MAPPER-ST-M',
    status: 'active',
    entitled: true,
    unitAmount: 2900,
  });
  subId = items[0].id;
});
afterAll(async () => t?.close());

describe('subscription JSON routes', () => {
  it('show the owner their subscription with its history, and nobody else', async () => {
    const own = await api(t, 'GET', `/api/v1/subscriptions/${subId}`, { jar: jars.customer });
    expect(own.statusCode).toBe(200);
    expect(own.json().history.map((h: { type: string }) => h.type)).toEqual(['created']);
    // Staff are not customers: the customer routes filter by owner for everyone.
    for (const who of ['support', 'admin'] as const)
      expect((await api(t, 'GET', `/api/v1/subscriptions/${subId}`, { jar: jars[who] })).statusCode).toBe(
        404,
      );
    expect((await api(t, 'GET', `/api/v1/subscriptions/${subId}`)).statusCode).toBe(401);
    expect((await api(t, 'GET', '/api/v1/subscriptions', { jar: jars.admin })).json().items).toEqual([]);
  });

  it('preview a change without changing anything', async () => {
    t.clock!.set('2026-03-16T00:00:00Z');
    const before = await rows();
    const r = await api(t, 'POST', `/api/v1/subscriptions/${subId}/change-preview`, {
      jar: jars.customer,
      body: { sku: 'TL-MAPPER-PR-M', quantity: 1 },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ credit: 1497, charge: 5110, net: 3613, tax: 686, amountDue: 4299 });
    expect(await rows()).toEqual(before);
  });

  it('refuse bad input with a code, writing nothing', async () => {
    const before = await rows();
    const cases: [string, unknown, number, string][] = [
      ['change', { sku: 'TL-MAPPER-PR-M' }, 400, 'VALIDATION_FAILED'],
      ['change', { sku: 'TL-MAPPER-PR-M', quantity: -1 }, 400, 'VALIDATION_FAILED'],
      ['change', { sku: 'TL-MAPPER-PR-M', quantity: 1e9 }, 400, 'VALIDATION_FAILED'],
      ['change', { sku: 'TL-MAPPER-PR-M', quantity: 1.5 }, 400, 'VALIDATION_FAILED'],
      // A price in the request is not a field: prices come from the catalog only.
      ['change', { sku: 'TL-MAPPER-PR-M', quantity: 1, unitAmount: 1 }, 400, 'VALIDATION_FAILED'],
      ['change', { sku: 'x'.repeat(65), quantity: 1 }, 400, 'VALIDATION_FAILED'],
      ['change', { sku: 'TL-NOPE-PR-M', quantity: 1 }, 422, 'PLAN_CHANGE_INVALID'],
      ['change', { sku: 'TL-QUALITY-PR-M', quantity: 1 }, 422, 'PLAN_CHANGE_INVALID'],
      ['change', { sku: 'TL-MAPPER-PR-A', quantity: 1 }, 422, 'PLAN_CHANGE_INVALID'],
      ['change', { sku: 'TL-MAPPER-ST-M', quantity: 1 }, 422, 'PLAN_CHANGE_INVALID'],
      ['change', '{"sku":', 400, 'MALFORMED_JSON'],
      ['cancel', { when: 'tomorrow' }, 400, 'VALIDATION_FAILED'],
      ['cancel', {}, 400, 'VALIDATION_FAILED'],
      ['retry-payment', undefined, 409, 'SUBSCRIPTION_STATE_CONFLICT'],
    ];
    for (const [action, body, status, code] of cases) {
      const r = await api(t, 'POST', `/api/v1/subscriptions/${subId}/${action}`, {
        jar: jars.customer,
        body,
      });
      expect([action, body, r.statusCode, r.json().error?.code]).toEqual([action, body, status, code]);
    }
    for (const id of ['sub_123', 'ord_01jd0000000000000000000000', '../etc'])
      expect(
        (
          await api(t, 'POST', `/api/v1/subscriptions/${id}/cancel`, {
            jar: jars.customer,
            body: { when: 'now' },
          })
        ).statusCode,
      ).toBeGreaterThanOrEqual(400);
    // Another customer's id is unknown to this one.
    const other = await api(t, 'POST', `/api/v1/subscriptions/${subId}/cancel`, {
      jar: jars.support,
      body: { when: 'now' },
    });
    expect(other.statusCode).toBe(404);
    expect(await rows()).toEqual(before);
  });

  it('random bodies on every write route: never a 5xx, never a write', async () => {
    const before = await rows();
    // Nothing here can be a valid change or cancellation: the SKUs are wrong, the `when` unknown.
    const sku = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom(
        'TL-MAPPER-ST-M',
        'TL-QUALITY-PR-M',
        'TL-MAPPER-PR-A',
        'tl-mapper-pr-m',
        'TR-FHIR101-SP-P',
        '',
      ),
    );
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), sku);
    const body = fc.oneof(
      fc.dictionary(fc.constantFrom('sku', 'quantity', 'when', 'unitAmount', 'price', 'x'), value),
      fc.record({ sku, quantity: fc.oneof(fc.integer(), fc.double(), fc.string()) }),
      fc.record({ when: fc.string().filter((w) => w !== 'now' && w !== 'period_end') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('change-preview', 'change', 'cancel'), body, async (action, b) => {
        const r = await api(t, 'POST', `/api/v1/subscriptions/${subId}/${action}`, {
          jar: jars.customer,
          body: b,
        });
        expect(r.statusCode, `${action} ${JSON.stringify(b).slice(0, 120)}`).toBeGreaterThanOrEqual(400);
        expect(r.statusCode).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
    expect(await rows()).toEqual(before);
  });

  it('list every subscription for staff only', async () => {
    const staff = await api(t, 'GET', '/api/v1/admin/subscriptions?status=active', { jar: jars.admin });
    expect(staff.statusCode).toBe(200);
    expect(staff.json().items.map((s: { id: string }) => s.id)).toContain(subId);
    expect((await api(t, 'GET', '/api/v1/admin/subscriptions', { jar: jars.customer })).statusCode).toBe(403);
    expect((await api(t, 'GET', '/api/v1/admin/subscriptions')).statusCode).toBe(401);
    expect(
      (await api(t, 'GET', '/api/v1/admin/subscriptions?status=bogus', { jar: jars.admin })).statusCode,
    ).toBe(400);
    const page = await t.http.inject({
      method: 'GET',
      url: '/admin/subscriptions',
      headers: { accept: 'text/html', cookie: jars.admin.header() },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('subs-customer@example.com');
  });
});

describe('subscription pages', () => {
  const get = (url: string, jar = jars.customer) =>
    t.http.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie: jar.header() } });

  it('preview the change, confirm it, then schedule and take back a cancellation', async () => {
    const page = await get(`/account/subscriptions/${subId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Renews on 2026-04-01');
    expect(page.body).toContain('Visa ending 4242');
    // Plans are priced per seat; the quantity is the seats, up to the largest edition's five.
    expect(page.body).toContain('<label for="change-quantity">Seats</label>');
    expect(page.body).toMatch(/per seat per month \(up to 5 seats\)/);
    expect(page.body).toMatch(/id="change-quantity" name="quantity" type="number" min="1" max="5"/);
    const tooMany = await get(`/account/subscriptions/${subId}/change?sku=TL-MAPPER-PR-M&quantity=6`);
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.body).toContain('at most 5 seats');

    const preview = await get(`/account/subscriptions/${subId}/change?sku=TL-MAPPER-PR-M&quantity=1`);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Confirm the change');
    expect(preview.body).toContain('$42.99');
    const { token } = await csrfFrom(t, jars.customer, `/account/subscriptions/${subId}`);

    // Without the CSRF token nothing happens.
    const forged = await postForm(t, jars.customer, `/account/subscriptions/${subId}/change`, {
      sku: 'TL-MAPPER-PR-M',
      quantity: '1',
    });
    expect(forged.statusCode).toBe(403);

    const changed = await postForm(t, jars.customer, `/account/subscriptions/${subId}/change`, {
      _csrf: token,
      sku: 'TL-MAPPER-PR-M',
      quantity: '1',
    });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe(`/account/subscriptions/${subId}?done=changed`);
    const after = await get(changed.headers.location as string);
    expect(after.body).toContain('Your plan is changed.');
    expect(after.body).toContain('TL-MAPPER-PR-M');

    // An invalid change from a tampered form shows why on the page, with its status.
    const bad = await postForm(t, jars.customer, `/account/subscriptions/${subId}/change`, {
      _csrf: token,
      sku: 'TL-QUALITY-PR-M',
      quantity: '1',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Nothing was changed');

    const cancel = await postForm(t, jars.customer, `/account/subscriptions/${subId}/cancel`, {
      _csrf: token,
      when: 'period_end',
    });
    expect(cancel.statusCode).toBe(303);
    const json = await api(t, 'GET', `/api/v1/subscriptions/${subId}`, { jar: jars.customer });
    expect(json.json()).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, entitled: true });
    expect((await get(`/account/subscriptions/${subId}`)).body).toContain('Ends on 2026-04-01');

    const resume = await postForm(t, jars.customer, `/account/subscriptions/${subId}/resume`, {
      _csrf: token,
    });
    expect(resume.statusCode).toBe(303);
    expect(
      (await api(t, 'GET', `/api/v1/subscriptions/${subId}`, { jar: jars.customer })).json(),
    ).toMatchObject({
      cancelAtPeriodEnd: false,
    });
    // Someone else's subscription page is a 404; the list page works when empty.
    expect((await get(`/account/subscriptions/${subId}`, jars.support)).statusCode).toBe(404);
    expect((await get('/account/subscriptions', jars.support)).statusCode).toBe(200);
  });
});

describe('staff', () => {
  const page = (url: string, jar: CookieJar) =>
    t.http.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie: jar.header() } });

  it('see a subscription with its history; only admins can end it, with a reason, audited', async () => {
    const support = await page(`/admin/subscriptions/${subId}`, jars.support);
    expect(support.statusCode).toBe(200);
    expect(support.body).toContain('subs-customer@example.com');
    expect(support.body).not.toContain('End the subscription');
    expect((await page(`/admin/subscriptions/${subId}`, jars.customer)).statusCode).toBe(403);
    const detail = await api(t, 'GET', `/api/v1/admin/subscriptions/${subId}`, { jar: jars.support });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().history.map((h: { type: string }) => h.type)).toContain('plan_changed');

    const url = `/api/v1/admin/subscriptions/${subId}/cancel`;
    expect(
      (await api(t, 'POST', url, { jar: jars.support, body: { reason: 'chargeback' } })).statusCode,
    ).toBe(403);
    expect(
      (await api(t, 'POST', url, { jar: jars.customer, body: { reason: 'chargeback' } })).statusCode,
    ).toBe(403);
    expect((await api(t, 'POST', url, { body: { reason: 'chargeback' } })).statusCode).toBe(401);
    const short = await api(t, 'POST', url, { jar: jars.admin, body: { reason: 'x' } });
    expect([short.statusCode, short.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const audits = () =>
      count(
        t,
        sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event WHERE action = 'subscription.cancel'`,
      );
    expect(await audits()).toBe(0);

    const { token } = await csrfFrom(t, jars.admin, `/admin/subscriptions/${subId}`);
    const ended = await postForm(t, jars.admin, `/admin/subscriptions/${subId}/cancel`, {
      _csrf: token,
      reason: 'Chargeback filed with the bank',
    });
    expect(ended.statusCode).toBe(303);
    expect((await page(ended.headers.location as string, jars.admin)).body).toContain(
      'The subscription has ended.',
    );
    expect(await audits()).toBe(1);
    const again = await api(t, 'POST', url, { jar: jars.admin, body: { reason: 'chargeback' } });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'SUBSCRIPTION_STATE_CONFLICT']);
    expect(await audits()).toBe(1);
    const own = await api(t, 'GET', `/api/v1/subscriptions/${subId}`, { jar: jars.customer });
    expect(own.json()).toMatchObject({ status: 'canceled', entitled: false });
  });
});
