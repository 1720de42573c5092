import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { createLogger } from '../../platform/log.ts';
import { api, type CookieJar, csrfFrom, signedInUser } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import { SUPPORT_ATTACHMENT_PRUNE_JOB } from './index.ts';

/**
 * Files on support ticket messages: upload (multipart, customer and staff), download by the
 * ticket's parties and staff only (as an attachment, never sniffed), refusals that keep nothing
 * (too large 413, disallowed type 415, too many 400, no CSRF token 403), encryption at rest,
 * nothing of a file's name or content in the logs, and the retention sweep.
 */

let t: TestApp;
let staff: Record<Who, CookieJar>;
let alice: CookieJar;
let bob: CookieJar;
let ticketId: string;
const logs: string[] = [];

const SECRET_NAME = 'Lab results Jane Roe 1970-01-01.pdf';
const PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n'),
  Buffer.from('Patient: Jane Roe, MRN 424242\n'),
  randomBytes(200),
]);
const CSV = Buffer.from('patient,code\nJane Roe,E11.9\n');

type Part = [name: string, value: string] | { file: string; bytes: Buffer; type?: string };

function multipart(parts: Part[]) {
  const boundary = `----fhiriq${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if (Array.isArray(p))
      chunks.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p[0]}"\r\n\r\n${p[1]}\r\n`),
      );
    else
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${p.file}"\r\nContent-Type: ${p.type ?? 'application/octet-stream'}\r\n\r\n`,
        ),
        p.bytes,
        Buffer.from('\r\n'),
      );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function send(
  jar: CookieJar,
  url: string,
  parts: Part[],
  csrf: 'header' | 'field' | 'none' = 'header',
) {
  const { token } = await csrfFrom(t, jar, '/account/support');
  const body = multipart(csrf === 'field' ? [['_csrf', token], ...parts] : parts);
  return t.http.inject({
    method: 'POST',
    url,
    headers: {
      cookie: jar.header(),
      'content-type': body.contentType,
      ...(csrf === 'header' ? { 'x-csrf-token': token } : {}),
      ...(url.startsWith('/api/') ? {} : { accept: 'text/html' }),
    },
    payload: body.payload,
  });
}

const get = (url: string, jar?: CookieJar) =>
  t.http.inject({ method: 'GET', url, headers: jar ? { cookie: jar.header() } : {} });

const count = async (table: 'support_attachment' | 'support_message') =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.app.ctx.db))
    .rows[0]!.n;

beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  t = await createTestApp({
    clockAt: '2026-11-20T08:00:00Z',
    log: createLogger('debug', stream),
    env: {
      SUPPORT_ATTACHMENT_MAX_BYTES: '4096',
      SUPPORT_ATTACHMENTS_PER_MESSAGE: '2',
      SUPPORT_ATTACHMENT_RETENTION_DAYS: '30',
    },
  });
  staff = await staffJars(t, 'att');
  alice = await signedInUser(t, 'alice@clinic.example');
  bob = await signedInUser(t, 'bob@other.example');
  const opened = await api(t, 'POST', '/api/v1/account/support', {
    jar: alice,
    body: { subject: 'Import fails', category: 'technical', body: 'See the files.' },
  });
  ticketId = opened.json().ticket.id;
}, 90_000);
afterAll(async () => t?.close());

const url = () => `/api/v1/account/support/${ticketId}/attachments`;

describe('attaching files', () => {
  let attachmentId: string;

  it('stores a customer’s files encrypted on a new message', async () => {
    const r = await send(alice, url(), [
      ['body', 'Here is the report'],
      { file: SECRET_NAME, bytes: PDF },
      { file: 'codes.csv', bytes: CSV },
    ]);
    expect(r.statusCode, r.body).toBe(201);
    const last = r.json().messages.at(-1);
    expect(last.body).toBe('Here is the report');
    expect(last.attachments).toMatchObject([
      { filename: SECRET_NAME, contentType: 'application/pdf', size: PDF.length },
      { filename: 'codes.csv', contentType: 'text/csv; charset=utf-8', size: CSV.length },
    ]);
    attachmentId = last.attachments[0].id;
    expect(last.attachments[0].url).toBe(`${url()}/${attachmentId}`);
    const rows = await sql<{ content: Buffer; filename_enc: string }>`
      SELECT content, filename_enc FROM support_attachment WHERE id = ${attachmentId}`.execute(t.app.ctx.db);
    const stored = Buffer.from(rows.rows[0]!.content);
    expect(stored.includes(Buffer.from('Jane Roe'))).toBe(false);
    expect(stored.includes(Buffer.from('%PDF'))).toBe(false);
    expect(rows.rows[0]!.filename_enc).not.toContain('Jane');
  });

  it('serves them to the owner as a download, never inline', async () => {
    const r = await get(`${url()}/${attachmentId}`, alice);
    expect(r.statusCode).toBe(200);
    expect(r.rawPayload.equals(PDF)).toBe(true);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(String(r.headers['content-disposition'])).toMatch(
      /^attachment; filename="Lab results Jane Roe 1970-01-01\.pdf"/,
    );
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['cache-control']).toBe('private, no-store');
    // Staff too, through the console's route.
    const s = await get(`/api/v1/admin/support/${ticketId}/attachments/${attachmentId}`, staff.support);
    expect(s.statusCode).toBe(200);
    expect(s.rawPayload.equals(PDF)).toBe(true);
  });

  it('is 404 to another customer, 401 to anonymous, 403 to a customer on the staff route', async () => {
    expect((await get(`${url()}/${attachmentId}`, bob)).statusCode).toBe(404);
    expect((await get(`/api/v1/account/support/${ticketId}`, bob)).statusCode).toBe(404);
    expect((await get(`${url()}/${attachmentId}`)).statusCode).toBe(401);
    expect(
      (await get(`/api/v1/admin/support/${ticketId}/attachments/${attachmentId}`, alice)).statusCode,
    ).toBe(403);
    const upload = await send(bob, url(), [{ file: 'x.txt', bytes: Buffer.from('hello') }]);
    expect(upload.statusCode).toBe(404);
  });

  it('refuses an oversized file with 413, keeping nothing', async () => {
    const before = [await count('support_attachment'), await count('support_message')];
    const r = await send(alice, url(), [
      { file: 'small.txt', bytes: Buffer.from('fine') },
      { file: 'big.log', bytes: Buffer.alloc(5000, 0x61) },
    ]);
    expect(r.statusCode).toBe(413);
    expect(r.json().error.code).toBe('ATTACHMENT_TOO_LARGE');
    expect([await count('support_attachment'), await count('support_message')]).toEqual(before);
  });

  it('refuses a disallowed type (by content and extension, whatever the client says) with 415, keeping nothing', async () => {
    const before = [await count('support_attachment'), await count('support_message')];
    for (const file of [
      { file: 'page.html', bytes: Buffer.from('<script>alert(1)</script>'), type: 'text/plain' },
      { file: 'report.pdf', bytes: Buffer.from('<html>not a pdf</html>'), type: 'application/pdf' },
      { file: 'scan.png', bytes: Buffer.from('MZ\u0000\u0000'), type: 'image/png' },
    ]) {
      const r = await send(alice, url(), [['body', 'x'], file]);
      expect(r.statusCode, file.file).toBe(415);
      expect(r.json().error.code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
    }
    expect([await count('support_attachment'), await count('support_message')]).toEqual(before);
  });

  it('refuses too many files (400) and a form without its CSRF token (403), keeping nothing', async () => {
    const before = [await count('support_attachment'), await count('support_message')];
    const three = [1, 2, 3].map((i) => ({ file: `f${i}.txt`, bytes: Buffer.from(`file ${i}`) }));
    const many = await send(alice, url(), three);
    expect(many.statusCode).toBe(400);
    expect(many.json().error.code).toBe('TOO_MANY_ATTACHMENTS');
    const forged = await send(alice, url(), [{ file: 'a.txt', bytes: Buffer.from('a') }], 'none');
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('CSRF_INVALID');
    const empty = await send(alice, url(), [['body', '']]);
    expect(empty.statusCode).toBe(400);
    expect([await count('support_attachment'), await count('support_message')]).toEqual(before);
  });

  it('lets staff send files from the console page (audited) and the customer read them', async () => {
    const r = await send(
      staff.support,
      `/admin/support/${ticketId}/attachments`,
      [['status', 'waiting_on_customer'], { file: 'steps.json', bytes: Buffer.from('{"step":1}') }],
      'field',
    );
    expect(r.statusCode, r.body.slice(0, 300)).toBe(303);
    expect(r.headers.location).toBe(`/admin/support/${ticketId}?done=attached`);
    const thread = (await get(`/api/v1/account/support/${ticketId}`, alice)).json();
    const last = thread.messages.at(-1);
    expect(last).toMatchObject({ author: 'staff', body: 'Sent a file.' });
    expect(last.attachments).toMatchObject([{ filename: 'steps.json', contentType: 'application/json' }]);
    const audit = await sql<{ after: { attachmentIds?: string[] } }>`
      SELECT after FROM audit_event WHERE action = 'support.reply' AND target_id = ${ticketId}`.execute(
      t.app.ctx.db,
    );
    expect(audit.rows[0]!.after.attachmentIds).toEqual([last.attachments[0].id]);
    const page = await t.http.inject({
      method: 'GET',
      url: `/account/support/${ticketId}`,
      headers: { accept: 'text/html', cookie: alice.header() },
    });
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toContain(`/api/v1/account/support/${ticketId}/attachments/${last.attachments[0].id}`);
    // A refusal on the page says why, with its status.
    const bad = await send(
      alice,
      `/account/support/${ticketId}/attachments`,
      [{ file: 'x.exe', bytes: Buffer.from('MZ') }],
      'field',
    );
    expect(bad.statusCode).toBe(415);
    expect(bad.body).toContain('cannot be attached');
  });

  it('never writes a file’s name or content to the logs', () => {
    const all = logs.join('');
    expect(all).toContain('support attachments stored');
    expect(all).not.toContain('Jane Roe');
    expect(all).not.toContain('Lab results');
    expect(all).not.toContain('codes.csv');
  });

  it('empties the files of tickets resolved longer ago than the retention period', async () => {
    await api(t, 'POST', `/api/v1/admin/support/${ticketId}/status`, {
      jar: staff.admin,
      body: { status: 'resolved' },
    });
    // The daily cron job's handler, as the worker runs it.
    const def = t.app.ctx.jobs.definitions.find((d) => d.name === SUPPORT_ATTACHMENT_PRUNE_JOB);
    expect(def?.cron).toBeDefined();
    const prune = () => def!.handler({}, { id: 'test', retryCount: 0 });
    await prune();
    expect((await get(`${url()}/${attachmentId}`, alice)).statusCode).toBe(200);
    t.clock!.advance(31 * 86_400_000);
    await prune();
    expect((await get(`${url()}/${attachmentId}`, alice)).statusCode).toBe(404);
    const thread = (await get(`/api/v1/account/support/${ticketId}`, alice)).json();
    const files = thread.messages.flatMap((m: { attachments: unknown[] }) => m.attachments);
    expect(files).toHaveLength(3);
    expect(
      files.every((f: { filename: unknown; url: unknown }) => f.filename === null && f.url === null),
    ).toBe(true);
    const left = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM support_attachment WHERE content IS NOT NULL OR filename_enc IS NOT NULL`.execute(
      t.app.ctx.db,
    );
    expect(left.rows[0]!.n).toBe(0);
  });
});
