import type { LicenseFacts } from './domain/validation.ts';
import type { LicenseView } from './licenses.service.ts';
import type { LicenseRow } from './licensing.tables.ts';

/** How long a validation may answer from memory. Bounds how late another process's change is seen. */
export const LICENSE_CACHE_TTL_MS = 1_000;
const MAX_ENTRIES = 20_000;

export interface CachedLicense {
  license: LicenseRow;
  machines: { fingerprint: string; activated_at: Date | string; last_heartbeat_at: Date | string | null }[];
  usage: LicenseFacts['usage'];
  /** The rules' facts (without named users) and the answer's view of the license, derived on first use. */
  facts?: LicenseFacts;
  view?: LicenseView;
}

/**
 * What validation reads, kept for a second per key. Validation is the hot
 * path (products validate at start and every few minutes, thousands of
 * machines at once) and a database round trip costs more than the rest of
 * the answer. Every change this process makes to a license (lifecycle,
 * machines, seats, usage) drops its entry at once, and a read that raced
 * with a change is not stored (the generation check); a change made by
 * another process is seen at most LICENSE_CACHE_TTL_MS later. Unknown keys
 * are remembered as unknown for as long (a client retrying a mistyped key, a
 * flood of guesses: one query per key a second, not one per request); issuing
 * a license forgets its key's entry, and a key becomes known only by being
 * issued, so a customer never waits for it.
 */
export class LicenseCache {
  #entries = new Map<string, { value: CachedLicense; expires: number }>();
  #byId = new Map<string, string>();
  #missing = new Map<string, number>();
  #generation = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The generation to pass to `set`: a read that started before a change is not stored. */
  get generation(): number {
    return this.#generation;
  }

  /** True when the key was looked up and found unknown within the last LICENSE_CACHE_TTL_MS. */
  isMissing(keyHash: string): boolean {
    const expires = this.#missing.get(keyHash);
    if (expires === undefined) return false;
    if (expires > this.now()) return true;
    this.#missing.delete(keyHash);
    return false;
  }

  setMissing(keyHash: string, generation: number): void {
    if (generation !== this.#generation) return;
    if (this.#missing.size >= MAX_ENTRIES) {
      const oldest = this.#missing.keys().next().value;
      if (oldest !== undefined) this.#missing.delete(oldest);
    }
    this.#missing.set(keyHash, this.now() + LICENSE_CACHE_TTL_MS);
  }

  /** A license was issued with this key: it is not unknown any more. */
  forgetMissing(keyHash: string): void {
    this.#generation++;
    this.#missing.delete(keyHash);
  }

  get(keyHash: string): CachedLicense | undefined {
    const hit = this.#entries.get(keyHash);
    if (!hit) return undefined;
    if (hit.expires <= this.now()) {
      this.#entries.delete(keyHash);
      return undefined;
    }
    return hit.value;
  }

  set(keyHash: string, value: CachedLicense, generation: number): void {
    if (generation !== this.#generation) return;
    if (this.#entries.size >= MAX_ENTRIES) {
      // Oldest first (Map keeps insertion order): a bounded cache under key-guessing floods.
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(keyHash, { value, expires: this.now() + LICENSE_CACHE_TTL_MS });
    this.#byId.set(value.license.id, keyHash);
  }

  invalidate(licenseId: string): void {
    this.#generation++;
    const hash = this.#byId.get(licenseId);
    if (hash !== undefined) this.#entries.delete(hash);
    this.#byId.delete(licenseId);
  }
}
