import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { CookieJar, nextIp } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import { afterPayment, buy } from '../fulfillment/test-support.ts';

/**
 * The staff dashboard: today's paid orders and revenue by currency, failed payments, and the
 * orders whose fulfillment waits for a person, read from the business modules.
 */

let t: TestApp;
let jars: Record<Who, CookieJar>;

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-11-20T09:00:00Z' });
  jars = await staffJars(t, 'dash');
});
afterAll(async () => t?.close());

const page = (jar: CookieJar) =>
  t.http.inject({
    method: 'GET',
    url: '/admin',
    headers: { accept: 'text/html', cookie: jar.header() },
    remoteAddress: nextIp(),
  });

describe('GET /admin', () => {
  it('is for staff with admin.access only', async () => {
    expect((await page(jars.anonymous)).statusCode).toBe(303);
    expect((await page(jars.customer)).statusCode).toBe(403);
    expect((await page(jars.admin)).statusCode).toBe(200);
  });

  it("shows today's paid orders and revenue, failed payments and orders needing attention", async () => {
    const before = await page(jars.admin);
    expect(before.body).toContain('No paid orders.');
    expect(before.body).toContain('No order is waiting for a person.');

    // Yesterday's order counts in the week, not today.
    t.clock!.set('2026-11-19T15:00:00Z');
    const yesterday = await buy(t, new CookieJar(), 'yesterday@hospital.org', [
      { sku: 'TL-MAPPER-PR-A', quantity: 1 },
    ]);
    t.clock!.set('2026-11-20T10:00:00Z');
    const first = await buy(t, new CookieJar(), 'first@hospital.org', [
      { sku: 'TL-MAPPER-PR-A', quantity: 1 },
    ]);
    const second = await buy(t, new CookieJar(), 'second@hospital.org', [
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
    ]);
    // A declined card leaves an unpaid order with its error.
    await buy(t, new CookieJar(), 'declined@hospital.org', [{ sku: 'TL-MAPPER-PR-A', quantity: 1 }], {
      card: '4000000000000002',
    }).catch(() => undefined);
    await afterPayment(t);
    // One order's fulfillment is stopped for a person.
    await sql`UPDATE fulfillment SET status = 'needs_attention', failed_step = 'license', attention_at = now()
      WHERE order_id = ${second}`.execute(t.app.ctx.db);

    const totals = (
      await sql<{ id: string; number: string; gross_total: number; currency: string }>`
        SELECT id, number, gross_total, currency FROM sales_order WHERE id IN (${first}, ${second}, ${yesterday})`.execute(
        t.app.ctx.db,
      )
    ).rows;
    const gross = (id: string) => totals.find((o) => o.id === id)!.gross_total;
    const fmt = (minor: number) =>
      new Intl.NumberFormat('en-US', { style: 'currency', currency: totals[0]!.currency }).format(
        minor / 100,
      );

    const body = (await page(jars.admin)).body;
    const today = body.slice(body.indexOf('id="today"'), body.indexOf('id="week"'));
    expect(today).toContain('2026-11-20');
    expect(today).toContain(`<td>2</td><td>${fmt(gross(first) + gross(second))}</td>`);
    const week = body.slice(body.indexOf('id="week"'), body.indexOf('id="attention"'));
    expect(week).toContain(`<td>3</td><td>${fmt(gross(first) + gross(second) + gross(yesterday))}</td>`);
    const attention = body.slice(body.indexOf('id="attention"'), body.indexOf('id="failed"'));
    expect(attention).toContain(totals.find((o) => o.id === second)!.number);
    expect(attention).not.toContain(totals.find((o) => o.id === first)!.number);
    const failed = body.slice(body.indexOf('id="failed"'), body.indexOf('id="ops"'));
    expect(failed).toContain('1 unpaid order with a failed payment');
    expect(failed).toContain('declined@hospital.org');
  });
});
