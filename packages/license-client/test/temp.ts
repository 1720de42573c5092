import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Temporary cache directories for the tests (apart from support.ts, so unit tests do not load the app). */

const tempDirs: string[] = [];

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhiriq-license-client-'));
  tempDirs.push(dir);
  return dir;
}

/** Removes the directories this test file made (call in afterAll). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
