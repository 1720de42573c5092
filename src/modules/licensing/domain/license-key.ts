import { createHash, randomBytes } from 'node:crypto';

/**
 * License keys in 002's format, `FHIR-XXXX-XXXX-XXXX-XXXX-XXXX`: sixteen
 * random characters (80 bits from the CSPRNG) and a fifth group that is a
 * check value over them, so a mistyped key is refused before any database
 * lookup. Characters are Crockford base32 (no I, L, O, U): readable aloud,
 * and the usual misreadings (O for 0, I or L for 1) are corrected on input.
 * Pure apart from the random source.
 */

export const KEY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PREFIX = 'FHIR';
const BODY_GROUPS = 4;
const GROUP = 4;

function encode(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      bits -= 5;
      out += KEY_ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** The check group of a 16-character body: the first 20 bits of a domain-separated SHA-256. */
export function checkGroup(body: string): string {
  return encode(createHash('sha256').update(`fhiriq-license-key:${body}`).digest(), GROUP);
}

const GROUPS = new RegExp(`.{${GROUP}}`, 'g');
const group = (s: string) => s.match(GROUPS) ?? [];

/** A new key from the CSPRNG (or the given 10 bytes, for tests). */
export function generateLicenseKey(random: Uint8Array = randomBytes(10)): string {
  if (random.length !== 10) throw new RangeError('a license key needs 10 random bytes');
  const body = encode(random, BODY_GROUPS * GROUP);
  return [PREFIX, ...group(body), checkGroup(body)].join('-');
}

export type KeyParse =
  | { ok: true; key: string; body: string }
  | { ok: false; reason: 'empty' | 'too_long' | 'prefix' | 'length' | 'characters' | 'check' };

/**
 * The canonical key, or why it is not one. Accepts lower case, spaces and missing dashes, and
 * Crockford's readings (O → 0, I/L → 1); refuses anything else before a lookup.
 */
export function parseLicenseKey(input: string): KeyParse {
  if (input.length === 0) return { ok: false, reason: 'empty' };
  // Bounded before any work: a key is 29 characters; generous room for spaces.
  if (input.length > 64) return { ok: false, reason: 'too_long' };
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  if (!compact.startsWith(PREFIX)) return { ok: false, reason: 'prefix' };
  const rest = compact.slice(PREFIX.length).replace(/O/g, '0').replace(/[IL]/g, '1');
  if (rest.length !== (BODY_GROUPS + 1) * GROUP) return { ok: false, reason: 'length' };
  if (![...rest].every((c) => KEY_ALPHABET.includes(c))) return { ok: false, reason: 'characters' };
  const body = rest.slice(0, BODY_GROUPS * GROUP);
  const check = checkGroup(body);
  if (check !== rest.slice(BODY_GROUPS * GROUP)) return { ok: false, reason: 'check' };
  return { ok: true, key: [PREFIX, ...group(body), check].join('-'), body };
}

/** A key as it may appear anywhere but its owner's screen: prefix and last group only. */
export function maskLicenseKey(key: string): string {
  return `${PREFIX}-****-****-****-****-${key.slice(-GROUP)}`;
}
