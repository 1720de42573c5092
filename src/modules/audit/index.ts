import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { PlatformTables } from '../../platform/db/client.ts';
import { type DbHandle, handle, view } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';

export type AuditTables = {
  audit_event: {
    id: string;
    at: Date;
    actor_user_id: string | null;
    actor_email: string | null;
    action: string;
    target_type: string;
    target_id: string;
    before: unknown;
    after: unknown;
    ip: string | null;
    request_id: string | null;
  };
};

export interface AuditEntry {
  actor: { userId: string; email: string } | null;
  /** Dotted verb, e.g. `jobs.retry`, `user.promote`. */
  action: string;
  target: { type: string; id: string };
  before?: unknown;
  after?: unknown;
  ip?: string;
  requestId?: string;
}

export type AuditEvent = AuditTables['audit_event'];

/** Who made a staff change, and from where: what the audit log records. */
export interface StaffContext {
  actor: { userId: string; email: string };
  ip: string;
  requestId: string;
}

/** The staff context of a guarded request (the guard already required an actor). */
export function staffOf(request: FastifyRequest): StaffContext {
  const actor = request.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED');
  return { actor: { userId: actor.userId, email: actor.email }, ip: request.ip, requestId: request.id };
}

/**
 * The audit log. `record` takes the caller's transaction so the entry exists
 * exactly when the action it describes committed.
 */
export class AuditLog {
  readonly #db: Kysely<PlatformTables & AuditTables>;
  constructor(
    db: Kysely<PlatformTables>,
    private readonly clock: Clock,
  ) {
    this.#db = db.withTables<AuditTables>();
  }

  async record(entry: AuditEntry, trx?: DbHandle): Promise<void> {
    const db = view<AuditTables>(trx ?? handle(this.#db));
    await db
      .insertInto('audit_event')
      .values({
        id: newId('aud', this.clock),
        at: this.clock.now(),
        actor_user_id: entry.actor?.userId ?? null,
        actor_email: entry.actor?.email ?? null,
        action: entry.action,
        target_type: entry.target.type,
        target_id: entry.target.id,
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
        ip: entry.ip ?? null,
        request_id: entry.requestId ?? null,
      })
      .execute();
  }

  async list(options: { limit?: number; before?: Date } = {}): Promise<AuditEvent[]> {
    let q = this.#db.selectFrom('audit_event').selectAll().orderBy('at', 'desc').orderBy('id', 'desc');
    if (options.before) q = q.where('at', '<', options.before);
    return q.limit(options.limit ?? 100).execute();
  }
}

export interface AuditModule extends AppModule {
  log: AuditLog;
}

export function createAuditModule(ctx: PlatformContext): AuditModule {
  return { name: 'audit', log: new AuditLog(ctx.db, ctx.clock) };
}
