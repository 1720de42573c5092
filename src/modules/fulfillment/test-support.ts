import { sql } from 'kysely';
import { expect } from 'vitest';
import type { TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar } from '../accounts/test-support.ts';
import { checkoutAs, GERMAN_CONSUMER, payWithCard } from '../checkout/test-support.ts';
import { FULFILLMENT_JOBS } from './index.ts';

/** Helpers for fulfillment's integration tests: paid orders, queued events run like the worker would. */

/** Adds the items to the jar's cart, checks out (billed to `email`) and pays with the card; returns the order id. */
export async function buy(
  t: TestApp,
  jar: CookieJar,
  email: string,
  items: { sku: string; quantity: number }[],
  options: { card?: string } = {},
): Promise<string> {
  for (const body of items) {
    const r = await api(t, 'POST', '/api/v1/cart/items', { jar, body });
    expect(r.statusCode, r.body).toBe(200);
  }
  const order = await checkoutAs(t, jar, { ...GERMAN_CONSUMER, email });
  const paid = await payWithCard(t, jar, order.payUrl, options.card ?? '4242424242424242');
  expect(paid.statusCode).toBe(303);
  return order.orderId;
}

/**
 * Runs the queued jobs of a queue as the worker would (each once, oldest first) and marks them
 * completed; returns how many ran. `retryCount` pretends to be that attempt.
 */
export async function runQueued(t: TestApp, queue: string, retryCount = 0): Promise<number> {
  const def = t.app.ctx.jobs.definitions.find((d) => d.name === queue);
  if (!def) throw new Error(`no job ${queue}`);
  let ran = 0;
  for (;;) {
    const jobs = (
      await sql<{ id: string; data: object }>`
        SELECT id::text AS id, data FROM pgboss.job
        WHERE name = ${queue} AND state = 'created' ORDER BY created_on, id LIMIT 50`.execute(t.app.ctx.db)
    ).rows;
    if (!jobs.length) return ran;
    for (const job of jobs) {
      await sql`UPDATE pgboss.job SET state = 'completed' WHERE id = ${job.id}::uuid`.execute(t.app.ctx.db);
      await def.handler(job.data, { id: job.id, retryCount });
      ran++;
    }
  }
}

/** Everything an order needs after it is paid: its subscriptions, then its fulfillment. */
export async function afterPayment(t: TestApp): Promise<void> {
  await runQueued(t, 'orders.paid-subscriptions');
  await runQueued(t, FULFILLMENT_JOBS.orderPaid);
  await runQueued(t, FULFILLMENT_JOBS.subscriptionChanged);
}

/** Rows of a table for an order, counted. */
export async function countOf(
  t: TestApp,
  table: 'license' | 'training_enrollment' | 'consulting_allocation',
  where: { sourceRefPrefix: string },
): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE source_ref LIKE ${`${where.sourceRefPrefix}%`}`.execute(
    t.app.ctx.db,
  );
  return r.rows[0]!.n;
}

export const mailsWith = async (t: TestApp, template: string): Promise<{ to: string; text: string }[]> =>
  (
    await sql<{ to: string; text: string }>`
      SELECT to_address AS to, text_body AS text FROM mail_message WHERE template = ${template} ORDER BY created_at`.execute(
      t.app.ctx.db,
    )
  ).rows;
