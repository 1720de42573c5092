import { randomBytes } from 'node:crypto';

/**
 * Training access keys: `TRN-` and four groups of four Crockford base32 characters (80 random
 * bits), shown to the enrollment's owner. Elsewhere (mail, staff pages) only the masked form.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PREFIX = 'TRN';

export function generateAccessKey(random: Uint8Array = randomBytes(10)): string {
  if (random.length !== 10) throw new RangeError('an access key needs 10 random bytes');
  let bits = 0n;
  for (const b of random) bits = (bits << 8n) | BigInt(b);
  let body = '';
  for (let i = 0; i < 16; i++) {
    body = ALPHABET[Number(bits & 31n)] + body;
    bits >>= 5n;
  }
  return [PREFIX, ...(body.match(/.{4}/g) ?? [])].join('-');
}

export const maskAccessKey = (key: string): string => `${PREFIX}-****-****-****-${key.slice(-4)}`;
