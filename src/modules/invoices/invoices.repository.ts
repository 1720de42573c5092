import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Executor } from '../../platform/db/transaction.ts';
import type { InvoiceStatus } from './domain/document.ts';
import type {
  CreditNoteLineRow,
  CreditNoteRow,
  DocumentRow,
  InvoiceLineRow,
  InvoiceRow,
  InvoicesDb,
} from './invoices.tables.ts';

/**
 * SQL for the invoices module's tables only. Every read a customer makes goes through a `Scope`:
 * the buyer's user id, and the organizations whose invoices the customer sees (owners, admins,
 * billing members), are part of the query itself, so anyone else's invoice is simply not found.
 * Staff reads pass `STAFF` explicitly.
 */

type Db = Executor<InvoicesDb>;

export type Scope = { userId: string; orgIds?: readonly string[] } | { staff: true };
export const STAFF: Scope = { staff: true };

type Owned = 'invoice' | 'credit_note';

/** The customer filter of a scope on a table with `user_id` and `organization_id`; null for staff. */
function scopeFilter<T extends Owned>(scope: Scope, table: T) {
  if (!('userId' in scope)) return null;
  const orgIds = [...(scope.orgIds ?? [])];
  return (eb: ExpressionBuilder<InvoicesDb, T>) =>
    eb.or([
      eb(sql.ref(`${table}.user_id`), '=', scope.userId),
      ...(orgIds.length ? [eb(sql.ref(`${table}.organization_id`), 'in', orgIds)] : []),
    ]);
}

/** An invoice with what its credit notes took back (gross, minor units). */
export type InvoiceWithCredits = InvoiceRow & { credited: number };

/**
 * Takes the next number of a series' month: the counter row is created or incremented and stays
 * locked until the caller's transaction ends, so concurrent finalizations queue here, and a
 * rollback returns the number (no gap).
 */
export async function takeNumber(
  trx: Db,
  series: 'invoice' | 'credit_note',
  period: string,
): Promise<number> {
  const r = await sql<{ last_value: number }>`
    INSERT INTO invoice_counter (series, period, last_value) VALUES (${series}, ${period}, 1)
    ON CONFLICT (series, period) DO UPDATE SET last_value = invoice_counter.last_value + 1
    RETURNING last_value`.execute(trx);
  return Number(r.rows[0]!.last_value);
}

/** Inserts the invoice and its lines; false (nothing written) when the order already has one. */
export async function insertInvoice(trx: Db, row: InvoiceRow, lines: InvoiceLineRow[]): Promise<boolean> {
  const r = await trx
    .insertInto('invoice')
    .values({
      ...row,
      seller: JSON.stringify(row.seller),
      buyer: JSON.stringify(row.buyer),
      notes: JSON.stringify(row.notes),
    } as never)
    .onConflict((oc) => oc.column('order_id').doNothing())
    .executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows) !== 1) return false;
  if (lines.length)
    await trx
      .insertInto('invoice_line')
      .values(lines.map((l) => ({ ...l, tax_components: JSON.stringify(l.tax_components) })) as never)
      .execute();
  return true;
}

const credited = sql<number>`(SELECT coalesce(sum(cn.gross_total), 0) FROM credit_note cn WHERE cn.invoice_id = invoice.id)`;

function invoices(db: Db, scope: Scope) {
  const filter = scopeFilter(scope, 'invoice');
  const q = db.selectFrom('invoice').selectAll('invoice').select(credited.as('credited'));
  return filter ? q.where(filter) : q;
}

const withCredits = (r: InvoiceRow & { credited: number | string }): InvoiceWithCredits => ({
  ...r,
  credited: Number(r.credited),
});

export async function invoiceOfOrder(db: Db, orderId: string): Promise<InvoiceWithCredits | undefined> {
  const r = await invoices(db, STAFF).where('invoice.order_id', '=', orderId).executeTakeFirst();
  return r && withCredits(r);
}

export async function findInvoice(db: Db, id: string, scope: Scope): Promise<InvoiceWithCredits | undefined> {
  const r = await invoices(db, scope).where('invoice.id', '=', id).executeTakeFirst();
  return r && withCredits(r);
}

export async function linesOf(db: Db, invoiceId: string): Promise<InvoiceLineRow[]> {
  return db
    .selectFrom('invoice_line')
    .selectAll()
    .where('invoice_id', '=', invoiceId)
    .orderBy('position')
    .execute();
}

/** The status as SQL, the same rule as domain/document.ts `invoiceStatus`. */
function statusIs(status: InvoiceStatus): Expression<SqlBool> {
  const paid = sql`(invoice.gross_total - invoice.credit_applied)`;
  if (status === 'paid') return sql<SqlBool>`${credited} = 0`;
  if (status === 'credited') return sql<SqlBool>`${credited} > 0 AND ${credited} >= ${paid}`;
  return sql<SqlBool>`${credited} > 0 AND ${credited} < ${paid}`;
}

/** A customer's invoices, newest first, by issue year and status. */
export async function listInvoices(
  db: Db,
  scope: Scope,
  filter: {
    year?: number | undefined;
    month?: string | undefined;
    status?: InvoiceStatus | undefined;
    q?: string | undefined;
    limit: number;
    offset: number;
  },
): Promise<InvoiceWithCredits[]> {
  let q = invoices(db, scope);
  if (filter.year) q = q.where('invoice.period', 'like', `${filter.year}-%`);
  if (filter.month) q = q.where('invoice.period', '=', filter.month);
  if (filter.status) q = q.where(statusIs(filter.status));
  if (filter.q) {
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['invoice.number']), 'like', like),
        eb(eb.fn('lower', ['invoice.order_number']), 'like', like),
        eb(sql<string>`lower(invoice.buyer->>'email')`, 'like', like),
        // A credit note's number finds its invoice.
        sql<SqlBool>`EXISTS (SELECT 1 FROM credit_note cn WHERE cn.invoice_id = invoice.id AND lower(cn.number) LIKE ${like})`,
      ]),
    );
  }
  const rows = await q
    .orderBy('invoice.issued_at', 'desc')
    .orderBy('invoice.seq', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return rows.map(withCredits);
}

/** The issue years of a customer's invoices (the year filter's choices). */
export async function yearsOf(db: Db, scope: Scope): Promise<number[]> {
  const filter = scopeFilter(scope, 'invoice');
  const q = db.selectFrom('invoice').select(sql<string>`substr(invoice.period, 1, 4)`.as('year')).distinct();
  const rows = await (filter ? q.where(filter) : q).execute();
  return rows.map((r) => Number(r.year)).sort((a, b) => b - a);
}

/** Inserts a credit note and its lines; false when the refund already has one. */
export async function insertCreditNote(
  trx: Db,
  row: CreditNoteRow,
  lines: CreditNoteLineRow[],
): Promise<boolean> {
  const r = await trx
    .insertInto('credit_note')
    .values(row)
    .onConflict((oc) => oc.column('refund_id').doNothing())
    .executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows) !== 1) return false;
  if (lines.length) await trx.insertInto('credit_note_line').values(lines).execute();
  return true;
}

export async function creditNoteOfRefund(db: Db, refundId: string): Promise<CreditNoteRow | undefined> {
  return db.selectFrom('credit_note').selectAll().where('refund_id', '=', refundId).executeTakeFirst();
}

export async function creditNotesOf(db: Db, invoiceIds: readonly string[]): Promise<CreditNoteRow[]> {
  if (!invoiceIds.length) return [];
  return db
    .selectFrom('credit_note')
    .selectAll()
    .where('invoice_id', 'in', invoiceIds)
    .orderBy('issued_at')
    .orderBy('seq')
    .execute();
}

export async function findCreditNote(db: Db, id: string, scope: Scope): Promise<CreditNoteRow | undefined> {
  const filter = scopeFilter(scope, 'credit_note');
  const q = db.selectFrom('credit_note').selectAll().where('credit_note.id', '=', id);
  return (filter ? q.where(filter) : q).executeTakeFirst();
}

export async function creditLinesOf(db: Db, creditNoteId: string): Promise<CreditNoteLineRow[]> {
  return db
    .selectFrom('credit_note_line')
    .selectAll()
    .where('credit_note_id', '=', creditNoteId)
    .orderBy('position')
    .execute();
}

export async function findDocument(db: Db, documentId: string): Promise<DocumentRow | undefined> {
  const r = await db
    .selectFrom('invoice_document')
    .selectAll()
    .where('document_id', '=', documentId)
    .executeTakeFirst();
  return r && { ...r, pdf: Buffer.from(r.pdf) };
}

/** Stores a document's PDF once (a concurrent first download stores the same bytes: the first wins). */
export async function insertDocument(db: Db, row: DocumentRow): Promise<void> {
  await db
    .insertInto('invoice_document')
    .values(row)
    .onConflict((oc) => oc.column('document_id').doNothing())
    .execute();
}

/** Claims the invoice mail: true exactly once per invoice. */
export async function claimMail(trx: Db, invoiceId: string, messageId: string, at: Date): Promise<boolean> {
  const r = await trx
    .insertInto('invoice_mail')
    .values({ invoice_id: invoiceId, message_id: messageId, mailed_at: at })
    .onConflict((oc) => oc.column('invoice_id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows) === 1;
}

export async function mailOf(
  db: Db,
  invoiceId: string,
): Promise<{ message_id: string; mailed_at: Date } | undefined> {
  return db
    .selectFrom('invoice_mail')
    .select(['message_id', 'mailed_at'])
    .where('invoice_id', '=', invoiceId)
    .executeTakeFirst();
}

/** Claims a credit note's mail: true exactly once per credit note. */
export async function claimCreditNoteMail(
  trx: Db,
  creditNoteId: string,
  messageId: string,
  at: Date,
): Promise<boolean> {
  const r = await trx
    .insertInto('credit_note_mail')
    .values({ credit_note_id: creditNoteId, message_id: messageId, mailed_at: at })
    .onConflict((oc) => oc.column('credit_note_id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows) === 1;
}

export async function creditNoteMailsOf(
  db: Db,
  creditNoteIds: readonly string[],
): Promise<{ credit_note_id: string; message_id: string; mailed_at: Date }[]> {
  if (!creditNoteIds.length) return [];
  return db.selectFrom('credit_note_mail').selectAll().where('credit_note_id', 'in', creditNoteIds).execute();
}
