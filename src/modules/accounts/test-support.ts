import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import type { TestApp } from '../../../test/support/test-app.ts';

/** Test helpers for the accounts module's integration tests: a cookie jar, mail reading, form tokens. */

/** Keeps cookies between `inject` calls the way a browser would (no domain or path matching needed here). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(res: LightMyRequestResponse): void {
    const raw = res.headers['set-cookie'];
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    for (const line of list) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v] = a.trim().split('=');
        if (k?.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (k?.toLowerCase() === 'expires') return new Date(v ?? '').getTime() < Date.now();
        return false;
      });
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  has(name: string): boolean {
    return this.#cookies.has(name);
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  clone(): CookieJar {
    const j = new CookieJar();
    for (const [k, v] of this.#cookies) j.#cookies.set(k, v);
    return j;
  }
}

export const SESSION_COOKIE = 'fhiriq.session_token';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

let ipCounter = 0;
/**
 * A fresh client address per request unless a test pins one: the auth routes are rate limited
 * per IP, and only the rate-limit tests mean to hit those limits.
 */
export function nextIp(): string {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

export async function api(
  t: TestApp,
  method: Method,
  url: string,
  options: { body?: unknown; jar?: CookieJar; headers?: Record<string, string>; ip?: string } = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.jar?.header()) headers.cookie = options.jar.header();
  // A cookie-authenticated JSON client sends a JSON body even when there is nothing to say: the
  // platform's CSRF policy treats a body-less POST/DELETE like a form (a cross-site page can send one).
  if (options.body === undefined && method !== 'GET' && !options.headers?.authorization)
    options = { ...options, body: {} };
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await t.http.inject({
    method,
    url,
    headers,
    remoteAddress: options.ip ?? nextIp(),
    ...(options.body !== undefined
      ? { payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
      : {}),
  });
  options.jar?.store(res);
  return res;
}

/** GETs a page as a browser and returns its CSRF token (the cookie half lands in the jar). */
export async function csrfFrom(
  t: TestApp,
  jar: CookieJar,
  url: string,
): Promise<{ token: string; html: string }> {
  const res = await t.http.inject({
    method: 'GET',
    url,
    headers: { accept: 'text/html', cookie: jar.header() },
    remoteAddress: nextIp(),
  });
  jar.store(res);
  const match = /name="_csrf" value="([^"]+)"/.exec(res.body);
  if (!match) throw new Error(`no CSRF token on ${url} (status ${res.statusCode})`);
  return { token: match[1]!, html: res.body };
}

/** POSTs a form as a browser would (urlencoded, Accept: text/html). */
export async function postForm(
  t: TestApp,
  jar: CookieJar,
  url: string,
  fields: Record<string, string>,
  ip = nextIp(),
): Promise<LightMyRequestResponse> {
  const res = await t.http.inject({
    method: 'POST',
    url,
    remoteAddress: ip,
    headers: {
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      cookie: jar.header(),
    },
    payload: new URLSearchParams(fields).toString(),
  });
  jar.store(res);
  return res;
}

export async function mailsTo(t: TestApp, to: string) {
  return t.app.ctx.mail.list({ to, limit: 100 });
}

/** The first link to `path` in the newest mail to `to` with this template. */
export async function linkFromMail(t: TestApp, to: string, template: string, path: string): Promise<URL> {
  const mail = (await mailsTo(t, to)).find((m) => m.template === template);
  if (!mail) throw new Error(`no ${template} mail to ${to}`);
  const base = t.config.publicUrl;
  const match = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${path}[^\\s"<]*`).exec(
    mail.text_body,
  );
  if (!match) throw new Error(`no ${path} link in ${template} mail`);
  return new URL(match[0]);
}

export const ROW_TABLES = [
  'auth_user',
  'auth_session',
  'auth_account',
  'auth_verification',
  'api_token',
  'organization',
  'organization_member',
  'organization_invitation',
  'account_notice',
  'mail_message',
] as const;

/** Row counts of every table a rejected request must leave alone. */
export async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ROW_TABLES) {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(
      t.app.ctx.db,
    );
    out[table] = r.rows[0]!.n;
  }
  return out;
}

/** Signs up, verifies through the mailed link and signs in; returns the signed-in jar. */
export async function signedInUser(
  t: TestApp,
  email: string,
  password = 'correct horse battery staple',
  name = 'Test User',
): Promise<CookieJar> {
  const jar = new CookieJar();
  const up = await api(t, 'POST', '/api/v1/auth/sign-up', { body: { name, email, password } });
  if (up.statusCode !== 202) throw new Error(`sign-up failed: ${up.statusCode} ${up.body}`);
  const link = await linkFromMail(t, email, 'accounts.verify-email', '/verify-email');
  const verified = await api(t, 'POST', '/api/v1/auth/verify-email', {
    body: { token: link.searchParams.get('token') },
  });
  if (verified.statusCode !== 200) throw new Error(`verify failed: ${verified.statusCode} ${verified.body}`);
  const signIn = await api(t, 'POST', '/api/v1/auth/sign-in', { body: { email, password }, jar });
  if (signIn.statusCode !== 200) throw new Error(`sign-in failed: ${signIn.statusCode} ${signIn.body}`);
  return jar;
}

/** The owner (or an admin) invites `email` with `role`; the invitee's jar accepts. */
export async function joinOrganization(
  t: TestApp,
  inviter: CookieJar,
  orgId: string,
  invitee: CookieJar,
  email: string,
  role: 'owner' | 'admin' | 'billing' | 'member',
): Promise<void> {
  const invited = await api(t, 'POST', `/api/v1/orgs/${orgId}/invitations`, {
    jar: inviter,
    body: { email, role },
  });
  if (invited.statusCode !== 201) throw new Error(`invite failed: ${invited.statusCode} ${invited.body}`);
  const accepted = await api(t, 'POST', `/api/v1/orgs/invitations/${invited.json().id}/accept`, {
    jar: invitee,
  });
  if (accepted.statusCode !== 200) throw new Error(`accept failed: ${accepted.statusCode} ${accepted.body}`);
}
