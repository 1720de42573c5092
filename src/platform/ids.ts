import { randomFillSync } from 'node:crypto';
import type { Clock } from './clock.ts';

// Crockford base32: sortable as text, no ambiguous letters.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function encode(value: bigint, length: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(v & 31n)] + out;
    v >>= 5n;
  }
  return out;
}

// Random bytes drawn from the CSPRNG 4 KiB at a time: one system call per 409 ids instead of one
// per id (ids are made on hot paths: license trail rows, events, jobs).
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function random80(): bigint {
  if (poolOffset + 10 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + 10);
  // Used bytes are wiped so a later heap dump holds no past id's randomness.
  pool.fill(0, poolOffset, poolOffset + 10);
  poolOffset += 10;
  return BigInt(`0x${hex}`);
}

/**
 * Prefixed, time-sortable, unguessable id (`usr_01j…`): 48 bits of milliseconds
 * then 80 random bits, like a ULID. The prefix tells a reader (and a log line)
 * what kind of thing the id names.
 */
export function newId(prefix: string, clock?: Clock): string {
  const ms = BigInt((clock ? clock.now() : new Date()).getTime());
  const rand = random80();
  return `${prefix}_${encode(ms, 10)}${encode(rand, 16)}`;
}

export const ID_PATTERN = '^[a-z]{2,5}_[0-9a-hjkmnp-tv-z]{26}$';
