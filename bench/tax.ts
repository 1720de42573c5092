/**
 * `npm run bench:tax`: tax quotes per second, in process — through the HTTP
 * route with `inject` (schema validation, rate limiter, service, serialization)
 * and through the pure engine alone. Prints a table and saves the figures
 * under bench/results/.
 *
 * Options (environment): BENCH_DURATION (seconds per scenario, default 5),
 * BENCH_CONCURRENCY (in-flight injects, default 16), TEST_DATABASE_URL
 * (a PostgreSQL server to bench on instead of an in-memory PGlite).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decideTax } from '../src/modules/tax/domain/jurisdiction.ts';
import { type PricedItem, priceLines } from '../src/modules/tax/domain/quote.ts';
import { SEED_RATES } from '../src/modules/tax/domain/seed-rates.ts';
import { createTaxHarness } from '../src/modules/tax/test-support.ts';

const duration = Number(process.env.BENCH_DURATION ?? 5) * 1000;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const dbKind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

interface Row {
  scenario: string;
  quotesPerSecond: number;
  meanMs: number;
  p99Ms: number;
  count: number;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

function summarize(scenario: string, latencies: number[], elapsedMs: number): Row {
  const sorted = [...latencies].sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length);
  return {
    scenario,
    quotesPerSecond: Math.round((latencies.length / elapsedMs) * 1000),
    meanMs: Number(mean.toFixed(3)),
    p99Ms: Number(pct(sorted, 0.99).toFixed(3)),
    count: latencies.length,
  };
}

function benchEngine(): Row {
  const items: PricedItem[] = [
    { sku: 'TL-MAPPER-PR-A', name: 'Mapper', kind: 'license', quantity: 1, unitAmount: 99_000 },
    { sku: 'TR-FHIR101-LV-S', name: 'FHIR 101', kind: 'training', quantity: 5, unitAmount: 149_900 },
    { sku: 'CS-BLOCKS-10-B', name: 'Block', kind: 'consulting', quantity: 1, unitAmount: 250_000 },
  ];
  const customers = [
    { country: 'DE', business: false },
    { country: 'FR', business: true, vat: { id: 'FR40303265045', country: 'FR', status: 'valid' as const } },
    { country: 'CA', region: 'ON', business: false },
    { country: 'US', region: 'MA', business: true },
  ];
  const latencies: number[] = [];
  const start = performance.now();
  let i = 0;
  while (performance.now() - start < duration) {
    const t0 = performance.now();
    // A batch of 100 per timing sample: one quote is well under a microsecond of clock resolution.
    for (let k = 0; k < 100; k++, i++) {
      const decision = decideTax({
        sellerCountry: 'US',
        customer: customers[i % 4]!,
        rates: SEED_RATES,
        day: '2026-11-21',
      });
      priceLines(items, decision);
    }
    const per = (performance.now() - t0) / 100;
    for (let k = 0; k < 100; k++) latencies.push(per);
  }
  return summarize('pure engine (decide + 3 lines)', latencies, performance.now() - start);
}

async function benchRoute(name: string, body: object): Promise<Row> {
  const h = await createTaxHarness({ clockAt: '2026-11-21T10:00:00Z' });
  try {
    let n = 0;
    const send = () =>
      h.http.inject({
        method: 'POST',
        url: '/api/v1/tax/quote',
        payload: body,
        // A new address per request keeps the per-IP limiter (120/min) out of the measurement.
        remoteAddress: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n++ & 255}`,
      });
    for (let i = 0; i < 200; i++) await send(); // warm-up: JIT, rate cache, VAT record
    const latencies: number[] = [];
    const start = performance.now();
    let failed = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() - start < duration) {
          const t0 = performance.now();
          const res = await send();
          if (res.statusCode !== 200) failed++;
          latencies.push(performance.now() - t0);
        }
      }),
    );
    if (failed) throw new Error(`${name}: ${failed} quotes failed`);
    return summarize(name, latencies, performance.now() - start);
  } finally {
    await h.close();
  }
}

const items = [
  { sku: 'TL-MAPPER-PR-A', quantity: 1 },
  { sku: 'TR-FHIR101-LV-S', quantity: 5 },
  { sku: 'CS-BLOCKS-10-B', quantity: 1 },
];
const rows: Row[] = [
  benchEngine(),
  await benchRoute('inject: DE consumer (rates cached, no query)', {
    items,
    currency: 'USD',
    customer: { country: 'DE', business: false },
  }),
  await benchRoute('inject: FR business + VAT ID (reads its check)', {
    items,
    currency: 'USD',
    customer: { country: 'FR', business: true, vatId: 'FR40303265045' },
  }),
];

console.log(
  `\nTax quotes (${dbKind}, ${concurrency} in flight, ${duration / 1000} s each, Node ${process.version})\n`,
);
console.table(rows);

const stamp = new Date().toISOString().replace(/[:T]/g, '-').slice(0, 19);
const out = path.join(import.meta.dirname, 'results', `${stamp}-tax-${dbKind}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  `${JSON.stringify({ benchmark: 'tax', database: dbKind, node: process.version, cpus: os.cpus().length, concurrency, durationSeconds: duration / 1000, rows }, null, 2)}\n`,
);
console.log(`saved ${path.relative(process.cwd(), out)}`);
process.exit(0);
