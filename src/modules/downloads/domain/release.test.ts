import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  formatBytes,
  isVersion,
  linkSignature,
  newestFirst,
  safeFileName,
} from './release.ts';

describe('release rules', () => {
  it('accepts semantic versions (patch optional) and nothing else', () => {
    for (const v of ['1.2', '1.2.3', '0.0.1', '2.0.0-beta.1', '2.0.0+build.5', '10.20.30-rc.1+sha.abc'])
      expect(isVersion(v), v).toBe(true);
    for (const v of ['1', '1.x', 'v1.2.3', '01.2.3', '1.2.3.4', '1.2.3-', '', `1.2.${'9'.repeat(70)}`])
      expect(isVersion(v), v).toBe(false);
  });

  it('orders versions as semantic versioning does', () => {
    const sorted = ['1.10.0', '1.2.0', '2.0.0-beta.2', '2.0.0-beta.10', '2.0.0-alpha', '2.0.0'].sort(
      compareVersions,
    );
    expect(sorted).toEqual(['1.2.0', '1.10.0', '2.0.0-alpha', '2.0.0-beta.2', '2.0.0-beta.10', '2.0.0']);
    // The patch is optional: 1.2 is 1.2.0; build metadata does not count.
    expect(compareVersions('1.2', '1.2.0')).toBe(0);
    expect(compareVersions('1.2.0+a', '1.2.0+b')).toBe(0);
    const at = (s: string) => new Date(s);
    expect(
      newestFirst([
        { version: '1.0.0', createdAt: at('2026-01-02') },
        { version: '1.1.0', createdAt: at('2026-01-01') },
      ]).map((r) => r.version),
    ).toEqual(['1.1.0', '1.0.0']);
  });

  it('keeps a file name safe for a header and a disk', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\me\\Setup Ü 1.0.exe')).toBe('Setup_U_1.0.exe');
    expect(safeFileName('"; x=y.zip')).toBe('x_y.zip');
    expect(safeFileName('.hidden')).toBe('hidden');
    expect(safeFileName('')).toBe('release.bin');
  });

  it('reads sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(512 * 1024 * 1024)).toBe('512.0 MiB');
  });

  it('signs a link for one release, one user and one expiry', () => {
    const key = Buffer.alloc(32, 7);
    const sig = linkSignature(key, 'rel_a', 'usr_a', 100);
    expect(linkSignature(key, 'rel_a', 'usr_a', 100)).toBe(sig);
    for (const other of [
      linkSignature(key, 'rel_b', 'usr_a', 100),
      linkSignature(key, 'rel_a', 'usr_b', 100),
      linkSignature(key, 'rel_a', 'usr_a', 101),
      linkSignature(Buffer.alloc(32, 8), 'rel_a', 'usr_a', 100),
    ])
      expect(other).not.toBe(sig);
  });
});
