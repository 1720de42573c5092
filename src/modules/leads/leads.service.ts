import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, handle, inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditModule, StaffContext } from '../audit/index.ts';
import {
  canMoveLead,
  checkStamp,
  EMAIL_BURST,
  formStamp,
  isLeadStatus,
  LEAD_NOTE_MAX,
  LEAD_STATUSES,
  type LeadFields,
  leadProblems,
  nextLeadStatuses,
} from './domain/lead.ts';
import { sendLeadMails } from './leads.mail.ts';
import {
  deleteLeadsBefore,
  findLead,
  insertLead,
  listLeads,
  moveLead,
  recentFromEmail,
} from './leads.repository.ts';
import type { LeadRow, LeadsDb } from './leads.tables.ts';

export interface ContactInput extends LeadFields {
  /** The signed time the form was rendered (domain/lead.ts formStamp). */
  stamp?: string | undefined;
  /** The honeypot: a field people never see. Anything in it means a bot. */
  website?: string | undefined;
}

export type ContactOutcome = { stored: true; lead: LeadRow } | { stored: false };

/**
 * Contact requests: the public form's messages become leads, staff are told, the sender gets
 * a confirmation; staff then move each lead through new → contacted → closed, audited.
 *
 * What keeps bots and floods out, each refusing before anything is written: the honeypot
 * (silently accepted: a bot learns nothing to adapt to), the signed form stamp (a post
 * without one, or sent within 3 seconds of rendering, is refused), a per-client-address
 * rate limit (at the route) and at most 3 messages an hour from one email address.
 */
export class LeadsService {
  readonly #stampKey: Buffer;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<LeadsDb>,
    /** The accounts module's lookup of staff addresses (contact requests go to the admins). */
    private readonly staffEmails: (role: 'admin', trx: DbHandle) => Promise<string[]>,
    private readonly audit: AuditModule,
  ) {
    this.#stampKey = ctx.secrets.key('leads:form-stamp');
  }

  /** A fresh stamp for a contact form being rendered now. */
  stamp(): string {
    return formStamp(this.#stampKey, this.ctx.clock.now());
  }

  async submit(input: ContactInput): Promise<ContactOutcome> {
    if (input.website && input.website.trim() !== '') return { stored: false };
    const now = this.ctx.clock.now();
    const stamp = checkStamp(this.#stampKey, input.stamp, now);
    if (!stamp.ok)
      throw new AppError(stamp.reason === 'too-fast' ? 'CONTACT_TOO_FAST' : 'CONTACT_FORM_INVALID');
    const problems = leadProblems(input);
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', undefined, { details: problems });
    const lead: LeadRow = {
      id: newId('lead', this.ctx.clock),
      name: input.name.trim(),
      email: input.email.trim().toLowerCase(),
      organization: input.organization.trim() || null,
      topic: input.topic,
      message: input.message.trim(),
      status: 'new',
      status_note: null,
      status_changed_at: null,
      status_changed_by: null,
      created_at: now,
    };
    await inTransaction(this.db, async (trx) => {
      const recent = await recentFromEmail(trx, lead.email, new Date(now.getTime() - EMAIL_BURST.windowMs));
      if (recent.count >= EMAIL_BURST.max) {
        const freeAt = (recent.oldest?.getTime() ?? now.getTime()) + EMAIL_BURST.windowMs;
        const retryAfter = String(Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)));
        throw new AppError('CONTACT_RATE_LIMITED', undefined, { headers: { 'retry-after': retryAfter } });
      }
      await insertLead(trx, lead);
      await sendLeadMails(this.ctx, handle(trx), lead, await this.staffEmails('admin', handle(trx)));
    });
    return { stored: true, lead };
  }

  /**
   * Retention: deletes leads older than LEADS_RETENTION_DAYS, counted from their arrival or
   * staff's last move, whichever is later. Idempotent: a second run finds nothing to delete.
   */
  async prune(): Promise<number> {
    const before = new Date(this.ctx.clock.now().getTime() - this.ctx.config.leadsRetentionDays * 86_400_000);
    return deleteLeadsBefore(this.db, before);
  }

  async list(options: { limit: number; offset: number; status?: string | undefined }): Promise<LeadRow[]> {
    return listLeads(this.db, options);
  }

  /**
   * Moves a lead to its next status with an optional note, audited — or changes nothing: 400
   * for an unknown status or a note too long, 404 for an unknown lead, 409 LEAD_STATUS_CONFLICT
   * for an illegal move (or one another staff member's move made illegal meanwhile).
   */
  async changeStatus(staff: StaffContext, id: string, change: { status: string; note?: string | undefined }) {
    const to = change.status.trim();
    const note = change.note?.trim() || null;
    const problems = [];
    if (!isLeadStatus(to))
      problems.push({ path: '/status', message: `Choose one of ${LEAD_STATUSES.join(', ')}.` });
    if (note && note.length > LEAD_NOTE_MAX) {
      problems.push({
        path: '/note',
        message: `Use at most ${LEAD_NOTE_MAX.toLocaleString('en-US')} characters.`,
      });
    }
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', undefined, { details: problems });
    return inTransaction(this.db, async (trx) => {
      const before = await findLead(trx, id);
      if (!before) throw new AppError('NOT_FOUND', 'No such contact request.');
      if (!canMoveLead(before.status, to)) {
        const next = nextLeadStatuses(before.status);
        throw new AppError(
          'LEAD_STATUS_CONFLICT',
          `A ${before.status} contact request cannot become ${to}` +
            (next.length ? ` (it can become ${next.join(' or ')}).` : `: ${before.status} is final.`),
        );
      }
      const after = await moveLead(trx, id, before.status, {
        status: to,
        note,
        at: this.ctx.clock.now(),
        by: staff.actor.email,
      });
      if (!after)
        throw new AppError(
          'LEAD_STATUS_CONFLICT',
          'The contact request changed meanwhile: reload it and try again.',
        );
      await this.audit.log.record(
        {
          actor: staff.actor,
          action: 'leads.lead.status',
          target: { type: 'lead', id },
          before: { status: before.status, note: before.status_note },
          after: { status: after.status, note: after.status_note },
          ip: staff.ip,
          requestId: staff.requestId,
        },
        handle(trx),
      );
      return after;
    });
  }
}
