import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, nextIp, signedInUser } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import { afterPayment, buy } from '../fulfillment/test-support.ts';

/** The staff directory: customers with what they bought, organizations with their members. */

let t: TestApp;
let jars: Record<Who, CookieJar>;
let aliceId: string;
let orgId: string;

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-11-20T09:00:00Z' });
  jars = await staffJars(t, 'dir');
  const alice = await signedInUser(t, 'alice@hospital.org', undefined, 'Alice Admin');
  await buy(t, alice, 'alice@hospital.org', [{ sku: 'TL-MAPPER-PR-A', quantity: 1 }]);
  await afterPayment(t);
  const org = await api(t, 'POST', '/api/v1/orgs', { jar: alice, body: { name: 'Alice Hospital' } });
  orgId = org.json().id;
  aliceId = (
    await sql<{ id: string }>`SELECT id FROM auth_user WHERE email = 'alice@hospital.org'`.execute(
      t.app.ctx.db,
    )
  ).rows[0]!.id;
});
afterAll(async () => t?.close());

const page = (url: string, jar: CookieJar) =>
  t.http.inject({
    method: 'GET',
    url,
    headers: { accept: 'text/html', cookie: jar.header() },
    remoteAddress: nextIp(),
  });

describe('customers and organizations in the staff console', () => {
  it('finds a customer by email and shows their organizations, orders, licenses and subscriptions', async () => {
    const found = await api(t, 'GET', '/api/v1/admin/customers?q=ALICE@hosp', { jar: jars.support });
    expect(found.json().items.map((c: { email: string }) => c.email)).toEqual(['alice@hospital.org']);
    const none = await api(t, 'GET', '/api/v1/admin/customers?q=%25', { jar: jars.support });
    expect(none.json().items).toEqual([]);
    const detail = (await api(t, 'GET', `/api/v1/admin/customers/${aliceId}`, { jar: jars.support })).json();
    expect(detail.customer).toMatchObject({
      name: 'Alice Admin',
      organizations: [{ id: orgId, role: 'owner' }],
    });
    expect(detail.orders).toHaveLength(1);
    expect(detail.licenses.map((l: { sku: string }) => l.sku)).toEqual(['TL-MAPPER-PR-A']);
    expect(detail.subscriptions).toHaveLength(1);
    const html = (await page(`/admin/customers/${aliceId}`, jars.admin)).body;
    expect(html).toContain(`/admin/orders/${detail.orders[0].id}`);
    expect(html).toContain(`/admin/licenses/${detail.licenses[0].id}`);
    expect(html).toContain(`/admin/organizations/${orgId}`);
    expect((await api(t, 'GET', '/api/v1/admin/customers/usr_nobody', { jar: jars.admin })).statusCode).toBe(
      404,
    );
  });

  it('lists organizations with their members', async () => {
    const list = (await api(t, 'GET', '/api/v1/admin/organizations?q=alice', { jar: jars.admin })).json();
    expect(list.items).toEqual([expect.objectContaining({ id: orgId, name: 'Alice Hospital', members: 1 })]);
    const org = (await api(t, 'GET', `/api/v1/admin/organizations/${orgId}`, { jar: jars.admin })).json();
    expect(org.memberList).toEqual([
      { userId: aliceId, name: 'Alice Admin', email: 'alice@hospital.org', role: 'owner' },
    ]);
    expect((await page(`/admin/organizations/${orgId}`, jars.support)).body).toContain('alice@hospital.org');
  });

  it('sends a paid order’s confirmation again for support, audited; not for customers', async () => {
    const orderId = (await api(t, 'GET', `/api/v1/admin/customers/${aliceId}`, { jar: jars.admin })).json()
      .orders[0].id;
    const confirmations = async () =>
      (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM mail_message
          WHERE to_address = 'alice@hospital.org' AND template = 'orders.confirmation'`.execute(t.app.ctx.db)
      ).rows[0]!.n;
    const before = await confirmations();
    const url = `/api/v1/admin/orders/${orderId}/resend-confirmation`;
    expect((await api(t, 'POST', url, { jar: jars.customer })).statusCode).toBe(403);
    expect(await confirmations()).toBe(before);
    const r = await api(t, 'POST', url, { jar: jars.support });
    expect([r.statusCode, r.json()]).toEqual([202, { resent: true }]);
    expect(await confirmations()).toBe(before + 1);
    const audited = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event
      WHERE action = 'order.confirmation-resent' AND target_id = ${orderId}`.execute(t.app.ctx.db);
    expect(audited.rows[0]!.n).toBe(1);
    expect(
      (await api(t, 'POST', '/api/v1/admin/orders/ord_nobody/resend-confirmation', { jar: jars.admin }))
        .statusCode,
    ).toBe(404);
    // The staff order page offers it.
    expect((await page(`/admin/orders/${orderId}`, jars.support)).body).toContain(
      `/admin/orders/${orderId}/resend-confirmation`,
    );
  });

  it('is for staff only', async () => {
    expect((await api(t, 'GET', '/api/v1/admin/customers', { jar: jars.customer })).statusCode).toBe(403);
    expect((await api(t, 'GET', '/api/v1/admin/customers', { jar: new CookieJar() })).statusCode).toBe(401);
    expect((await page('/admin/organizations', jars.customer)).statusCode).toBe(403);
  });
});
