import { Writable } from 'node:stream';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../src/platform/http/server.ts';
import { createLogger } from '../src/platform/log.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';

// The assembled application: every module's routes on one server.

let t: TestApp;
const logLines: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  t = await createTestApp({ log: createLogger('info', sink) });
});

afterAll(async () => {
  await t?.close();
});

describe('the assembled app', () => {
  it('declares an input schema on every route and documents every JSON route in OpenAPI', async () => {
    const doc = (await t.http.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { tags?: string[]; responses?: Record<string, unknown> }>>;
    };
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)),
    );
    const apiRoutes = Object.keys(doc.paths).filter((p) => p.startsWith('/api/'));
    expect(apiRoutes.length).toBeGreaterThan(10);
    // Every /api route in the server must be in the document (OpenAPI writes :id as {id}).
    const served = registeredRoutes(t.http)
      // The API reference's own pages (Swagger UI under /api/docs) are not API routes.
      .filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(10);
    for (const r of served) expect(documented, r).toContain(r);
    // And every route of any kind declares the inputs it takes.
    for (const r of registeredRoutes(t.http)) {
      if (r.method === 'HEAD' || r.url.startsWith('/api/docs')) continue;
      const name = `${r.method} ${r.url}`;
      expect(r.schema, name).toBeDefined();
      if (r.url.includes(':')) expect(r.schema?.params, `${name} params`).toBeDefined();
      if (['POST', 'PUT', 'PATCH'].includes(r.method) && !/sign-out|\/retry$|revoke/.test(r.url)) {
        expect(r.schema?.body, `${name} body`).toBeDefined();
      }
    }
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        expect(op.tags?.length, `${m} ${p} has tags`).toBeGreaterThan(0);
        expect(Object.keys(op.responses ?? {}).length, `${m} ${p} documents responses`).toBeGreaterThan(0);
      }
    }
  });

  it('rejects unknown fields on every JSON route that takes a body', async () => {
    const doc = (await t.http.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content?: Record<string, { schema?: { additionalProperties?: unknown } }> } }
        >
      >;
    };
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        const schema = op.requestBody?.content?.['application/json']?.schema;
        if (schema) expect(schema.additionalProperties, `${m} ${p}`).toBe(false);
      }
    }
  });

  it('reports liveness, readiness and Prometheus metrics', async () => {
    expect((await t.http.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.http.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.migrations.ok).toBe(true);
    const metrics = await t.http.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('fhiriq_http_request_duration_seconds_bucket');
    expect(metrics.body).toMatch(/route="\/healthz"/);
    expect(metrics.body).toContain('# TYPE fhiriq_jobs gauge');
    // Without METRICS_TOKEN only this machine reads them; a forwarded-for header changes nothing.
    const remote = await t.http.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '203.0.113.7',
    });
    expect(remote.statusCode).toBe(403);
    expect(remote.json().error.code).toBe('FORBIDDEN');
    expect(remote.body).not.toContain('fhiriq_http');
    const spoofed = await t.http.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '203.0.113.7',
      headers: { 'x-forwarded-for': '127.0.0.1' },
    });
    expect(spoofed.statusCode).toBe(403);
  });

  it('with METRICS_TOKEN, answers /metrics only to that bearer token, from anywhere', async () => {
    const token = 'm'.repeat(40);
    const other = await createTestApp({ env: { METRICS_TOKEN: token } });
    try {
      const get = (authorization?: string) =>
        other.http.inject({
          method: 'GET',
          url: '/metrics',
          remoteAddress: '203.0.113.7',
          headers: authorization ? { authorization } : {},
        });
      expect((await get()).statusCode).toBe(401);
      expect((await get(`Bearer ${'x'.repeat(40)}`)).json().error.code).toBe('UNAUTHENTICATED');
      expect((await get(`Basic ${token}`)).statusCode).toBe(401);
      const ok = await get(`Bearer ${token}`);
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('fhiriq_http_request_duration_seconds_bucket');
    } finally {
      await other.close();
    }
  });

  it('serves the home page with fingerprinted, immutable assets and no inline script', async () => {
    const home = await t.http.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(home.statusCode).toBe(200);
    expect(home.body).toMatch(/^<!doctype html>/i);
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(home.body)?.[1];
    expect(css).toBeTruthy();
    const asset = await t.http.inject({ method: 'GET', url: css! });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    // Precompressed once, never compressed twice by the global compression hook.
    const br = await t.http.inject({ method: 'GET', url: css!, headers: { 'accept-encoding': 'br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(asset.body);
    // Only external scripts; JSON-LD blocks are data the browser never runs.
    expect(home.body).not.toMatch(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/ld\+json")[^>]*>/);
  });

  it('writes the request id into every log line of a request, and never the query string', async () => {
    logLines.length = 0;
    const r = await t.http.inject({ method: 'GET', url: '/healthz?token=super-secret-token' });
    const id = r.headers['x-request-id'];
    const lines = logLines.filter((l) => l.includes(String(id)));
    expect(lines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toContain('super-secret-token');
  });

  it('answers 503 on /readyz when the database is gone', async () => {
    const other = await createTestApp();
    await other.testDb.database.close();
    const r = await other.http.inject({ method: 'GET', url: '/readyz' });
    expect(r.statusCode).toBe(503);
    expect(r.json().checks.database.ok).toBe(false);
    await other.close().catch(() => {});
  });
});

describe('behind TLS', () => {
  it('sends HSTS when PUBLIC_URL is https', async () => {
    const tls = await createTestApp({ env: { PUBLIC_URL: 'https://fhiriq.example' } });
    try {
      const r = await tls.http.inject({ method: 'GET', url: '/healthz' });
      expect(r.headers['strict-transport-security']).toContain('max-age=31536000');
    } finally {
      await tls.close();
    }
  });
});
