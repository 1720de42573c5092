import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../platform/errors.ts';
import { buildAssetManifest, fingerprint } from './assets.ts';
import { assetsPlugin, negotiateEncoding } from './assets-plugin.ts';

const manifest = buildAssetManifest();
const css = manifest.byName.get('site.css');
const font = manifest.byName.get('inter-var.woff2');
let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify();
  // The smallest stand-in for the platform's error mapper: AppError → its status.
  app.setErrorHandler((error, _request, reply) => {
    if (isAppError(error)) return reply.code(error.status).send({ code: error.code });
    return reply.code(500).send({ code: 'INTERNAL' });
  });
  await app.register(assetsPlugin, { manifest });
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

describe('GET /assets/:file', () => {
  it('serves the stylesheet with its content type, an immutable cache header and an ETag', async () => {
    const res = await app.inject({ method: 'GET', url: manifest.url('site.css') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers.etag).toBe(css?.etag);
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.rawPayload.equals(css?.body ?? Buffer.alloc(0))).toBe(true);
  });

  it('sends brotli when accepted, preferring it to gzip', async () => {
    const res = await app.inject({
      method: 'GET',
      url: manifest.url('site.css'),
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers.etag).not.toBe(css?.etag);
    expect(brotliDecompressSync(res.rawPayload).equals(css?.body ?? Buffer.alloc(0))).toBe(true);
  });

  it('sends gzip when only gzip is accepted', async () => {
    const res = await app.inject({
      method: 'GET',
      url: manifest.url('site.css'),
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.rawPayload).equals(css?.body ?? Buffer.alloc(0))).toBe(true);
  });

  it('serves fonts as font/woff2, uncompressed whatever the client accepts', async () => {
    const res = await app.inject({
      method: 'GET',
      url: manifest.url('inter-var.woff2'),
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('font/woff2');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.rawPayload.length).toBe(font?.body.length);
  });

  it('serves islands as JavaScript and the favicon as SVG', async () => {
    const js = await app.inject({ method: 'GET', url: manifest.url('password-toggle.js') });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const svg = await app.inject({ method: 'GET', url: manifest.url('favicon.svg') });
    expect(svg.headers['content-type']).toBe('image/svg+xml');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const res = await app.inject({
      method: 'GET',
      url: manifest.url('site.css'),
      headers: { 'if-none-match': css?.etag ?? '' },
    });
    expect(res.statusCode).toBe(304);
    expect(res.rawPayload.length).toBe(0);
  });

  it('answers 404 for an unknown file, a stale fingerprint and a path outside /assets', async () => {
    const stale = manifest.url('site.css').replace(/\.[0-9a-f]{8}\./, '.00000000.');
    for (const url of ['/assets/nope.css', stale, '/assets/..%2Fpackage.json']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toEqual({ code: 'NOT_FOUND' });
    }
  });
});

describe('negotiateEncoding', () => {
  const asset = fingerprint({ name: 'n.css', body: 'a{color:red}'.repeat(100) });

  it('honours q=0 and wildcards', () => {
    expect(negotiateEncoding(undefined, asset)).toBe('identity');
    expect(negotiateEncoding('br;q=0, gzip', asset)).toBe('gzip');
    expect(negotiateEncoding('*', asset)).toBe('br');
    expect(negotiateEncoding('*;q=0', asset)).toBe('identity');
    expect(negotiateEncoding('identity', asset)).toBe('identity');
    expect(negotiateEncoding('GZIP;q=0.5', asset)).toBe('gzip');
  });
});
