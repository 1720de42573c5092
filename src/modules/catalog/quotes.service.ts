import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, handle, inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditModule } from '../audit/index.ts';
import { findQuote, insertQuote, listQuotes, moveQuote } from './catalog.repository.ts';
import type { CatalogService, StaffContext } from './catalog.service.ts';
import type { CatalogDb, QuoteRow } from './catalog.tables.ts';
import { quoteProblems } from './domain/quote.ts';
import {
  canMove,
  isQuoteStatus,
  nextStatuses,
  QUOTE_STATUSES,
  STATUS_NOTE_MAX,
} from './domain/quote-status.ts';
import { sendQuoteMails } from './quotes.mail.ts';

export interface QuoteInput {
  sku: string;
  name: string;
  email: string;
  organization?: string | undefined;
  message: string;
  /** The honeypot: a field people never see. Anything in it means a bot. */
  website?: string | undefined;
}

export type QuoteOutcome = { stored: true; quote: QuoteRow } | { stored: false };

/** A staff move of a quote request: the status (form and JSON send text) and an optional note. */
export interface StatusChange {
  status: string;
  note?: string | undefined;
}

/**
 * Quote requests for contact-sales items: stored as leads, mailed to staff,
 * confirmed to the sender; then moved by staff through the pipeline
 * (domain/quote-status.ts), each move audited.
 */
export class QuoteService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<CatalogDb>,
    private readonly catalog: CatalogService,
    /** The accounts module's lookup of staff addresses (quote requests go to the admins). */
    private readonly staffEmails: (role: 'admin', trx: DbHandle) => Promise<string[]>,
    private readonly audit: AuditModule,
  ) {}

  async request(input: QuoteInput): Promise<QuoteOutcome> {
    const entry = await this.catalog.get(input.sku);
    // A bot that filled the honeypot is told the same as a person, and nothing is kept.
    if (input.website && input.website.trim() !== '') return { stored: false };
    if (entry.purchase !== 'contact_sales') {
      throw new AppError('VALIDATION_FAILED', 'This item can be bought directly; no quote is needed.', {
        details: [{ path: '/sku', message: `${entry.sku} is sold through the cart` }],
      });
    }
    const problems = quoteProblems(input);
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', undefined, { details: problems });
    const quote: QuoteRow = {
      id: newId('quo', this.ctx.clock),
      sku: entry.sku,
      name: input.name.trim(),
      email: input.email.trim().toLowerCase(),
      organization: input.organization?.trim() || null,
      message: input.message.trim(),
      status: 'new',
      created_at: this.ctx.clock.now(),
      status_note: null,
      status_changed_at: null,
      status_changed_by: null,
    };
    await inTransaction(this.db, async (trx) => {
      await insertQuote(trx, quote);
      const staff = await this.staffEmails('admin', handle(trx));
      await sendQuoteMails(this.ctx, handle(trx), quote, entry.name, staff);
    });
    return { stored: true, quote };
  }

  async list(options: { limit: number; offset: number }): Promise<QuoteRow[]> {
    return listQuotes(this.db, options);
  }

  /**
   * Moves a request to its next status, with the note, and audits it — or
   * changes nothing: 400 for an unknown status or a note too long, 404 for an
   * unknown request, 409 QUOTE_STATUS_CONFLICT for an illegal move (or one
   * that another staff member's move made illegal meanwhile).
   */
  async changeStatus(staff: StaffContext, id: string, change: StatusChange): Promise<QuoteRow> {
    const to = change.status.trim();
    const note = change.note?.trim() || null;
    const problems = [];
    if (!isQuoteStatus(to)) {
      problems.push({ path: '/status', message: `Choose one of ${QUOTE_STATUSES.join(', ')}.` });
    }
    if (note && note.length > STATUS_NOTE_MAX) {
      problems.push({
        path: '/note',
        message: `Use at most ${STATUS_NOTE_MAX.toLocaleString('en-US')} characters.`,
      });
    }
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', undefined, { details: problems });
    return inTransaction(this.db, async (trx) => {
      const before = await findQuote(trx, id);
      if (!before) throw new AppError('NOT_FOUND', 'No such quote request.');
      if (!canMove(before.status, to)) {
        const next = nextStatuses(before.status);
        throw new AppError(
          'QUOTE_STATUS_CONFLICT',
          `A ${before.status} quote request cannot become ${to}` +
            (next.length ? ` (it can become ${next.join(' or ')}).` : `: ${before.status} is final.`),
        );
      }
      const after = await moveQuote(trx, id, before.status, {
        status: to,
        note,
        at: this.ctx.clock.now(),
        by: staff.actor.email,
      });
      if (!after) {
        throw new AppError(
          'QUOTE_STATUS_CONFLICT',
          'The quote request changed meanwhile: reload it and try again.',
        );
      }
      await this.audit.log.record(
        {
          actor: staff.actor,
          action: 'catalog.quote.status',
          target: { type: 'quote_request', id },
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
