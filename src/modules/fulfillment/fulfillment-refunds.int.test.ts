import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, signedInUser } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import { FULFILLMENT_JOBS } from './index.ts';
import { afterPayment, buy, runQueued } from './test-support.ts';

/**
 * Refunds take back what they paid for: a full refund of a line revokes its license and
 * enrollment and cancels its unused consulting hours; a partial refund of a seat license takes
 * off the whole seats it paid for (cumulative, never below one while something is unrefunded).
 */

let t: TestApp;
let jars: Record<Who, CookieJar>;
beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
  jars = await staffJars(t, 'refund');
}, 60_000);
afterAll(async () => t?.close());

async function refund(orderId: string, amount: number): Promise<string> {
  const r = await api(t, 'POST', `/api/v1/admin/orders/${orderId}/refunds`, {
    jar: jars.admin,
    body: { amount, reason: 'customer asked' },
    headers: { 'idempotency-key': `test-${randomUUID()}` },
  });
  expect(r.statusCode, r.body).toBe(201);
  expect(r.json().status).toBe('succeeded');
  return r.json().id;
}

const gross = async (orderId: string) =>
  Number(
    (
      await sql<{ g: number }>`SELECT gross_total AS g FROM sales_order WHERE id = ${orderId}`.execute(
        t.app.ctx.db,
      )
    ).rows[0]!.g,
  );
const licenseOf = async (orderId: string) =>
  (
    await sql<{ id: string; seats: number; status: string; status_reason: string | null }>`
      SELECT l.id, l.seats, l.status, l.status_reason FROM license l
      JOIN fulfillment_step s ON s.key = l.source_ref WHERE s.order_id = ${orderId}`.execute(t.app.ctx.db)
  ).rows[0]!;

describe('a partial refund of a seat license', () => {
  it('takes off the whole seats refunded, cumulatively, and revokes when the line is refunded in full', async () => {
    const jar = await signedInUser(t, 'seats@example.de');
    // Professional, 5 seats at 99 EUR + 19 % VAT = 117.81 EUR each: 589.05 EUR.
    const orderId = await buy(t, jar, 'seats@example.de', [{ sku: 'TL-MAPPER-PR-M', quantity: 5 }]);
    await afterPayment(t);
    const total = await gross(orderId);
    expect(total).toBe(5 * 11781);
    expect(await licenseOf(orderId)).toMatchObject({ seats: 5, status: 'ACTIVE' });

    // A cent less than two seats' worth (2/5 of 589.05 is 235.62): one seat fewer.
    await refund(orderId, 23561);
    await runQueued(t, FULFILLMENT_JOBS.orderRefunded);
    expect(await licenseOf(orderId)).toMatchObject({ seats: 4, status: 'ACTIVE' });
    // Two cents more: cumulative 235.63 is just over two seats' worth.
    await refund(orderId, 2);
    await runQueued(t, FULFILLMENT_JOBS.orderRefunded);
    expect(await licenseOf(orderId)).toMatchObject({ seats: 3, status: 'ACTIVE' });
    // Less than a seat's worth more: cumulative 353.44 is 3.0001 seats' worth.
    await refund(orderId, 11781);
    await runQueued(t, FULFILLMENT_JOBS.orderRefunded);
    expect(await licenseOf(orderId)).toMatchObject({ seats: 2 });
    // The same refunds delivered again: nothing more.
    await sql`UPDATE pgboss.job SET state = 'created' WHERE name = ${FULFILLMENT_JOBS.orderRefunded}`.execute(
      t.app.ctx.db,
    );
    await runQueued(t, FULFILLMENT_JOBS.orderRefunded);
    expect(await licenseOf(orderId)).toMatchObject({ seats: 2 });
    // The rest: revoked (final).
    await refund(orderId, total - 23561 - 2 - 11781);
    await runQueued(t, FULFILLMENT_JOBS.orderRefunded);
    expect(await licenseOf(orderId)).toMatchObject({ status: 'REVOKED', status_reason: 'refund' });
    const key = t.app.modules.licensing.licenses.keyOf(
      (await t.app.modules.licensing.licenses.get((await licenseOf(orderId)).id))!,
    );
    expect((await t.app.modules.licensing.licenses.validate(key, {}, { ip: null })).result.code).toBe(
      'REVOKED',
    );
  });
});

describe('a full refund', () => {
  it('revokes the license and the enrollment and cancels the unused consulting hours', async () => {
    const jar = await signedInUser(t, 'full@example.de');
    const orderId = await buy(t, jar, 'full@example.de', [
      { sku: 'TL-BUILDER-IN-M', quantity: 1 },
      { sku: 'TR-FHIR101-LV-S', quantity: 3 },
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
    ]);
    await afterPayment(t);
    const [allocation] = await t.app.modules.fulfillment.consulting.listForUser(
      (await t.app.modules.orders.service.get(orderId))!.row.user_id,
    );
    const entry = await api(t, 'POST', `/api/v1/admin/consulting/${allocation!.allocation.id}/entries`, {
      jar: jars.admin,
      body: { date: '2026-03-10', hours: 2.5, note: 'Kick-off workshop' },
    });
    expect(entry.statusCode, entry.body).toBe(201);

    await refund(orderId, await gross(orderId));
    await runQueued(t, FULFILLMENT_JOBS.orderRefunded);
    expect(await licenseOf(orderId)).toMatchObject({ status: 'REVOKED' });
    const enrollment = (
      await t.app.modules.fulfillment.training.listForUser(allocation!.allocation.user_id)
    )[0]!;
    expect(enrollment).toMatchObject({ status: 'revoked', status_reason: 'refund', seats: 3 });
    const after = await api(t, 'GET', '/api/v1/account/consulting', { jar });
    expect(after.json().items[0]).toMatchObject({
      status: 'canceled',
      hoursUsed: 2.5,
      hoursCanceled: 7.5,
      hoursRemaining: 0,
    });
    // Nothing more can be booked on it.
    const late = await api(t, 'POST', `/api/v1/admin/consulting/${allocation!.allocation.id}/entries`, {
      jar: jars.admin,
      body: { date: '2026-03-10', hours: 0.5, note: 'Follow-up' },
    });
    expect([late.statusCode, late.json().error.code]).toEqual([409, 'ALLOCATION_EXPIRED']);
  });

  it('of part of an order spreads over its lines: whole seats and whole hours come off', async () => {
    const jar = await signedInUser(t, 'part@example.de');
    const orderId = await buy(t, jar, 'part@example.de', [
      { sku: 'TR-FHIR101-LV-S', quantity: 4 },
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
    ]);
    await afterPayment(t);
    // Half the order: each line gives back half its gross (largest remainder).
    await refund(orderId, Math.floor((await gross(orderId)) / 2));
    await runQueued(t, FULFILLMENT_JOBS.orderRefunded);
    const userId = (await t.app.modules.orders.service.get(orderId))!.row.user_id;
    expect((await t.app.modules.fulfillment.training.listForUser(userId))[0]).toMatchObject({
      status: 'active',
      seats: 2,
    });
    const [a] = await t.app.modules.fulfillment.consulting.listForUser(userId);
    expect(a!.allocation).toMatchObject({ status: 'active', minutes_canceled: 300 });
  });
});
