import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, csrfFrom, postForm, signedInUser } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import { buy, runQueued } from '../fulfillment/test-support.ts';
import { CREDIT_NOTE_MAIL_TEMPLATE, INVOICE_JOBS, INVOICE_MAIL_TEMPLATE } from './index.ts';

/**
 * The mails of invoices and credit notes, delivered through a real SMTP server (smtp-server in
 * this process, SMTP_URL pointing at it) and read back with mailparser: each document arrives
 * once with its PDF intact (the SHA-256 stored with the document), the right file name and
 * content type, and both an HTML and a text part. Staff send them again (audited).
 */

let t: TestApp;
let smtp: SMTPServer;
const received: ParsedMail[] = [];
let staff: Record<Who, CookieJar>;
let alice: CookieJar;
let orderId: string;
let invoiceId: string;

const db = () => t.app.ctx.db;
const one = async <T>(q: ReturnType<typeof sql<T>>): Promise<T> => (await q.execute(db())).rows[0]!;

/** Runs the delivery jobs and waits until the SMTP server has parsed `count` messages in all. */
async function deliverAll(count: number): Promise<void> {
  await runQueued(t, 'mail.send');
  for (let i = 0; i < 100 && received.length < count; i++) await new Promise((r) => setTimeout(r, 20));
  expect(received.length).toBe(count);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        received.push(await simpleParser(Buffer.concat(chunks)));
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  const port = (smtp.server.address() as AddressInfo).port;
  t = await createTestApp({
    clockAt: '2026-11-12T10:00:00Z',
    env: { SMTP_URL: `smtp://127.0.0.1:${port}` },
  });
  staff = await staffJars(t, 'invmail');
  alice = await signedInUser(t, 'alice@mail.example');
  orderId = await buy(t, alice, 'alice@mail.example', [{ sku: 'TL-MAPPER-PR-A', quantity: 1 }]);
  await runQueued(t, INVOICE_JOBS.orderPaid);
  invoiceId = (await one(sql<{ id: string }>`SELECT id FROM invoice WHERE order_id = ${orderId}`)).id;
  // What checkout and sign-up sent so far is not this test's business.
  await runQueued(t, 'mail.send');
  received.length = 0;
}, 90_000);

afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
});

function pdfOf(mail: ParsedMail) {
  expect(mail.attachments).toHaveLength(1);
  const [a] = mail.attachments;
  return a!;
}

describe('invoice and credit note mails over SMTP', () => {
  it('delivers the invoice once with its PDF intact, an HTML and a text part', async () => {
    await runQueued(t, INVOICE_JOBS.mail);
    // A duplicate job (at-least-once delivery) sends nothing more.
    await t.app.modules.invoices.mail.mailInvoice(invoiceId);
    await deliverAll(1);
    const mail = received[0]!;
    const stored = await one(
      sql<{ filename: string; sha256: string }>`
        SELECT filename, sha256 FROM invoice_document WHERE document_id = ${invoiceId}`,
    );
    expect(stored.filename).toBe('FHIR-2026-11-0001.pdf');
    expect(mail.subject).toBe('Your invoice FHIR-2026-11-0001');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('alice@mail.example');
    expect(mail.text).toContain('FHIR-2026-11-0001');
    expect(mail.html || '').toContain('FHIR-2026-11-0001');
    const pdf = pdfOf(mail);
    expect(pdf.filename).toBe(stored.filename);
    expect(pdf.contentType).toBe('application/pdf');
    expect(pdf.contentDisposition).toBe('attachment');
    expect(sha256(pdf.content)).toBe(stored.sha256);
    expect(pdf.content.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('mails each credit note once, with its own PDF', async () => {
    const refund = await api(t, 'POST', `/api/v1/admin/orders/${orderId}/refunds`, {
      jar: staff.admin,
      body: { amount: 500, reason: 'goodwill' },
      headers: { 'idempotency-key': 'invmail-refund-1' },
    });
    expect(refund.statusCode, refund.body).toBe(201);
    await runQueued(t, INVOICE_JOBS.orderRefunded);
    const note = await one(sql<{ id: string; number: string }>`SELECT id, number FROM credit_note`);
    expect(await runQueued(t, INVOICE_JOBS.creditNoteMail)).toBe(1);
    await t.app.modules.invoices.mail.mailCreditNote(note.id);
    const outbox = await sql<{ to: string; subject: string }>`
      SELECT to_address AS to, subject FROM mail_message WHERE template = ${CREDIT_NOTE_MAIL_TEMPLATE}`.execute(
      db(),
    );
    expect(outbox.rows).toEqual([{ to: 'alice@mail.example', subject: `Your credit note ${note.number}` }]);
    await deliverAll(2);
    const mail = received.find((m) => m.subject === `Your credit note ${note.number}`)!;
    const stored = await one(
      sql<{ filename: string; sha256: string }>`
        SELECT filename, sha256 FROM invoice_document WHERE document_id = ${note.id}`,
    );
    const pdf = pdfOf(mail);
    expect(pdf.filename).toBe(`${note.number}.pdf`);
    expect(pdf.filename).toBe(stored.filename);
    expect(pdf.contentType).toBe('application/pdf');
    expect(sha256(pdf.content)).toBe(stored.sha256);
    expect(mail.text).toContain('FHIR-2026-11-0001');
    expect(mail.html || '').toContain(note.number);
  });
});

describe('staff resend the mails', () => {
  const resendUrl = () => `/api/v1/admin/invoices/${invoiceId}/resend`;

  it('support resends an invoice (audited); a customer may not', async () => {
    expect((await api(t, 'POST', resendUrl(), { jar: alice })).statusCode).toBe(403);
    expect((await api(t, 'POST', resendUrl(), { jar: staff.customer })).statusCode).toBe(403);
    expect((await api(t, 'POST', resendUrl())).statusCode).toBe(401);
    const before = await one(
      sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM mail_message WHERE template = ${INVOICE_MAIL_TEMPLATE}`,
    );
    const r = await api(t, 'POST', resendUrl(), { jar: staff.support });
    expect(r.statusCode, r.body).toBe(202);
    const { messageId } = r.json();
    const mails = await sql<{ id: string; to: string }>`
      SELECT id, to_address AS to FROM mail_message WHERE template = ${INVOICE_MAIL_TEMPLATE}`.execute(db());
    expect(mails.rows).toHaveLength(before.n + 1);
    expect(mails.rows).toContainEqual({ id: messageId, to: 'alice@mail.example' });
    expect(await t.app.ctx.mail.attachments(messageId)).toMatchObject([
      { filename: 'FHIR-2026-11-0001.pdf', contentType: 'application/pdf' },
    ]);
    const audit = await one(
      sql<{ action: string; actor: string; after: { messageId: string } }>`
        SELECT action, actor_email AS actor, after FROM audit_event WHERE target_id = ${invoiceId}`,
    );
    expect(audit).toMatchObject({
      action: 'invoice.mail-resent',
      actor: 'invmail-support@example.com',
      after: { messageId },
    });
  });

  it('resends a credit note from the invoice page; a credit note of another invoice is 404', async () => {
    const note = await one(sql<{ id: string }>`SELECT id FROM credit_note`);
    const page = await csrfFrom(t, staff.admin, `/admin/invoices/${invoiceId}`);
    expect(page.html).toContain(`/admin/invoices/${invoiceId}/credit-notes/${note.id}/resend`);
    expect(page.html).toContain('Mail FHIR-2026-11-0001 to alice@mail.example again');
    const posted = await postForm(
      t,
      staff.admin,
      `/admin/invoices/${invoiceId}/credit-notes/${note.id}/resend`,
      {
        _csrf: page.token,
      },
    );
    expect(posted.statusCode, posted.body).toBe(303);
    expect(posted.headers.location).toBe(`/admin/invoices/${invoiceId}?done=resent`);
    const sent = await one(
      sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM mail_message WHERE template = ${CREDIT_NOTE_MAIL_TEMPLATE}`,
    );
    expect(sent.n).toBe(2);
    const audit = await one(
      sql<{ action: string }>`SELECT action FROM audit_event WHERE target_id = ${note.id}`,
    );
    expect(audit.action).toBe('credit-note.mail-resent');
    const other = 'inv_00000000000000000000000000';
    const wrong = await api(t, 'POST', `/api/v1/admin/invoices/${other}/credit-notes/${note.id}/resend`, {
      jar: staff.admin,
    });
    expect(wrong.statusCode).toBe(404);
    // Support sees the buttons too; the page says when each document was first mailed.
    const support = await t.http.inject({
      method: 'GET',
      url: `/admin/invoices/${invoiceId}`,
      headers: { accept: 'text/html', cookie: staff.support.header() },
    });
    expect(support.body).toContain(`${invoiceId}/resend`);
    expect(support.body).not.toContain('not yet');
  });
});
