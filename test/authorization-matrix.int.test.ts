import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, GuardInfo } from '../src/modules/accounts/index.ts';
import {
  api,
  CookieJar,
  csrfFrom,
  joinOrganization,
  nextIp,
  signedInUser,
} from '../src/modules/accounts/test-support.ts';
import { staffJars } from '../src/modules/catalog/test-support.ts';
import { checkoutAs, FRENCH_BUSINESS, payWithCard } from '../src/modules/checkout/test-support.ts';
import { afterPayment, runQueued } from '../src/modules/fulfillment/test-support.ts';
import { INVOICE_JOBS } from '../src/modules/invoices/index.ts';
import { registeredRoutes } from '../src/platform/http/server.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';

/**
 * The authorization matrix: every route of the customer portal and the admin console, called by
 * anonymous, customer A (who owns the resources in the URLs), customer B, support and admin. Each
 * gets exactly what the permission matrix allows: anonymous callers are sent to sign in (pages)
 * or get 401 (JSON); a caller the route's guards refuse gets 403; an allowed caller is never
 * refused; and nobody but A reads A's resources through the portal (404, the resource does not
 * exist for them). The routes come from the server itself, so a route added later is covered.
 * A and B belong to different organizations; A's order is bought for A's organization, so an
 * admin colleague of A reads its order, invoice and credit note (every such portal route) and B
 * never does.
 */

type Who = 'anonymous' | 'customerA' | 'customerB' | 'support' | 'admin';
const WHO: readonly Who[] = ['anonymous', 'customerB', 'support', 'customerA', 'admin'];
const PORTAL_OR_CONSOLE = /^\/(account|admin)(\/|$)|^\/api\/v1\/(account|admin|orgs)(\/|$)/;
/** Portal routes: a resource in their path is looked up among the caller's own. */
const PORTAL = /^\/account(\/|$)|^\/api\/v1\/(account|orgs)(\/|$)/;

let t: TestApp;
const jars = {} as Record<Who, CookieJar>;
const actors = {} as Record<Exclude<Who, 'anonymous'>, Actor>;
const csrf = {} as Record<Who, string>;
/** Path parameter values by the path segment before them: A's resources. */
const ids: Record<string, string> = {};
/** An admin of A's organization (not one of the matrix's callers). */
let colleague: CookieJar;

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-11-20T09:00:00Z' });
  const staff = await staffJars(t, 'matrix');
  jars.anonymous = new CookieJar();
  jars.support = staff.support;
  jars.admin = staff.admin;
  jars.customerA = await signedInUser(t, 'alice@hospital.org');
  jars.customerB = await signedInUser(t, 'bob@clinic.org');
  colleague = await signedInUser(t, 'carol@hospital.org');
  const org = await api(t, 'POST', '/api/v1/orgs', { jar: jars.customerA, body: { name: 'Alice Hospital' } });
  expect(org.statusCode, org.body).toBe(201);
  await joinOrganization(t, jars.customerA, org.json().id, colleague, 'carol@hospital.org', 'admin');
  const orgB = await api(t, 'POST', '/api/v1/orgs', { jar: jars.customerB, body: { name: 'Bob Clinic' } });
  expect(orgB.statusCode, orgB.body).toBe(201);

  // A buys for A's organization.
  for (const body of [
    { sku: 'TL-MAPPER-PR-A', quantity: 1 },
    { sku: 'TL-ANALYTICS-ST-M', quantity: 1 },
    { sku: 'CS-BLOCKS-10-B', quantity: 1 },
  ])
    expect((await api(t, 'POST', '/api/v1/cart/items', { jar: jars.customerA, body })).statusCode).toBe(200);
  const bought = await checkoutAs(
    t,
    jars.customerA,
    { ...FRENCH_BUSINESS, organization: 'Alice Hospital', email: 'alice@hospital.org' },
    { organizationId: org.json().id },
  );
  expect((await payWithCard(t, jars.customerA, bought.payUrl, '4242424242424242')).statusCode).toBe(303);
  const orderId = bought.orderId;
  await afterPayment(t);
  const db = t.app.ctx.db;
  const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(db)).rows[0]!;
  const user = await one(sql<{ id: string }>`SELECT id FROM auth_user WHERE email = 'alice@hospital.org'`);
  const { key, license } = await t.app.modules.licensing.licenses.issue({
    sku: 'TL-MAPPER-PR-A',
    email: 'alice@hospital.org',
    userId: user.id,
    source: 'staff',
    sourceRef: 'matrix:alice',
    seats: 3,
  });
  const activate = await api(t, 'POST', '/api/v1/licenses/activate', {
    body: { key, fingerprint: 'matrix-machine-1' },
  });
  expect(activate.json().ok, activate.body).toBe(true);
  // A's invoice, and a credit note for a partial refund of it.
  await runQueued(t, INVOICE_JOBS.orderPaid);
  const refunded = await api(t, 'POST', `/api/v1/admin/orders/${orderId}/refunds`, {
    jar: jars.admin,
    body: { amount: 100, reason: 'matrix' },
    headers: { 'idempotency-key': 'matrix-refund-1' },
  });
  expect(refunded.statusCode, refunded.body).toBe(201);
  await runQueued(t, INVOICE_JOBS.orderRefunded);
  const ticket = await api(t, 'POST', '/api/v1/account/support', {
    jar: jars.customerA,
    body: { subject: 'Mapper question', category: 'technical', body: 'How do I map CSV?' },
  });
  expect(ticket.statusCode, ticket.body).toBe(201);
  // A file on A's ticket (multipart, the CSRF token as a header).
  const boundary = 'matrixboundary';
  const attached = await t.http.inject({
    method: 'POST',
    url: `/api/v1/account/support/${ticket.json().ticket.id}/attachments`,
    headers: {
      cookie: jars.customerA.header(),
      'x-csrf-token': (await csrfFrom(t, jars.customerA, '/account/support')).token,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\n\r\nmatrix notes\r\n--${boundary}--\r\n`,
  });
  expect(attached.statusCode, attached.body).toBe(201);
  // A content item (a site page needs no author, image or product) for the console's content routes.
  const page = await api(t, 'POST', '/api/v1/admin/content', {
    jar: jars.admin,
    body: { kind: 'page', slug: 'matrix-page', title: 'Matrix page', frontMatter: {} },
  });
  expect(page.statusCode, page.body).toBe(201);
  // A contact request (the form stamp must be a few seconds old).
  const stamp = t.app.modules.leads.service.stamp();
  t.clock!.advance(5_000);
  const contact = await t.app.modules.leads.service.submit({
    stamp,
    name: 'Alice',
    email: 'alice@hospital.org',
    organization: '',
    topic: 'training',
    message: 'A workshop, please.',
  });
  if (!contact.stored) throw new Error('the contact request was not stored');
  Object.assign(ids, {
    attachments: attached.json().messages.at(-1).attachments[0].id,
    licenses: license.id,
    machines: (
      await one(sql<{ id: string }>`SELECT id FROM license_machine WHERE license_id = ${license.id}`)
    ).id,
    orders: orderId,
    invoices: (await one(sql<{ id: string }>`SELECT id FROM invoice WHERE order_id = ${orderId}`)).id,
    'credit-notes': (await one(sql<{ id: string }>`SELECT id FROM credit_note`)).id,
    support: ticket.json().ticket.id,
    fulfillment: orderId,
    consulting: (
      await one(sql<{ id: string }>`SELECT id FROM consulting_allocation WHERE order_id = ${orderId}`)
    ).id,
    subscriptions: (await one(sql<{ id: string }>`SELECT id FROM subscription WHERE user_id = ${user.id}`))
      .id,
    organizations: org.json().id,
    orgs: org.json().id,
    members: user.id,
    outbox: (
      await one(sql<{ id: string }>`SELECT id FROM mail_message WHERE to_address = 'alice@hospital.org'`)
    ).id,
    'license-policies': 'TL-MAPPER',
    skus: 'TL-MAPPER-PR-A',
    seats: 'colleague@hospital.org',
    jobs: 'orders.paid-subscriptions',
    content: page.json().id,
    revisions: '1',
    leads: contact.lead.id,
    // The catalog's marketing API and the console's product pages (/admin/catalog/marketing/…).
    products: 'TL-MAPPER',
    instructors: 'priya-raman',
    sessions: 'ses_fhir101_1',
    faq: 'pricing',
  });
  for (const who of WHO) {
    if (who !== 'anonymous') {
      const resolved = await t.app.modules.accounts.service.access.fromSessionCookie(jars[who].header());
      if (!resolved.actor) throw new Error(`${who} is not signed in`);
      actors[who] = resolved.actor;
    }
    csrf[who] = (await csrfFrom(t, jars[who], '/sign-in')).token;
  }
}, 180_000);
afterAll(async () => t?.close());

/** A concrete URL: each `:param` filled with A's resource named by the segment before it. */
function concrete(url: string): string {
  const parts = url.split('/');
  return parts
    .map((part, i) => {
      if (!part.startsWith(':')) return part;
      const owner = parts[i - 1] ?? '';
      if (part === ':id' && owner === 'jobs') return '00000000-0000-4000-8000-000000000000';
      return encodeURIComponent(ids[owner] ?? ids[part.slice(1)] ?? `${owner.replace(/s$/, '')}_unknown`);
    })
    .join('/');
}

function allowedBy(guards: readonly GuardInfo[], who: Who): boolean {
  if (who === 'anonymous') return false;
  const actor = actors[who];
  return guards.every((g) => {
    if (g.kind === 'actor') return true;
    if (g.kind === 'staff') return actor.staffRole !== null && (!g.role || g.role === actor.staffRole);
    const resource = g.scoped ? { orgId: ids.orgs! } : undefined;
    return t.app.modules.accounts.can(actor, g.permission!, resource);
  });
}

async function call(method: string, url: string, who: Who) {
  const isApi = url.startsWith('/api/');
  const headers: Record<string, string> = { cookie: jars[who].header() };
  let payload: string | undefined;
  if (method !== 'GET') {
    if (isApi) {
      headers['content-type'] = 'application/json';
      payload = '{}';
    } else {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams({ _csrf: csrf[who] }).toString();
    }
  }
  if (!isApi) headers.accept = 'text/html';
  return t.http.inject({
    method: method as 'GET',
    url,
    headers,
    remoteAddress: nextIp(),
    ...(payload !== undefined ? { payload } : {}),
  });
}

describe('the authorization matrix of the portal and the console', () => {
  it('covers every portal and admin route, each guarded', () => {
    const routes = registeredRoutes(t.http).filter(
      (r) => PORTAL_OR_CONSOLE.test(r.url) && r.method !== 'HEAD',
    );
    expect(routes.length).toBeGreaterThan(100);
    const guards = t.app.modules.accounts.routeGuards();
    const unguarded = routes.filter((r) => !guards.get(`${r.method} ${r.url}`)?.length);
    expect(unguarded.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  // Reads first (every caller), then changes: a change may remove what a later read would find.
  for (const phase of ['reads', 'changes'] as const) {
    it(`gives each caller exactly what the matrix allows (${phase})`, async () => {
      const guards = t.app.modules.accounts.routeGuards();
      const routes = registeredRoutes(t.http).filter(
        (r) =>
          PORTAL_OR_CONSOLE.test(r.url) &&
          r.method !== 'HEAD' &&
          r.method !== 'OPTIONS' &&
          (phase === 'reads') === (r.method === 'GET'),
      );
      const wrong: string[] = [];
      for (const who of WHO)
        for (const route of routes) {
          const url = concrete(route.url);
          const res = await call(route.method, url, who);
          const label = `${who} ${route.method} ${url} → ${res.statusCode}`;
          if (who === 'anonymous') {
            const refused = url.startsWith('/api/')
              ? res.statusCode === 401
              : res.statusCode === 303 && String(res.headers.location).startsWith('/sign-in');
            if (!refused) wrong.push(`${label} (anonymous must be refused)`);
            continue;
          }
          const allowed = allowedBy(guards.get(`${route.method} ${route.url}`) ?? [], who);
          if (!allowed) {
            if (res.statusCode !== 403) wrong.push(`${label} (the matrix refuses: 403 expected)`);
            continue;
          }
          if (res.statusCode === 401 || res.statusCode === 403) {
            // An org route may refuse a non-member either way; the portal never shows another's resource.
            if (!(PORTAL.test(url) && who !== 'customerA' && route.url.includes(':'))) {
              wrong.push(`${label} (the matrix allows)`);
            }
            continue;
          }
          if (phase === 'reads' && PORTAL.test(url) && route.url.includes(':')) {
            const ownsIt = who === 'customerA';
            // A's own: found (200, or a 4xx about the request itself, e.g. a missing query).
            if (ownsIt && res.statusCode === 404) wrong.push(`${label} (A reads A's own: found expected)`);
            if (!ownsIt && res.statusCode !== 404) wrong.push(`${label} (another's resource: 404 expected)`);
          }
          if (res.statusCode >= 500) wrong.push(`${label} (server error)`);
        }
      expect(wrong).toEqual([]);
    }, 240_000);
  }

  it('guards contact requests with their own permissions: support reads them, only admins move them', async () => {
    const lead = ids.leads!;
    const expected: Record<Exclude<Who, 'anonymous'>, { read: boolean; move: boolean }> = {
      customerA: { read: false, move: false },
      customerB: { read: false, move: false },
      support: { read: true, move: false },
      admin: { read: true, move: true },
    };
    const wrong: string[] = [];
    for (const [who, may] of Object.entries(expected) as [
      Exclude<Who, 'anonymous'>,
      { read: boolean; move: boolean },
    ][]) {
      for (const url of ['/admin/leads', '/api/v1/admin/leads']) {
        const res = await call('GET', url, who);
        if ((res.statusCode === 200) !== may.read) wrong.push(`${who} GET ${url} → ${res.statusCode}`);
      }
      // An empty move is refused by validation (400) when allowed, by the guard (403) when not.
      for (const url of [`/admin/leads/${lead}/status`, `/api/v1/admin/leads/${lead}/status`]) {
        const res = await call('POST', url, who);
        if ((res.statusCode !== 403) !== may.move) wrong.push(`${who} POST ${url} → ${res.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets an admin of A’s organization read its order, invoice and credit note; B never', async () => {
    // Every portal read of an order, an invoice or a credit note (from the server's route list).
    const shared = registeredRoutes(t.http).filter(
      (r) =>
        r.method === 'GET' &&
        (PORTAL.test(r.url) || r.url.startsWith('/api/v1/orders/')) &&
        /\/(orders|invoices)\/:id(\/|$)/.test(r.url) &&
        !/\/(licenses|subscriptions)\//.test(r.url),
    );
    // Orders (page, API), invoices (page, API, PDFs) and credit note PDFs.
    expect(shared.length).toBeGreaterThanOrEqual(8);
    const wrong: string[] = [];
    for (const route of shared) {
      const url = concrete(route.url);
      const seen = await t.http.inject({
        method: 'GET',
        url,
        headers: { cookie: colleague.header() },
        remoteAddress: nextIp(),
      });
      if (seen.statusCode !== 200) wrong.push(`colleague ${url} → ${seen.statusCode} (200 expected)`);
      const b = await call('GET', url, 'customerB');
      if (b.statusCode !== 404) wrong.push(`customerB ${url} → ${b.statusCode} (404 expected)`);
    }
    expect(wrong).toEqual([]);
    const listed = async (jar: CookieJar, url: string) =>
      (
        await t.http.inject({
          method: 'GET',
          url,
          headers: { cookie: jar.header() },
          remoteAddress: nextIp(),
        })
      )
        .json()
        .items.map((i: { id: string }) => i.id);
    expect(await listed(colleague, '/api/v1/orders')).toContain(ids.orders);
    expect(await listed(colleague, '/api/v1/account/invoices')).toContain(ids.invoices);
    expect(await listed(jars.customerB, '/api/v1/orders')).toEqual([]);
    expect(await listed(jars.customerB, '/api/v1/account/invoices')).toEqual([]);
  });
});
