import { describe, expect, it } from 'vitest';
import { codingSuffix } from './render.ts';

describe('codingSuffix', () => {
  it('names the coding @fastify/compress picks: brotli, then gzip, by q-value', () => {
    expect(codingSuffix(undefined)).toBe('');
    expect(codingSuffix('identity')).toBe('');
    expect(codingSuffix('gzip, deflate, br, zstd')).toBe('-br');
    expect(codingSuffix('gzip')).toBe('-gzip');
    expect(codingSuffix('x-gzip')).toBe('-gzip');
    expect(codingSuffix('*')).toBe('-gzip');
    expect(codingSuffix('br;q=0.5, gzip;q=0.8')).toBe('-gzip');
    expect(codingSuffix('br;q=0, gzip')).toBe('-gzip');
    expect(codingSuffix('BR')).toBe('-br');
    expect(codingSuffix('gzip;q=0')).toBe('');
  });
});
