import { EventEmitter } from 'node:events';
import pg from 'pg';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { Secrets } from '../src/platform/crypto/secrets.ts';
import { AppError } from '../src/platform/errors.ts';
import { Metrics } from '../src/platform/http/metrics.ts';
import { createHttpServer, type HttpServer } from '../src/platform/http/server.ts';
import { createLogger } from '../src/platform/log.ts';

// The HTTP platform on its own: error mapping, limits, headers, OpenAPI. No
// database; modules' own routes are tested in their modules.

let app: HttpServer;

/** A connection that connects at once and is never used (the pool's timeout is what is tested). */
class IdleClient extends EventEmitter {
  connect(callback: (err: Error | null) => void) {
    callback(null);
  }
  end(callback?: () => void) {
    callback?.();
  }
}
const config = loadConfig({ NODE_ENV: 'test', BODY_LIMIT_BYTES: '2048', LOG_LEVEL: 'silent' });

beforeAll(async () => {
  app = await createHttpServer({
    config,
    log: createLogger('silent'),
    secrets: new Secrets('x'.repeat(40)),
    metrics: new Metrics(),
    renderErrorPage: ({ status, code, requestId }) =>
      `<!doctype html><title>${status}</title><p>${code} ${requestId}</p>`,
  });
  const Body = Type.Object(
    { name: Type.String({ minLength: 1, maxLength: 20 }), count: Type.Integer({ minimum: 0 }) },
    { additionalProperties: false },
  );
  app.post(
    '/api/v1/echo',
    { schema: { body: Body, response: { 200: Body }, tags: ['test'], summary: 'echo' } },
    async (request) => request.body,
  );
  app.get('/api/v1/boom', { schema: { tags: ['test'], summary: 'boom' } }, async () => {
    throw new Error('secret internal detail at /srv/app.ts:12');
  });
  app.get('/api/v1/gone', { schema: { tags: ['test'], summary: 'gone' } }, async () => {
    throw new AppError('NOT_FOUND', 'No such widget.');
  });
  app.get('/api/v1/dup', { schema: { tags: ['test'], summary: 'dup' } }, async () => {
    throw Object.assign(new Error('duplicate key value violates unique constraint "user_email_key"'), {
      code: '23505',
    });
  });
  // A pool whose one connection is in use: the next checkout waits 20 ms, then pg-pool gives up.
  const pool = new pg.Pool({ max: 1, connectionTimeoutMillis: 20, Client: IdleClient as never });
  app.get('/api/v1/busy', { schema: { tags: ['test'], summary: 'busy' } }, async () => {
    const held = await pool.connect();
    try {
      await pool.connect();
    } finally {
      held.release();
    }
  });
  app.get(
    '/api/v1/things/:id',
    { schema: { tags: ['test'], summary: 'thing', params: Type.Object({ id: Type.String() }) } },
    async (request) => ({ id: request.params.id }),
  );
  app.get('/page-boom', { schema: { hide: true } }, async () => {
    throw new Error('kaboom');
  });
  app.get('/big', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/plain').send('x'.repeat(10_000)),
  );
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

const json = { 'content-type': 'application/json' };

describe('closing the server', () => {
  it('lets an in-flight request finish', async () => {
    const server = await createHttpServer({
      config,
      log: createLogger('silent'),
      secrets: new Secrets('x'.repeat(40)),
      metrics: new Metrics(),
    });
    let entered: () => void = () => {};
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    server.get('/slow', { schema: { hide: true } }, async () => {
      entered();
      await new Promise((r) => setTimeout(r, 800));
      return { done: true };
    });
    const address = await server.listen({ host: '127.0.0.1', port: 0 });
    const pending = fetch(`${address}/slow`);
    await inside;
    const closed = server.close();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    await closed;
  });
});

describe('HTTP platform', () => {
  it('accepts a valid JSON body', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/echo',
      headers: json,
      payload: { name: 'a', count: 1 },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ name: 'a', count: 1 });
  });

  it('rejects malformed JSON with 400 MALFORMED_JSON', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/echo',
      headers: json,
      payload: '{"name": "a",',
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('MALFORMED_JSON');
    expect(r.json().error.requestId).toBe(r.headers['x-request-id']);
  });

  it('rejects wrong types without coercion, and unknown fields', async () => {
    const wrongType = await app.inject({
      method: 'POST',
      url: '/api/v1/echo',
      headers: json,
      payload: { name: 'a', count: '1' },
    });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.code).toBe('VALIDATION_FAILED');
    expect(wrongType.json().error.details[0].path).toBe('/count');
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/v1/echo',
      headers: json,
      payload: { name: 'a', count: 1, admin: true },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details).toEqual([{ path: '/admin', message: 'is not an accepted field' }]);
  });

  it('rejects too large bodies with 413 and wrong media types with 415', async () => {
    const big = await app.inject({
      method: 'POST',
      url: '/api/v1/echo',
      headers: json,
      payload: JSON.stringify({ name: 'x'.repeat(5000), count: 1 }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const xml = await app.inject({
      method: 'POST',
      url: '/api/v1/echo',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers unknown routes with 404 JSON, or an HTML page for browsers', async () => {
    const api = await app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('NOT_FOUND');
    const page = await app.inject({ method: 'GET', url: '/nope', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('NOT_FOUND');
  });

  it('maps router errors (over-long path segments, bad encoding) through the catalog', async () => {
    const long = await app.inject({ method: 'GET', url: `/api/v1/things/${'x'.repeat(300)}` });
    expect(long.statusCode).toBe(414);
    expect(long.json().error.code).toBe('URI_TOO_LONG');
    expect(long.json().error.requestId).toBeTruthy();
    const bad = await app.inject({ method: 'GET', url: '/api/v1/things/%E0%A4%A' });
    expect(bad.statusCode).toBe(404);
    expect(bad.json().error.code).toBe('NOT_FOUND');
  });

  it('never leaks internals of unexpected errors', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/v1/boom' });
    expect(r.statusCode).toBe(500);
    expect(r.json().error.code).toBe('INTERNAL');
    expect(r.body).not.toContain('secret internal detail');
    expect(r.body).not.toContain('app.ts');
    const page = await app.inject({ method: 'GET', url: '/page-boom', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(500);
    expect(page.body).not.toContain('kaboom');
  });

  it('maps AppError and PostgreSQL errors through the catalog', async () => {
    const gone = await app.inject({ method: 'GET', url: '/api/v1/gone' });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.message).toBe('No such widget.');
    const dup = await app.inject({ method: 'GET', url: '/api/v1/dup' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('CONFLICT');
    expect(dup.body).not.toContain('user_email_key');
  });

  it('answers 503 SERVICE_BUSY with Retry-After when no database connection frees up in time', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/v1/busy' });
    expect([r.statusCode, r.json().error.code, r.headers['retry-after']]).toEqual([503, 'SERVICE_BUSY', '1']);
  });

  it('keeps a well-formed incoming request id and makes one otherwise', async () => {
    const given = await app.inject({
      method: 'GET',
      url: '/api/v1/gone',
      headers: { 'x-request-id': 'trace-12345678' },
    });
    expect(given.headers['x-request-id']).toBe('trace-12345678');
    const bad = await app.inject({
      method: 'GET',
      url: '/api/v1/gone',
      headers: { 'x-request-id': '<script>' },
    });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers: strict CSP, no framing, no-store by default', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/v1/gone' });
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['cache-control']).toBe('no-store');
    // HSTS only behind TLS (PUBLIC_URL https).
    expect(r.headers['strict-transport-security']).toBeUndefined();
  });

  it('compresses large responses', async () => {
    const r = await app.inject({ method: 'GET', url: '/big', headers: { 'accept-encoding': 'gzip' } });
    expect(r.headers['content-encoding']).toBe('gzip');
  });

  it('rejects a cross-site form POST without a CSRF token', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/echo',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=a&count=1',
    });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('CSRF_INVALID');
  });

  it('rejects a JSON request from a foreign Origin', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/echo',
      headers: { ...json, origin: 'https://evil.example' },
      payload: { name: 'a', count: 1 },
    });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('CSRF_INVALID');
  });

  it('lists every JSON route in /openapi.json', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/echo', '/api/v1/boom', '/api/v1/gone']),
    );
    expect(doc.paths['/page-boom']).toBeUndefined();
    const ui = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });
});
