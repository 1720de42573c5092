import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import type { ManualClock } from '../../platform/clock.ts';
import { api, CookieJar, csrfFrom, mailsTo, nextIp, postForm } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import { CONTACT_LIMIT, EMAIL_BURST, MIN_FILL_MS } from './index.ts';

/**
 * The contact form: a message becomes a lead, staff admins are mailed and the sender gets a
 * confirmation; bots (honeypot, no stamp, too fast) and bursts (per address, per email) are
 * refused with clear 4xx codes and write nothing. Staff move leads new → contacted → closed.
 */

let t: TestApp;
let clock: ManualClock;
let jars: Record<Who, CookieJar>;
beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-06-01T08:00:00Z' });
  clock = t.clock!;
  jars = await staffJars(t, 'leads');
});
afterAll(async () => t?.close());

const leads = async () =>
  (
    await sql<{
      id: string;
      email: string;
      topic: string;
      status: string;
    }>`SELECT * FROM lead ORDER BY created_at, id`.execute(t.app.ctx.db)
  ).rows;
const counts = async () => {
  const n = async (table: string) =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.app.ctx.db))
      .rows[0]!.n;
  return { leads: await n('lead'), mails: await n('mail_message') };
};

const VALID = {
  name: 'Dana Example',
  email: 'Dana@Hospital.example',
  organization: 'General Hospital',
  topic: 'training',
  message: 'We want to train 12 analysts on US Core.\nCan you run a <b>private</b> workshop?',
};

/** A browser's visit: the page (CSRF token and form stamp), then, some seconds later, the post. */
async function visit(jar = new CookieJar()) {
  const { token, html } = await csrfFrom(t, jar, '/contact');
  const stamp = /name="stamp" value="([^"]+)"/.exec(html)?.[1];
  if (!stamp) throw new Error('no form stamp on /contact');
  return { jar, token, stamp };
}

async function send(fields: Record<string, string>, options: { wait?: number; ip?: string } = {}) {
  const v = await visit();
  clock.advance(options.wait ?? MIN_FILL_MS + 2_000);
  return postForm(
    t,
    v.jar,
    '/contact',
    { _csrf: v.token, stamp: v.stamp, ...fields },
    options.ip ?? nextIp(),
  );
}

beforeEach(async () => {
  await sql`DELETE FROM lead`.execute(t.app.ctx.db);
  // Each test starts past the previous one's per-email window.
  clock.advance(EMAIL_BURST.windowMs + 1);
});

describe('the contact page', () => {
  it('renders the form with a stamp, the topic asked for preselected and the consent note', async () => {
    const r = await t.http.inject({
      method: 'GET',
      url: '/contact?topic=consulting',
      remoteAddress: nextIp(),
    });
    expect(r.statusCode).toBe(200);
    expect(r.body).toMatch(/<form method="post" action="\/contact"/);
    expect(r.body).toMatch(/name="stamp" value="\d+\.[A-Za-z0-9_-]{32}"/);
    expect(r.body).toContain('<option value="consulting" selected>');
    expect(r.body).toContain('href="/privacy"');
    // The page holds a CSRF token bound to this visitor: private.
    expect(r.headers['cache-control']).toBe('private, no-cache');
  });
});

describe('POST /contact', () => {
  it('stores the lead, mails every staff admin and confirms to the sender', async () => {
    const before = await counts();
    const r = await send(VALID);
    expect(r.statusCode, r.body).toBe(303);
    expect(r.headers.location).toBe('/contact/sent');
    const [lead] = await leads();
    expect(lead).toMatchObject({ email: 'dana@hospital.example', topic: 'training', status: 'new' });
    expect((await counts()).mails).toBe(before.mails + 2);

    const staff = await mailsTo(t, 'leads-admin@example.com');
    expect(staff[0]).toMatchObject({
      template: 'leads.staff-notice',
      subject: 'New contact request: Training and workshops',
    });
    expect(staff[0]!.text_body).toContain('dana@hospital.example');
    expect(staff[0]!.html_body).toContain('&#60;b&#62;private&#60;/b&#62;');
    expect(await mailsTo(t, 'leads-support@example.com')).toHaveLength(0);
    const confirmation = await mailsTo(t, 'dana@hospital.example');
    expect(confirmation[0]).toMatchObject({
      template: 'leads.confirmation',
      subject: 'We received your message',
    });

    const sent = await t.http.inject({ method: 'GET', url: '/contact/sent', remoteAddress: nextIp() });
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('<meta name="robots" content="noindex"/>');
  });

  it('accepts a bot that filled the honeypot as if it were a person, and keeps nothing', async () => {
    const before = await counts();
    const r = await send({ ...VALID, website: 'https://spam.example' });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/contact/sent');
    expect(await counts()).toEqual(before);
  });

  it('refuses a post sent faster than a person can type (400 CONTACT_TOO_FAST), keeping the text', async () => {
    const before = await counts();
    const r = await send(VALID, { wait: 1_000 });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('That was quicker than anyone can type');
    expect(r.body).toContain('value="Dana Example"');
    // A fresh stamp to send it again with.
    expect(r.body).toMatch(/name="stamp" value="\d+\./);
    expect(await counts()).toEqual(before);
  });

  it('refuses a missing, forged or day-old stamp (400 CONTACT_FORM_INVALID)', async () => {
    const before = await counts();
    const v = await visit();
    clock.advance(10_000);
    const [issued, mac] = v.stamp.split('.');
    const forged = `${Number(issued) - 60_000}.${mac}`;
    for (const stamp of [undefined, 'nonsense', forged]) {
      const fields = { _csrf: v.token, ...VALID, ...(stamp === undefined ? {} : { stamp }) };
      const r = await postForm(t, v.jar, '/contact', fields);
      expect(r.statusCode, String(stamp)).toBe(400);
      expect(r.body).toContain('This form has expired');
    }
    const old = await visit();
    clock.advance(24 * 60 * 60_000 + 1);
    const r = await postForm(t, old.jar, '/contact', { _csrf: old.token, stamp: old.stamp, ...VALID });
    expect(r.statusCode).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('refuses a cross-site post without the CSRF token (403) and writes nothing', async () => {
    const before = await counts();
    const v = await visit();
    clock.advance(10_000);
    const r = await postForm(t, v.jar, '/contact', { stamp: v.stamp, ...VALID });
    expect(r.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('shows what is wrong beside each field (400) and writes nothing', async () => {
    const before = await counts();
    const r = await send({ ...VALID, name: ' ', email: 'not-an-email', topic: 'lottery' });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('Enter your name.');
    expect(r.body).toContain('Enter a valid email address.');
    expect(r.body).toContain('Choose what your message is about.');
    expect(r.body).toContain('aria-invalid="true"');
    expect(await counts()).toEqual(before);
  });

  it(`accepts ${EMAIL_BURST.max} messages an hour from one address, then 429 CONTACT_RATE_LIMITED`, async () => {
    for (let i = 0; i < EMAIL_BURST.max; i++) expect((await send(VALID)).statusCode).toBe(303);
    const before = await counts();
    const r = await send({ ...VALID, email: 'DANA@hospital.example' });
    expect(r.statusCode).toBe(429);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect(r.body).toContain('We already have several messages from this address');
    expect(await counts()).toEqual(before);
    // Another address is not held back.
    expect((await send({ ...VALID, email: 'lee@clinic.example' })).statusCode).toBe(303);
  });

  it(`allows ${CONTACT_LIMIT.max} posts per client address in the window, then 429 RATE_LIMITED`, async () => {
    const ip = nextIp();
    for (let i = 0; i < CONTACT_LIMIT.max; i++) {
      const r = await send({ ...VALID, email: `p${i}@example.org` }, { ip });
      expect(r.statusCode).toBe(303);
    }
    const before = await counts();
    const r = await send({ ...VALID, email: 'late@example.org' }, { ip });
    expect(r.statusCode).toBe(429);
    expect(r.headers['retry-after']).toBeDefined();
    expect(await counts()).toEqual(before);
  });
});

describe('contact requests in the console', () => {
  it('lists them for support and admins, and lets admins move them, audited', async () => {
    expect((await send(VALID)).statusCode).toBe(303);
    const [lead] = await leads();
    for (const who of ['support', 'admin'] as const) {
      const page = await t.http.inject({
        method: 'GET',
        url: '/admin/leads',
        headers: { cookie: jars[who].header() },
        remoteAddress: nextIp(),
      });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('dana@hospital.example');
      expect(page.headers['cache-control']).toBe('no-store');
    }
    const customer = await api(t, 'GET', '/api/v1/admin/leads', { jar: jars.customer });
    expect(customer.statusCode).toBe(403);
    const support = await api(t, 'POST', `/api/v1/admin/leads/${lead!.id}/status`, {
      jar: jars.support,
      body: { status: 'contacted' },
    });
    expect(support.statusCode).toBe(403);

    const { token } = await csrfFrom(t, jars.admin, '/admin/leads');
    const moved = await postForm(t, jars.admin, `/admin/leads/${lead!.id}/status`, {
      _csrf: token,
      status: 'contacted',
      note: 'Called back, workshop in March',
    });
    expect(moved.statusCode, moved.body).toBe(303);
    const listed = await api(t, 'GET', '/api/v1/admin/leads?status=contacted', { jar: jars.admin });
    expect(listed.json().leads[0]).toMatchObject({
      id: lead!.id,
      status: 'contacted',
      statusNote: 'Called back, workshop in March',
      statusChangedBy: 'leads-admin@example.com',
    });
    const audit = await sql<{
      action: string;
      target_id: string;
    }>`SELECT * FROM audit_event WHERE action = 'leads.lead.status'`.execute(t.app.ctx.db);
    expect(audit.rows.map((r) => r.target_id)).toEqual([lead!.id]);

    const back = await api(t, 'POST', `/api/v1/admin/leads/${lead!.id}/status`, {
      jar: jars.admin,
      body: { status: 'new' },
    });
    expect(back.statusCode).toBe(409);
    expect(back.json().error.code).toBe('LEAD_STATUS_CONFLICT');
    const closed = await api(t, 'POST', `/api/v1/admin/leads/${lead!.id}/status`, {
      jar: jars.admin,
      body: { status: 'closed' },
    });
    expect(closed.json().status).toBe('closed');
    const unknown = await api(t, 'POST', '/api/v1/admin/leads/lead_00000000000000000000000000/status', {
      jar: jars.admin,
      body: { status: 'closed' },
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('the leads’ own permissions', () => {
  it('guards every lead route with admin.leads.read or admin.leads.manage, not the quote requests’', () => {
    const guards = t.app.modules.accounts.routeGuards();
    const permissions = (route: string) =>
      (guards.get(route) ?? []).flatMap((g) => (g.permission ? [g.permission] : []));
    expect(permissions('GET /admin/leads')).toEqual(['admin.leads.read']);
    expect(permissions('GET /api/v1/admin/leads')).toEqual(['admin.leads.read']);
    expect(permissions('POST /admin/leads/:id/status')).toEqual(['admin.leads.manage']);
    expect(permissions('POST /api/v1/admin/leads/:id/status')).toEqual(['admin.leads.manage']);
  });

  it('grants reading to support and admins, moving to admins only, and nothing to customers', async () => {
    const grants = (
      await sql<{ role_kind: string; role: string; permission: string }>`
        SELECT role_kind, role, permission FROM role_permission
        WHERE permission LIKE 'admin.leads.%' AND granted ORDER BY permission, role`.execute(t.app.ctx.db)
    ).rows.map((r) => `${r.role_kind}:${r.role} ${r.permission}`);
    expect(grants).toEqual([
      'staff:admin admin.leads.manage',
      'staff:admin admin.leads.read',
      'staff:support admin.leads.read',
    ]);
  });
});

describe('retention', () => {
  const DAY = 86_400_000;
  const prune = async () => {
    const job = t.app.ctx.jobs.definitions.find((d) => d.name === 'leads.prune');
    if (!job) throw new Error('no leads.prune job');
    await job.handler({}, { id: 'test', retryCount: 0 });
  };

  it('deletes a lead LEADS_RETENTION_DAYS after it arrived or was last moved, once, and nothing younger', async () => {
    const days = t.config.leadsRetentionDays;
    expect(days).toBe(365);
    expect((await send({ ...VALID, email: 'old@hospital.example' })).statusCode).toBe(303);
    expect((await send({ ...VALID, email: 'worked-on@hospital.example' })).statusCode).toBe(303);
    clock.advance(200 * DAY);
    expect((await send({ ...VALID, email: 'recent@hospital.example' })).statusCode).toBe(303);
    const workedOn = (await leads()).find((l) => l.email === 'worked-on@hospital.example');
    if (!workedOn) throw new Error('the lead was not stored');
    const moved = await api(t, 'POST', `/api/v1/admin/leads/${workedOn.id}/status`, {
      jar: jars.admin,
      body: { status: 'contacted' },
    });
    expect(moved.statusCode, moved.body).toBe(200);

    // Just before the oldest lead's last day ends: everything stays.
    clock.advance((days - 200) * DAY - 60_000);
    await prune();
    expect(await leads()).toHaveLength(3);

    clock.advance(120_000);
    await prune();
    expect((await leads()).map((l) => l.email).sort()).toEqual([
      'recent@hospital.example',
      'worked-on@hospital.example',
    ]);
    // Idempotent: running again deletes nothing more.
    await prune();
    expect(await leads()).toHaveLength(2);

    clock.advance(200 * DAY);
    await prune();
    expect(await leads()).toEqual([]);
  });

  it('is a daily cron job', () => {
    const job = t.app.ctx.jobs.definitions.find((d) => d.name === 'leads.prune');
    expect(job?.cron).toMatch(/^\d+ \d+ \* \* \*$/);
  });
});
