import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, joinOrganization, signedInUser } from '../accounts/test-support.ts';
import { runQueued } from '../fulfillment/test-support.ts';
import { INVOICE_JOBS } from '../invoices/index.ts';
import { cartOf, checkoutAs, FRENCH_BUSINESS, GERMAN_CONSUMER, payWithCard } from './test-support.ts';

/**
 * Buying for an organization: a member chooses it at checkout, its billing details fill the
 * form, the order and its invoice record it (the invoice snapshots its legal name and VAT ID);
 * its owners, admins and billing members then see the order, the invoice and its PDF beside the
 * buyer, plain members and outsiders do not, and personal orders stay personal.
 */

let t: TestApp;
const jars = {} as Record<'owner' | 'admin' | 'finance' | 'buyer' | 'member' | 'outsider', CookieJar>;
let orgId: string;
let orgOrder: string;
let personalOrder: string;

const FR_BILLING = {
  legalName: 'Hôpital Exemple SA',
  line1: '1 rue de Rivoli',
  city: 'Paris',
  postalCode: '75001',
  country: 'FR',
  email: 'factures@hopital.example',
  vatId: 'FR40303265045',
};

const db = () => t.app.ctx.db;
const ordersCount = async () =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM sales_order`.execute(db())).rows[0]!.n;

async function page(jar: CookieJar, url: string) {
  const r = await t.http.inject({
    method: 'GET',
    url,
    headers: { accept: 'text/html', cookie: jar.header() },
  });
  jar.store(r);
  return r;
}

async function form(jar: CookieJar, url: string, fields: Record<string, string>) {
  const r = await t.http.inject({
    method: 'POST',
    url,
    headers: {
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      cookie: jar.header(),
    },
    payload: new URLSearchParams(fields).toString(),
  });
  jar.store(r);
  return r;
}

/** The values of a page's first form named by action, as a browser would send them. */
function fieldsOf(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  const body = html.slice(start, html.indexOf('</form>', start));
  const out: Record<string, string> = {};
  for (const m of body.matchAll(/<input[^>]*name="([^"]+)"[^>]*>/g)) {
    const tag = m[0];
    if (/type="radio"/.test(tag) && !/ checked/.test(tag)) continue;
    out[m[1]!] =
      /value="([^"]*)"/
        .exec(tag)?.[1]
        ?.replace(/&amp;/g, '&')
        .replace(/&#39;|&#x27;/g, "'") ?? '';
  }
  for (const m of body.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g))
    out[m[1]!] = /<option value="([^"]*)" selected/.exec(m[2]!)?.[1] ?? '';
  return out;
}

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-11-18T10:00:00Z' });
  for (const who of ['owner', 'admin', 'finance', 'buyer', 'member', 'outsider'] as const)
    jars[who] = await signedInUser(t, `${who}@hopital.example`, undefined, `${who} name`);
  orgId = (await api(t, 'POST', '/api/v1/orgs', { jar: jars.owner, body: { name: 'Hôpital' } })).json().id;
  await joinOrganization(t, jars.owner, orgId, jars.admin, 'admin@hopital.example', 'admin');
  await joinOrganization(t, jars.owner, orgId, jars.finance, 'finance@hopital.example', 'billing');
  await joinOrganization(t, jars.owner, orgId, jars.buyer, 'buyer@hopital.example', 'member');
  await joinOrganization(t, jars.owner, orgId, jars.member, 'member@hopital.example', 'member');
  const saved = await api(t, 'PUT', `/api/v1/orgs/${orgId}/billing`, { jar: jars.owner, body: FR_BILLING });
  expect(saved.statusCode, saved.body).toBe(200);
}, 120_000);
afterAll(async () => t?.close());

describe('buying for an organization', () => {
  it('a plain member chooses it at checkout; its billing details fill the form; the order records it', async () => {
    const jar = jars.buyer;
    await api(t, 'POST', '/api/v1/cart/items', { jar, body: { sku: 'TL-MAPPER-PR-A', quantity: 1 } });
    const plain = await page(jar, '/checkout');
    expect(plain.body).toContain(`/checkout?organization=${orgId}`);
    const filled = await page(jar, `/checkout?organization=${orgId}`);
    expect(filled.statusCode).toBe(200);
    const values = fieldsOf(filled.body, '/checkout/review');
    expect(values).toMatchObject({
      organizationId: orgId,
      customerType: 'business',
      organization: 'Hôpital Exemple SA',
      email: 'factures@hopital.example',
      line1: '1 rue de Rivoli',
      postalCode: '75001',
      country: 'FR',
      vatId: 'FR40303265045',
      name: 'buyer name',
    });
    const review = await form(jar, '/checkout/review', values);
    expect(review.statusCode, review.body.slice(0, 300)).toBe(200);
    // Seller in the US, a verified French VAT ID: reverse charge.
    expect(review.body).toContain('reverse charge');
    const place = fieldsOf(review.body, '/checkout/place');
    expect(place.organizationId).toBe(orgId);
    const placed = await form(jar, '/checkout/place', place);
    expect(placed.statusCode).toBe(303);
    const paid = await payWithCard(t, jar, String(placed.headers.location), '4242424242424242');
    expect(paid.statusCode).toBe(303);
    const row = (
      await sql<{ id: string; organization_id: string | null; vat_id: string | null }>`
        SELECT id, organization_id, vat_id FROM sales_order ORDER BY created_at DESC LIMIT 1`.execute(db())
    ).rows[0]!;
    expect(row).toMatchObject({ organization_id: orgId, vat_id: 'FR40303265045' });
    orgOrder = row.id;
  });

  it('its invoice snapshots the organization as the buyer', async () => {
    await runQueued(t, INVOICE_JOBS.orderPaid);
    const inv = (
      await sql<{ organization_id: string | null; buyer: Record<string, unknown> }>`
        SELECT organization_id, buyer FROM invoice WHERE order_id = ${orgOrder}`.execute(db())
    ).rows[0]!;
    expect(inv.organization_id).toBe(orgId);
    expect(inv.buyer).toMatchObject({
      organization: 'Hôpital Exemple SA',
      organizationId: orgId,
      vatId: 'FR40303265045',
      email: 'factures@hopital.example',
    });
  });

  it('refuses outsiders, guests and personal billing for an organization, and writes nothing', async () => {
    const before = await ordersCount();
    const outsider = jars.outsider;
    await api(t, 'POST', '/api/v1/cart/items', {
      jar: outsider,
      body: { sku: 'TL-MAPPER-PR-A', quantity: 1 },
    });
    const cart = await cartOf(t, outsider);
    const body = {
      billing: FRENCH_BUSINESS,
      cartId: cart.id,
      cartVersion: cart.version,
      organizationId: orgId,
    };
    const foreign = await api(t, 'POST', '/api/v1/checkout', { jar: outsider, body });
    expect(foreign.statusCode).toBe(404);
    expect((await page(outsider, `/checkout?organization=${orgId}`)).body).not.toContain(
      'Hôpital Exemple SA',
    );
    const quote = await api(t, 'POST', '/api/v1/checkout/quote', {
      jar: jars.member,
      body: { billing: GERMAN_CONSUMER, organizationId: orgId },
    });
    // The member's cart is empty, but the organization is checked first: a consumer cannot buy for it.
    expect(quote.statusCode).toBe(400);
    expect(quote.json().error.details).toEqual([{ path: '/organizationId', message: expect.any(String) }]);
    const guest = await api(t, 'POST', '/api/v1/checkout/quote', {
      body: { billing: FRENCH_BUSINESS, organizationId: orgId },
    });
    expect(guest.statusCode).toBe(400);
    expect(await ordersCount()).toBe(before);
  });

  it('a personal order of the owner stays personal', async () => {
    const jar = jars.owner;
    await api(t, 'POST', '/api/v1/cart/items', { jar, body: { sku: 'TL-MAPPER-PR-A', quantity: 1 } });
    const order = await checkoutAs(t, jar, { ...GERMAN_CONSUMER, email: 'owner@hopital.example' });
    await payWithCard(t, jar, order.payUrl, '4242424242424242');
    personalOrder = order.orderId;
    const row = (
      await sql<{
        organization_id: string | null;
      }>`SELECT organization_id FROM sales_order WHERE id = ${personalOrder}`.execute(db())
    ).rows[0]!;
    expect(row.organization_id).toBeNull();
  });
});

describe('who sees an organization’s orders and invoices', () => {
  const invoiceOf = async (orderId: string) =>
    (await sql<{ id: string }>`SELECT id FROM invoice WHERE order_id = ${orderId}`.execute(db())).rows[0]!.id;

  it('owners, admins and billing members see it beside the buyer; plain members and outsiders do not', async () => {
    await runQueued(t, INVOICE_JOBS.orderPaid);
    const invoiceId = await invoiceOf(orgOrder);
    const urls = [
      `/api/v1/orders/${orgOrder}`,
      `/api/v1/account/invoices/${invoiceId}`,
      `/api/v1/account/invoices/${invoiceId}/pdf`,
      `/account/orders/${orgOrder}`,
      `/account/invoices/${invoiceId}`,
    ];
    for (const who of ['buyer', 'owner', 'admin', 'finance'] as const)
      for (const url of urls) {
        const r = await api(t, 'GET', url, { jar: jars[who] });
        expect(r.statusCode, `${who} ${url}`).toBe(200);
      }
    for (const who of ['member', 'outsider'] as const)
      for (const url of urls)
        expect((await api(t, 'GET', url, { jar: jars[who] })).statusCode, `${who} ${url}`).toBe(404);
    const listed = (who: keyof typeof jars) =>
      api(t, 'GET', '/api/v1/orders', { jar: jars[who] }).then((r) =>
        r.json().items.map((o: { id: string; organizationId: string | null }) => [o.id, o.organizationId]),
      );
    expect(await listed('admin')).toEqual([[orgOrder, orgId]]);
    expect(await listed('member')).toEqual([]);
    // Both at the same (manual) time: compared as a set.
    expect((await listed('owner')).sort()).toEqual(
      [
        [personalOrder, null],
        [orgOrder, orgId],
      ].sort(),
    );
    const invoices = await api(t, 'GET', '/api/v1/account/invoices', { jar: jars.finance });
    expect(invoices.json().items.map((i: { id: string }) => i.id)).toEqual([invoiceId]);
    const ordersPage = await page(jars.admin, '/account/orders');
    expect(ordersPage.body).toContain('Hôpital Exemple SA (placed by buyer name)');
  });

  it('the owner’s personal order is not the organization’s', async () => {
    const invoiceId = await invoiceOf(personalOrder);
    for (const who of ['admin', 'finance', 'buyer'] as const) {
      expect((await api(t, 'GET', `/api/v1/orders/${personalOrder}`, { jar: jars[who] })).statusCode).toBe(
        404,
      );
      expect(
        (await api(t, 'GET', `/api/v1/account/invoices/${invoiceId}`, { jar: jars[who] })).statusCode,
      ).toBe(404);
    }
  });

  it('a member demoted from admin stops seeing the organization’s orders at once', async () => {
    const members = (await api(t, 'GET', `/api/v1/orgs/${orgId}/members`, { jar: jars.owner })).json()
      .members;
    const admin = members.find((m: { email: string }) => m.email === 'admin@hopital.example');
    const r = await api(t, 'PATCH', `/api/v1/orgs/${orgId}/members/${admin.userId}`, {
      jar: jars.owner,
      body: { role: 'member' },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect((await api(t, 'GET', `/api/v1/orders/${orgOrder}`, { jar: jars.admin })).statusCode).toBe(404);
  });
});
