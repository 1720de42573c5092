import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, csrfFrom, postForm, signedInUser } from '../accounts/test-support.ts';
import {
  cartOf,
  checkoutAs,
  commerceCounts,
  count,
  FRENCH_BUSINESS,
  GERMAN_CONSUMER,
  guestWithCart,
} from './test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => t?.close());

describe('checkout quote', () => {
  it('shows 19 % VAT for a German consumer before paying', async () => {
    const jar = await guestWithCart(t);
    const r = await api(t, 'POST', '/api/v1/checkout/quote', { jar, body: { billing: GERMAN_CONSUMER } });
    expect(r.statusCode, r.body).toBe(200);
    const q = r.json();
    expect(q.lines[0]).toMatchObject({
      sku: 'TL-MAPPER-PR-A',
      net: 99_000,
      taxRate: 1900,
      taxAmount: 18_810,
      reason: 'standard',
    });
    expect(q.totals).toEqual({ net: 99_000, tax: 18_810, gross: 117_810 });
  });

  it('shows 0 % reverse charge for a French business with a well-formed VAT ID', async () => {
    const jar = await guestWithCart(t);
    const r = await api(t, 'POST', '/api/v1/checkout/quote', { jar, body: { billing: FRENCH_BUSINESS } });
    expect(r.statusCode, r.body).toBe(200);
    const q = r.json();
    expect(q.lines[0]).toMatchObject({ taxRate: 0, taxAmount: 0, reason: 'reverse_charge' });
    expect(q.notes.join(' ')).toMatch(/reverse charge/i);
    expect(q.vat).toEqual({ status: 'valid', vatId: 'FR40303265045' });
  });
});

describe('checkout', () => {
  it('creates one order and one payment, closes the cart, and answers a double submit with the same order', async () => {
    const jar = await guestWithCart(t);
    const cart = await cartOf(t, jar);
    const body = { billing: GERMAN_CONSUMER, cartId: cart.id, cartVersion: cart.version };
    const first = await api(t, 'POST', '/api/v1/checkout', { jar, body });
    expect(first.statusCode, first.body).toBe(201);
    const order = first.json();
    expect(order.orderNumber).toMatch(/^FIQ-\d{4}-\d{6}$/);
    expect(order.state).toBe('pending_payment');
    expect(order.totals).toEqual({ net: 99_000, tax: 18_810, gross: 117_810 });
    expect(order.payUrl).toMatch(/^\/pay\/test\/pay_/);
    const again = await api(t, 'POST', '/api/v1/checkout', { jar, body });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...order, created: false });
    expect(await count(t, sql`SELECT count(*)::int AS n FROM sales_order WHERE id = ${order.orderId}`)).toBe(
      1,
    );
    expect(
      await count(t, sql`SELECT count(*)::int AS n FROM payment WHERE order_id = ${order.orderId}`),
    ).toBe(1);
    expect((await cartOf(t, jar)).lines).toEqual([]);
    // The evidence: billing country, VAT status, IP.
    const row = (
      await sql<{ billing_country: string; vat_status: string; ip_address: string; ip_country: null }>`
      SELECT billing_country, vat_status, ip_address, ip_country FROM sales_order WHERE id = ${order.orderId}`.execute(
        t.app.ctx.db,
      )
    ).rows[0]!;
    expect(row).toMatchObject({ billing_country: 'DE', vat_status: 'not_provided', ip_country: null });
    expect(row.ip_address).toMatch(/^10\./);
  });

  it('50 concurrent checkouts of one cart → exactly one order and one payment', async () => {
    const jar = await guestWithCart(t, [
      { sku: 'TL-MAPPER-PR-A', quantity: 1 },
      { sku: 'TR-FHIR101-LV-S', quantity: 3 },
    ]);
    const cart = await cartOf(t, jar);
    const before = await commerceCounts(t);
    const body = {
      billing: { ...GERMAN_CONSUMER, email: 'fifty@example.de' },
      cartId: cart.id,
      cartVersion: cart.version,
    };
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => api(t, 'POST', '/api/v1/checkout', { jar, body })),
    );
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(49);
    expect(new Set(answers.map((a) => a.json().orderId)).size).toBe(1);
    const after = await commerceCounts(t);
    expect(after.sales_order - before.sales_order).toBe(1);
    expect(after.payment - before.payment).toBe(1);
    expect(after.order_line - before.order_line).toBe(2);
    expect(after.auth_user - before.auth_user).toBe(1);
  });

  it('snapshots lines whose totals are the sum of the lines', async () => {
    const jar = await guestWithCart(t, [
      { sku: 'TR-FHIR101-LV-S', quantity: 3 },
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
    ]);
    const { orderId } = await checkoutAs(t, jar, { ...GERMAN_CONSUMER, email: 'lines@example.de' });
    const lines = (
      await sql<{
        net: number;
        tax_amount: number;
        gross: number;
        tax_rate_bp: number;
        name: string;
        unit_amount: number;
        quantity: number;
      }>`
      SELECT net, tax_amount, gross, tax_rate_bp, name, unit_amount, quantity FROM order_line WHERE order_id = ${orderId} ORDER BY position`.execute(
        t.app.ctx.db,
      )
    ).rows;
    expect(lines.map((l) => [Number(l.unit_amount), l.quantity, Number(l.net), l.tax_rate_bp])).toEqual([
      [149_900, 3, 449_700, 1900],
      [250_000, 1, 250_000, 1900],
    ]);
    const totals = (
      await sql<{ net_total: number; tax_total: number; gross_total: number }>`
      SELECT net_total, tax_total, gross_total FROM sales_order WHERE id = ${orderId}`.execute(t.app.ctx.db)
    ).rows[0]!;
    expect(Number(totals.net_total)).toBe(lines.reduce((s, l) => s + Number(l.net), 0));
    expect(Number(totals.tax_total)).toBe(lines.reduce((s, l) => s + Number(l.tax_amount), 0));
    expect(Number(totals.gross_total)).toBe(lines.reduce((s, l) => s + Number(l.gross), 0));
  });

  it('guest checkout creates or links the account by email, and answers the same either way', async () => {
    const existing = 'known@example.org';
    await signedInUser(t, existing);
    const users = async () => count(t, sql`SELECT count(*)::int AS n FROM auth_user`);
    const u0 = await users();
    const known = await checkoutAs(t, await guestWithCart(t), { ...GERMAN_CONSUMER, email: existing });
    expect(await users()).toBe(u0);
    const fresh = await checkoutAs(t, await guestWithCart(t), {
      ...GERMAN_CONSUMER,
      email: 'new.customer@example.org',
    });
    expect(await users()).toBe(u0 + 1);
    expect(Object.keys(known).sort()).toEqual(Object.keys(fresh).sort());
    const owner = async (id: string) =>
      (
        await sql<{ email: string; email_verified: boolean }>`
        SELECT u.email, u.email_verified FROM sales_order o JOIN auth_user u ON u.id = o.user_id WHERE o.id = ${id}`.execute(
          t.app.ctx.db,
        )
      ).rows[0]!;
    expect((await owner(known.orderId)).email).toBe(existing);
    expect(await owner(fresh.orderId)).toEqual({ email: 'new.customer@example.org', email_verified: false });
  });

  it('records a VAT ID awaiting VIES as pending_verification, never as B2B or B2C', async () => {
    const pending = await createTestApp({
      env: { VIES_URL: 'http://127.0.0.1:9/vies', VIES_RETRY_DELAY_SECONDS: '3600' },
    });
    try {
      const jar = await guestWithCart(pending);
      const q = await api(pending, 'POST', '/api/v1/checkout/quote', {
        jar,
        body: { billing: FRENCH_BUSINESS },
      });
      expect(q.json().vat.status).toBe('pending');
      const { orderId } = await checkoutAs(pending, jar, FRENCH_BUSINESS);
      const row = (
        await sql<{ vat_status: string; vat_id: string; customer_type: string }>`
        SELECT vat_status, vat_id, customer_type FROM sales_order WHERE id = ${orderId}`.execute(
          pending.app.ctx.db,
        )
      ).rows[0]!;
      expect(row).toEqual({
        vat_status: 'pending_verification',
        vat_id: 'FR40303265045',
        customer_type: 'business',
      });
    } finally {
      await pending.close();
    }
  }, 60_000);

  it('refuses a changed cart and an empty one', async () => {
    const jar = await guestWithCart(t);
    const cart = await cartOf(t, jar);
    await api(t, 'POST', '/api/v1/cart/items', { jar, body: { sku: 'TR-FHIR101-LV-S', quantity: 1 } });
    const stale = await api(t, 'POST', '/api/v1/checkout', {
      jar,
      body: { billing: GERMAN_CONSUMER, cartId: cart.id, cartVersion: cart.version },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('CART_CHANGED');
    const empty = await api(t, 'POST', '/api/v1/checkout', {
      jar: new CookieJar(),
      body: { billing: GERMAN_CONSUMER },
    });
    expect(empty.statusCode).toBe(409);
    expect(empty.json().error.code).toBe('CART_EMPTY');
  });

  it('answers bad input with 4xx and a documented code, writing nothing', async () => {
    const jar = await guestWithCart(t);
    const before = await commerceCounts(t);
    const b = GERMAN_CONSUMER;
    const cases: [string, unknown, number, string][] = [
      ['malformed VAT ID', { billing: { ...FRENCH_BUSINESS, vatId: 'FR12' } }, 400, 'VAT_ID_INVALID'],
      [
        'VAT ID of another country',
        { billing: { ...FRENCH_BUSINESS, vatId: 'DE136695976' } },
        400,
        'VAT_ID_INVALID',
      ],
      [
        'SQL in VAT ID',
        { billing: { ...FRENCH_BUSINESS, vatId: "FR' OR '1'='1" } },
        400,
        'VALIDATION_FAILED',
      ],
      ['HTML in name', { billing: { ...b, name: '<script>alert(1)</script>' } }, 400, 'VALIDATION_FAILED'],
      ['long name', { billing: { ...b, name: 'x'.repeat(101) } }, 400, 'VALIDATION_FAILED'],
      ['long city', { billing: { ...b, city: 'x'.repeat(5000) } }, 400, 'VALIDATION_FAILED'],
      ['bad email', { billing: { ...b, email: 'not-an-email' } }, 400, 'VALIDATION_FAILED'],
      ['bad country', { billing: { ...b, country: 'Germany' } }, 400, 'VALIDATION_FAILED'],
      ['unknown field', { billing: b, total: 1 }, 400, 'VALIDATION_FAILED'],
      ['tampered price', { billing: { ...b, unitAmount: 1 } }, 400, 'VALIDATION_FAILED'],
      ['missing billing', {}, 400, 'VALIDATION_FAILED'],
      ['business without organization', { billing: { ...b, business: true } }, 400, 'VALIDATION_FAILED'],
      ['Canada without province', { billing: { ...b, country: 'CA' } }, 400, 'REGION_REQUIRED'],
      ['bad cart id', { billing: b, cartId: "crt_'; DROP TABLE cart;--" }, 400, 'VALIDATION_FAILED'],
      ['negative version', { billing: b, cartVersion: -1 }, 400, 'VALIDATION_FAILED'],
      ['fractional version', { billing: b, cartVersion: 1.5 }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [name, body, status, code] of cases) {
      const r = await api(t, 'POST', '/api/v1/checkout', { jar, body });
      expect(r.statusCode, `${name}: ${r.body}`).toBe(status);
      expect(r.json().error.code, name).toBe(code);
    }
    expect(await commerceCounts(t)).toEqual(before);
  });
});

describe('checkout pages', () => {
  it('walks from the cart to the quote to the payment page with plain forms', async () => {
    const jar = await guestWithCart(t);
    const { token } = await csrfFrom(t, jar, '/checkout');
    const fields = {
      _csrf: token,
      customerType: 'consumer',
      name: 'Erika Mustermann',
      email: 'form@example.de',
      line1: 'Unter den Linden 1',
      city: 'Berlin',
      postalCode: '10117',
      country: 'DE',
    };
    const bad = await postForm(t, jar, '/checkout/review', { ...fields, email: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('field-email-error');
    const review = await postForm(t, jar, '/checkout/review', fields);
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('19 %');
    expect(review.body).toContain('$1,178.10');
    const cartId = /name="cartId" value="([^"]+)"/.exec(review.body)![1]!;
    const cartVersion = /name="cartVersion" value="([^"]+)"/.exec(review.body)![1]!;
    const placed = await postForm(t, jar, '/checkout/place', { ...fields, cartId, cartVersion });
    expect(placed.statusCode).toBe(303);
    expect(placed.headers.location).toMatch(/^\/pay\/test\/pay_/);
    // Placing the same reviewed cart again lands on the same payment page.
    const again = await postForm(t, jar, '/checkout/place', { ...fields, cartId, cartVersion });
    expect(again.headers.location).toBe(placed.headers.location);
  });

  it('re-renders the form with the reason for a bad VAT ID', async () => {
    const jar = await guestWithCart(t);
    const { token } = await csrfFrom(t, jar, '/checkout');
    const r = await postForm(t, jar, '/checkout/review', {
      _csrf: token,
      customerType: 'business',
      name: 'Jean Dupont',
      organization: 'Exemple SA',
      email: 'jean@example.fr',
      line1: '1 rue de Rivoli',
      city: 'Paris',
      postalCode: '75001',
      country: 'FR',
      vatId: 'FR00000000000',
    });
    expect(r.statusCode).toBe(400);
    expect(r.body).toMatch(/field-vatId-error/);
  });
});

describe('production without Stripe keys', () => {
  it('disables checkout with a clear message', async () => {
    const prod = await createTestApp({ env: { NODE_ENV: 'production' } });
    try {
      const jar = await guestWithCart(prod);
      const before = await commerceCounts(prod);
      const r = await api(prod, 'POST', '/api/v1/checkout', { jar, body: { billing: GERMAN_CONSUMER } });
      expect(r.statusCode).toBe(503);
      expect(r.json().error.code).toBe('CHECKOUT_DISABLED');
      const page = await prod.http.inject({
        method: 'GET',
        url: '/checkout',
        headers: { accept: 'text/html', cookie: jar.header() },
      });
      expect(page.statusCode).toBe(503);
      expect(page.body).toContain('Checkout is not available');
      expect(
        (await prod.http.inject({ method: 'GET', url: '/pay/test/pay_01m80867yg8022tnscqt0dcpg5' }))
          .statusCode,
      ).toBe(404);
      expect(await commerceCounts(prod)).toEqual(before);
    } finally {
      await prod.close();
    }
  }, 60_000);
});
