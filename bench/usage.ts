/**
 * `npm run bench:usage`: usage events recorded per second through POST /api/v1/usage, in process
 * through `inject` (JSON parsing and schema validation of the batch, key lookup, one transaction:
 * events inserted once per idempotency key, totals added, answer signed), on an in-memory PGlite
 * or PostgreSQL (TEST_DATABASE_URL: a fresh database is created and dropped). Every event is
 * distinct, except in the "retry" scenario that sends batches already counted.
 * Prints a table and saves the figures under bench/results/.
 *
 * Options (environment): BENCH_DURATION (seconds per scenario, default 5), BENCH_CONCURRENCY
 * (requests in flight, default 4), BENCH_LICENSES (keys the requests rotate over, default 20).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createTestApp } from '../test/support/test-app.ts';

const duration = Number(process.env.BENCH_DURATION ?? 5) * 1000;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const licenseCount = Number(process.env.BENCH_LICENSES ?? 20);
const dbKind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

interface Row {
  scenario: string;
  eventsPerSecond: number;
  requestsPerSecond: number;
  meanMs: number;
  p99Ms: number;
  events: number;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

// Overage products with room to spare: the figures are for recording, not for refusals or mail.
const LIMITS = { recordsPerMonth: 1_000_000_000, appsPerMonth: 'unlimited', usagePolicy: 'overage' };

const t = await createTestApp();
let seq = 0;
let ip = 0;

try {
  const keys: string[] = [];
  for (let i = 0; i < licenseCount; i++) {
    const { key, license } = await t.app.modules.licensing.licenses.issue({
      sku: 'TL-MAPPER-ST-A',
      email: `bench${i}@example.org`,
      source: 'staff',
      sourceRef: `bench:${i}`,
    });
    await sql`UPDATE license SET limits = ${JSON.stringify(LIMITS)}::jsonb WHERE id = ${license.id}`.execute(
      t.app.ctx.db,
    );
    keys.push(key);
  }
  const batchOf = (size: number) =>
    Array.from({ length: size }, (_, i) => ({
      meter: i % 10 ? 'records' : 'apps',
      quantity: 1 + (i % 7),
      idempotencyKey: `bench-${++seq}`.padEnd(8, '0'),
    }));
  const post = (payload: string) =>
    t.http.inject({
      method: 'POST',
      url: '/api/v1/usage',
      headers: { 'content-type': 'application/json' },
      payload,
      // Spread over addresses and keys like a fleet of installations (per-IP and per-key limits).
      remoteAddress: `10.${(++ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`,
    });

  /** Sends requests with `concurrency` in flight for `duration`; `next` builds the next body (outside the timing). */
  async function run(name: string, next: () => { payload: string; events: number }): Promise<Row> {
    const latencies: number[] = [];
    let events = 0;
    let failed = 0;
    const start = performance.now();
    const until = start + duration;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          const body = next();
          const t0 = performance.now();
          const res = await post(body.payload);
          latencies.push(performance.now() - t0);
          if (res.statusCode !== 200) {
            failed++;
            if (failed === 1) console.error(name, res.statusCode, res.body.slice(0, 300));
          } else events += body.events;
        }
      }),
    );
    const elapsed = performance.now() - start;
    if (failed) throw new Error(`${name}: ${failed} requests failed`);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      scenario: name,
      eventsPerSecond: Math.round((events / elapsed) * 1000),
      requestsPerSecond: Math.round((latencies.length / elapsed) * 1000),
      meanMs: Number((latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)).toFixed(3)),
      p99Ms: Number(pct(sorted, 0.99).toFixed(3)),
      events,
    };
  }

  let k = 0;
  const nextKey = () => keys[k++ % keys.length]!;
  const batch = (size: number) => () => {
    const events = batchOf(size);
    return { payload: JSON.stringify({ key: nextKey(), events }), events: events.length };
  };
  // Warm-up (JIT, prepared plans, the signing key cache), not reported.
  for (let i = 0; i < 20; i++) await post(batch(100)().payload);

  const rows: Row[] = [];
  rows.push(await run('batches of 1,000 distinct events', batch(1000)));
  rows.push(await run('batches of 100 distinct events', batch(100)));
  rows.push(
    await run('single events, one per request', () => {
      const [e] = batchOf(1);
      return { payload: JSON.stringify({ key: nextKey(), ...e }), events: 1 };
    }),
  );
  // Retries: the same 1,000-event batches again (all duplicates, nothing added).
  const retries = Array.from({ length: keys.length }, () =>
    JSON.stringify({ key: nextKey(), events: batchOf(1000) }),
  );
  for (const payload of retries) await post(payload);
  let r = 0;
  rows.push(
    await run('retried batches of 1,000 (all duplicates)', () => ({
      payload: retries[r++ % retries.length]!,
      events: 1000,
    })),
  );

  const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM license_usage_event`.execute(
    t.app.ctx.db,
  );
  console.log(
    `\nUsage events through POST /api/v1/usage (${dbKind}, ${concurrency} requests in flight, ${keys.length} keys, Node ${process.version}, ${os.cpus().length} CPUs; ${stored.rows[0]!.n} events stored)\n`,
  );
  console.table(rows);
  const stamp = new Date().toISOString().replace(/[:T]/g, '-').slice(0, 19);
  const out = path.join(import.meta.dirname, 'results', `${stamp}-usage-${dbKind}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    `${JSON.stringify({ benchmark: 'usage', database: dbKind, node: process.version, cpus: os.cpus().length, concurrency, licenses: keys.length, durationSeconds: duration / 1000, rows }, null, 2)}\n`,
  );
  console.log(`saved ${path.relative(process.cwd(), out)}`);
} finally {
  await t.close();
}
process.exit(0);
