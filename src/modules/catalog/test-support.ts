import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, nextIp } from '../accounts/test-support.ts';

/** Test helpers for the catalog's integration tests: staff sessions and row counts. */

export type Who = 'anonymous' | 'customer' | 'support' | 'admin';
const PASSWORD = 'a long enough passphrase 7';

/** Signed-in jars for a customer, a support agent and an admin (whose email is `admin@…`). */
export async function staffJars(t: TestApp, prefix = 'cat'): Promise<Record<Who, CookieJar>> {
  const jars: Record<Who, CookieJar> = {
    anonymous: new CookieJar(),
    customer: new CookieJar(),
    support: new CookieJar(),
    admin: new CookieJar(),
  };
  for (const who of ['customer', 'support', 'admin'] as const) {
    const email = `${prefix}-${who}@example.com`;
    await t.app.modules.accounts.createAdmin({ email, password: PASSWORD });
    const role = who === 'customer' ? null : who;
    await sql`UPDATE auth_user SET staff_role = ${role} WHERE email = ${email}`.execute(t.app.ctx.db);
    const r = await api(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email, password: PASSWORD },
      jar: jars[who],
    });
    expect(r.statusCode, r.body).toBe(200);
  }
  return jars;
}

export const CATALOG_TABLES = [
  'catalog_category',
  'catalog_edition',
  'catalog_term',
  'catalog_product',
  'catalog_sku',
  'catalog_price',
  'catalog_bundle_item',
  'catalog_quote_request',
  'audit_event',
  'mail_message',
] as const;

export async function catalogCounts(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of CATALOG_TABLES) {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(
      t.app.ctx.db,
    );
    out[table] = r.rows[0]!.n;
  }
  return out;
}

/** A fingerprint of every catalog row, to prove a rejected edit changed nothing at all. */
export async function catalogSnapshot(t: TestApp): Promise<string> {
  const parts: unknown[] = [];
  for (const table of ['catalog_sku', 'catalog_price', 'catalog_bundle_item', 'catalog_state']) {
    const r = await sql`SELECT * FROM ${sql.table(table)} ORDER BY 1, 2`.execute(t.app.ctx.db);
    parts.push(r.rows);
  }
  return JSON.stringify(parts);
}

/** The active price id of a SKU in a currency. */
export async function activePriceId(t: TestApp, sku: string, currency: string): Promise<string> {
  const r = await sql<{
    id: string;
  }>`SELECT id FROM catalog_price WHERE sku = ${sku} AND currency = ${currency} AND status = 'active'`.execute(
    t.app.ctx.db,
  );
  const id = r.rows[0]?.id;
  if (!id) throw new Error(`no active ${currency} price for ${sku}`);
  return id;
}

/**
 * A JSON call like accounts' `api`, with PUT too (the bundle contents route). Cookie-authenticated
 * writes always carry a JSON body, as a browser's fetch would.
 */
export async function call(
  t: TestApp,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  options: { body?: unknown; jar?: CookieJar; headers?: Record<string, string>; ip?: string } = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.jar?.header()) headers.cookie = options.jar.header();
  const body = options.body === undefined && method !== 'GET' ? {} : options.body;
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  return t.http.inject({
    method,
    url,
    headers,
    remoteAddress: options.ip ?? nextIp(),
    ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
}
