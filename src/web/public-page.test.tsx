import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { Secrets } from '../platform/crypto/secrets.ts';
import { Metrics } from '../platform/http/metrics.ts';
import { createHttpServer, type HttpServer } from '../platform/http/server.ts';
import { createLogger } from '../platform/log.ts';
import { CsrfInput } from './components.tsx';
import { sendPublicPage } from './render.ts';

// sendPublicPage on the HTTP platform alone (no database): what makes a page public or
// personal, and the platform's rule that an answer setting a cookie is never public.

let app: HttpServer;
const CHANGED = new Date('2026-03-02T10:20:30.500Z');

const Page = (props: { token?: string; text?: string }) => (
  <html lang="en">
    <body>
      <h1>{props.text ?? 'Hello'}</h1>
      {props.token !== undefined && (
        <form method="post" action="/x">
          <CsrfInput token={props.token} />
        </form>
      )}
    </body>
  </html>
);

beforeAll(async () => {
  app = await createHttpServer({
    config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
    log: createLogger('silent'),
    secrets: new Secrets('x'.repeat(40)),
    metrics: new Metrics(),
    renderErrorPage: () => '<!doctype html><title>error</title>',
  });
  app.get('/plain', { schema: { hide: true } }, async (request, reply) =>
    sendPublicPage(request, reply, <Page />),
  );
  app.get('/form', { schema: { hide: true } }, async (request, reply) =>
    sendPublicPage(request, reply, <Page token={reply.generateCsrf()} />),
  );
  app.get('/dated', { schema: { hide: true } }, async (request, reply) =>
    sendPublicPage(request, reply, <Page />, { lastModified: CHANGED }),
  );
  app.get('/dated-form', { schema: { hide: true } }, async (request, reply) =>
    sendPublicPage(request, reply, <Page token={reply.generateCsrf()} />, { lastModified: CHANGED }),
  );
  // A form-less page whose chrome still issued a CSRF cookie (accounts.pageChrome instead of publicPageChrome).
  app.get('/careless', { schema: { hide: true } }, async (request, reply) => {
    reply.generateCsrf();
    return sendPublicPage(request, reply, <Page />);
  });
  await app.ready();
});
afterAll(async () => app?.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers });

describe('sendPublicPage', () => {
  it('makes a page without a token public, tagged by its body', async () => {
    const r = await get('/plain');
    expect(r.headers['cache-control']).toBe('public, no-cache');
    expect(r.headers['set-cookie']).toBeUndefined();
    expect((await get('/plain', { 'if-none-match': String(r.headers.etag) })).statusCode).toBe(304);
  });

  it('makes a page with a CSRF token private, tagged only once the visitor holds the CSRF cookie', async () => {
    const first = await get('/form');
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(first.headers.etag).toBeUndefined();
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    const second = await get('/form', { cookie });
    const third = await get('/form', { cookie, 'if-none-match': String(second.headers.etag) });
    // A new token every render, the same page for this visitor.
    expect(third.statusCode).toBe(304);
    // Another visitor's cookie: another tag.
    const other = String((await get('/form')).headers['set-cookie']).split(';')[0]!;
    expect(
      (await get('/form', { cookie: other, 'if-none-match': String(second.headers.etag) })).statusCode,
    ).toBe(200);
  });

  it('adds Last-Modified to a public page and answers 304 to If-Modified-Since unless If-None-Match says otherwise', async () => {
    const r = await get('/dated');
    expect(r.headers['last-modified']).toBe('Mon, 02 Mar 2026 10:20:30 GMT');
    const since = (s: string, extra: Record<string, string> = {}) =>
      get('/dated', { 'if-modified-since': s, ...extra }).then((x) => x.statusCode);
    expect(await since('Mon, 02 Mar 2026 10:20:30 GMT')).toBe(304);
    expect(await since('Tue, 03 Mar 2026 00:00:00 GMT')).toBe(304);
    expect(await since('Mon, 02 Mar 2026 10:20:29 GMT')).toBe(200);
    expect(await since('not a date')).toBe(200);
    expect(await since('Tue, 03 Mar 2026 00:00:00 GMT', { 'if-none-match': '"other"' })).toBe(200);
    // A personal page has no Last-Modified: only its tag knows whose cookies it was made for.
    const form = await get('/dated-form');
    expect(form.headers['last-modified']).toBeUndefined();
    const cookie = String(form.headers['set-cookie']).split(';')[0]!;
    const withCookie = await get('/dated-form', {
      cookie,
      'if-modified-since': 'Tue, 03 Mar 2026 00:00:00 GMT',
    });
    expect([withCookie.statusCode, withCookie.headers['last-modified']]).toEqual([200, undefined]);
  });

  it('never lets an answer that sets a cookie be public, whatever the page said', async () => {
    const r = await get('/careless');
    expect(r.headers['set-cookie']).toBeDefined();
    expect(r.headers['cache-control']).toBe('private, no-cache');
  });
});
