import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { Secrets } from '../src/platform/crypto/secrets.ts';
import { Metrics } from '../src/platform/http/metrics.ts';
import { createHttpServer, type HttpServer } from '../src/platform/http/server.ts';
import { createLogger } from '../src/platform/log.ts';

// Two web processes behind one load balancer must share one allowance:
// with REDIS_URL the counters live in Redis (the machine's, as in production).

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `fhiriq-test:${randomBytes(4).toString('hex')}:`;

async function server(env: Record<string, string>): Promise<HttpServer> {
  const app = await createHttpServer({
    config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env }),
    log: createLogger('silent'),
    secrets: new Secrets('r'.repeat(40)),
    metrics: new Metrics(),
    rateLimitNamespace: namespace,
  });
  app.get(
    '/api/v1/limited',
    {
      config: { rateLimit: { max: 3, timeWindow: '1 minute' } },
      schema: { tags: ['test'], summary: 'limited' },
    },
    async () => ({ ok: true }),
  );
  await app.ready();
  return app;
}

describe('rate limits', () => {
  let a: HttpServer;
  let b: HttpServer;
  let redisAvailable = true;

  beforeAll(async () => {
    const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000 });
    try {
      await probe.connect();
      await probe.ping();
    } catch {
      redisAvailable = false;
    } finally {
      probe.disconnect();
    }
    a = await server({ REDIS_URL });
    b = await server({ REDIS_URL });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect().catch(() => {});
    const keys = await r.keys(`${namespace}*`).catch(() => [] as string[]);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  });

  it('is shared by two servers through Redis and answers 429 with Retry-After', async () => {
    expect(redisAvailable, `Redis must be running at ${REDIS_URL}`).toBe(true);
    const hit = (s: HttpServer) =>
      s.inject({ method: 'GET', url: '/api/v1/limited', remoteAddress: '203.0.113.9' });
    expect((await hit(a)).statusCode).toBe(200);
    expect((await hit(b)).statusCode).toBe(200);
    expect((await hit(a)).statusCode).toBe(200);
    const limited = await hit(b);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts per client address', async () => {
    const other = await a.inject({ method: 'GET', url: '/api/v1/limited', remoteAddress: '198.51.100.7' });
    expect(other.statusCode).toBe(200);
  });

  it('counts several budgets in one step, shared by two servers through Redis, and in memory', async () => {
    expect(redisAvailable, `Redis must be running at ${REDIS_URL}`).toBe(true);
    const local = await server({});
    // Fixed windows: an hour-long one makes a window boundary inside the test all but impossible.
    const HOUR = 3_600_000;
    try {
      const budgets = (ip: string) => [
        { key: `test:ip:${ip}`, max: 4 },
        { key: 'test:key:K1', max: 2 },
      ];
      for (const counters of [[a.windowCounters, b.windowCounters], [local.windowCounters]]) {
        const at = (i: number) => counters[i % counters.length]!;
        // The key's budget (2) runs out first, whichever server counts and from any address.
        expect(await at(0).hit(budgets('10.0.0.1'), HOUR)).toEqual({ allowed: true });
        expect(await at(1).hit(budgets('10.0.0.2'), HOUR)).toEqual({ allowed: true });
        const refused = await at(2).hit(budgets('10.0.0.3'), HOUR);
        expect(refused.allowed).toBe(false);
        expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThan(0);
        // Another key from an address with budget left is allowed; the address's own budget holds too.
        const other = (n: number) => [
          { key: 'test:ip:10.0.0.9', max: 2 },
          { key: `test:key:K${n + 10}`, max: 100 },
        ];
        expect(await at(0).hit(other(1), HOUR)).toEqual({ allowed: true });
        expect(await at(1).hit(other(2), HOUR)).toEqual({ allowed: true });
        expect((await at(0).hit(other(3), HOUR)).allowed).toBe(false);
      }
    } finally {
      await local.close();
    }
  });

  it('keeps counters in memory without Redis', async () => {
    const local = await server({});
    try {
      for (let i = 0; i < 3; i++)
        expect((await local.inject({ method: 'GET', url: '/api/v1/limited' })).statusCode).toBe(200);
      expect((await local.inject({ method: 'GET', url: '/api/v1/limited' })).statusCode).toBe(429);
    } finally {
      await local.close();
    }
  });
});
