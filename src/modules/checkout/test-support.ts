import { sql } from 'kysely';
import type { TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar } from '../accounts/test-support.ts';

/** Helpers for the commerce integration tests (cart, checkout, payments, orders). */

export const GERMAN_CONSUMER = {
  name: 'Erika Mustermann',
  email: 'erika@example.de',
  line1: 'Unter den Linden 1',
  city: 'Berlin',
  postalCode: '10117',
  country: 'DE',
  business: false,
};

export const FRENCH_BUSINESS = {
  name: 'Jean Dupont',
  organization: 'Exemple SA',
  email: 'jean@example.fr',
  line1: '1 rue de Rivoli',
  city: 'Paris',
  postalCode: '75001',
  country: 'FR',
  vatId: 'FR40303265045',
  business: true,
};

export const COMMERCE_TABLES = [
  'cart',
  'cart_line',
  'sales_order',
  'order_line',
  'payment',
  'payment_attempt',
  'payment_event',
  'payment_method',
  'auth_user',
  'mail_message',
] as const;

export async function commerceCounts(t: TestApp): Promise<Record<(typeof COMMERCE_TABLES)[number], number>> {
  const out = {} as Record<(typeof COMMERCE_TABLES)[number], number>;
  for (const table of COMMERCE_TABLES) {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(
      t.app.ctx.db,
    );
    out[table] = r.rows[0]!.n;
  }
  return out;
}

export async function count(t: TestApp, query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  return (await query.execute(t.app.ctx.db)).rows[0]!.n;
}

/** A guest with TL-MAPPER-PR-A (or the given items) in the cart. */
export async function guestWithCart(
  t: TestApp,
  items: { sku: string; quantity: number; currency?: string }[] = [{ sku: 'TL-MAPPER-PR-A', quantity: 1 }],
): Promise<CookieJar> {
  const jar = new CookieJar();
  for (const body of items) {
    const r = await api(t, 'POST', '/api/v1/cart/items', { jar, body });
    if (r.statusCode !== 200) throw new Error(`add failed: ${r.statusCode} ${r.body}`);
  }
  return jar;
}

export async function cartOf(
  t: TestApp,
  jar: CookieJar,
): Promise<{
  id: string;
  version: number;
  currency: string;
  lines: { sku: string; quantity: number; unitAmount: number | null }[];
  subtotal: number;
}> {
  return (await api(t, 'GET', '/api/v1/cart', { jar })).json();
}

/** Checks out the jar's cart and returns the order id and payment page path. */
export async function checkoutAs(
  t: TestApp,
  jar: CookieJar,
  billing: Record<string, unknown> = GERMAN_CONSUMER,
  extra: { organizationId?: string } = {},
): Promise<{ orderId: string; payUrl: string; confirmationUrl: string; orderNumber: string }> {
  const cart = await cartOf(t, jar);
  const r = await api(t, 'POST', '/api/v1/checkout', {
    jar,
    body: { billing, cartId: cart.id, cartVersion: cart.version, ...extra },
  });
  if (r.statusCode !== 201) throw new Error(`checkout failed: ${r.statusCode} ${r.body}`);
  return r.json();
}

/** Pays on the test payment page as a browser would (form post). */
export async function payWithCard(t: TestApp, jar: CookieJar, payUrl: string, cardNumber: string) {
  const page = await t.http.inject({
    method: 'GET',
    url: payUrl,
    headers: { accept: 'text/html', cookie: jar.header() },
  });
  jar.store(page);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!token) throw new Error(`no form on ${payUrl}: ${page.statusCode}`);
  const res = await t.http.inject({
    method: 'POST',
    url: payUrl,
    headers: {
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      cookie: jar.header(),
    },
    payload: new URLSearchParams({
      _csrf: token,
      name: 'Erika Mustermann',
      cardNumber,
      expiry: '12/34',
      cvc: '123',
    }).toString(),
  });
  jar.store(res);
  return res;
}
