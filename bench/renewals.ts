/**
 * `npm run bench:renewals`: subscriptions renewed per second by the sweep (the
 * built-in provider's renewal run: tax quote at the renewal date, renewal
 * order and payment, off-session charge of the saved card, period advanced,
 * history and `subscriptions.changed`), and failed renewals per second (the
 * dunning path: past due, retry plan, customer mail).
 *
 * Options (environment): BENCH_SUBSCRIPTIONS (per scenario, default 300),
 * TEST_DATABASE_URL (a PostgreSQL server instead of an in-memory PGlite).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { newId } from '../src/platform/ids.ts';
import { createTestApp, type TestApp } from '../test/support/test-app.ts';

const n = Number(process.env.BENCH_SUBSCRIPTIONS ?? 300);
const dbKind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

const BILLING = {
  name: 'Erika Mustermann',
  organization: null,
  email: 'erika@example.de',
  line1: 'Unter den Linden 1',
  line2: null,
  city: 'Berlin',
  postalCode: '10117',
  country: 'DE',
  region: null,
  vatId: null,
  business: false,
};

/** N subscriptions due on 1 February, each with its saved card (failing ones: Stripe's 0341). */
async function seed(t: TestApp, count: number, failing: boolean): Promise<void> {
  const db = t.app.ctx.db;
  const at = new Date('2026-01-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const pm = newId('pm', t.app.ctx.clock);
    const user = `usr_bench_${failing ? 'f' : 'ok'}_${i}`;
    await sql`INSERT INTO payment_method (id, user_id, provider, card_brand, card_last4, exp_month, exp_year,
        fails_on_renewal, created_at)
      VALUES (${pm}, ${user}, 'test', 'visa', ${failing ? '0341' : '4242'}, 12, 2034, ${failing}, ${at})`.execute(
      db,
    );
    await sql`INSERT INTO subscription (id, user_id, origin_order_id, origin_line, sku, name, price_id, unit_amount,
        quantity, currency, interval, status, provider, payment_method_id, billing, anchor_at, period_index,
        current_period_start, current_period_end, created_at, updated_at)
      VALUES (${newId('sub', t.app.ctx.clock)}, ${user}, ${`ord_bench_${failing ? 'f' : 'ok'}_${i}`}, 1,
        'TL-MAPPER-PR-M', 'Mapper to FHIR Professional (monthly)', null, 9900, 1, 'USD', 'month', 'active', 'test',
        ${pm}, ${JSON.stringify(BILLING)}, ${at}, 0, ${at}, ${new Date('2026-02-01T00:00:00Z')}, ${at}, ${at})`.execute(
      db,
    );
  }
}

interface Row {
  scenario: string;
  subscriptions: number;
  outcome: string;
  seconds: number;
  perSecond: number;
}

async function scenario(name: string, failing: boolean): Promise<Row> {
  const t = await createTestApp({ clockAt: '2026-01-15T00:00:00Z' });
  try {
    await seed(t, n, failing);
    t.clock!.set('2026-02-01T00:10:00Z');
    const start = performance.now();
    const counts = await t.app.modules.subscriptions.service.sweep(n);
    const seconds = (performance.now() - start) / 1000;
    const done = failing ? counts.failed : counts.renewed;
    if (done !== n) throw new Error(`${name}: ${JSON.stringify(counts)}`);
    return {
      scenario: name,
      subscriptions: n,
      outcome: JSON.stringify(counts),
      seconds: Number(seconds.toFixed(2)),
      perSecond: Math.round(n / seconds),
    };
  } finally {
    await t.close();
  }
}

const rows = [
  await scenario('renewal charged and applied', false),
  await scenario('renewal declined → past due, mail', true),
];
console.log(`\nSubscription sweep (${dbKind}, one process, Node ${process.version})\n`);
console.table(rows);

const stamp = new Date().toISOString().replace(/[:T]/g, '-').slice(0, 19);
const out = path.join(import.meta.dirname, 'results', `${stamp}-renewals-${dbKind}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  `${JSON.stringify({ benchmark: 'renewals', database: dbKind, node: process.version, cpus: os.cpus().length, rows }, null, 2)}\n`,
);
console.log(`saved ${path.relative(process.cwd(), out)}`);
process.exit(0);
