import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, csrfFrom, linkFromMail, mailsTo, postForm, signedInUser } from './test-support.ts';

/** API tokens, the first admin, the permission matrix as data, and OpenAPI coverage. */

const PASSWORD = 'correct horse battery';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-03-01T12:00:00Z' });
});
afterAll(async () => t?.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('personal API tokens', () => {
  it('are created once, used as bearer tokens, stored hashed, and revoked', async () => {
    const jar = await signedInUser(t, 'tokens@example.org', PASSWORD);
    const created = await api(t, 'POST', '/api/v1/account/tokens', {
      jar,
      body: { name: 'deploy', expiresInDays: 30 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { token, info } = created.json() as {
      token: string;
      info: { id: string; prefix: string; expiresAt: string };
    };
    expect(token).toMatch(/^fiq_[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(info.prefix)).toBe(true);
    expect(info.expiresAt).toBe('2026-03-31T12:00:00.000Z');

    const stored = await sql<{
      token_hash: string;
      display_prefix: string;
    }>`SELECT token_hash, display_prefix FROM api_token`.execute(t.app.ctx.db);
    expect(stored.rows[0]!.token_hash).toBe(t.app.ctx.secrets.keyedHash('api-token', token));
    expect(JSON.stringify(stored.rows)).not.toContain(token);

    const me = await api(t, 'GET', '/api/v1/auth/session', { headers: bearer(token) });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ via: 'api_token', user: { email: 'tokens@example.org' } });

    const listed = await api(t, 'GET', '/api/v1/account/tokens', { jar });
    expect(listed.json().tokens).toHaveLength(1);
    expect(JSON.stringify(listed.json())).not.toContain(token);
    expect(listed.json().tokens[0].lastUsedAt).toBe('2026-03-01T12:00:00.000Z');

    // A token cannot mint tokens or change the password: only a session can.
    const mint = await api(t, 'POST', '/api/v1/account/tokens', {
      headers: bearer(token),
      body: { name: 'more' },
    });
    expect(mint.statusCode).toBe(403);
    const pw = await api(t, 'POST', '/api/v1/account/password', {
      headers: bearer(token),
      body: { currentPassword: PASSWORD, newPassword: 'another passphrase' },
    });
    expect(pw.statusCode).toBe(403);

    expect((await api(t, 'DELETE', `/api/v1/account/tokens/${info.id}`, { jar })).statusCode).toBe(200);
    const after = await api(t, 'GET', '/api/v1/auth/session', { headers: bearer(token) });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('UNAUTHENTICATED');
    expect((await api(t, 'DELETE', `/api/v1/account/tokens/${info.id}`, { jar })).statusCode).toBe(404);
  });

  it('touch last_used_at at most once a minute, and stop at expiry', async () => {
    const jar = await signedInUser(t, 'expiry@example.org', PASSWORD);
    const { token, info } = (
      await api(t, 'POST', '/api/v1/account/tokens', { jar, body: { name: 'short', expiresInDays: 1 } })
    ).json();
    const lastUsed = async () =>
      (
        await sql<{
          last_used_at: Date | null;
        }>`SELECT last_used_at FROM api_token WHERE id = ${info.id}`.execute(t.app.ctx.db)
      ).rows[0]!.last_used_at;
    await api(t, 'GET', '/api/v1/account/profile', { headers: bearer(token) });
    const first = await lastUsed();
    t.clock!.advance(30_000);
    await api(t, 'GET', '/api/v1/account/profile', { headers: bearer(token) });
    expect(await lastUsed()).toEqual(first);
    t.clock!.advance(31_000);
    await api(t, 'GET', '/api/v1/account/profile', { headers: bearer(token) });
    expect((await lastUsed())!.getTime()).toBe(first!.getTime() + 61_000);

    t.clock!.advance(24 * 3600_000);
    const expired = await api(t, 'GET', '/api/v1/account/profile', { headers: bearer(token) });
    expect(expired.statusCode).toBe(401);
  });

  it('refuse unknown and malformed tokens with 401', async () => {
    for (const token of [`fiq_${'A'.repeat(43)}`, 'fiq_short', `fiq_${'A'.repeat(43)}'--`]) {
      const r = await api(t, 'GET', '/api/v1/account/profile', { headers: bearer(token) });
      expect(r.statusCode, token).toBe(401);
      expect(r.json().error.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('signing up again with an unverified address', () => {
  it('sends a fresh verification link, at most every few minutes', async () => {
    const body = { name: 'Again', email: 'again-unverified@example.org', password: PASSWORD };
    const verifyMails = async () =>
      (await mailsTo(t, body.email)).filter((m) => m.template === 'accounts.verify-email').length;
    expect((await api(t, 'POST', '/api/v1/auth/sign-up', { body })).statusCode).toBe(202);
    expect((await api(t, 'POST', '/api/v1/auth/sign-up', { body })).statusCode).toBe(202);
    expect(await verifyMails()).toBe(1);
    t.clock!.advance(6 * 60_000);
    expect((await api(t, 'POST', '/api/v1/auth/sign-up', { body })).statusCode).toBe(202);
    expect(await verifyMails()).toBe(2);
    const link = await linkFromMail(t, body.email, 'accounts.verify-email', '/verify-email');
    const ok = await api(t, 'POST', '/api/v1/auth/verify-email', {
      body: { token: link.searchParams.get('token') },
    });
    expect(ok.statusCode).toBe(200);
  });
});

describe('createAdmin', () => {
  it('creates a verified admin with a one-time password, and is idempotent on email', async () => {
    const accounts = t.app.modules.accounts;
    const first = await accounts.createAdmin({ email: ' Root@Example.org ', name: 'Root' });
    expect(first).toMatchObject({ email: 'root@example.org', created: true });
    expect(first.oneTimePassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const second = await accounts.createAdmin({
      email: 'root@example.org',
      password: 'the admin passphrase',
    });
    expect(second).toEqual({ email: 'root@example.org', created: false });
    const users = await sql<{ n: number; staff_role: string; email_verified: boolean }>`
      SELECT count(*) OVER ()::int AS n, staff_role, email_verified FROM auth_user WHERE email = 'root@example.org'`.execute(
      t.app.ctx.db,
    );
    expect(users.rows).toEqual([{ n: 1, staff_role: 'admin', email_verified: true }]);
    const signIn = await api(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: 'root@example.org', password: 'the admin passphrase' },
    });
    expect(signIn.statusCode).toBe(200);
    expect(signIn.json().mustChangePassword).toBe(false);
    expect(signIn.json().permissions).toContain('admin.users.manage');
  });

  it('forces a change of the one-time password before anything else', async () => {
    const { oneTimePassword } = await t.app.modules.accounts.createAdmin({ email: 'ops@example.org' });
    const jar = new CookieJar();
    let { token } = await csrfFrom(t, jar, '/sign-in');
    const signIn = await postForm(t, jar, '/sign-in', {
      _csrf: token,
      email: 'ops@example.org',
      password: oneTimePassword!,
    });
    expect(signIn.statusCode).toBe(303);
    expect(signIn.headers.location).toBe('/account/password');

    const page = await t.http.inject({
      method: 'GET',
      url: '/account',
      headers: { accept: 'text/html', cookie: jar.header() },
    });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/account/password');
    const json = await api(t, 'GET', '/api/v1/account/profile', { jar });
    expect(json.statusCode).toBe(403);
    expect(json.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await api(t, 'GET', '/api/v1/auth/session', { jar })).json().mustChangePassword).toBe(true);

    ({ token } = await csrfFrom(t, jar, '/account/password'));
    const changed = await postForm(t, jar, '/account/password', {
      _csrf: token,
      currentPassword: oneTimePassword!,
      newPassword: 'my own admin passphrase',
    });
    expect(changed.statusCode).toBe(303);
    const now = await t.http.inject({
      method: 'GET',
      url: '/account',
      headers: { accept: 'text/html', cookie: jar.header() },
    });
    expect(now.statusCode).toBe(200);
    expect((await api(t, 'GET', '/api/v1/account/profile', { jar })).json().staffRole).toBe('admin');
  });

  it('promotes an existing user', async () => {
    await signedInUser(t, 'promote@example.org', PASSWORD);
    const r = await t.app.modules.accounts.createAdmin({
      email: 'promote@example.org',
      password: 'new admin passphrase',
    });
    expect(r.created).toBe(false);
    const me = await api(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: 'promote@example.org', password: 'new admin passphrase' },
    });
    expect(me.json().user.staffRole).toBe('admin');
  });
});

describe('the permission matrix as data', () => {
  it('is seeded idempotently and keeps staff edits', async () => {
    const count = async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM role_permission`.execute(t.app.ctx.db))
        .rows[0]!.n;
    const seeded = await count();
    expect(seeded).toBeGreaterThan(40);
    await sql`UPDATE role_permission SET granted = false WHERE role_kind = 'platform' AND role = 'free' AND permission = 'access_basic_chatbot'`.execute(
      t.app.ctx.db,
    );
    await t.app.seed();
    await t.app.seed();
    expect(await count()).toBe(seeded);
    const row = await sql<{ granted: boolean }>`
      SELECT granted FROM role_permission WHERE role = 'free' AND permission = 'access_basic_chatbot'`.execute(
      t.app.ctx.db,
    );
    expect(row.rows[0]!.granted).toBe(false);

    const access = t.app.modules.accounts.service.access;
    await access.refreshMatrix(true);
    const free = {
      userId: 'usr_x',
      email: 'x@example.org',
      name: 'X',
      platformRole: 'free' as const,
      staffRole: null,
      memberships: [],
      via: 'session' as const,
      sessionId: null,
      mustChangePassword: false,
    };
    expect(t.app.modules.accounts.can(free, 'access_basic_chatbot')).toBe(false);
    expect(t.app.modules.accounts.can(free, 'view_public_content')).toBe(true);
  });
});

describe('OpenAPI', () => {
  it('documents every accounts JSON route with closed schemas and error responses', async () => {
    const doc = (await t.http.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<
        string,
        Record<
          string,
          {
            tags?: string[];
            summary?: string;
            responses: Record<string, unknown>;
            requestBody?: { content: Record<string, { schema: { additionalProperties?: boolean } }> };
          }
        >
      >;
    };
    const ours = Object.entries(doc.paths).filter(([p]) => /^\/api\/v1\/(auth|account|orgs)\b/.test(p));
    expect(ours.length).toBeGreaterThanOrEqual(18);
    for (const [path, ops] of ours) {
      for (const [method, op] of Object.entries(ops)) {
        // Other modules add their portal APIs under /api/v1/account (licenses, invoices, support…)
        // with their own tags; the accounts module's own routes are tagged `accounts`.
        if (/^\/api\/v1\/(auth|orgs|account\/(profile|password|sessions|tokens))\b/.test(path))
          expect(op.tags, `${method} ${path}`).toEqual(['accounts']);
        else expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(
          Object.keys(op.responses).some((s) => s.startsWith('4')),
          `${method} ${path}`,
        ).toBe(true);
        const schema = op.requestBody?.content['application/json']?.schema;
        if (schema) expect(schema.additionalProperties, `${method} ${path}`).toBe(false);
      }
    }
  });
});
