import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite is one process's database: two processes opening the same data
 * directory would corrupt it. The first one takes `fhiriq.lock` (created with
 * O_EXCL, so the check and the claim are one step); a second one is told who
 * holds it. A lock left by a dead process is taken over.
 */
export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holderPid: number,
    readonly holderPurpose: string,
  ) {
    super(
      `The embedded database in ${dir} is in use by process ${holderPid} (${holderPurpose}). ` +
        'PGlite allows one process at a time: stop that process first, run this command through it, ' +
        'or use PostgreSQL (DATABASE_URL) for several processes.',
    );
    this.name = 'DataDirLockedError';
  }
}

export class DataDirLock {
  private constructor(private readonly file: string) {}

  static acquire(dir: string, purpose: string): DataDirLock {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'fhiriq.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx', 0o600);
        fs.writeSync(fd, JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }));
        fs.closeSync(fd);
        return new DataDirLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = readHolder(file);
        if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
          throw new DataDirLockedError(dir, holder.pid, holder.purpose);
        }
        // Stale (the holder died) or unreadable: remove and retry once.
        fs.rmSync(file, { force: true });
      }
    }
    throw new Error(`Could not lock ${dir}`);
  }

  release(): void {
    const holder = readHolder(this.file);
    if (holder?.pid === process.pid) fs.rmSync(this.file, { force: true });
  }
}

function readHolder(file: string): { pid: number; purpose: string } | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown; purpose?: unknown };
    if (typeof parsed.pid !== 'number') return undefined;
    return { pid: parsed.pid, purpose: typeof parsed.purpose === 'string' ? parsed.purpose : 'fhiriq' };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
