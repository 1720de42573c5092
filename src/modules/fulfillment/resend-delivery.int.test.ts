import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, csrfFrom, postForm, signedInUser } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import { FULFILLMENT_JOBS, READY_MAIL_TEMPLATE } from './index.ts';
import { afterPayment, buy, runQueued } from './test-support.ts';

/**
 * Staff send an order's delivery mail again (a customer who lost it): support and admins, from
 * the staff order page or the API, audited; only once the order is fulfilled (409 before, nothing
 * sent); customers and anonymous callers are refused.
 */

let t: TestApp;
let jars: Record<Who, CookieJar>;
let fulfilled: string;
let waiting: string;

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
  jars = await staffJars(t, 'resend');
  const buyer = await signedInUser(t, 'lost-mail@example.de');
  fulfilled = await buy(t, buyer, 'lost-mail@example.de', [
    { sku: 'TL-ANALYTICS-PR-A', quantity: 2 },
    { sku: 'CS-BLOCKS-10-B', quantity: 1 },
  ]);
  await afterPayment(t);
  // Paid, but its fulfillment has not run yet.
  const other = await signedInUser(t, 'early@example.de');
  waiting = await buy(t, other, 'early@example.de', [{ sku: 'TR-FHIR101-SP-P', quantity: 1 }]);
  await runQueued(t, 'orders.paid-subscriptions');
}, 60_000);
afterAll(async () => t?.close());

const mails = async (to: string) =>
  (
    await sql<{ text: string; html: string }>`SELECT text_body AS text, html_body AS html FROM mail_message
      WHERE to_address = ${to} AND template = ${READY_MAIL_TEMPLATE} ORDER BY created_at`.execute(
      t.app.ctx.db,
    )
  ).rows;
const audited = async (orderId: string) =>
  (
    await sql<{ actor_email: string; after: { items: number } }>`SELECT actor_email, after FROM audit_event
      WHERE action = 'order.delivery-resent' AND target_id = ${orderId}`.execute(t.app.ctx.db)
  ).rows;

describe('resending the delivery mail', () => {
  it('sends the same mail again for support, audited; customers and anonymous callers are refused', async () => {
    expect(await mails('lost-mail@example.de')).toHaveLength(1);
    const url = `/api/v1/admin/orders/${fulfilled}/resend-delivery`;
    expect((await api(t, 'POST', url, { jar: jars.customer })).statusCode).toBe(403);
    expect((await api(t, 'POST', url, {})).statusCode).toBe(401);
    expect(await mails('lost-mail@example.de')).toHaveLength(1);

    const r = await api(t, 'POST', url, { jar: jars.support });
    expect([r.statusCode, r.json()]).toEqual([202, { resent: true, items: 2 }]);
    const [first, again] = await mails('lost-mail@example.de');
    // The same content: the hosted service's steps, the hours' booking link, masked keys only.
    expect(again!.text).toBe(first!.text);
    expect(again!.text).toContain('Start using it:');
    expect(again!.text).toMatch(/FHIR-\*\*\*\*-\*\*\*\*-\*\*\*\*-\*\*\*\*-[0-9A-Z]{4}, 2 seats/);
    expect(await audited(fulfilled)).toEqual([
      expect.objectContaining({
        actor_email: 'resend-support@example.com',
        after: expect.objectContaining({ items: 2 }),
      }),
    ]);
  });

  it('is refused with 409 before the order is fulfilled, and 404 for an unknown order, sending nothing', async () => {
    const early = await api(t, 'POST', `/api/v1/admin/orders/${waiting}/resend-delivery`, {
      jar: jars.admin,
    });
    expect([early.statusCode, early.json().error.code]).toEqual([409, 'ORDER_STATE_CONFLICT']);
    expect(early.json().error.message).toMatch(/no delivery mail to send/);
    const unknown = await api(t, 'POST', `/api/v1/admin/orders/ord_${'0'.repeat(26)}/resend-delivery`, {
      jar: jars.admin,
    });
    expect(unknown.statusCode).toBe(404);
    const bad = await api(t, 'POST', `/api/v1/admin/orders/${fulfilled}/resend-delivery`, {
      jar: jars.admin,
      body: { to: 'someone-else@example.org' },
    });
    expect(bad.statusCode).toBe(400);
    expect(await mails('early@example.de')).toHaveLength(0);
    expect(await audited(waiting)).toEqual([]);
    // Once fulfilled, it can be resent.
    await runQueued(t, FULFILLMENT_JOBS.orderPaid);
    expect(
      (await api(t, 'POST', `/api/v1/admin/orders/${waiting}/resend-delivery`, { jar: jars.admin }))
        .statusCode,
    ).toBe(202);
    expect(await mails('early@example.de')).toHaveLength(2);
  });

  it('is offered on the staff order page once the order is fulfilled, and the form sends it', async () => {
    const { token, html } = await csrfFrom(t, jars.support, `/admin/orders/${fulfilled}`);
    expect(html).toContain(`action="/admin/orders/${fulfilled}/resend-delivery"`);
    const before = (await mails('lost-mail@example.de')).length;
    const r = await postForm(t, jars.support, `/admin/orders/${fulfilled}/resend-delivery`, { _csrf: token });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe(`/admin/orders/${fulfilled}`);
    expect(await mails('lost-mail@example.de')).toHaveLength(before + 1);
    // Not before fulfillment: no button.
    const buyer = await signedInUser(t, 'unpaid@example.de');
    const pending = await buy(t, buyer, 'unpaid@example.de', [{ sku: 'CS-BLOCKS-10-B', quantity: 1 }]);
    const page = await t.http.inject({
      method: 'GET',
      url: `/admin/orders/${pending}`,
      headers: { accept: 'text/html', cookie: jars.admin.header() },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('resend-delivery');
  });
});
