import { randomBytes } from 'node:crypto';
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

/**
 * Prefixed, time-sortable, unguessable id (`usr_01j…`): 48 bits of milliseconds
 * then 80 random bits, like a ULID. The prefix tells a reader (and a log line)
 * what kind of thing the id names.
 */
export function newId(prefix: string, clock?: Clock): string {
  const ms = BigInt((clock ? clock.now() : new Date()).getTime());
  const rand = BigInt(`0x${randomBytes(10).toString('hex')}`);
  return `${prefix}_${encode(ms, 10)}${encode(rand, 16)}`;
}

export const ID_PATTERN = '^[a-z]{2,5}_[0-9a-hjkmnp-tv-z]{26}$';
