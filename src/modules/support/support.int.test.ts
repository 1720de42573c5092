import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, csrfFrom, nextIp, postForm, signedInUser } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import { mailsWith } from '../fulfillment/test-support.ts';
import {
  TICKET_REPLY_MAIL_TEMPLATE,
  TICKET_RESOLVED_MAIL_TEMPLATE,
  TICKET_STAFF_MAIL_TEMPLATE,
} from './index.ts';

/**
 * Support tickets over HTTP: a ticket's life (open → staff reply → customer reply reopens →
 * resolved) with its mails and audit entries; another organization's customer gets 404 on every
 * ticket route; anonymous callers are sent to sign in; bad input writes nothing; ticket creation
 * is limited per user per hour.
 */

let t: TestApp;
let jars: Record<Who, CookieJar>;
let alice: CookieJar; // owner of organization A
let bob: CookieJar; // organization B
let carol: CookieJar; // a member of organization A
let orgA: string;
let orgB: string;
const LIMIT = 4;
const SUPPORT_EMAIL = 'sup-support@example.com';

async function userId(email: string): Promise<string> {
  const r = await sql<{ id: string }>`SELECT id FROM auth_user WHERE email = ${email}`.execute(t.app.ctx.db);
  return r.rows[0]!.id;
}

async function createOrg(jar: CookieJar, name: string): Promise<string> {
  const r = await api(t, 'POST', '/api/v1/orgs', { jar, body: { name } });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}

const counts = async () =>
  (
    await sql<{ tickets: number; messages: number; mails: number; audits: number }>`
      SELECT (SELECT count(*)::int FROM support_ticket) AS tickets,
             (SELECT count(*)::int FROM support_message) AS messages,
             (SELECT count(*)::int FROM mail_message) AS mails,
             (SELECT count(*)::int FROM audit_event) AS audits`.execute(t.app.ctx.db)
  ).rows[0]!;

const page = (url: string, jar?: CookieJar) =>
  t.http.inject({
    method: 'GET',
    url,
    headers: { accept: 'text/html', ...(jar ? { cookie: jar.header() } : {}) },
    remoteAddress: nextIp(),
  });

async function openTicket(jar: CookieJar, body: Record<string, unknown> = {}) {
  const r = await api(t, 'POST', '/api/v1/account/support', {
    jar,
    body: { subject: 'Mapper crashes on import', category: 'technical', body: 'It crashes.', ...body },
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { ticket: { id: string; status: string }; messages: unknown[] };
}

beforeAll(async () => {
  t = await createTestApp({
    clockAt: '2026-07-01T09:00:00Z',
    env: { SUPPORT_TICKETS_PER_HOUR: String(LIMIT) },
  });
  jars = await staffJars(t, 'sup');
  alice = await signedInUser(t, 'alice@org-a.example');
  bob = await signedInUser(t, 'bob@org-b.example');
  carol = await signedInUser(t, 'carol@org-a.example');
  orgA = await createOrg(alice, 'Org A');
  orgB = await createOrg(bob, 'Org B');
  // Carol joins organization A (the invitation flow is accounts' to test).
  await sql`INSERT INTO organization_member (id, organization_id, user_id, role, created_at)
    VALUES ('mem_carol', ${orgA}, ${await userId('carol@org-a.example')}, 'member', now())`.execute(
    t.app.ctx.db,
  );
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('a ticket’s life', () => {
  it('open → staff reply (mailed) → customer reply reopens → resolved (mailed), staff actions audited', async () => {
    const before = await counts();
    const body = 'Line one <script>alert(1)</script>\r\nLine two';
    const opened = await openTicket(alice, { body, organizationId: orgA, category: 'license' });
    const id = opened.ticket.id;
    expect(opened.ticket.status).toBe('open');
    // Staff hear about it, without the customer's words.
    const staffMails = await mailsWith(t, TICKET_STAFF_MAIL_TEMPLATE);
    expect(staffMails.map((m) => m.to)).toEqual([SUPPORT_EMAIL]);
    expect(staffMails[0]!.text).toContain(`/admin/support/${id}`);
    expect(staffMails[0]!.text).not.toContain('Line one');

    // Staff find it among the open tickets and answer.
    const list = await api(t, 'GET', '/api/v1/admin/support?status=open&q=org-a', { jar: jars.support });
    expect(list.json().items.map((i: { id: string }) => i.id)).toContain(id);
    const replied = await api(t, 'POST', `/api/v1/admin/support/${id}/replies`, {
      jar: jars.support,
      body: { body: 'Which version?\nPlease attach the log.' },
    });
    expect(replied.statusCode, replied.body).toBe(201);
    expect(replied.json().ticket.status).toBe('waiting_on_customer');

    // The customer is mailed the reply and sees it in the thread, signed by support.
    const replyMails = await mailsWith(t, TICKET_REPLY_MAIL_TEMPLATE);
    expect(replyMails).toHaveLength(1);
    expect(replyMails[0]!.to).toBe('alice@org-a.example');
    expect(replyMails[0]!.text).toContain('Which version?');
    const thread = await api(t, 'GET', `/api/v1/account/support/${id}`, { jar: alice });
    expect(thread.statusCode).toBe(200);
    expect(thread.json().ticket.status).toBe('waiting_on_customer');
    expect(
      thread
        .json()
        .messages.map((m: { author: string; authorEmail: string | null }) => [m.author, m.authorEmail]),
    ).toEqual([
      ['customer', 'alice@org-a.example'],
      ['staff', null],
    ]);
    expect(thread.json().messages[0].body).toBe('Line one <script>alert(1)</script>\nLine two');
    // The page escapes the text and keeps its line breaks.
    const html = (await page(`/account/support/${id}`, alice)).body;
    expect(html).toContain('Line one &lt;script>alert(1)&lt;/script><br/>Line two');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('FHIR IQ support');

    // The customer replies through the page's form: the ticket is back with staff, who are told.
    const { token } = await csrfFrom(t, alice, `/account/support/${id}`);
    const form = await postForm(t, alice, `/account/support/${id}/replies`, {
      _csrf: token,
      body: 'Version 1.4.',
    });
    expect(form.statusCode, form.body).toBe(303);
    expect(form.headers.location).toBe(`/account/support/${id}?done=replied`);
    const reopened = await api(t, 'GET', `/api/v1/admin/support/${id}`, { jar: jars.support });
    expect(reopened.json().ticket.status).toBe('open');
    expect(reopened.json().messages).toHaveLength(3);
    expect(await mailsWith(t, TICKET_STAFF_MAIL_TEMPLATE)).toHaveLength(2);

    // Staff take it and resolve it: the customer is told, each step is in the audit log.
    // A second apart, so the audit log's order has one answer (the manual clock stands still otherwise).
    t.clock!.advance(1000);
    const assigned = await api(t, 'POST', `/api/v1/admin/support/${id}/assign`, { jar: jars.admin });
    expect(assigned.json().ticket.assignee).toBe('sup-admin@example.com');
    t.clock!.advance(1000);
    const resolved = await api(t, 'POST', `/api/v1/admin/support/${id}/status`, {
      jar: jars.support,
      body: { status: 'resolved' },
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json().ticket.status).toBe('resolved');
    const resolvedMails = await mailsWith(t, TICKET_RESOLVED_MAIL_TEMPLATE);
    expect(resolvedMails.map((m) => m.to)).toEqual(['alice@org-a.example']);
    const audit = await sql<{ action: string; before: unknown; after: unknown; actor_email: string }>`
      SELECT action, before, after, actor_email FROM audit_event WHERE target_id = ${id} ORDER BY at, id`.execute(
      t.app.ctx.db,
    );
    const parsed = audit.rows.map((r) => ({
      action: r.action,
      actor: r.actor_email,
      before: (typeof r.before === 'string' ? JSON.parse(r.before) : r.before) as { status: string },
      after: (typeof r.after === 'string' ? JSON.parse(r.after) : r.after) as { status: string },
    }));
    expect(parsed.map((a) => [a.action, a.before.status, a.after.status, a.actor])).toEqual([
      ['support.reply', 'open', 'waiting_on_customer', SUPPORT_EMAIL],
      ['support.assign', 'open', 'open', 'sup-admin@example.com'],
      ['support.status', 'open', 'resolved', SUPPORT_EMAIL],
    ]);

    // The staff pages show the thread (escaped) and find the ticket by the customer's email.
    const staffPage = await page(`/admin/support/${id}`, jars.support);
    expect(staffPage.statusCode).toBe(200);
    expect(staffPage.body).toContain('Line one &lt;script>');
    expect(staffPage.body).toContain(`action="/admin/support/${id}/replies"`);
    const staffList = await page('/admin/support?status=resolved&q=ALICE@', jars.support);
    expect(staffList.body).toContain(`/admin/support/${id}`);
    expect((await page('/admin/support?status=open', jars.support)).body).not.toContain(
      `/admin/support/${id}"`,
    );

    // A colleague in organization A sees the ticket; a newer open ticket is listed before it.
    const later = await openTicket(alice, { subject: 'Invoice address' });
    const colleague = await api(t, 'GET', `/api/v1/account/support/${id}`, { jar: carol });
    expect(colleague.statusCode).toBe(200);
    const mine = await api(t, 'GET', '/api/v1/account/support', { jar: alice });
    expect(
      mine
        .json()
        .items.map((i: { id: string }) => i.id)
        .slice(0, 2),
    ).toEqual([later.ticket.id, id]);
    // Carol sees only the shared ticket, not Alice's own.
    const carols = await api(t, 'GET', '/api/v1/account/support', { jar: carol });
    expect(carols.json().items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect(await t.app.modules.support.openTicketsOf(await userId('alice@org-a.example'))).toMatchObject({
      count: 1,
      items: [{ id: later.ticket.id, status: 'open' }],
    });

    const after = await counts();
    expect(after.tickets - before.tickets).toBe(2);
    expect(after.messages - before.messages).toBe(4);
  });

  it('a resolved ticket reopens on a customer reply; a closed one refuses it and nothing is written', async () => {
    const { ticket } = await openTicket(alice, { subject: 'Training access' });
    await api(t, 'POST', `/api/v1/admin/support/${ticket.id}/replies`, {
      jar: jars.support,
      body: { body: 'Fixed.', status: 'resolved' },
    });
    const resolvedMail = (await mailsWith(t, TICKET_RESOLVED_MAIL_TEMPLATE)).at(-1)!;
    expect(resolvedMail.text).toContain('Fixed.');
    const again = await api(t, 'POST', `/api/v1/account/support/${ticket.id}/replies`, {
      jar: alice,
      body: { body: 'Still broken.' },
    });
    expect(again.json().ticket.status).toBe('open');
    await api(t, 'POST', `/api/v1/admin/support/${ticket.id}/status`, {
      jar: jars.admin,
      body: { status: 'closed' },
    });
    const before = await counts();
    const refused = await api(t, 'POST', `/api/v1/account/support/${ticket.id}/replies`, {
      jar: alice,
      body: { body: 'Hello?' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('TICKET_CLOSED');
    expect(await counts()).toEqual(before);
  });
});

describe('who sees what', () => {
  it('a customer of another organization gets 404 on every ticket route, as for an unknown id', async () => {
    const { ticket } = await openTicket(alice, { organizationId: orgA, subject: 'Org A secret' });
    const before = await counts();
    for (const id of [ticket.id, 'tkt_01jzzzzzzzzzzzzzzzzzzzzzzz']) {
      const get = await api(t, 'GET', `/api/v1/account/support/${id}`, { jar: bob });
      expect(get.statusCode).toBe(404);
      expect(get.json().error.code).toBe('NOT_FOUND');
      const reply = await api(t, 'POST', `/api/v1/account/support/${id}/replies`, {
        jar: bob,
        body: { body: 'hi' },
      });
      expect(reply.statusCode).toBe(404);
      expect((await page(`/account/support/${id}`, bob)).statusCode).toBe(404);
      const { token } = await csrfFrom(t, bob, '/account/support/new');
      expect(
        (await postForm(t, bob, `/account/support/${id}/replies`, { _csrf: token, body: 'hi' })).statusCode,
      ).toBe(404);
    }
    const list = await api(t, 'GET', '/api/v1/account/support', { jar: bob });
    expect(list.json().items).toEqual([]);
    // Customers reach no staff route.
    expect((await api(t, 'GET', `/api/v1/admin/support/${ticket.id}`, { jar: bob })).statusCode).toBe(403);
    expect(
      (
        await api(t, 'POST', `/api/v1/admin/support/${ticket.id}/status`, {
          jar: jars.customer,
          body: { status: 'closed' },
        })
      ).statusCode,
    ).toBe(403);
    expect((await page('/admin/support', bob)).statusCode).toBe(403);
    // Bob cannot file a ticket for organization A either.
    const foreignOrg = await api(t, 'POST', '/api/v1/account/support', {
      jar: bob,
      body: { subject: 'x'.repeat(10), category: 'billing', body: 'b', organizationId: orgA },
    });
    expect(foreignOrg.statusCode).toBe(400);
    expect(foreignOrg.json().error.details).toEqual([
      { path: '/organizationId', message: 'is not one of your organizations' },
    ]);
    expect(await counts()).toEqual(before);
    void orgB;
  });

  it('anonymous callers are sent to sign in (pages) or get 401 (JSON)', async () => {
    const p = await page('/account/support');
    expect(p.statusCode).toBe(303);
    expect(p.headers.location).toMatch(/^\/sign-in\?next=/);
    expect((await page('/admin/support')).statusCode).toBe(303);
    for (const [method, url] of [
      ['GET', '/api/v1/account/support'],
      ['POST', '/api/v1/account/support'],
      ['GET', '/api/v1/admin/support'],
    ] as const) {
      const r = await api(t, method, url, {
        body: method === 'POST' ? { subject: 'abc', category: 'billing', body: 'x' } : undefined,
      });
      expect(r.statusCode, url).toBe(401);
      expect(r.json().error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('a ticket may name only the customer’s own license', async () => {
    const issued = await t.app.modules.licensing.licenses.issue({
      sku: 'TL-MAPPER-PR-A',
      email: 'alice@org-a.example',
      userId: await userId('alice@org-a.example'),
      source: 'staff',
      sourceRef: 'staff:support-test-1',
      seats: 1,
    });
    const before = await counts();
    const foreign = await api(t, 'POST', '/api/v1/account/support', {
      jar: bob,
      body: { subject: 'About this license', category: 'license', body: 'b', licenseId: issued.license.id },
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.details).toEqual([
      { path: '/licenseId', message: 'is not one of your licenses' },
    ]);
    expect(await counts()).toEqual(before);
    // Alice has used this hour's tickets in the tests above.
    t.clock!.advance(3600_000);
    const own = await openTicket(alice, { licenseId: issued.license.id, category: 'license' });
    expect(own.ticket).toMatchObject({ status: 'open' });
    // The new-ticket form offers Alice her license, and Bob nothing of hers.
    expect((await page('/account/support/new', alice)).body).toContain(issued.license.id);
    expect((await page('/account/support/new', bob)).body).not.toContain(issued.license.id);
  });
});

describe('bad input and abuse', () => {
  it('bad input is a 400 with its code and writes nothing', async () => {
    const before = await counts();
    const cases: [unknown, string][] = [
      [{ subject: ' a ', category: 'technical', body: 'x' }, 'VALIDATION_FAILED'],
      [{ subject: 'A fine subject', category: 'technical', body: '   ' }, 'VALIDATION_FAILED'],
      [{ subject: 'A fine subject', category: 'technical', body: 'x'.repeat(10_001) }, 'VALIDATION_FAILED'],
      [{ subject: 'A fine subject', category: 'technical', body: 'nul \u0000 byte' }, 'VALIDATION_FAILED'],
      [{ subject: 'A fine subject', category: 'refunds', body: 'x' }, 'VALIDATION_FAILED'],
      [{ subject: 'A fine subject', category: 'technical', body: 'x', extra: 1 }, 'VALIDATION_FAILED'],
      [
        { subject: 'A fine subject', category: 'technical', body: 'x', orderId: 'ord_nope' },
        'VALIDATION_FAILED',
      ],
      ['{"subject":', 'MALFORMED_JSON'],
    ];
    for (const [body, code] of cases) {
      const r = await api(t, 'POST', '/api/v1/account/support', { jar: bob, body });
      expect(r.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.json().error.code).toBe(code);
    }
    // The form says what is wrong, keeps what was typed, and writes nothing either.
    const { token } = await csrfFrom(t, bob, '/account/support/new');
    const form = await postForm(t, bob, '/account/support', {
      _csrf: token,
      subject: 'ok',
      category: 'billing',
      body: 'Typed <b>text</b>',
    });
    expect(form.statusCode).toBe(400);
    expect(form.body).toContain('The subject must be 3 to 200 characters of text.');
    expect(form.body).toContain('Typed &lt;b>text&lt;/b>');
    // A staff reply without text is refused too.
    const { ticket } = await api(t, 'GET', '/api/v1/admin/support?limit=1', { jar: jars.support }).then(
      (r) => ({
        ticket: r.json().items[0] as { id: string },
      }),
    );
    const empty = await api(t, 'POST', `/api/v1/admin/support/${ticket.id}/replies`, {
      jar: jars.support,
      body: { body: '' },
    });
    expect(empty.statusCode).toBe(400);
    const badStatus = await api(t, 'POST', `/api/v1/admin/support/${ticket.id}/status`, {
      jar: jars.support,
      body: { status: 'done' },
    });
    expect(badStatus.statusCode).toBe(400);
    expect(await counts()).toEqual(before);
    // Corrected, the same form opens the ticket and shows it.
    const ok = await postForm(t, bob, '/account/support', {
      _csrf: token,
      subject: 'Billing question',
      category: 'billing',
      body: 'Typed <b>text</b>',
    });
    expect(ok.statusCode, ok.body).toBe(303);
    const shown = await page(ok.headers.location as string, bob);
    expect(shown.body).toContain('Your ticket is open.');
    expect(shown.body).toContain('Typed &lt;b>text&lt;/b>');
  });

  it(`ticket creation is limited to ${LIMIT} an hour per user, with a stable 429`, async () => {
    const dave = await signedInUser(t, 'dave@limits.example');
    for (let i = 0; i < LIMIT; i++) await openTicket(dave, { subject: `Question ${i}` });
    const before = await counts();
    const limited = await api(t, 'POST', '/api/v1/account/support', {
      jar: dave,
      body: { subject: 'One more', category: 'technical', body: 'x' },
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('SUPPORT_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await counts()).toEqual(before);
    // Others are not affected, and replies are not limited.
    await openTicket(bob, { subject: 'Unaffected' });
    // An hour later the user may open tickets again.
    t.clock!.advance(3600_000 + 1000);
    await openTicket(dave, { subject: 'Next hour' });
  });
});
