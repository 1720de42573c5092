import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, csrfFrom, postForm, signedInUser } from '../accounts/test-support.ts';
import { call, staffJars } from '../catalog/test-support.ts';
import { CART_COOKIE } from './index.ts';
import { cartOf, commerceCounts, GERMAN_CONSUMER, guestWithCart } from './test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => t?.close());

describe('cart (JSON)', () => {
  it('gives a guest a cart by an HttpOnly SameSite=Lax cookie, priced from the catalog', async () => {
    const jar = new CookieJar();
    const r = await api(t, 'POST', '/api/v1/cart/items', {
      jar,
      body: { sku: 'TL-MAPPER-PR-A', quantity: 1 },
    });
    expect(r.statusCode).toBe(200);
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`${CART_COOKIE}=`));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const cart = await cartOf(t, jar);
    expect(cart.currency).toBe('USD');
    expect(cart.lines).toEqual([
      expect.objectContaining({ sku: 'TL-MAPPER-PR-A', quantity: 1, unitAmount: 99_000 }),
    ]);
    expect(cart.subtotal).toBe(99_000);
    // Stored hashed: the raw token is nowhere in the table.
    const token = jar.get(CART_COOKIE)!;
    const rows = await sql<{ token_hash: string }>`SELECT token_hash FROM cart`.execute(t.app.ctx.db);
    expect(rows.rows.some((row) => row.token_hash === token)).toBe(false);
    // Another visitor sees an empty cart.
    expect((await cartOf(t, new CookieJar())).lines).toEqual([]);
  });

  it('adds seats, updates and removes lines; items bought once stay at 1', async () => {
    const jar = await guestWithCart(t, [
      { sku: 'TR-FHIR101-LV-S', quantity: 3 },
      { sku: 'TR-FHIR101-LV-S', quantity: 2 },
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
    ]);
    let cart = await cartOf(t, jar);
    expect(cart.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['TR-FHIR101-LV-S', 5],
      ['CS-BLOCKS-10-B', 1],
    ]);
    expect(cart.subtotal).toBe(5 * 149_900 + 250_000);
    expect(
      (await api(t, 'PATCH', '/api/v1/cart/items/TR-FHIR101-LV-S', { jar, body: { quantity: 7 } }))
        .statusCode,
    ).toBe(200);
    const two = await api(t, 'PATCH', '/api/v1/cart/items/CS-BLOCKS-10-B', { jar, body: { quantity: 2 } });
    expect(two.statusCode).toBe(400);
    expect(two.json().error.code).toBe('QUANTITY_NOT_ALLOWED');
    expect((await api(t, 'DELETE', '/api/v1/cart/items/CS-BLOCKS-10-B', { jar })).statusCode).toBe(200);
    const gone = await api(t, 'DELETE', '/api/v1/cart/items/CS-BLOCKS-10-B', { jar });
    expect(gone.statusCode).toBe(404);
    cart = await cartOf(t, jar);
    expect(cart.lines.map((l) => [l.sku, l.quantity])).toEqual([['TR-FHIR101-LV-S', 7]]);
    const over = await api(t, 'POST', '/api/v1/cart/items', {
      jar,
      body: { sku: 'TR-FHIR101-LV-S', quantity: 999 },
    });
    expect(over.json().error.code).toBe('QUANTITY_NOT_ALLOWED');
  });

  it('sells tool editions per seat, up to the edition’s seats, refusing more with EDITION_SEAT_LIMIT_EXCEEDED', async () => {
    const jar = await guestWithCart(t, [
      { sku: 'TL-MAPPER-PR-A', quantity: 2 },
      { sku: 'TL-MAPPER-PR-A', quantity: 1 },
      { sku: 'TL-MAPPER-ST-M', quantity: 1 },
    ]);
    const cart = (await api(t, 'GET', '/api/v1/cart', { jar })).json();
    expect(cart.lines).toEqual([
      expect.objectContaining({
        sku: 'TL-MAPPER-PR-A',
        quantity: 3,
        perSeat: true,
        maxSeats: 5,
        interval: 'year',
      }),
      expect.objectContaining({
        sku: 'TL-MAPPER-ST-M',
        quantity: 1,
        perSeat: true,
        maxSeats: 1,
        interval: 'month',
      }),
    ]);
    // The price is per seat: 3 × 990 + 29.
    expect(cart.subtotal).toBe(3 * 99_000 + 2_900);
    const before = await commerceCounts(t);
    // Three more would be six: Professional carries five; the answer names Enterprise (a quote).
    const over = await api(t, 'POST', '/api/v1/cart/items', {
      jar,
      body: { sku: 'TL-MAPPER-PR-A', quantity: 3 },
    });
    expect(over.statusCode).toBe(422);
    expect(over.json().error).toMatchObject({
      code: 'EDITION_SEAT_LIMIT_EXCEEDED',
      message: expect.stringMatching(/at most 5 seats per purchase.*quote for Mapper to FHIR Enterprise/i),
      details: [{ path: '/quantity' }],
    });
    const starter = await api(t, 'PATCH', '/api/v1/cart/items/TL-MAPPER-ST-M', {
      jar,
      body: { quantity: 2 },
    });
    expect(starter.statusCode).toBe(422);
    expect(starter.json().error.message).toMatch(/choose Mapper to FHIR Professional \(monthly\)/);
    expect(await commerceCounts(t)).toEqual(before);
    expect((await cartOf(t, jar)).lines.map((l) => l.quantity)).toEqual([3, 1]);
    const five = await api(t, 'PATCH', '/api/v1/cart/items/TL-MAPPER-PR-A', { jar, body: { quantity: 5 } });
    expect(five.statusCode).toBe(200);
    expect(five.json().subtotal).toBe(5 * 99_000 + 2_900);

    // The cart page offers a seat field bounded by the edition, and the per-seat price.
    const page = await t.http.inject({
      method: 'GET',
      url: '/cart',
      headers: { accept: 'text/html', cookie: jar.header() },
    });
    expect(page.body).toMatch(/id="qty-TL-MAPPER-PR-A" name="quantity" type="number" min="1" max="5"/);
    expect(page.body).toContain('5 × $990.00 per seat per year');
    expect(page.body).toContain('1 seat</td>');

    // A cap lowered by staff after the seats were added: checkout sells no more than it allows.
    const staff = await staffJars(t, 'cart-seats');
    const limits = { recordsPerMonth: 100_000, users: 4, projects: 'unlimited', support: 'priority' };
    const edit = await call(t, 'PATCH', '/api/v1/admin/catalog/skus/TL-MAPPER-PR-A', {
      jar: staff.admin,
      body: { limits },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    const unchanged = await commerceCounts(t);
    try {
      const { cartId, cartVersion } = { cartId: five.json().id, cartVersion: five.json().version };
      const refused = await api(t, 'POST', '/api/v1/checkout', {
        jar,
        body: { billing: GERMAN_CONSUMER, cartId, cartVersion },
      });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().error.code).toBe('EDITION_SEAT_LIMIT_EXCEEDED');
      expect(await commerceCounts(t)).toEqual(unchanged);
    } finally {
      await call(t, 'PATCH', '/api/v1/admin/catalog/skus/TL-MAPPER-PR-A', {
        jar: staff.admin,
        body: { limits: { ...limits, users: 5 } },
      });
    }
  });

  it('re-prices every line when the currency changes, and refuses a currency an item is not sold in', async () => {
    const jar = await guestWithCart(t, [
      { sku: 'TL-MAPPER-PR-A', quantity: 1 },
      { sku: 'TR-FHIR101-LV-S', quantity: 2 },
    ]);
    const gbp = await api(t, 'PATCH', '/api/v1/cart', { jar, body: { currency: 'GBP' } });
    expect(gbp.statusCode).toBe(200);
    expect(gbp.json().lines.map((l: { unitAmount: number }) => l.unitAmount)).toEqual([85_000, 124_900]);
    expect(gbp.json().subtotal).toBe(85_000 + 2 * 124_900);
    // Take CAD away from one SKU: switching to CAD is refused and nothing changes.
    await sql`UPDATE catalog_price SET status = 'archived', archived_at = now() WHERE sku = 'TL-MAPPER-PR-A' AND currency = 'CAD'`.execute(
      t.app.ctx.db,
    );
    await sql`UPDATE catalog_state SET version = version + 1`.execute(t.app.ctx.db);
    try {
      const before = await cartOf(t, jar);
      const cad = await api(t, 'PATCH', '/api/v1/cart', { jar, body: { currency: 'CAD' } });
      expect(cad.statusCode).toBe(400);
      expect(cad.json().error.code).toBe('CURRENCY_NOT_AVAILABLE');
      expect(cad.json().error.details[0].message).toMatch(/TL-MAPPER-PR-A is not sold in CAD/);
      expect(await cartOf(t, jar)).toEqual(before);
    } finally {
      await sql`UPDATE catalog_price SET status = 'active', archived_at = NULL WHERE sku = 'TL-MAPPER-PR-A' AND currency = 'CAD'`.execute(
        t.app.ctx.db,
      );
      await sql`UPDATE catalog_state SET version = version + 1`.execute(t.app.ctx.db);
    }
  });

  it('ignores nothing the client says about prices: a tampered price is refused, nothing written', async () => {
    const before = await commerceCounts(t);
    const jar = new CookieJar();
    for (const body of [
      { sku: 'TL-MAPPER-PR-A', quantity: 1, unitAmount: 1 },
      { sku: 'TL-MAPPER-PR-A', quantity: 1, price: 0 },
      { sku: 'TL-MAPPER-PR-A', quantity: 1, total: 100 },
    ]) {
      const r = await api(t, 'POST', '/api/v1/cart/items', { jar, body });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(await commerceCounts(t)).toEqual(before);
  });

  it('refuses contact-sales items', async () => {
    const before = await commerceCounts(t);
    for (const sku of ['TL-MAPPER-EN', 'BN-ENTERPRISE-C']) {
      const r = await api(t, 'POST', '/api/v1/cart/items', { body: { sku, quantity: 1 } });
      expect(r.statusCode, sku).toBe(400);
      expect(r.json().error.code).toBe('SKU_NOT_BUYABLE');
    }
    expect(await commerceCounts(t)).toEqual(before);
  });

  it('answers bad input with 4xx and a documented code, writing nothing', async () => {
    const before = await commerceCounts(t);
    const cases: [string, 'POST' | 'PATCH' | 'DELETE', string, unknown, number, string][] = [
      [
        'unknown SKU',
        'POST',
        '/api/v1/cart/items',
        { sku: 'TL-MAPPER-ST-P', quantity: 1 },
        404,
        'SKU_NOT_FOUND',
      ],
      [
        'unknown product',
        'POST',
        '/api/v1/cart/items',
        { sku: 'TL-NOPE-PR-A', quantity: 1 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'malformed SKU',
        'POST',
        '/api/v1/cart/items',
        { sku: 'tl-mapper', quantity: 1 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'SQL in SKU',
        'POST',
        '/api/v1/cart/items',
        { sku: "X'; DROP TABLE cart;--", quantity: 1 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'negative',
        'POST',
        '/api/v1/cart/items',
        { sku: 'TR-FHIR101-LV-S', quantity: -1 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'zero',
        'POST',
        '/api/v1/cart/items',
        { sku: 'TR-FHIR101-LV-S', quantity: 0 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'fractional',
        'POST',
        '/api/v1/cart/items',
        { sku: 'TR-FHIR101-LV-S', quantity: 1.5 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'huge',
        'POST',
        '/api/v1/cart/items',
        { sku: 'TR-FHIR101-LV-S', quantity: 1e12 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'string quantity',
        'POST',
        '/api/v1/cart/items',
        { sku: 'TR-FHIR101-LV-S', quantity: '2' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'wrong currency',
        'POST',
        '/api/v1/cart/items',
        { sku: 'TL-MAPPER-PR-A', quantity: 1, currency: 'JPY' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'quantity 2 of an item bought once',
        'POST',
        '/api/v1/cart/items',
        { sku: 'CS-BLOCKS-10-B', quantity: 2 },
        400,
        'QUANTITY_NOT_ALLOWED',
      ],
      [
        'more seats than the edition carries',
        'POST',
        '/api/v1/cart/items',
        { sku: 'TL-MAPPER-PR-A', quantity: 6 },
        422,
        'EDITION_SEAT_LIMIT_EXCEEDED',
      ],
      [
        'long SKU',
        'POST',
        '/api/v1/cart/items',
        { sku: `TL-${'A'.repeat(5000)}`, quantity: 1 },
        400,
        'VALIDATION_FAILED',
      ],
      ['unknown field', 'PATCH', '/api/v1/cart', { currency: 'EUR', rate: 1 }, 400, 'VALIDATION_FAILED'],
      ['bad currency', 'PATCH', '/api/v1/cart', { currency: 'usd' }, 400, 'VALIDATION_FAILED'],
      [
        'HTML in SKU path',
        'PATCH',
        '/api/v1/cart/items/%3Cscript%3E',
        { quantity: 1 },
        400,
        'VALIDATION_FAILED',
      ],
      ['not in cart', 'PATCH', '/api/v1/cart/items/TL-MAPPER-PR-A', { quantity: 1 }, 404, 'NOT_FOUND'],
    ];
    for (const [name, method, url, body, status, code] of cases) {
      const r = await api(t, method, url, { body });
      expect(r.statusCode, name).toBe(status);
      expect(r.json().error.code, name).toBe(code);
    }
    const notJson = await api(t, 'POST', '/api/v1/cart/items', {
      body: '{"sku":',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.json().error.code).toBe('MALFORMED_JSON');
    expect(await commerceCounts(t)).toEqual(before);
  });
});

describe('cart merge on sign-in', () => {
  it('moves the guest cart into the customer’s on the first cart access after sign-in', async () => {
    const email = 'merge@example.org';
    const user = await signedInUser(t, email);
    await api(t, 'POST', '/api/v1/cart/items', { jar: user, body: { sku: 'TR-FHIR101-LV-S', quantity: 2 } });
    // The same browser, signed out, fills a guest cart…
    const guest = await guestWithCart(t, [
      { sku: 'TR-FHIR101-LV-S', quantity: 3 },
      { sku: 'TL-QUALITY-PR-M', quantity: 1 },
    ]);
    // …then signs in: the session cookie joins the guest cookie.
    const both = user.clone();
    both.store({ headers: { 'set-cookie': `${CART_COOKIE}=${guest.get(CART_COOKIE)}; Path=/` } } as never);
    const r = await api(t, 'GET', '/api/v1/cart', { jar: both });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity])).toEqual([
      ['TR-FHIR101-LV-S', 5],
      ['TL-QUALITY-PR-M', 1],
    ]);
    expect(String(r.headers['set-cookie'])).toMatch(new RegExp(`${CART_COOKIE}=;`));
    // The guest cookie no longer reaches a cart.
    expect((await cartOf(t, guest)).lines).toEqual([]);
    expect((await cartOf(t, user)).lines).toHaveLength(2);
  });
});

describe('cart pages', () => {
  it('takes the product page form (sku, quantity, currency, _csrf) and ignores a tampered price field', async () => {
    const jar = new CookieJar();
    const { token } = await csrfFrom(t, jar, '/products/mapper-to-fhir?edition=PR&term=A');
    const r = await postForm(t, jar, '/cart/items', {
      _csrf: token,
      sku: 'TL-MAPPER-PR-A',
      quantity: '1',
      currency: 'EUR',
      price: '1',
    });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/cart');
    const page = await t.http.inject({
      method: 'GET',
      url: '/cart',
      headers: { accept: 'text/html', cookie: jar.header() },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('TL-MAPPER-PR-A');
    expect(page.body).toContain('€990.00');
    const cart = await cartOf(t, jar);
    expect(cart.currency).toBe('EUR');
    expect(cart.subtotal).toBe(99_000);
  });

  it('shows a clear error for a refused form and needs the CSRF token', async () => {
    const jar = new CookieJar();
    const { token } = await csrfFrom(t, jar, '/sign-in');
    const bad = await postForm(t, jar, '/cart/items', { _csrf: token, sku: 'TL-MAPPER-EN', quantity: '1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('cannot be bought online');
    const frac = await postForm(t, jar, '/cart/items', {
      _csrf: token,
      sku: 'TR-FHIR101-LV-S',
      quantity: '1.5',
    });
    expect(frac.statusCode).toBe(400);
    const forged = await postForm(t, jar, '/cart/items', { sku: 'TL-MAPPER-PR-A', quantity: '1' });
    expect(forged.statusCode).toBe(403);
  });
});
