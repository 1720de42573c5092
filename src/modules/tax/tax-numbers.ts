import type { DbHandle } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { isEuMemberState } from './domain/countries.ts';
import { parseGstHstNumber, parseVatNumber, type VatId } from './domain/vat-id.ts';
import type { VatVerificationService } from './vat-verification.service.ts';

/**
 * A customer's tax registration number for a billing country, checked the way checkout checks
 * it: an EU or UK VAT ID is parsed (format and check digit) and verified through the registry
 * (VIES when VIES_URL is set; the state stays `pending` while VIES cannot answer); a Canadian
 * GST/HST number is checked by format and check digit (the CRA has no API); any other country's
 * number is kept as typed, `unchecked`.
 */
export interface TaxNumberStatus {
  /** The canonical number (prefix and digits, no spaces). */
  id: string;
  status: 'pending' | 'valid' | 'invalid' | 'unchecked';
  source: 'vies' | 'local-format' | null;
  checkedAt: Date | null;
}

const invalid = (message: string) => new AppError('VAT_ID_INVALID', message);

type Parsed = { scheme: 'vat'; vatId: VatId } | { scheme: 'gst_hst' | 'other'; id: string };

/** Parses; 400 VAT_ID_INVALID with the reason when the number cannot be one of the country's. */
function parse(raw: string, country: string): Parsed {
  if (isEuMemberState(country) || country === 'GB') {
    const r = parseVatNumber(raw, country);
    if (!r.ok) throw invalid(`The VAT ID ${r.reason}.`);
    if (r.vatId.country !== country)
      throw invalid(
        `The VAT ID ${r.vatId.id} is from ${r.vatId.country}, not from the billing country ${country}.`,
      );
    return { scheme: 'vat', vatId: r.vatId };
  }
  if (country === 'CA') {
    const r = parseGstHstNumber(raw);
    if (!r.ok) throw invalid(`The GST/HST number ${r.reason}.`);
    return { scheme: 'gst_hst', id: r.id };
  }
  const id = raw.toUpperCase().replace(/[\s.\-/_]+/g, '');
  if (!/^[A-Z0-9+*]{4,20}$/.test(id)) throw invalid('This is not a tax registration number.');
  return { scheme: 'other', id };
}

/** Checks (starting or reusing the registry's verification, in `trx` when given). */
export async function checkTaxNumber(
  vat: VatVerificationService,
  raw: string,
  country: string,
  trx?: DbHandle,
): Promise<TaxNumberStatus> {
  const parsed = parse(raw, country);
  if (parsed.scheme !== 'vat')
    return parsed.scheme === 'gst_hst'
      ? { id: parsed.id, status: 'valid', source: 'local-format', checkedAt: null }
      : { id: parsed.id, status: 'unchecked', source: null, checkedAt: null };
  const s = await vat.requestVerification(parsed.vatId, trx);
  return { id: s.vatId, status: s.status, source: s.source, checkedAt: s.checkedAt };
}

/** The recorded status of a number checked before (reads only; `pending` if the record is gone). */
export async function taxNumberStatus(
  vat: VatVerificationService,
  id: string,
  country: string,
): Promise<TaxNumberStatus> {
  let parsed: Parsed;
  try {
    parsed = parse(id, country);
  } catch {
    return { id, status: 'invalid', source: null, checkedAt: null };
  }
  if (parsed.scheme !== 'vat')
    return parsed.scheme === 'gst_hst'
      ? { id: parsed.id, status: 'valid', source: 'local-format', checkedAt: null }
      : { id: parsed.id, status: 'unchecked', source: null, checkedAt: null };
  const s = await vat.verificationStatus(parsed.vatId.id);
  return s
    ? { id: s.vatId, status: s.status, source: s.source, checkedAt: s.checkedAt }
    : { id: parsed.vatId.id, status: 'pending', source: null, checkedAt: null };
}
