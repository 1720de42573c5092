import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import {
  api,
  CookieJar,
  csrfFrom,
  linkFromMail,
  mailsTo,
  postForm,
  SESSION_COOKIE,
  signedInUser,
} from './test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const PASSWORD = 'correct horse battery';

describe('the JSON journey', () => {
  it('sign-up → verify by the mailed link → sign-in → session → sign-out', async () => {
    const jar = new CookieJar();
    const up = await api(t, 'POST', '/api/v1/auth/sign-up', {
      body: { name: 'Ada Lovelace', email: '  Ada@Example.org ', password: PASSWORD },
    });
    expect(up.statusCode, up.body).toBe(202);

    const [mail] = await mailsTo(t, 'ada@example.org');
    expect(mail?.template).toBe('accounts.verify-email');
    expect(mail?.subject).toContain('Verify');
    expect(mail?.html_body).toContain('/verify-email?token=');
    const link = await linkFromMail(t, 'ada@example.org', 'accounts.verify-email', '/verify-email');

    const early = await api(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: 'ada@example.org', password: PASSWORD },
    });
    expect(early.statusCode).toBe(403);
    expect(early.json().error.code).toBe('EMAIL_NOT_VERIFIED');

    const verified = await api(t, 'POST', '/api/v1/auth/verify-email', {
      body: { token: link.searchParams.get('token') },
    });
    expect(verified.statusCode, verified.body).toBe(200);

    const signIn = await api(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: 'ADA@example.org', password: PASSWORD },
      jar,
    });
    expect(signIn.statusCode, signIn.body).toBe(200);
    expect(signIn.json().user).toMatchObject({
      email: 'ada@example.org',
      name: 'Ada Lovelace',
      platformRole: 'free',
    });
    const setCookie = String(signIn.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i); // http:// PUBLIC_URL in tests

    const session = await api(t, 'GET', '/api/v1/auth/session', { jar });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({ via: 'session', mustChangePassword: false });
    expect(session.json().permissions).toContain('view_public_content');

    const out = await api(t, 'POST', '/api/v1/auth/sign-out', { jar });
    expect(out.statusCode, out.body).toBe(200);
    expect(jar.has(SESSION_COOKIE)).toBe(false);
    expect((await api(t, 'GET', '/api/v1/auth/session', { jar })).statusCode).toBe(401);
  });

  it('checks the password before saying the address is unverified, and resends the link at most every few minutes', async () => {
    const email = 'unverified@example.org';
    await api(t, 'POST', '/api/v1/auth/sign-up', { body: { name: 'U', email, password: PASSWORD } });
    const wrong = await api(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email, password: 'not the password' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    for (let i = 0; i < 3; i++) {
      const r = await api(t, 'POST', '/api/v1/auth/sign-in', { body: { email, password: PASSWORD } });
      expect(r.json().error.code).toBe('EMAIL_NOT_VERIFIED');
    }
    // The sign-up mail, and no new one: the resend interval has not passed.
    expect((await mailsTo(t, email)).filter((m) => m.template === 'accounts.verify-email')).toHaveLength(1);
  });

  it('stores passwords as argon2id', async () => {
    await signedInUser(t, 'hash@example.org', PASSWORD);
    const row = await t.app.ctx.db
      .withTables<{ auth_account: { password: string | null; provider_id: string; user_id: string } }>()
      .selectFrom('auth_account')
      .select('password')
      .where('provider_id', '=', 'credential')
      .execute();
    expect(row.length).toBeGreaterThan(0);
    for (const r of row) expect(r.password).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('updates the profile, lists sessions and revokes one', async () => {
    const jar = await signedInUser(t, 'sessions@example.org', PASSWORD);
    const other = new CookieJar();
    await api(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: 'sessions@example.org', password: PASSWORD },
      jar: other,
    });

    const patched = await api(t, 'PATCH', '/api/v1/account/profile', {
      jar,
      body: { name: '  Grace   Hopper ' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().name).toBe('Grace Hopper');

    const list = await api(t, 'GET', '/api/v1/account/sessions', { jar });
    const sessions = list.json().sessions as {
      id: string;
      current: boolean;
      ipAddress: string;
      userAgent: string;
    }[];
    expect(sessions).toHaveLength(2);
    // The client address Fastify resolved (TRUST_PROXY-aware) is what better-auth records.
    for (const s of sessions) expect(s.ipAddress).toMatch(/^10\./);
    for (const s of sessions) expect(s.userAgent).toBe('lightMyRequest');
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const otherId = sessions.find((s) => !s.current)!.id;

    expect((await api(t, 'DELETE', `/api/v1/account/sessions/${otherId}`, { jar })).statusCode).toBe(200);
    expect((await api(t, 'GET', '/api/v1/auth/session', { jar: other })).statusCode).toBe(401);
    expect((await api(t, 'GET', '/api/v1/auth/session', { jar })).statusCode).toBe(200);
    // Another user's session id is simply not found.
    expect((await api(t, 'DELETE', `/api/v1/account/sessions/${otherId}`, { jar })).statusCode).toBe(404);
  });

  it('changes the password with the current one and signs out the other sessions', async () => {
    const jar = await signedInUser(t, 'change@example.org', PASSWORD);
    const other = new CookieJar();
    await api(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: 'change@example.org', password: PASSWORD },
      jar: other,
    });

    const wrong = await api(t, 'POST', '/api/v1/account/password', {
      jar,
      body: { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details).toEqual([
      { path: '/currentPassword', message: 'The current password is not correct.' },
    ]);

    const weak = await api(t, 'POST', '/api/v1/account/password', {
      jar,
      body: { currentPassword: PASSWORD, newPassword: 'password123' },
    });
    expect(weak.json().error.details[0].path).toBe('/newPassword');

    const ok = await api(t, 'POST', '/api/v1/account/password', {
      jar,
      body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await api(t, 'GET', '/api/v1/auth/session', { jar })).statusCode).toBe(200);
    expect((await api(t, 'GET', '/api/v1/auth/session', { jar: other })).statusCode).toBe(401);
    const again = await api(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: 'change@example.org', password: 'a brand new passphrase' },
    });
    expect(again.statusCode).toBe(200);
  });
});

describe('the HTML journey', () => {
  it('works with forms alone, no JavaScript', async () => {
    const jar = new CookieJar();
    const email = 'forms@example.org';
    let { token, html } = await csrfFrom(t, jar, '/sign-up');
    expect(html).toContain('<title>Create your account');
    expect(html).toMatch(/name="name"[\s\S]*name="email"[\s\S]*name="password"/);

    // A mistake re-renders the form with the field's message, keeping what was typed but not the password.
    const bad = await postForm(t, jar, '/sign-up', {
      _csrf: token,
      name: 'Forms <User>',
      email,
      password: 'short-pass-x',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Names cannot contain');
    expect(bad.body).toContain(`value="${email}"`);
    expect(bad.body).not.toContain('short-pass-x');

    const up = await postForm(t, jar, '/sign-up', {
      _csrf: token,
      name: 'Forms User',
      email,
      password: PASSWORD,
    });
    expect(up.statusCode, up.body).toBe(303);
    expect(up.headers.location).toBe('/sign-up/check-email');

    // The link opens a page with a button: following it changes nothing.
    const link = await linkFromMail(t, email, 'accounts.verify-email', '/verify-email');
    ({ token, html } = await csrfFrom(t, jar, `${link.pathname}${link.search}`));
    expect(html).toContain('Verify my email address');
    const tooSoon = await postForm(t, jar, '/sign-in', { _csrf: token, email, password: PASSWORD });
    expect(tooSoon.statusCode).toBe(403);
    const verify = await postForm(t, jar, '/verify-email', {
      _csrf: token,
      token: link.searchParams.get('token')!,
    });
    expect(verify.statusCode).toBe(303);
    expect(verify.headers.location).toBe('/sign-in?verified=1');

    ({ token, html } = await csrfFrom(t, jar, '/sign-in?verified=1&next=%2Faccount%2Forganizations'));
    expect(html).toContain('<title>Sign in ');
    expect(html).toMatch(/<h1>Sign in<\/h1>/);
    expect(html).toContain('Your email address is verified');
    const wrong = await postForm(t, jar, '/sign-in', {
      _csrf: token,
      email,
      password: 'wrong password!',
      next: '/account',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('The email or password is not correct.');
    expect(wrong.body).not.toContain('wrong password!');

    const offsite = await postForm(t, jar, '/sign-in', {
      _csrf: token,
      email,
      password: PASSWORD,
      next: '//evil.example/x',
    });
    expect(offsite.statusCode).toBe(303);
    expect(offsite.headers.location).toBe('/account');
    expect(jar.has(SESSION_COOKIE)).toBe(true);

    const account = await t.http.inject({
      method: 'GET',
      url: '/account',
      headers: { accept: 'text/html', cookie: jar.header() },
    });
    expect(account.statusCode).toBe(200);
    expect(account.body).toMatch(/<h1>Your account<\/h1>/);
    expect(account.body).toContain(email);

    ({ token } = await csrfFrom(t, jar, '/account'));
    const profile = await postForm(t, jar, '/account/profile', { _csrf: token, name: 'Renamed' });
    expect(profile.headers.location).toBe('/account/settings?done=profile');

    const created = await postForm(t, jar, '/account/tokens', {
      _csrf: token,
      name: 'ci',
      expiresInDays: '30',
    });
    expect(created.statusCode).toBe(200);
    const shown = /<code class="new-token">(fiq_[A-Za-z0-9_-]{43})<\/code>/.exec(created.body)?.[1];
    expect(shown).toBeDefined();
    const again = await t.http.inject({
      method: 'GET',
      url: '/account/settings',
      headers: { accept: 'text/html', cookie: jar.header() },
    });
    expect(again.body).not.toContain(shown);

    const out = await postForm(t, jar, '/sign-out', { _csrf: token });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/');
    expect(jar.has(SESSION_COOKIE)).toBe(false);
    const gone = await t.http.inject({
      method: 'GET',
      url: '/account',
      headers: { accept: 'text/html', cookie: jar.header() },
    });
    expect(gone.statusCode).toBe(303);
    expect(gone.headers.location).toBe('/sign-in?next=%2Faccount');
  });

  it('resets a forgotten password by the mailed link', async () => {
    const email = 'forgot@example.org';
    await signedInUser(t, email, PASSWORD);
    const jar = new CookieJar();
    let { token } = await csrfFrom(t, jar, '/forgot-password');
    const sent = await postForm(t, jar, '/forgot-password', { _csrf: token, email });
    expect(sent.headers.location).toBe('/forgot-password/sent');
    const link = await linkFromMail(t, email, 'accounts.reset-password', '/reset-password');
    ({ token } = await csrfFrom(t, jar, `${link.pathname}${link.search}`));
    const weak = await postForm(t, jar, '/reset-password', {
      _csrf: token,
      token: link.searchParams.get('token')!,
      password: 'qwertyuiop',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('too common');
    const done = await postForm(t, jar, '/reset-password', {
      _csrf: token,
      token: link.searchParams.get('token')!,
      password: 'my new long passphrase',
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/sign-in?reset=1');
    const reused = await postForm(t, jar, '/reset-password', {
      _csrf: token,
      token: link.searchParams.get('token')!,
      password: 'another long passphrase',
    });
    expect(reused.statusCode).toBe(400);
    expect(reused.body).toContain('This link is invalid or has expired.');
  });

  it('sends anonymous visitors of account pages to sign-in, and API clients a 401', async () => {
    const page = await t.http.inject({
      method: 'GET',
      url: '/account/organizations',
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/sign-in?next=%2Faccount%2Forganizations');
    const json = await api(t, 'GET', '/api/v1/account/profile');
    expect(json.statusCode).toBe(401);
    expect(json.json().error.code).toBe('UNAUTHENTICATED');
  });
});
