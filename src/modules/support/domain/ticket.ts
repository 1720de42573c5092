/**
 * The rules of a support ticket, as pure functions: its statuses and who moves them, what a
 * subject and a body may be, the order customers see their tickets in.
 */

export const TICKET_STATUSES = ['open', 'waiting_on_customer', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const isTicketStatus = (v: string): v is TicketStatus =>
  (TICKET_STATUSES as readonly string[]).includes(v);

export const TICKET_CATEGORIES = ['license', 'billing', 'training', 'consulting', 'technical'] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

export const STATUS_LABELS: Record<TicketStatus, string> = {
  open: 'Open',
  waiting_on_customer: 'Waiting on you',
  resolved: 'Resolved',
  closed: 'Closed',
};

export const CATEGORY_LABELS: Record<TicketCategory, string> = {
  license: 'License',
  billing: 'Billing',
  training: 'Training',
  consulting: 'Consulting',
  technical: 'Technical',
};

export const SUBJECT_MIN = 3;
export const SUBJECT_MAX = 200;
export const BODY_MAX = 10_000;

export interface FieldProblem {
  path: string;
  message: string;
}

/** Control characters other than tab and line breaks have no place in a message (NUL breaks PostgreSQL text). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A subject as stored: trimmed, one line. */
export function checkSubject(raw: string): { value: string } | { problem: FieldProblem } {
  const value = raw.trim().replace(/\s+/g, ' ');
  if (value.length < SUBJECT_MIN || value.length > SUBJECT_MAX || CONTROL.test(value))
    return {
      problem: { path: '/subject', message: `must be ${SUBJECT_MIN} to ${SUBJECT_MAX} characters of text` },
    };
  return { value };
}

/** A message body as stored: line breaks normalised to \n, trailing space trimmed, never empty. */
export function checkBody(raw: string): { value: string } | { problem: FieldProblem } {
  const value = raw.replace(/\r\n?/g, '\n').trim();
  if (value.length === 0) return { problem: { path: '/body', message: 'must not be empty' } };
  if (value.length > BODY_MAX)
    return { problem: { path: '/body', message: `must be at most ${BODY_MAX} characters` } };
  if (CONTROL.test(value))
    return { problem: { path: '/body', message: 'must not contain control characters' } };
  return { value };
}

/**
 * A customer's reply: an open ticket stays open, one waiting on the customer or resolved goes
 * back to staff (open); a closed ticket is final (null: refused).
 */
export function statusAfterCustomerReply(current: TicketStatus): TicketStatus | null {
  return current === 'closed' ? null : 'open';
}

/** A staff reply without an explicit status hands the ticket to the customer. */
export function statusAfterStaffReply(
  current: TicketStatus,
  requested: TicketStatus | undefined,
): TicketStatus {
  if (requested) return requested;
  return current === 'closed' ? 'closed' : 'waiting_on_customer';
}

/** Whether a status means "nothing more to do" (sorted last, mailed as resolved). */
export const isDone = (s: TicketStatus): boolean => s === 'resolved' || s === 'closed';
