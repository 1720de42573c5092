import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, signedInUser } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import { checkoutAs, FRENCH_BUSINESS, payWithCard } from '../checkout/test-support.ts';
import { buy, runQueued } from '../fulfillment/test-support.ts';
import { formatAmount, INVOICE_JOBS, INVOICE_MAIL_TEMPLATE } from './index.ts';
import { pdfText, renderFirstPage } from './test-support.ts';

/**
 * Invoices end to end: a paid checkout order → its invoice (mailed with the PDF), the customer's
 * and staff's pages and API, who may see what, the PDF's text and look, credit notes for
 * refunds, reverse charge from a real checkout. Runs with seller details configured.
 */

let t: TestApp;
let staff: Record<Who, CookieJar>;
let alice: CookieJar;
let bob: CookieJar;
let aliceOrder: string;
let invoiceId: string;
beforeAll(async () => {
  t = await createTestApp({
    clockAt: '2026-11-10T12:00:00Z',
    env: {
      SELLER_NAME: 'FHIR IQ Inc.',
      SELLER_ADDRESS: '100 Test Avenue\\nSuite 5\\nBoston, MA 02110\\nUnited States',
      SELLER_EMAIL: 'billing@fhiriq.test',
      SELLER_TAX_ID: 'EIN 12-3456789',
    },
  });
  staff = await staffJars(t, 'inv');
  alice = await signedInUser(t, 'alice@example.de');
  bob = await signedInUser(t, 'bob@example.de');
  aliceOrder = await buy(t, alice, 'alice@example.de', [{ sku: 'TL-MAPPER-PR-A', quantity: 1 }]);
  await runQueued(t, INVOICE_JOBS.orderPaid);
  await runQueued(t, INVOICE_JOBS.mail);
  invoiceId = (
    await sql<{ id: string }>`SELECT id FROM invoice WHERE order_id = ${aliceOrder}`.execute(t.app.ctx.db)
  ).rows[0]!.id;
}, 90_000);
afterAll(async () => t?.close());

const get = (url: string, jar?: CookieJar, accept = 'application/json') =>
  t.http.inject({ method: 'GET', url, headers: { accept, ...(jar ? { cookie: jar.header() } : {}) } });

describe('the invoice of a paid order', () => {
  it('is listed for its buyer with number, date, total, status and PDF link', async () => {
    const r = await get('/api/v1/account/invoices', alice);
    expect(r.statusCode, r.body).toBe(200);
    const [item, ...rest] = r.json().items;
    expect(rest).toEqual([]);
    expect(item).toMatchObject({
      id: invoiceId,
      number: 'FHIR-2026-11-0001',
      orderId: aliceOrder,
      currency: 'USD',
      status: 'paid',
      credited: 0,
      pdfUrl: `/api/v1/account/invoices/${invoiceId}/pdf`,
      creditNotes: [],
    });
    const detail = (await get(`/api/v1/account/invoices/${invoiceId}`, alice)).json();
    expect(detail.seller).toMatchObject({
      name: 'FHIR IQ Inc.',
      address: ['100 Test Avenue', 'Suite 5', 'Boston, MA 02110', 'United States'],
    });
    expect(detail.lines).toMatchObject([{ sku: 'TL-MAPPER-PR-A', quantity: 1, taxRatePercent: '19' }]);
    expect(detail.tax).toBeGreaterThan(0);
    expect(detail.total).toBe(detail.net + detail.tax);
    const page = await get('/account/invoices', alice, 'text/html');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('FHIR-2026-11-0001');
    expect(page.body).toContain(formatAmount(detail.total, 'USD'));
  });

  it('is mailed once to the buyer with its PDF attached', async () => {
    await sql`UPDATE pgboss.job SET state = 'created' WHERE name = ${INVOICE_JOBS.mail}`.execute(
      t.app.ctx.db,
    );
    await runQueued(t, INVOICE_JOBS.mail);
    const mails = (
      await sql<{ id: string; to: string; subject: string }>`
        SELECT id, to_address AS to, subject FROM mail_message WHERE template = ${INVOICE_MAIL_TEMPLATE}`.execute(
        t.app.ctx.db,
      )
    ).rows;
    expect(mails).toEqual([
      { id: expect.any(String), to: 'alice@example.de', subject: 'Your invoice FHIR-2026-11-0001' },
    ]);
    const attachments = await t.app.ctx.mail.attachments(mails[0]!.id);
    expect(attachments).toMatchObject([
      { position: 1, filename: 'FHIR-2026-11-0001.pdf', contentType: 'application/pdf' },
    ]);
    const file = await t.app.ctx.mail.attachment(mails[0]!.id, 1);
    expect(file!.content.subarray(0, 5).toString()).toBe('%PDF-');
    // The outbox shows it to staff.
    const outbox = await get(`/admin/outbox/${mails[0]!.id}`, staff.admin, 'text/html');
    expect(outbox.body).toContain('FHIR-2026-11-0001.pdf');
    const download = await get(`/admin/outbox/${mails[0]!.id}/attachments/1`, staff.admin);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(file!.content)).toBe(true);
  });

  it('downloads as a PDF that reads the number, the buyer and the formatted total', async () => {
    const r = await get(`/account/invoices/${invoiceId}/pdf`, alice, 'text/html');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toBe('attachment; filename="FHIR-2026-11-0001.pdf"');
    const detail = (await get(`/api/v1/account/invoices/${invoiceId}`, alice)).json();
    const text = pdfText(r.rawPayload);
    expect(text).toContain('FHIR-2026-11-0001');
    expect(text).toContain('Erika Mustermann');
    expect(text).toContain('FHIR IQ Inc.');
    expect(text).toContain('100 Test Avenue');
    expect(text).toContain('EIN 12-3456789');
    expect(text).toContain(formatAmount(detail.total, 'USD'));
    expect(text).toMatch(/\$\d/);
    // Stored once: the API download is the same bytes, with the stored SHA-256.
    const again = await get(`/api/v1/account/invoices/${invoiceId}/pdf`, alice);
    expect(again.rawPayload.equals(r.rawPayload)).toBe(true);
    const size = renderFirstPage(r.rawPayload, path.resolve('test-output/invoice-sample.png'));
    expect(size).toBeGreaterThan(1000);
  });
});

describe('who sees an invoice', () => {
  it('another customer gets 404 (API and page), anonymous 401 or sign-in, a customer no staff view', async () => {
    for (const url of [`/api/v1/account/invoices/${invoiceId}`, `/api/v1/account/invoices/${invoiceId}/pdf`])
      expect((await get(url, bob)).statusCode).toBe(404);
    expect((await get(`/account/invoices/${invoiceId}`, bob, 'text/html')).statusCode).toBe(404);
    expect((await get(`/account/invoices/${invoiceId}/pdf`, bob, 'text/html')).statusCode).toBe(404);
    expect((await get('/api/v1/account/invoices', bob)).json().items).toEqual([]);
    expect((await get(`/api/v1/account/invoices/${invoiceId}`)).statusCode).toBe(401);
    const page = await get(`/account/invoices/${invoiceId}`, undefined, 'text/html');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toMatch(/^\/sign-in/);
    expect((await get(`/api/v1/admin/invoices/${invoiceId}`, staff.customer)).statusCode).toBe(403);
    expect((await get('/admin/invoices', staff.customer, 'text/html')).statusCode).toBe(403);
  });

  it('support and admin see it, search it by number and email and filter by month', async () => {
    for (const who of ['support', 'admin'] as const) {
      expect((await get(`/api/v1/admin/invoices/${invoiceId}`, staff[who])).statusCode).toBe(200);
      const page = await get(`/admin/invoices/${invoiceId}`, staff[who], 'text/html');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('FHIR-2026-11-0001');
      expect((await get(`/admin/invoices/${invoiceId}/pdf`, staff[who], 'text/html')).statusCode).toBe(200);
    }
    const ids = async (query: string) =>
      (await get(`/api/v1/admin/invoices?${query}`, staff.support))
        .json()
        .items.map((i: { id: string }) => i.id);
    expect(await ids('q=2026-11-0001')).toEqual([invoiceId]);
    expect(await ids('q=ALICE@example')).toEqual([invoiceId]);
    expect(await ids('month=2026-11')).toEqual([invoiceId]);
    expect(await ids('month=2026-10')).toEqual([]);
    const list = await get('/admin/invoices?q=FHIR-2026&month=2026-11', staff.support, 'text/html');
    expect(list.body).toContain('FHIR-2026-11-0001');
  });
});

describe('credit notes', () => {
  async function refund(orderId: string, amount: number): Promise<void> {
    const r = await api(t, 'POST', `/api/v1/admin/orders/${orderId}/refunds`, {
      jar: staff.admin,
      body: { amount, reason: 'customer asked' },
      headers: { 'idempotency-key': `test-${randomUUID()}` },
    });
    expect(r.statusCode, r.body).toBe(201);
    await runQueued(t, INVOICE_JOBS.orderRefunded);
  }

  it('a partial then a full refund: two credit notes referencing the invoice, in their own series', async () => {
    const before = (await get(`/api/v1/account/invoices/${invoiceId}`, alice)).json();
    await refund(aliceOrder, 1000);
    let detail = (await get(`/api/v1/account/invoices/${invoiceId}`, alice)).json();
    expect(detail.status).toBe('partially_credited');
    expect(detail.creditNotes).toMatchObject([
      { number: 'FHIR-CN-2026-11-0001', invoiceNumber: 'FHIR-2026-11-0001', total: 1000, fullRefund: false },
    ]);
    expect(detail.creditNotes[0].net + detail.creditNotes[0].tax).toBe(1000);
    expect(detail.creditNotes[0].tax).toBeGreaterThan(0);
    // The same refund delivered again: still one credit note.
    await sql`UPDATE pgboss.job SET state = 'created' WHERE name = ${INVOICE_JOBS.orderRefunded}`.execute(
      t.app.ctx.db,
    );
    await runQueued(t, INVOICE_JOBS.orderRefunded);
    expect((await get(`/api/v1/account/invoices/${invoiceId}`, alice)).json().creditNotes).toHaveLength(1);

    await refund(aliceOrder, before.amountPaid - 1000);
    detail = (await get(`/api/v1/account/invoices/${invoiceId}`, alice)).json();
    expect(detail.status).toBe('credited');
    expect(detail.creditNotes.map((n: { number: string }) => n.number)).toEqual([
      'FHIR-CN-2026-11-0001',
      'FHIR-CN-2026-11-0002',
    ]);
    expect(detail.creditNotes[1].fullRefund).toBe(true);
    const credited = detail.creditNotes.reduce((s: number, n: { total: number }) => s + n.total, 0);
    expect(credited).toBe(before.amountPaid);
    expect(detail.creditNotes.reduce((s: number, n: { tax: number }) => s + n.tax, 0)).toBe(before.tax);
    // The invoice itself did not change.
    expect({ ...detail, status: 'x', credited: 0, creditNotes: [] }).toEqual({
      ...before,
      status: 'x',
      credited: 0,
      creditNotes: [],
    });

    const pdf = await get(detail.creditNotes[0].pdfUrl, alice);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-disposition']).toBe('attachment; filename="FHIR-CN-2026-11-0001.pdf"');
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('Credit note');
    expect(text).toContain('FHIR-CN-2026-11-0001');
    expect(text).toContain('FHIR-2026-11-0001');
    expect(text).toContain(formatAmount(1000, 'USD'));
    // Bob cannot fetch it, staff can.
    expect((await get(detail.creditNotes[0].pdfUrl, bob)).statusCode).toBe(404);
    expect(
      (
        await get(
          `/api/v1/admin/invoices/${invoiceId}/credit-notes/${detail.creditNotes[0].id}/pdf`,
          staff.support,
        )
      ).statusCode,
    ).toBe(200);
    // Filters: by status and year.
    const items = async (q: string) =>
      (await get(`/api/v1/account/invoices?${q}`, alice)).json().items.length;
    expect(await items('status=credited')).toBe(1);
    expect(await items('status=paid')).toBe(0);
    expect(await items('year=2026')).toBe(1);
    expect(await items('year=2025')).toBe(0);
    const page = await get('/account/invoices?year=2026&status=credited', alice, 'text/html');
    expect(page.body).toContain('FHIR-CN-2026-11-0002');
  });
});

describe('reverse charge from a real checkout', () => {
  it('an EU business with a VAT ID: no tax, the legal wording on the PDF', async () => {
    const jar = await signedInUser(t, 'jean@example.fr');
    expect(
      (await api(t, 'POST', '/api/v1/cart/items', { jar, body: { sku: 'TL-MAPPER-PR-A', quantity: 1 } }))
        .statusCode,
    ).toBe(200);
    const order = await checkoutAs(t, jar, FRENCH_BUSINESS);
    expect((await payWithCard(t, jar, order.payUrl, '4242424242424242')).statusCode).toBe(303);
    await runQueued(t, INVOICE_JOBS.orderPaid);
    const [item] = (await get('/api/v1/account/invoices', jar)).json().items;
    const detail = (await get(`/api/v1/account/invoices/${item.id}`, jar)).json();
    expect(detail.number).toBe('FHIR-2026-11-0002');
    expect(detail.reverseCharge).toBe(true);
    expect(detail.tax).toBe(0);
    expect(detail.buyer).toMatchObject({ organization: 'Exemple SA', vatId: 'FR40303265045' });
    const text = pdfText((await get(`/api/v1/account/invoices/${item.id}/pdf`, jar)).rawPayload).replace(
      /\s+/g,
      ' ',
    );
    expect(text).toContain('Reverse charge: VAT to be accounted for by the recipient');
    expect(text).toContain('Exemple SA');
    expect(text).toContain('FR40303265045');
  });
});
