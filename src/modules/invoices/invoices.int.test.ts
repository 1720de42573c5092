import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { runQueued } from '../fulfillment/test-support.ts';
import { formatDocumentNumber, INVOICE_JOBS } from './index.ts';
import { renderPdf } from './invoice-pdf.ts';
import { pdfInputOfInvoice } from './invoice-pdf-input.ts';
import { numbersOf, paidOrder, reverseChargeOrder } from './test-support.ts';

/**
 * Finalization: one invoice per paid order, numbered FHIR-YYYY-MM-NNNN in the transaction that
 * writes it — consecutive under concurrency, no number lost to a failed finalization, never two
 * invoices for one order — and never changed afterwards (the database refuses).
 */

let t: TestApp;
const USER = 'usr_invoicetest';
beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-11-10T12:00:00Z' });
}, 60_000);
afterAll(async () => t?.close());

const service = () => t.app.modules.invoices.service;
const count = async (table: string, where = sql`TRUE`) =>
  (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE ${where}`.execute(
      t.app.ctx.db,
    )
  ).rows[0]!.n;
const expected = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => formatDocumentNumber('invoice', '2026-11', from + i));

describe('numbering', () => {
  it('gives 100 concurrent finalizations the numbers 0001 to 0100 of the month, no gap, no duplicate', async () => {
    const orderIds: string[] = [];
    for (let i = 0; i < 100; i++) orderIds.push(await paidOrder(t, USER));
    const invoices = await Promise.all(orderIds.map((id) => service().finalizeForOrder(id)));
    const numbers = invoices.map((i) => i!.number).sort();
    expect(numbers).toEqual(expected(1, 100));
    expect(new Set(invoices.map((i) => i!.order_id)).size).toBe(100);
    expect(await numbersOf(t)).toEqual(expected(1, 100));
  }, 120_000);

  it('leaves no gap when a finalization fails after taking its number, and the retry takes the next one', async () => {
    const failing = await paidOrder(t, USER);
    const other = await paidOrder(t, USER);
    let taken = '';
    t.app.modules.invoices.setFaultHook(({ orderId, number }) => {
      if (orderId !== failing) return;
      taken = number;
      throw new Error('forced failure after the number was taken');
    });
    await expect(service().finalizeForOrder(failing)).rejects.toThrow(/forced failure/);
    t.app.modules.invoices.setFaultHook(undefined);
    expect(taken).toBe('FHIR-2026-11-0101');
    expect(await count('invoice', sql`order_id = ${failing}`)).toBe(0);
    // The number went back with the rollback: the next invoice gets it.
    expect((await service().finalizeForOrder(other))!.number).toBe('FHIR-2026-11-0101');
    expect((await service().finalizeForOrder(failing))!.number).toBe('FHIR-2026-11-0102');
    expect(await numbersOf(t)).toEqual(expected(1, 102));
  });

  it('restarts each month and widens beyond 9999 instead of wrapping', async () => {
    t.clock!.set(new Date('2026-12-01T00:00:05Z'));
    const december = await service().finalizeForOrder(await paidOrder(t, USER));
    expect(december!.number).toBe('FHIR-2026-12-0001');
    await sql`UPDATE invoice_counter SET last_value = 9999 WHERE series = 'invoice' AND period = '2026-12'`.execute(
      t.app.ctx.db,
    );
    expect((await service().finalizeForOrder(await paidOrder(t, USER)))!.number).toBe('FHIR-2026-12-10000');
    t.clock!.set(new Date('2026-11-20T12:00:00Z'));
  });
});

describe('one invoice per order', () => {
  it('answers a duplicate "order paid" (concurrent or redelivered) with the first invoice', async () => {
    const orderId = await paidOrder(t, USER);
    const before = await count('invoice');
    const results = await Promise.all(Array.from({ length: 5 }, () => service().finalizeForOrder(orderId)));
    expect(new Set(results.map((r) => r!.id)).size).toBe(1);
    // The event itself, delivered twice (marked paid published one job; requeue it and run again).
    await runQueued(t, INVOICE_JOBS.orderPaid);
    await sql`UPDATE pgboss.job SET state = 'created' WHERE name = ${INVOICE_JOBS.orderPaid}`.execute(
      t.app.ctx.db,
    );
    await runQueued(t, INVOICE_JOBS.orderPaid);
    expect(await count('invoice', sql`order_id = ${orderId}`)).toBe(1);
    expect(await count('invoice')).toBe(before + 1);
    // No number was burnt by the duplicates: the next invoice follows on.
    const next = await service().finalizeForOrder(await paidOrder(t, USER));
    expect(next!.seq).toBe(results[0]!.seq + 1);
    // One mail job per invoice.
    expect(
      await count('pgboss.job', sql`name = ${INVOICE_JOBS.mail} AND singleton_key = ${results[0]!.id}`),
    ).toBe(1);
  });

  it('invoices renewals and plan changes too, with their origin', async () => {
    const renewal = await service().finalizeForOrder(await paidOrder(t, USER, { origin: 'renewal' }));
    const change = await service().finalizeForOrder(await paidOrder(t, USER, { origin: 'plan_change' }));
    expect(renewal!.order_origin).toBe('renewal');
    expect(change!.order_origin).toBe('plan_change');
  });

  it('does not invoice an unpaid order', async () => {
    const orders = t.app.modules.orders.service;
    // Created but never marked paid (read outside the transaction: PGlite has one connection).
    const sample = (await orders.get(await paidOrder(t, USER)))!;
    const id = await orders.transaction(async (trx) => {
      const o = await orders.create(
        {
          userId: USER,
          idempotencyKey: 'test:unpaid',
          currency: 'EUR',
          billing: sample.row.billing,
          vatId: null,
          vatStatus: 'not_provided',
          taxDate: '2026-11-20',
          taxNotes: [],
          ip: null,
          lines: [
            {
              sku: 'TL-MAPPER-PR-A',
              name: 'FHIR Mapper Pro',
              quantity: 1,
              unitAmount: 100,
              net: 100,
              taxRate: 0,
              taxAmount: 0,
              reason: 'standard',
              taxCode: 'x',
              jurisdiction: 'DE',
            },
          ],
        },
        trx,
      );
      return o.row.id;
    });
    expect(await service().finalizeForOrder(id)).toBeUndefined();
    expect(await count('invoice', sql`order_id = ${id}`)).toBe(0);
  });
});

describe('content', () => {
  it('a domestic order: its tax lines, seller from configuration, buyer as the order has it', async () => {
    const inv = (await service().finalizeForOrder(await paidOrder(t, USER)))!;
    const view = await service().get({ userId: USER }, inv.id);
    expect(inv.reverse_charge).toBe(false);
    expect(Number(inv.tax_total)).toBe(3610);
    expect(Number(inv.gross_total)).toBe(22610);
    expect(view.lines).toMatchObject([
      {
        sku: 'TL-MAPPER-PR-A',
        quantity: 1,
        tax_rate_percent: '19',
        tax_amount: 3610,
        net: 19000,
        gross: 22610,
      },
    ]);
    expect(inv.notes.join(' ')).not.toMatch(/Reverse charge/);
    expect(inv.seller).toEqual({
      name: 'FHIR IQ',
      address: [],
      country: 'US',
      vatId: null,
      taxId: null,
      email: null,
    });
    expect(inv.buyer).toMatchObject({
      name: 'Erika Mustermann',
      email: 'erika@example.de',
      address: ['Unter den Linden 1', '10117 Berlin', 'DE'],
    });
  });

  it('a reverse-charge order: no tax, and the legal wording', async () => {
    const inv = (await service().finalizeForOrder(await reverseChargeOrder(t, USER)))!;
    expect(inv.reverse_charge).toBe(true);
    expect(Number(inv.tax_total)).toBe(0);
    expect(inv.notes[0]).toMatch(
      /^Reverse charge: VAT to be accounted for by the recipient.*Article 196.*2006\/112\/EC/,
    );
    expect(inv.buyer).toMatchObject({ organization: 'Exemple SA', vatId: 'FR40303265045' });
  });
});

describe('immutability', () => {
  it('the database refuses to change or delete a finalized invoice, its lines or its PDF', async () => {
    const inv = (await service().finalizeForOrder(await paidOrder(t, USER)))!;
    const doc = await service().invoicePdf(inv);
    // Deterministic: rendering the stored snapshot again gives the same bytes as stored.
    const again = await renderPdf(
      pdfInputOfInvoice(inv, (await service().get({ staff: true }, inv.id)).lines),
    );
    expect(again.sha256).toBe(doc.sha256);
    expect(createHash('sha256').update(doc.pdf).digest('hex')).toBe(doc.sha256);
    const db = t.app.ctx.db;
    await expect(
      sql`UPDATE invoice SET gross_total = 1, net_total = 1, tax_total = 0 WHERE id = ${inv.id}`.execute(db),
    ).rejects.toThrow(/immutable/);
    await expect(sql`UPDATE invoice SET buyer = '{}' WHERE id = ${inv.id}`.execute(db)).rejects.toThrow(
      /immutable/,
    );
    await expect(sql`DELETE FROM invoice_line WHERE invoice_id = ${inv.id}`.execute(db)).rejects.toThrow(
      /immutable/,
    );
    await expect(
      sql`UPDATE invoice_line SET description = 'x' WHERE invoice_id = ${inv.id}`.execute(db),
    ).rejects.toThrow(/immutable/);
    await expect(
      sql`UPDATE invoice_document SET pdf = '' WHERE document_id = ${inv.id}`.execute(db),
    ).rejects.toThrow(/immutable/);
    await expect(sql`DELETE FROM invoice WHERE id = ${inv.id}`.execute(db)).rejects.toThrow(/immutable/);
    const after = await service().get({ staff: true }, inv.id);
    expect(after.invoice).toEqual({ ...inv, credited: 0 });
  });
});
