import type { VatId } from './domain/vat-id.ts';

/**
 * Where a VAT ID's registration is checked. VIES is flaky by design (each
 * member state's registry goes down on its own), so "unavailable" is a normal
 * answer: the caller keeps the ID pending and retries, never guesses.
 */
export type RegistryAnswer =
  | {
      status: 'valid' | 'invalid';
      source: 'vies' | 'local-format';
      name: string | null;
      address: string | null;
      /** VIES's consultation number: proof that `requester` checked the ID that day. */
      requestIdentifier: string | null;
      /** The requester's VAT ID the consultation number belongs to (null without one). */
      requester: string | null;
    }
  | { status: 'unavailable'; error: string };

export interface VatRegistry {
  /** 'vies' for a real registry; 'local-format' when only the format and check digit are known. */
  readonly source: 'vies' | 'local-format';
  check(vatId: VatId): Promise<RegistryAnswer>;
}

/**
 * The embedded default: no network, so no registry check. It reports what it
 * knows — the number passed the member state's format and check-digit rules
 * (callers only pass parsed ids) — and says so in `source`.
 */
export const localFormatRegistry: VatRegistry = {
  source: 'local-format',
  check: async () => ({
    status: 'valid',
    source: 'local-format',
    name: null,
    address: null,
    requestIdentifier: null,
    requester: null,
  }),
};

/**
 * VIES error codes that are a verdict on the checked number; every other code
 * means "ask again later". INVALID_REQUESTER_INFO is about our SELLER_VAT_ID,
 * not the customer's number: the ID stays pending (and says why in its last
 * error) rather than being called invalid or checked without the requester.
 */
const DEFINITIVE_ERRORS = new Set(['INVALID_INPUT']);

interface ViesResponse {
  valid?: unknown;
  name?: unknown;
  address?: unknown;
  requestIdentifier?: unknown;
  actionSucceed?: unknown;
  errorWrappers?: { error?: unknown; message?: unknown }[];
}

const text = (v: unknown): string | null => {
  // VIES answers "---" where a member state does not disclose the name or address.
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' || t === '---' ? null : t.slice(0, 500);
};

export interface ViesOptions {
  /**
   * The seller's own VAT ID (SELLER_VAT_ID). Sent as `requesterMemberStateCode`
   * and `requesterNumber`, so that VIES answers with a consultation number
   * (`requestIdentifier`): the proof a tax authority accepts that the check
   * was made, by whom and when.
   */
  requester?: VatId | undefined;
  fetchImpl?: typeof fetch;
}

/**
 * The EU's VIES REST API (`POST {base}/check-vat-number`). Tested offline
 * against a local server speaking the same protocol; see the report for what
 * was never run against the live service.
 */
export class ViesRestRegistry implements VatRegistry {
  readonly source = 'vies' as const;
  readonly #endpoint: string;
  readonly #requester: VatId | undefined;
  readonly #fetch: typeof fetch;

  constructor(
    baseUrl: string,
    private readonly timeoutMs: number,
    options: ViesOptions = {},
  ) {
    this.#endpoint = `${baseUrl.replace(/\/+$/, '')}/check-vat-number`;
    this.#requester = options.requester;
    this.#fetch = options.fetchImpl ?? fetch;
  }

  async check(vatId: VatId): Promise<RegistryAnswer> {
    let response: Response;
    try {
      const requester = this.#requester
        ? { requesterMemberStateCode: this.#requester.prefix, requesterNumber: this.#requester.number }
        : {};
      response = await this.#fetch(this.#endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ countryCode: vatId.prefix, vatNumber: vatId.number, ...requester }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      const reason =
        e.name === 'TimeoutError' ? `TIMEOUT after ${this.timeoutMs} ms` : `NETWORK ${e.message}`;
      return { status: 'unavailable', error: reason };
    }
    let body: ViesResponse;
    try {
      body = (await response.json()) as ViesResponse;
    } catch {
      return { status: 'unavailable', error: `HTTP ${response.status} with a body that is not JSON` };
    }
    const errorCode = body.errorWrappers?.map((w) => String(w.error ?? '')).find(Boolean);
    if (errorCode) {
      if (DEFINITIVE_ERRORS.has(errorCode)) {
        return {
          status: 'invalid',
          source: 'vies',
          name: null,
          address: null,
          requestIdentifier: null,
          requester: null,
        };
      }
      if (errorCode === 'INVALID_REQUESTER_INFO' && this.#requester) {
        return {
          status: 'unavailable',
          error: `INVALID_REQUESTER_INFO: VIES refused the requester ${this.#requester.id} (SELLER_VAT_ID)`,
        };
      }
      return { status: 'unavailable', error: errorCode };
    }
    if (!response.ok || typeof body.valid !== 'boolean') {
      return { status: 'unavailable', error: `HTTP ${response.status} without a verdict` };
    }
    // A consultation number only means something with the requester it was issued to.
    const requestIdentifier = this.#requester ? text(body.requestIdentifier) : null;
    return {
      status: body.valid ? 'valid' : 'invalid',
      source: 'vies',
      name: text(body.name),
      address: text(body.address),
      requestIdentifier,
      requester: requestIdentifier && this.#requester ? this.#requester.id : null,
    };
  }
}
