import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, nextIp, signedInUser } from '../accounts/test-support.ts';
import { activePriceId, staffJars, type Who } from '../catalog/test-support.ts';

/**
 * Public pages are validated by the hash of their body: a strong ETag, `no-cache` so every
 * use is revalidated, 304 when the visitor holds the same body; a staff edit changes the body
 * and so the tag at once. A page rendered for one visitor (signed in, or carrying a form's
 * CSRF token) is `private` and its tag depends on the visitor's cookies.
 */

let t: TestApp;
let jars: Record<Who, CookieJar>;
beforeAll(async () => {
  t = await createTestApp();
  jars = await staffJars(t, 'cache');
});
afterAll(async () => t?.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  t.http.inject({
    method: 'GET',
    url,
    headers: { accept: 'text/html', ...headers },
    remoteAddress: nextIp(),
  });

describe('a public page anyone may be shown', () => {
  it('has a strong ETag from its body, public no-cache, no cookie, and answers 304 to the same tag', async () => {
    const first = await get('/');
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('public, no-cache');
    expect(first.headers['set-cookie']).toBeUndefined();
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect((await get('/')).headers.etag).toBe(etag);

    const again = await get('/', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['cache-control']).toBe('public, no-cache');
    // Weak comparison for If-None-Match; a list; a stale tag.
    expect((await get('/', { 'if-none-match': `W/${etag}` })).statusCode).toBe(304);
    expect((await get('/', { 'if-none-match': `"old", ${etag}` })).statusCode).toBe(304);
    expect((await get('/', { 'if-none-match': '"old"' })).statusCode).toBe(200);
  });

  it('tags each content coding apart (a 304 never pairs the brotli body with a stored gzip one)', async () => {
    const br = await get('/tools', { 'accept-encoding': 'gzip, deflate, br' });
    const gzip = await get('/tools', { 'accept-encoding': 'gzip' });
    const plain = await get('/tools');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.etag).toMatch(/-br"$/);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers.etag).toMatch(/-gzip"$/);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.etag).not.toMatch(/-(br|gzip)"$/);
    const revalidated = await get('/tools', {
      'accept-encoding': 'gzip',
      'if-none-match': String(br.headers.etag),
    });
    expect(revalidated.statusCode).toBe(200);
  });

  it('changes its tag the moment staff change what it shows', async () => {
    const before = await get('/');
    expect(before.body).toContain('From $29.00 per month');
    const id = await activePriceId(t, 'TL-MAPPER-ST-M', 'USD');
    const changed = await api(t, 'PATCH', `/api/v1/admin/catalog/prices/${id}`, {
      jar: jars.admin,
      body: { amount: 3900 },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const after = await get('/', { 'if-none-match': String(before.headers.etag) });
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain('From $39.00 per month');
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('never answers 304 for an error page', async () => {
    const r = await get('/products/no-such-product', { 'if-none-match': '*' });
    expect(r.statusCode).toBe(404);
  });
});

describe('a page rendered for one visitor', () => {
  it('is private when signed in, and its tag follows the session', async () => {
    const alice = await signedInUser(t, 'alice@cache.example');
    // The first page sets the CSRF cookie the sign-out form's token is bound to.
    const cookieless = await get('/', { cookie: alice.header() });
    expect(cookieless.headers.etag).toBeUndefined();
    alice.store(cookieless);
    const first = await get('/', { cookie: alice.header() });
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(first.body).toContain('Sign out');
    const etag = String(first.headers.etag);
    // A fresh render draws a new CSRF token for the sign-out form: still the same page.
    const again = await get('/', { cookie: alice.header(), 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    // Another visitor holding that tag gets their own page, never Alice's.
    const bob = await signedInUser(t, 'bob@cache.example');
    bob.store(await get('/', { cookie: bob.header() }));
    expect((await get('/', { cookie: bob.header(), 'if-none-match': etag })).statusCode).toBe(200);
    expect((await get('/', { 'if-none-match': etag })).statusCode).toBe(200);
  });

  it('is private when it carries a form; without the CSRF cookie it gets no tag at all', async () => {
    const first = await get('/products/mapper-to-fhir');
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(first.headers.etag).toBeUndefined();
    const jar = new CookieJar();
    jar.store(first);
    const withCookie = await get('/products/mapper-to-fhir', { cookie: jar.header() });
    const etag = String(withCookie.headers.etag);
    expect(etag).toMatch(/^"/);
    const again = await get('/products/mapper-to-fhir', { cookie: jar.header(), 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
  });
});
