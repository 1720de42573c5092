import { describe, expect, it } from 'vitest';
import { type CachedLicense, LICENSE_CACHE_TTL_MS, LicenseCache } from './license-cache.ts';
import type { LicenseRow } from './licensing.tables.ts';

/** The validation cache's rules, on a clock the test moves. */

const entry = (id: string): CachedLicense => ({
  license: { id } as LicenseRow,
  machines: [],
  usage: null,
});

describe('LicenseCache', () => {
  it('keeps a license for LICENSE_CACHE_TTL_MS, drops it on a change, and never stores a read older than a change', () => {
    let now = 0;
    const cache = new LicenseCache(() => now);
    cache.set('h1', entry('lic_1'), cache.generation);
    expect(cache.get('h1')?.license.id).toBe('lic_1');
    now = LICENSE_CACHE_TTL_MS;
    expect(cache.get('h1')).toBeUndefined();
    cache.set('h1', entry('lic_1'), cache.generation);
    cache.invalidate('lic_1');
    expect(cache.get('h1')).toBeUndefined();
    const before = cache.generation;
    cache.invalidate('lic_1');
    cache.set('h1', entry('lic_1'), before);
    expect(cache.get('h1')).toBeUndefined();
  });

  it('remembers unknown keys as unknown for as long, forgets one when it is issued, and ignores a stale miss', () => {
    let now = 0;
    const cache = new LicenseCache(() => now);
    cache.setMissing('h2', cache.generation);
    expect(cache.isMissing('h2')).toBe(true);
    now = LICENSE_CACHE_TTL_MS - 1;
    expect(cache.isMissing('h2')).toBe(true);
    now = LICENSE_CACHE_TTL_MS;
    expect(cache.isMissing('h2')).toBe(false);
    cache.setMissing('h2', cache.generation);
    cache.forgetMissing('h2');
    expect(cache.isMissing('h2')).toBe(false);
    // A lookup that started before the key was issued does not mark it unknown afterwards.
    const before = cache.generation;
    cache.forgetMissing('h3');
    cache.setMissing('h3', before);
    expect(cache.isMissing('h3')).toBe(false);
  });
});
