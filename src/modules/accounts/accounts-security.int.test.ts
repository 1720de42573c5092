import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { createLogger } from '../../platform/log.ts';
import {
  api,
  CookieJar,
  csrfFrom,
  linkFromMail,
  mailsTo,
  postForm,
  rowCounts,
  SESSION_COOKIE,
  signedInUser,
} from './test-support.ts';

const PASSWORD = 'correct horse battery';

/** Everything but the request id, which differs by design. */
function comparable(res: { statusCode: number; body: string; headers: Record<string, unknown> }) {
  return {
    status: res.statusCode,
    body: res.body,
    contentType: res.headers['content-type'],
    cookie: res.headers['set-cookie'],
  };
}

describe('enumeration safety', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await signedInUser(t, 'taken@example.org', PASSWORD);
  });
  afterAll(async () => t?.close());

  it('answers a sign-up with a registered email exactly like a new one, and mails the owner a notice', async () => {
    const existing = await api(t, 'POST', '/api/v1/auth/sign-up', {
      body: { name: 'Mallory', email: 'taken@example.org', password: 'another password' },
    });
    const fresh = await api(t, 'POST', '/api/v1/auth/sign-up', {
      body: { name: 'Newcomer', email: 'fresh@example.org', password: 'another password' },
    });
    expect(comparable(existing)).toEqual(comparable(fresh));
    const owner = await mailsTo(t, 'taken@example.org');
    expect(owner.map((m) => m.template)).toContain('accounts.existing-account');
    expect(owner.filter((m) => m.template === 'accounts.verify-email')).toHaveLength(1);
    expect((await mailsTo(t, 'fresh@example.org')).map((m) => m.template)).toEqual(['accounts.verify-email']);
  });

  it('does the same for the sign-up form', async () => {
    const jar = new CookieJar();
    const { token } = await csrfFrom(t, jar, '/sign-up');
    const a = await postForm(t, jar, '/sign-up', {
      _csrf: token,
      name: 'X',
      email: 'taken@example.org',
      password: PASSWORD,
    });
    const b = await postForm(t, jar, '/sign-up', {
      _csrf: token,
      name: 'X',
      email: 'fresh2@example.org',
      password: PASSWORD,
    });
    expect([a.statusCode, a.headers.location]).toEqual([b.statusCode, b.headers.location]);
  });

  it('always says "if an account exists we sent a link" on forgot-password', async () => {
    const known = await api(t, 'POST', '/api/v1/auth/forgot-password', {
      body: { email: 'taken@example.org' },
    });
    const unknown = await api(t, 'POST', '/api/v1/auth/forgot-password', {
      body: { email: 'nobody@example.org' },
    });
    expect(comparable(known)).toEqual(comparable(unknown));
    expect(known.statusCode).toBe(202);
    expect(known.json().message).toMatch(/If an account exists/);
    expect((await mailsTo(t, 'taken@example.org')).map((m) => m.template)).toContain(
      'accounts.reset-password',
    );
    expect(await mailsTo(t, 'nobody@example.org')).toHaveLength(0);
  });

  it('gives one answer for every sign-in failure', async () => {
    const unknown = await api(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: 'nobody@example.org', password: PASSWORD },
    });
    const wrong = await api(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: 'taken@example.org', password: 'wrong one!!' },
    });
    const malformed = await api(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: 'not-an-email', password: PASSWORD },
    });
    for (const r of [unknown, wrong, malformed]) {
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('INVALID_CREDENTIALS');
      expect(r.json().error.message).toBe('The email or password is not correct.');
    }
  });

  it('answers resend-verification the same for every address', async () => {
    const a = await api(t, 'POST', '/api/v1/auth/resend-verification', {
      body: { email: 'taken@example.org' },
    });
    const b = await api(t, 'POST', '/api/v1/auth/resend-verification', {
      body: { email: 'nobody2@example.org' },
    });
    expect(comparable(a)).toEqual(comparable(b));
  });
});

describe('password reset', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('revokes every session of the account', async () => {
    const email = 'reset@example.org';
    const first = await signedInUser(t, email, PASSWORD);
    const second = new CookieJar();
    await api(t, 'POST', '/api/v1/auth/sign-in', { body: { email, password: PASSWORD }, jar: second });
    expect((await api(t, 'GET', '/api/v1/auth/session', { jar: second })).statusCode).toBe(200);

    await api(t, 'POST', '/api/v1/auth/forgot-password', { body: { email } });
    const link = await linkFromMail(t, email, 'accounts.reset-password', '/reset-password');
    const token = link.searchParams.get('token')!;
    const reset = await api(t, 'POST', '/api/v1/auth/reset-password', {
      body: { token, password: 'a fresh new passphrase' },
    });
    expect(reset.statusCode, reset.body).toBe(200);

    for (const jar of [first, second])
      expect((await api(t, 'GET', '/api/v1/auth/session', { jar })).statusCode).toBe(401);
    expect(
      (await api(t, 'POST', '/api/v1/auth/sign-in', { body: { email, password: PASSWORD } })).statusCode,
    ).toBe(401);
    expect(
      (await api(t, 'POST', '/api/v1/auth/sign-in', { body: { email, password: 'a fresh new passphrase' } }))
        .statusCode,
    ).toBe(200);
    const reused = await api(t, 'POST', '/api/v1/auth/reset-password', {
      body: { token, password: 'yet another phrase' },
    });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error.code).toBe('TOKEN_INVALID');
  });

  it('stores reset tokens only as keyed hashes', async () => {
    const email = 'hashed-token@example.org';
    await signedInUser(t, email, PASSWORD);
    await api(t, 'POST', '/api/v1/auth/forgot-password', { body: { email } });
    const token = (
      await linkFromMail(t, email, 'accounts.reset-password', '/reset-password')
    ).searchParams.get('token')!;
    const rows = await t.app.ctx.db
      .withTables<{ auth_verification: { identifier: string; value: string } }>()
      .selectFrom('auth_verification')
      .select(['identifier', 'value'])
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.identifier).not.toContain(token);
      expect(r.value).not.toContain(token);
    }
  });
});

describe('rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('allows 5 sign-ins a minute per IP, then 429 with Retry-After', async () => {
    const ip = '192.0.2.1';
    for (let i = 0; i < 5; i++) {
      const r = await api(t, 'POST', '/api/v1/auth/sign-in', {
        ip,
        body: { email: `ip${i}@example.org`, password: PASSWORD },
      });
      expect(r.statusCode).toBe(401);
    }
    const limited = await api(t, 'POST', '/api/v1/auth/sign-in', {
      ip,
      body: { email: 'ip9@example.org', password: PASSWORD },
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // The HTML form shares the budget.
    const jar = new CookieJar();
    const { token } = await csrfFrom(t, jar, '/sign-in');
    const form = await postForm(
      t,
      jar,
      '/sign-in',
      { _csrf: token, email: 'ip9@example.org', password: PASSWORD },
      ip,
    );
    expect(form.statusCode).toBe(429);
  });

  it('allows 5 sign-ins a minute per account, from any number of IPs', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await api(t, 'POST', '/api/v1/auth/sign-in', {
        body: { email: 'Target@example.org', password: `guess number ${i}` },
      });
      expect(r.statusCode).toBe(401);
    }
    const limited = await api(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: ' target@EXAMPLE.org', password: 'guess 6' },
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('allows 5 sign-ups per 10 minutes per IP', async () => {
    const ip = '192.0.2.2';
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await api(t, 'POST', '/api/v1/auth/sign-up', {
        ip,
        body: { name: 'N', email: `su${i}@example.org`, password: PASSWORD },
      });
      codes.push(r.statusCode);
    }
    expect(codes).toEqual([202, 202, 202, 202, 202, 429]);
  });

  it('allows 3 forgot-password requests per 15 minutes per IP and per account', async () => {
    const ip = '192.0.2.3';
    const perIp: number[] = [];
    for (let i = 0; i < 4; i++) {
      perIp.push(
        (await api(t, 'POST', '/api/v1/auth/forgot-password', { ip, body: { email: `f${i}@example.org` } }))
          .statusCode,
      );
    }
    expect(perIp).toEqual([202, 202, 202, 429]);
    const perAccount: number[] = [];
    for (let i = 0; i < 4; i++) {
      perAccount.push(
        (await api(t, 'POST', '/api/v1/auth/forgot-password', { body: { email: 'same@example.org' } }))
          .statusCode,
      );
    }
    expect(perAccount).toEqual([202, 202, 202, 429]);
  });

  it('allows 3 verification resends per 15 minutes per account', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push(
        (await api(t, 'POST', '/api/v1/auth/resend-verification', { body: { email: 'again@example.org' } }))
          .statusCode,
      );
    }
    expect(codes).toEqual([202, 202, 202, 429]);
  });
});

describe('CSRF', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it.each([
    ['/sign-up', { name: 'Csrf', email: 'csrf@example.org', password: PASSWORD }],
    ['/sign-in', { email: 'csrf@example.org', password: PASSWORD }],
    ['/forgot-password', { email: 'csrf@example.org' }],
    ['/sign-out', {}],
  ])('refuses %s without _csrf (403 CSRF_INVALID) and writes nothing', async (url, fields) => {
    const before = await rowCounts(t);
    const jar = new CookieJar();
    await csrfFrom(t, jar, '/sign-in'); // a csrf cookie, but no token in the form
    const res = await t.http.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
      payload: new URLSearchParams(fields).toString(),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('CSRF_INVALID');
    const forged = await postForm(t, jar, url, { ...fields, _csrf: 'forged-token' });
    expect(forged.statusCode).toBe(403);
    expect(await rowCounts(t)).toEqual(before);
  });
});

describe('logs', () => {
  it('never contain a password, a token or a session cookie', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const t = await createTestApp({ log: createLogger('debug', stream) });
    try {
      const email = 'logged@example.org';
      const password = 'a very secret passphrase 42';
      const jar = await signedInUser(t, email, password);
      const verifyToken = (
        await linkFromMail(t, email, 'accounts.verify-email', '/verify-email')
      ).searchParams.get('token')!;
      await t.http.inject({
        method: 'GET',
        url: `/verify-email?token=${verifyToken}`,
        headers: { accept: 'text/html' },
      });
      const created = await api(t, 'POST', '/api/v1/account/tokens', { jar, body: { name: 'logged' } });
      const apiToken = created.json().token as string;
      await api(t, 'GET', '/api/v1/account/profile', { headers: { authorization: `Bearer ${apiToken}` } });
      await api(t, 'POST', '/api/v1/auth/sign-in', { body: { email, password: `${password}x` } });
      await api(t, 'POST', '/api/v1/auth/forgot-password', { body: { email } });
      const resetToken = (
        await linkFromMail(t, email, 'accounts.reset-password', '/reset-password')
      ).searchParams.get('token')!;
      await api(t, 'POST', '/api/v1/auth/reset-password', {
        body: { token: resetToken, password: 'the next secret phrase' },
      });
      const session = jar.get(SESSION_COOKIE)!;

      const log = lines.join('');
      expect(lines.length).toBeGreaterThan(10);
      for (const secret of [
        password,
        verifyToken,
        apiToken,
        resetToken,
        'the next secret phrase',
        session,
        session.split('.')[0]!,
      ]) {
        expect(log.includes(secret), `log contains ${secret.slice(0, 12)}…`).toBe(false);
      }
    } finally {
      await t.close();
    }
  });
});

describe('cookies behind TLS', () => {
  it('are Secure (and __Secure- prefixed) when PUBLIC_URL is https', async () => {
    const t = await createTestApp({ env: { PUBLIC_URL: 'https://fhiriq.example' } });
    try {
      const jar = await signedInUser(t, 'tls@example.org', PASSWORD);
      expect(jar.has(`__Secure-${SESSION_COOKIE}`)).toBe(true);
      const signIn = await api(t, 'POST', '/api/v1/auth/sign-in', {
        body: { email: 'tls@example.org', password: PASSWORD },
      });
      const cookie = String(signIn.headers['set-cookie']);
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect((await api(t, 'GET', '/api/v1/auth/session', { jar })).statusCode).toBe(200);
      const link = await linkFromMail(t, 'tls@example.org', 'accounts.verify-email', '/verify-email');
      expect(link.origin).toBe('https://fhiriq.example');
    } finally {
      await t.close();
    }
  });
});
