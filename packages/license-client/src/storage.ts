/**
 * Where the client keeps what it must remember between runs: the last signed validation, the
 * machine file, the published keys and the latest trusted time. Pluggable: in memory (one
 * process), a directory (Node's FileStorage), or an application's own (localStorage, a
 * keychain, a database) — anything that stores short strings by name.
 */
export interface LicenseStorage {
  /** The value stored under a name, or null. */
  get(name: string): Promise<string | null>;
  /** Stores a value; a reader sees the old value or the new one, never a mix. */
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

/** Storage for one process's lifetime (the default without a directory). */
export class MemoryStorage implements LicenseStorage {
  readonly #values = new Map<string, string>();

  async get(name: string): Promise<string | null> {
    return this.#values.get(name) ?? null;
  }

  async set(name: string, value: string): Promise<void> {
    this.#values.set(name, value);
  }

  async delete(name: string): Promise<void> {
    this.#values.delete(name);
  }
}
