import { sql } from 'kysely';
import type { Executor } from '../../platform/db/transaction.ts';
import type { OnboardingTemplate } from './domain/onboarding-plan.ts';
import type { OnboardingDb, OnboardingStepRow, PlanRow, PreferenceSource } from './onboarding.tables.ts';

/** SQL for the onboarding_plan, onboarding_step and mail_preference tables only. */

type Db = Executor<OnboardingDb>;

/** The order's plan, written once (a second delivery of "order paid" finds it and writes nothing). */
export async function insertPlan(db: Db, plan: PlanRow): Promise<boolean> {
  const inserted = await db
    .insertInto('onboarding_plan')
    .values({ ...plan, items: JSON.stringify(plan.items) } as never)
    .onConflict((oc) => oc.column('order_id').doNothing())
    .returning('order_id')
    .execute();
  return inserted.length > 0;
}

export async function findPlan(db: Db, orderId: string): Promise<PlanRow | undefined> {
  return db.selectFrom('onboarding_plan').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

export async function findPlanByNumber(db: Db, orderNumber: string): Promise<PlanRow | undefined> {
  return db
    .selectFrom('onboarding_plan')
    .selectAll()
    .where('order_number', '=', orderNumber)
    .executeTakeFirst();
}

export async function recentPlans(db: Db, limit: number): Promise<PlanRow[]> {
  return db.selectFrom('onboarding_plan').selectAll().orderBy('paid_at', 'desc').limit(limit).execute();
}

/** One row per (order, template): the unique key makes scheduling idempotent. Returns how many were new. */
export async function insertSteps(db: Db, rows: OnboardingStepRow[]): Promise<number> {
  if (!rows.length) return 0;
  const inserted = await db
    .insertInto('onboarding_step')
    .values(rows)
    .onConflict((oc) => oc.columns(['order_id', 'template']).doNothing())
    .returning('template')
    .execute();
  return inserted.length;
}

export async function stepsOf(db: Db, orderId: string): Promise<OnboardingStepRow[]> {
  return db
    .selectFrom('onboarding_step')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('due_at')
    .orderBy('template')
    .execute();
}

/** Steps whose time has come and that are still scheduled (of one order, when given), oldest first. */
export async function due(
  db: Db,
  now: Date,
  limit: number,
  orderId?: string,
): Promise<{ order_id: string; template: OnboardingTemplate }[]> {
  let q = db
    .selectFrom('onboarding_step')
    .select(['order_id', 'template'])
    .where('status', '=', 'scheduled')
    .where('due_at', '<=', now);
  if (orderId) q = q.where('order_id', '=', orderId);
  return q.orderBy('due_at').orderBy('order_id').orderBy('template').limit(limit).execute();
}

/**
 * Locks a due, still scheduled step for sending. SKIP LOCKED: a second worker sweeping at the same
 * moment passes over it instead of waiting, and once the first commits the step is no longer
 * `scheduled`, so it is sent exactly once.
 */
export async function claimDue(
  db: Db,
  orderId: string,
  template: OnboardingTemplate,
  now: Date,
): Promise<OnboardingStepRow | undefined> {
  return db
    .selectFrom('onboarding_step')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('template', '=', template)
    .where('status', '=', 'scheduled')
    .where('due_at', '<=', now)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

export async function updateStep(
  db: Db,
  orderId: string,
  template: OnboardingTemplate,
  patch: Partial<OnboardingStepRow>,
): Promise<void> {
  await db
    .updateTable('onboarding_step')
    .set(patch)
    .where('order_id', '=', orderId)
    .where('template', '=', template)
    .execute();
}

/** Cancels what is still scheduled among `templates` (sent mail stays sent). Returns how many. */
export async function cancelScheduled(
  db: Db,
  orderId: string,
  templates: readonly OnboardingTemplate[],
  reason: string,
  now: Date,
): Promise<number> {
  if (!templates.length) return 0;
  const r = await db
    .updateTable('onboarding_step')
    .set({ status: 'cancelled', reason, updated_at: now })
    .where('order_id', '=', orderId)
    .where('template', 'in', [...templates])
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function stepCounts(
  db: Db,
  orderIds: readonly string[],
): Promise<Map<string, Record<OnboardingStepRow['status'], number>>> {
  const out = new Map<string, Record<OnboardingStepRow['status'], number>>();
  if (!orderIds.length) return out;
  const rows = await db
    .selectFrom('onboarding_step')
    .select(['order_id', 'status', sql<number>`count(*)::int`.as('n')])
    .where('order_id', 'in', [...orderIds])
    .groupBy(['order_id', 'status'])
    .execute();
  for (const r of rows) {
    const c = out.get(r.order_id) ?? { scheduled: 0, sent: 0, cancelled: 0, suppressed: 0 };
    c[r.status] = Number(r.n);
    out.set(r.order_id, c);
  }
  return out;
}

// ---- mail preferences ------------------------------------------------------------------------------------------

/** Whether the address accepts marketing mail (no row: it does). */
export async function acceptsMarketing(db: Db, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('mail_preference')
    .select('marketing')
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  return row?.marketing ?? true;
}

export async function setMarketing(
  db: Db,
  email: string,
  marketing: boolean,
  source: PreferenceSource,
  now: Date,
): Promise<void> {
  await db
    .insertInto('mail_preference')
    .values({ email: email.trim().toLowerCase(), marketing, source, updated_at: now })
    .onConflict((oc) => oc.column('email').doUpdateSet({ marketing, source, updated_at: now }))
    .execute();
}
