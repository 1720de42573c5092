import { sql } from 'kysely';
import type { Executor } from '../../platform/db/transaction.ts';
import type { TicketStatus } from './domain/ticket.ts';
import type { AttachmentRow, MessageRow, NewMessage, SupportDb, TicketRow } from './support.tables.ts';

/**
 * SQL for the support tables. Every customer read takes the caller's scope and filters by it in
 * the query itself: a ticket outside it is simply not found (404), never "forbidden".
 */

type Db = Executor<SupportDb>;

/** Whose tickets a customer sees: their own, and those filed for an organization they belong to. */
export interface CustomerScope {
  userId: string;
  orgIds: readonly string[];
}

export async function insertTicket(db: Db, row: TicketRow): Promise<void> {
  await db.insertInto('support_ticket').values(row).execute();
}

export async function insertMessage(db: Db, row: NewMessage): Promise<MessageRow> {
  return db.insertInto('support_message').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findForCustomer(
  db: Db,
  scope: CustomerScope,
  id: string,
  lock = false,
): Promise<TicketRow | undefined> {
  let q = db
    .selectFrom('support_ticket')
    .selectAll()
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('user_id', '=', scope.userId),
        ...(scope.orgIds.length ? [eb('org_id', 'in', [...scope.orgIds])] : []),
      ]),
    );
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Staff: any ticket. */
export async function findAny(db: Db, id: string, lock = false): Promise<TicketRow | undefined> {
  let q = db.selectFrom('support_ticket').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function listForCustomer(db: Db, scope: CustomerScope, limit = 200): Promise<TicketRow[]> {
  return (
    db
      .selectFrom('support_ticket')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('user_id', '=', scope.userId),
          ...(scope.orgIds.length ? [eb('org_id', 'in', [...scope.orgIds])] : []),
        ]),
      )
      // Tickets that still need something first (the list's promise), then the freshest.
      .orderBy(sql`CASE WHEN status IN ('resolved', 'closed') THEN 1 ELSE 0 END`)
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
  );
}

/** The customer's own tickets that are not resolved or closed (the portal dashboard). */
export async function openOfUser(db: Db, userId: string): Promise<TicketRow[]> {
  return db
    .selectFrom('support_ticket')
    .selectAll()
    .where('user_id', '=', userId)
    .where('status', 'in', ['open', 'waiting_on_customer'])
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Staff search: by status, and by part of the subject or of the customer's email. */
export async function search(
  db: Db,
  filter: { status?: TicketStatus | undefined; q?: string | undefined; limit: number },
): Promise<TicketRow[]> {
  let q = db.selectFrom('support_ticket').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  const text = filter.q?.trim();
  if (text) {
    // LIKE wildcards typed by staff are matched literally.
    const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['subject']), 'like', pattern),
        eb(eb.fn('lower', ['email']), 'like', pattern),
      ]),
    );
  }
  return q.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

export async function messagesOf(db: Db, ticketId: string): Promise<MessageRow[]> {
  return db
    .selectFrom('support_message')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .orderBy('seq')
    .execute();
}

export async function updateTicket(
  db: Db,
  id: string,
  patch: Partial<Omit<TicketRow, 'id' | 'user_id' | 'created_at'>>,
): Promise<TicketRow> {
  return db
    .updateTable('support_ticket')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Tickets a user opened since `since`, oldest first (the hourly limit and its Retry-After). */
export async function createdSince(db: Db, userId: string, since: Date): Promise<Date[]> {
  const rows = await db
    .selectFrom('support_ticket')
    .select('created_at')
    .where('user_id', '=', userId)
    .where('created_at', '>', since)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => new Date(r.created_at));
}

/** Serialises one user's ticket creations, so the hourly limit holds under concurrent requests. */
export async function lockUser(db: Db, userId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`support.open:${userId}`}))`.execute(db);
}

export async function insertAttachments(db: Db, rows: AttachmentRow[]): Promise<void> {
  if (rows.length) await db.insertInto('support_attachment').values(rows).execute();
}

/** A ticket's attachments without their contents (the thread lists them). */
export async function attachmentsOf(db: Db, ticketId: string): Promise<Omit<AttachmentRow, 'content'>[]> {
  return db
    .selectFrom('support_attachment')
    .select([
      'id',
      'ticket_id',
      'message_id',
      'position',
      'filename_enc',
      'content_type',
      'size',
      'created_at',
      'deleted_at',
    ])
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .orderBy('message_id')
    .orderBy('position')
    .execute();
}

/** One attachment of a ticket, with its (encrypted) content. */
export async function findAttachment(
  db: Db,
  ticketId: string,
  id: string,
): Promise<AttachmentRow | undefined> {
  return db
    .selectFrom('support_attachment')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Retention: empties the contents and names of the attachments of tickets resolved or closed
 * before `before` (a reopened ticket has no resolved_at). Returns how many were emptied.
 */
export async function pruneAttachments(db: Db, before: Date, at: Date): Promise<number> {
  const r = await db
    .updateTable('support_attachment')
    .set({ content: null, filename_enc: null, deleted_at: at })
    .where('deleted_at', 'is', null)
    .where('ticket_id', 'in', (eb) =>
      eb
        .selectFrom('support_ticket')
        .select('id')
        .where('status', 'in', ['resolved', 'closed'])
        .where('resolved_at', '<', before),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
