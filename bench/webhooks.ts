/**
 * `npm run bench:webhooks`: signed Stripe webhook events processed per second,
 * in process through `inject` (raw-body parser, signature check, dedupe,
 * transaction), on an in-memory PGlite or PostgreSQL (TEST_DATABASE_URL).
 * Every event is distinct (its own id), except in the "duplicate" scenario.
 * Prints a table and saves the figures under bench/results/.
 *
 * Options (environment): BENCH_ORDERS (orders paid by checkout.session.completed,
 * default 300), BENCH_DURATION (seconds for the timed scenarios, default 5),
 * BENCH_CONCURRENCY (in-flight injects, default 16).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { checkoutAs, GERMAN_CONSUMER, guestWithCart } from '../src/modules/checkout/test-support.ts';
import { startFakeStripe } from '../src/modules/payments/fake-stripe.ts';
import {
  sessionCompleted,
  stripeEvent,
  TEST_STRIPE_ENV,
} from '../src/modules/payments/stripe-test-support.ts';
import { createTestApp } from '../test/support/test-app.ts';

const orders = Number(process.env.BENCH_ORDERS ?? 300);
const duration = Number(process.env.BENCH_DURATION ?? 5) * 1000;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const dbKind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

interface Row {
  scenario: string;
  eventsPerSecond: number;
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
    eventsPerSecond: Math.round((latencies.length / elapsedMs) * 1000),
    meanMs: Number(mean.toFixed(3)),
    p99Ms: Number(pct(sorted, 0.99).toFixed(3)),
    count: latencies.length,
  };
}

const fake = await startFakeStripe();
const t = await createTestApp({ env: { ...TEST_STRIPE_ENV, STRIPE_API_URL: fake.url } });
const stripe = new Stripe(TEST_STRIPE_ENV.STRIPE_SECRET_KEY);
const sign = (event: unknown) => {
  const payload = JSON.stringify(event);
  return {
    payload,
    header: stripe.webhooks.generateTestHeaderString({
      payload,
      secret: TEST_STRIPE_ENV.STRIPE_WEBHOOK_SECRET,
    }),
  };
};
const post = (s: { payload: string; header: string }) =>
  t.http.inject({
    method: 'POST',
    url: '/webhooks/stripe',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': s.header },
    payload: s.payload,
  });

/** Sends pre-signed events with `concurrency` in flight; `next` gives the next one or undefined to stop. */
async function run(name: string, next: () => { payload: string; header: string } | undefined): Promise<Row> {
  const latencies: number[] = [];
  let failed = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let s = next(); s; s = next()) {
        const t0 = performance.now();
        const res = await post(s);
        if (res.statusCode !== 200) failed++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  if (failed) throw new Error(`${name}: ${failed} events failed`);
  return summarize(name, latencies, performance.now() - start);
}

try {
  // Orders to pay (each checkout creates its Checkout Session on the local Stripe server).
  const ids: string[] = [];
  for (let i = 0; i < orders; i++) {
    const jar = await guestWithCart(t, [{ sku: 'TR-FHIR101-LV-S', quantity: 1 }]);
    ids.push((await checkoutAs(t, jar, { ...GERMAN_CONSUMER, email: `bench${i}@example.de` })).orderId);
  }
  const warm = ids.splice(0, 20);
  for (const id of warm) await post(sign(stripeEvent('checkout.session.completed', sessionCompleted(id))));

  const rows: Row[] = [];
  const paying = ids.map((id) => sign(stripeEvent('checkout.session.completed', sessionCompleted(id))));
  rows.push(
    await run(`checkout.session.completed → order paid (${paying.length} orders)`, () => paying.pop()),
  );

  let n = 0;
  const deadline = () => performance.now() + duration;
  let until = deadline();
  rows.push(
    await run('customer.subscription.updated → recorded (distinct ids)', () => {
      if (performance.now() > until) return undefined;
      const id = warm[n++ % warm.length]!;
      return sign(
        stripeEvent('customer.subscription.updated', {
          id: `sub_${id}`,
          object: 'subscription',
          customer: 'cus_bench',
          status: 'active',
          metadata: { order_id: id },
        }),
      );
    }),
  );

  const dup = sign(stripeEvent('checkout.session.completed', sessionCompleted(warm[0]!)));
  until = deadline();
  rows.push(
    await run('duplicate delivery (one event id) → deduplicated', () =>
      performance.now() > until ? undefined : dup,
    ),
  );

  until = deadline();
  rows.push(
    await run('unknown event type → ignored', () =>
      performance.now() > until
        ? undefined
        : sign(stripeEvent('customer.created', { id: 'cus_x', object: 'customer' })),
    ),
  );

  console.log(
    `\nStripe webhook events (${dbKind}, ${concurrency} in flight, Node ${process.version}; signing is done by the sender, outside the timing)\n`,
  );
  console.table(rows);
  const stamp = new Date().toISOString().replace(/[:T]/g, '-').slice(0, 19);
  const out = path.join(import.meta.dirname, 'results', `${stamp}-webhooks-${dbKind}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    `${JSON.stringify({ benchmark: 'webhooks', database: dbKind, node: process.version, cpus: os.cpus().length, concurrency, durationSeconds: duration / 1000, rows }, null, 2)}\n`,
  );
  console.log(`saved ${path.relative(process.cwd(), out)}`);
} finally {
  await t.close();
  await fake.close();
}
process.exit(0);
