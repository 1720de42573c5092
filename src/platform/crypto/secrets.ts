import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Every key FHIR IQ uses is derived from one root secret (APP_SECRET, or a
 * random one generated once into DATA_DIR/secret.key) with HKDF and a purpose
 * label, so a leak of one derived key (say the cookie key) says nothing about
 * another (the encryption key).
 */
export class Secrets {
  readonly #root: Buffer;
  readonly #cache = new Map<string, Buffer>();

  constructor(root: string | Buffer) {
    this.#root = Buffer.isBuffer(root) ? root : Buffer.from(root, 'utf8');
    if (this.#root.length < 32) throw new Error('The root secret must be at least 32 bytes');
  }

  /** A 32-byte key for one purpose ("cookie", "csrf", "hash:api-token", ...). */
  key(purpose: string): Buffer {
    let k = this.#cache.get(purpose);
    if (!k) {
      k = Buffer.from(hkdfSync('sha256', this.#root, Buffer.alloc(0), `fhiriq:${purpose}`, 32));
      this.#cache.set(purpose, k);
    }
    return k;
  }

  /** Keyed hash for looking secrets up without storing them (tokens, keys). */
  keyedHash(purpose: string, value: string): string {
    return createHmac('sha256', this.key(`hash:${purpose}`))
      .update(value, 'utf8')
      .digest('base64url');
  }

  /** AES-256-GCM; output `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
  encrypt(purpose: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(`enc:${purpose}`), iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  decrypt(purpose: string, box: string): string {
    const [v, iv, tag, data] = box.split('.');
    if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('Unknown ciphertext format');
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.key(`enc:${purpose}`),
      Buffer.from(iv, 'base64url'),
    );
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /**
   * AES-256-GCM over bytes (files at rest). `aad` binds the ciphertext to its owner (a row id),
   * so a ciphertext copied onto another row does not decrypt. Output: version byte 1, IV (12),
   * tag (16), ciphertext.
   */
  encryptBytes(purpose: string, plaintext: Buffer, aad: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(`enc:${purpose}`), iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), data]);
  }

  /** The plaintext of `encryptBytes`; throws if the box, the key or the `aad` do not match. */
  decryptBytes(purpose: string, box: Buffer, aad: string): Buffer {
    if (box.length < 29 || box[0] !== 1) throw new Error('Unknown ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.key(`enc:${purpose}`), box.subarray(1, 13));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(box.subarray(13, 29));
    return Buffer.concat([decipher.update(box.subarray(29)), decipher.final()]);
  }
}

/** URL-safe random token with `bytes` of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Constant-time string comparison (length is not secret). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * The root secret: APP_SECRET when configured; otherwise one generated on the
 * first start and kept (mode 0600) in the data directory, so a restart keeps
 * sessions valid and encrypted data readable.
 */
export function loadRootSecret(
  appSecret: string | undefined,
  dataDir: string,
): { secret: string; source: string } {
  if (appSecret) return { secret: appSecret, source: 'APP_SECRET' };
  const file = path.join(dataDir, 'secret.key');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return { secret: existing, source: file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const generated = randomBytes(32).toString('hex');
  try {
    fs.writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
    return { secret: generated, source: file };
  } catch (err) {
    // Another process won the race: use what it wrote.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      return { secret: fs.readFileSync(file, 'utf8').trim(), source: file };
    throw err;
  }
}
