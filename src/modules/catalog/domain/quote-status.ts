/**
 * The sales pipeline of a quote request: a lead arrives `new`, staff get in
 * touch (`contacted`), and it ends `won` or `lost`. A lead may be won or lost
 * without a recorded contact (a customer who orders at once, spam); the two
 * ends are final, so reports never see a deal un-won. Pure.
 */
export const QUOTE_STATUSES = ['new', 'contacted', 'won', 'lost'] as const;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

const NEXT: Record<QuoteStatus, readonly QuoteStatus[]> = {
  new: ['contacted', 'won', 'lost'],
  contacted: ['won', 'lost'],
  won: [],
  lost: [],
};

export const isQuoteStatus = (s: string): s is QuoteStatus =>
  (QUOTE_STATUSES as readonly string[]).includes(s);

/** Where a request in `from` may go; nothing from a final status. */
export function nextStatuses(from: string): readonly QuoteStatus[] {
  return isQuoteStatus(from) ? NEXT[from] : [];
}

export function canMove(from: string, to: string): boolean {
  return isQuoteStatus(to) && nextStatuses(from).includes(to);
}

/** The longest note a status change keeps. */
export const STATUS_NOTE_MAX = 2000;
