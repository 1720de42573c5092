import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, CookieJar, csrfFrom, postForm } from '../src/modules/accounts/test-support.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';

// The admin console's operations pages: who may see them, and that staff
// actions land in the audit log.

let t: TestApp;
const jars: Record<'admin' | 'support' | 'customer', CookieJar> = {
  admin: new CookieJar(),
  support: new CookieJar(),
  customer: new CookieJar(),
};
const password = 'a long enough passphrase 7';

async function staff(email: string, role: 'admin' | 'support' | null, jar: CookieJar) {
  await t.app.modules.accounts.createAdmin({ email, password });
  await sql`UPDATE auth_user SET staff_role = ${role} WHERE email = ${email}`.execute(t.app.ctx.db);
  const r = await api(t, 'POST', '/api/v1/auth/sign-in', { body: { email, password }, jar });
  expect(r.statusCode, r.body).toBe(200);
}

beforeAll(async () => {
  t = await createTestApp();
  await staff('admin@example.com', 'admin', jars.admin);
  await staff('support@example.com', 'support', jars.support);
  await staff('customer@example.com', null, jars.customer);
  await t.app.ctx.mail.enqueue({
    to: 'someone@example.com',
    subject: 'Welcome <b>',
    text: 'Hi',
    html: '<p>Hi</p>',
    template: 'test.welcome',
  });
});

afterAll(async () => {
  await t?.close();
});

describe('admin console access', () => {
  const cases: [string, string, Record<'anonymous' | 'customer' | 'support' | 'admin', number>][] = [
    ['GET', '/api/v1/admin/outbox', { anonymous: 401, customer: 403, support: 200, admin: 200 }],
    ['GET', '/api/v1/admin/jobs/failed', { anonymous: 401, customer: 403, support: 200, admin: 200 }],
    ['GET', '/admin', { anonymous: 303, customer: 403, support: 200, admin: 200 }],
    ['GET', '/admin/outbox', { anonymous: 303, customer: 403, support: 200, admin: 200 }],
    ['GET', '/admin/jobs', { anonymous: 303, customer: 403, support: 200, admin: 200 }],
    ['GET', '/admin/audit', { anonymous: 303, customer: 403, support: 403, admin: 200 }],
  ];
  for (const [method, url, expected] of cases) {
    it(`${method} ${url}`, async () => {
      for (const who of ['anonymous', 'customer', 'support', 'admin'] as const) {
        const jar = who === 'anonymous' ? new CookieJar() : jars[who];
        const accept = url.startsWith('/api/') ? 'application/json' : 'text/html';
        const r = await t.http.inject({ method: 'GET', url, headers: { accept, cookie: jar.header() } });
        expect(r.statusCode, `${who} ${url}`).toBe(expected[who]);
      }
    });
  }
});

describe('outbox', () => {
  it('lists and shows messages, escaping their content', async () => {
    const list = await api(t, 'GET', '/api/v1/admin/outbox?to=someone@example.com', { jar: jars.support });
    const [message] = list.json().messages;
    expect(message.subject).toBe('Welcome <b>');
    const page = await t.http.inject({
      method: 'GET',
      url: `/admin/outbox/${message.id}`,
      headers: { accept: 'text/html', cookie: jars.support.header() },
    });
    expect(page.body).toContain('Welcome &lt;b>');
    const frame = await t.http.inject({
      method: 'GET',
      url: `/admin/outbox/${message.id}/html`,
      headers: { cookie: jars.support.header() },
    });
    expect(frame.headers['content-security-policy']).toContain('sandbox');
    expect(frame.body).toBe('<p>Hi</p>');
  });
});

describe('failed jobs', () => {
  it('can be retried by an admin, not by support, and the retry is audited', async () => {
    const id = await t.app.ctx.jobs.send('mail.send', { messageId: 'msg_does_not_exist' });
    await t.app.ctx.jobs.boss.fetch('mail.send');
    await t.app.ctx.jobs.boss.fail('mail.send', id!, { message: 'simulated' });
    // Failing a job with retries left re-queues it; exhaust them through SQL to get a failed job fast.
    await sql`UPDATE pgboss.job SET state = 'failed', retry_count = retry_limit WHERE id = ${id}::uuid`.execute(
      t.app.ctx.db,
    );

    const listed = await api(t, 'GET', '/api/v1/admin/jobs/failed', { jar: jars.support });
    expect(listed.json().jobs.map((j: { id: string }) => j.id)).toContain(id);

    const bySupport = await api(t, 'POST', `/api/v1/admin/jobs/mail.send/${id}/retry`, { jar: jars.support });
    expect(bySupport.statusCode).toBe(403);

    const { token } = await csrfFrom(t, jars.admin, '/admin/jobs');
    const retried = await postForm(t, jars.admin, `/admin/jobs/mail.send/${id}/retry`, { _csrf: token });
    expect(retried.statusCode).toBe(303);
    const job = await t.app.ctx.jobs.boss.getJobById('mail.send', id!);
    expect(job?.state).not.toBe('failed');

    const audit = await t.app.modules.audit.log.list();
    expect(audit[0]).toMatchObject({
      action: 'jobs.retry',
      target_type: 'job',
      target_id: id,
      actor_email: 'admin@example.com',
    });

    const again = await api(t, 'POST', `/api/v1/admin/jobs/mail.send/${id}/retry`, { jar: jars.admin });
    expect(again.statusCode).toBe(404);
  });

  it('rejects a retry without a CSRF token', async () => {
    const r = await postForm(
      t,
      jars.admin,
      '/admin/jobs/mail.send/00000000-0000-0000-0000-000000000000/retry',
      {},
    );
    expect(r.statusCode).toBe(403);
  });
});
