import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStorage, MemoryStorage } from '../src/index.ts';
import { removeTempDirs, tempDir } from './temp.ts';

afterAll(removeTempDirs);

/** The cache stores: owner-only files written atomically, and memory. */

describe('FileStorage', () => {
  it('stores, reads back and deletes values, creating its directory owner-only', async () => {
    const dir = path.join(tempDir(), 'nested', 'license');
    const store = new FileStorage(dir);
    expect(await store.get('state.json')).toBeNull();
    await store.set('state.json', '{"a":1}');
    expect(await store.get('state.json')).toBe('{"a":1}');
    await store.set('state.json', '{"a":2}');
    expect(await store.get('state.json')).toBe('{"a":2}');
    if (process.platform !== 'win32') {
      expect(fs.statSync(path.join(dir, 'state.json')).mode & 0o777).toBe(0o600);
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    }
    await store.delete('state.json');
    await store.delete('state.json');
    expect(await store.get('state.json')).toBeNull();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('never leaves half a file: concurrent writers, one whole value wins, no temporary files remain', async () => {
    const dir = tempDir();
    const store = new FileStorage(dir);
    const values = Array.from({ length: 25 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(20_000 + i) }));
    await Promise.all(values.map((v) => store.set('race.json', v)));
    expect(values).toContain(await store.get('race.json'));
    expect(fs.readdirSync(dir)).toEqual(['race.json']);
  });

  it('refuses names that would leave its directory', async () => {
    const store = new FileStorage(tempDir());
    for (const name of ['../escape', 'a/b', '', '.hidden', 'x'.repeat(200)])
      await expect(store.set(name, 'v')).rejects.toThrow(/Invalid storage name/);
  });
});

describe('MemoryStorage', () => {
  it('stores, reads back and deletes values', async () => {
    const store = new MemoryStorage();
    expect(await store.get('k')).toBeNull();
    await store.set('k', 'v');
    expect(await store.get('k')).toBe('v');
    await store.delete('k');
    expect(await store.get('k')).toBeNull();
  });
});
