import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { LicenseStorage } from './storage.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Storage in a directory (Node): one file per name, readable by the owner only (0600 in a 0700
 * directory: it holds the machine file). Each write goes to a temporary file that is flushed
 * and renamed over the old one, so a crash or a second process never leaves half a file.
 */
export class FileStorage implements LicenseStorage {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  #path(name: string): string {
    // Names come from the client (hashes), but a storage is public API: never escape the directory.
    if (!NAME.test(name)) throw new TypeError(`Invalid storage name: ${JSON.stringify(name)}`);
    return path.join(this.dir, name);
  }

  async get(name: string): Promise<string | null> {
    try {
      return await readFile(this.#path(name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async set(name: string, value: string): Promise<void> {
    const target = this.#path(name);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = path.join(this.dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      // 'wx': a new file created with 0600 (the umask only removes bits), never someone else's file.
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(value, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async delete(name: string): Promise<void> {
    await rm(this.#path(name), { force: true });
  }
}
