/**
 * Invoice and credit note numbers (002: `FHIR-YYYY-MM-NNNN`). Pure.
 *
 * Each series restarts at 1 every month (the number carries its year and month, so it stays
 * unique); the month is the UTC month of the issue date. NNNN is zero-padded to four digits and
 * widens beyond 9999 (`FHIR-2026-11-10000`), never wraps.
 */

export type Series = 'invoice' | 'credit_note';

const PREFIX: Record<Series, string> = { invoice: 'FHIR', credit_note: 'FHIR-CN' };

/** 'YYYY-MM' of an instant, in UTC. */
export function periodOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

export function formatDocumentNumber(series: Series, period: string, seq: number): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new RangeError(`not a period: ${period}`);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`not a sequence number: ${seq}`);
  return `${PREFIX[series]}-${period}-${String(seq).padStart(4, '0')}`;
}
