import type { LicenseFacts } from './domain/validation.ts';
import type { LicenseRow } from './licensing.tables.ts';

/** How long a validation may answer from memory. Bounds how late another process's change is seen. */
export const LICENSE_CACHE_TTL_MS = 1_000;
const MAX_ENTRIES = 20_000;

export interface CachedLicense {
  license: LicenseRow;
  machines: { fingerprint: string; activated_at: Date | string; last_heartbeat_at: Date | string | null }[];
  usage: LicenseFacts['usage'];
}

/**
 * What validation reads, kept for a second per key. Validation is the hot
 * path (products validate at start and every few minutes, thousands of
 * machines at once) and a database round trip costs more than the rest of
 * the answer. Every change this process makes to a license (lifecycle,
 * machines, seats, usage) drops its entry at once, and a read that raced
 * with a change is not stored (the generation check); a change made by
 * another process is seen at most LICENSE_CACHE_TTL_MS later. Unknown keys
 * are never cached.
 */
export class LicenseCache {
  #entries = new Map<string, { value: CachedLicense; expires: number }>();
  #byId = new Map<string, string>();
  #generation = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The generation to pass to `set`: a read that started before a change is not stored. */
  get generation(): number {
    return this.#generation;
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
