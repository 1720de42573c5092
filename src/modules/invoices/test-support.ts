import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { TestApp } from '../../../test/support/test-app.ts';
import type { BillingDetails, NewOrderLine, OrderOrigin } from '../orders/index.ts';
import { REVERSE_CHARGE_MENTION } from '../tax/index.ts';

/** Helpers for the invoices module's integration tests: paid orders made through the orders service, PDF text. */

export const DE_BILLING: BillingDetails = {
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

/** A German consumer's line: 190.00 EUR + 19 % VAT. */
export const DOMESTIC_LINE: NewOrderLine = {
  sku: 'TL-MAPPER-PR-A',
  name: 'FHIR Mapper Pro (annual)',
  quantity: 1,
  unitAmount: 19000,
  net: 19000,
  taxRate: 1900,
  taxAmount: 3610,
  jurisdiction: 'DE',
  reason: 'standard',
  taxCode: 'txcd_10103001',
  taxRatePercent: '19',
  components: [{ kind: 'vat', jurisdiction: 'DE', label: 'VAT', ratePercent: '19', amount: 3610 }],
};

/**
 * Creates an order through the orders service and marks it paid (which publishes "order paid"
 * in the same transaction, as payments do). Returns the order id.
 */
export async function paidOrder(
  t: TestApp,
  userId: string,
  options: {
    billing?: BillingDetails;
    lines?: NewOrderLine[];
    origin?: OrderOrigin;
    vatId?: string | null;
    taxNotes?: string[];
  } = {},
): Promise<string> {
  const orders = t.app.modules.orders.service;
  return orders.transaction(async (trx) => {
    const order = await orders.create(
      {
        userId,
        idempotencyKey: `test:${randomUUID()}`,
        currency: 'EUR',
        billing: options.billing ?? DE_BILLING,
        vatId: options.vatId ?? null,
        vatStatus: options.vatId ? 'valid' : 'not_provided',
        taxDate: t.app.ctx.clock.now().toISOString().slice(0, 10),
        taxNotes: options.taxNotes ?? [],
        ip: null,
        lines: options.lines ?? [DOMESTIC_LINE],
        origin: options.origin ?? 'checkout',
      },
      trx,
    );
    await orders.markPaid(order.row.id, trx);
    return order.row.id;
  });
}

/** A French business with a valid VAT ID, reverse-charged (the seller is outside the EU). */
export async function reverseChargeOrder(t: TestApp, userId: string): Promise<string> {
  return paidOrder(t, userId, {
    billing: {
      ...DE_BILLING,
      name: 'Jean Dupont',
      organization: 'Exemple SA',
      email: 'jean@example.fr',
      line1: '1 rue de Rivoli',
      city: 'Paris',
      postalCode: '75001',
      country: 'FR',
      vatId: 'FR40303265045',
      business: true,
    },
    vatId: 'FR40303265045',
    taxNotes: [REVERSE_CHARGE_MENTION, 'Customer VAT ID: FR40303265045.'],
    lines: [
      {
        ...DOMESTIC_LINE,
        taxRate: 0,
        taxAmount: 0,
        jurisdiction: 'FR',
        reason: 'reverse_charge',
        taxRatePercent: '0',
        components: [],
      },
    ],
  });
}

/** The text of a PDF (poppler's pdftotext, layout kept). */
export function pdfText(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhiriq-pdf-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    fs.writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Page 1 of a PDF as a PNG at `target` (for a person to look at); returns the PNG's size. */
export function renderFirstPage(pdf: Buffer, target: string): number {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhiriq-pdf-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    fs.writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', file, target.replace(/\.png$/, '')]);
    return fs.statSync(target).size;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const userIdOf = async (t: TestApp, email: string): Promise<string> =>
  (await sql<{ id: string }>`SELECT id FROM auth_user WHERE email = ${email}`.execute(t.app.ctx.db)).rows[0]!
    .id;

export const numbersOf = async (t: TestApp): Promise<string[]> =>
  (
    await sql<{ number: string }>`SELECT number FROM invoice ORDER BY period, seq`.execute(t.app.ctx.db)
  ).rows.map((r) => r.number);
