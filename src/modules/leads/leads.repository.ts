import type { Executor } from '../../platform/db/transaction.ts';
import type { LeadRow, LeadsDb } from './leads.tables.ts';

/** SQL for the lead table only; the service decides the transaction. */
type Db = Executor<LeadsDb>;

export async function insertLead(db: Db, lead: LeadRow): Promise<void> {
  await db.insertInto('lead').values(lead).execute();
}

export async function findLead(db: Db, id: string): Promise<LeadRow | undefined> {
  return db.selectFrom('lead').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listLeads(
  db: Db,
  options: { limit: number; offset: number; status?: string | undefined },
): Promise<LeadRow[]> {
  let q = db.selectFrom('lead').selectAll();
  if (options.status) q = q.where('status', '=', options.status);
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
}

/** Messages from one address since `since`, and the oldest of them (when the window frees a slot). */
export async function recentFromEmail(
  db: Db,
  email: string,
  since: Date,
): Promise<{ count: number; oldest: Date | null }> {
  const row = await db
    .selectFrom('lead')
    .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.min('created_at').as('oldest')])
    .where('email', '=', email)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), oldest: row.oldest ? new Date(row.oldest) : null };
}

/** Moves a lead only if it is still in `from` (another staff member may have moved it meanwhile). */
export async function moveLead(
  db: Db,
  id: string,
  from: string,
  change: { status: string; note: string | null; at: Date; by: string },
): Promise<LeadRow | undefined> {
  return db
    .updateTable('lead')
    .set({
      status: change.status,
      status_note: change.note,
      status_changed_at: change.at,
      status_changed_by: change.by,
    })
    .where('id', '=', id)
    .where('status', '=', from)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Retention: deletes the leads that arrived before `before` and that staff have not moved since
 * (a lead still being worked on is kept until its last move is as old). Returns how many.
 */
export async function deleteLeadsBefore(db: Db, before: Date): Promise<number> {
  const r = await db
    .deleteFrom('lead')
    .where('created_at', '<', before)
    .where((eb) => eb.or([eb('status_changed_at', 'is', null), eb('status_changed_at', '<', before)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
