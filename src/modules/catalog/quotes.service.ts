import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, handle, inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { insertQuote, listQuotes } from './catalog.repository.ts';
import type { CatalogService } from './catalog.service.ts';
import type { CatalogDb, QuoteRow } from './catalog.tables.ts';
import { quoteProblems } from './domain/quote.ts';
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

/** Quote requests for contact-sales items: stored as leads, mailed to staff, confirmed to the sender. */
export class QuoteService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<CatalogDb>,
    private readonly catalog: CatalogService,
    /** The accounts module's lookup of staff addresses (quote requests go to the admins). */
    private readonly staffEmails: (role: 'admin', trx: DbHandle) => Promise<string[]>,
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
}
