import { createPublicKey } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import type { Seeder } from '../../platform/db/seed.ts';
import { type Executor, handle, view } from '../../platform/db/transaction.ts';
import {
  generateSigningKey,
  type PublicKeyInfo,
  type SigningAlgorithm,
  type SigningKey,
  signBytes,
  signingKeyFromPem,
} from './domain/certificate.ts';
import type { LicensingDb } from './licensing.tables.ts';

const PURPOSE = 'license-signing-key';

/** The algorithm a configured private key signs with (RSA keys sign RSA-PSS/SHA-256, as in 002). */
function algorithmOf(pem: string): SigningAlgorithm {
  return signingKeyFromPem('ed25519', pem).privateKey.asymmetricKeyType === 'ed25519'
    ? 'ed25519'
    : 'rsa-pss-sha256';
}

/**
 * The license signing keys: one active key signs, every key ever used is
 * published. On start (a seeder, so two processes starting together agree),
 * a configured LICENSE_SIGNING_KEY becomes the active key — a different one
 * than before retires the old one — and without configuration a key is
 * generated once. Private keys are stored encrypted; they never leave this class.
 */
export class SigningKeyStore {
  #active: SigningKey | undefined;
  #published: PublicKeyInfo[] | undefined;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<LicensingDb>,
  ) {}

  seeder(): Seeder {
    return {
      name: 'licensing.signing-key',
      version: 1,
      run: async (trx) => this.#ensure(view<LicensingDb>(handle(trx))),
    };
  }

  async #ensure(trx: Executor<LicensingDb>): Promise<void> {
    const now = this.ctx.clock.now();
    const active = await trx
      .selectFrom('license_signing_key')
      .selectAll()
      .where('status', '=', 'active')
      .executeTakeFirst();
    const configured = this.ctx.config.licenseSigningKey;
    let wanted: SigningKey | undefined;
    let source: 'generated' | 'config' = 'generated';
    if (configured) {
      wanted = signingKeyFromPem(algorithmOf(configured), configured);
      source = 'config';
      if (active?.kid === wanted.kid) return;
    } else if (active) {
      return;
    } else {
      wanted = generateSigningKey('ed25519');
    }
    if (active)
      await trx
        .updateTable('license_signing_key')
        .set({ status: 'retired', retired_at: now })
        .where('kid', '=', active.kid)
        .execute();
    await trx
      .insertInto('license_signing_key')
      .values({
        kid: wanted.kid,
        alg: wanted.alg,
        private_key_enc: this.ctx.secrets.encrypt(
          PURPOSE,
          wanted.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        ),
        public_key_pem: wanted.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
        status: 'active',
        source,
        created_at: now,
        retired_at: null,
      })
      // A key configured before, retired since, and configured again: active again.
      .onConflict((oc) => oc.column('kid').doUpdateSet({ status: 'active', retired_at: null }))
      .execute();
    this.ctx.log.info({ kid: wanted.kid, alg: wanted.alg, source }, 'license signing key activated');
    this.#active = undefined;
    this.#published = undefined;
  }

  /** The key that signs new files. */
  async current(): Promise<SigningKey> {
    if (this.#active) return this.#active;
    const row = await this.db
      .selectFrom('license_signing_key')
      .selectAll()
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (!row) throw new Error('No active license signing key: the licensing seeder has not run');
    this.#active = signingKeyFromPem(row.alg, this.ctx.secrets.decrypt(PURPOSE, row.private_key_enc));
    return this.#active;
  }

  /** Every public key, active and retired, oldest first: what clients verify files with. */
  async published(): Promise<PublicKeyInfo[]> {
    if (this.#published) return this.#published;
    const rows = await this.db
      .selectFrom('license_signing_key')
      .select(['kid', 'alg', 'public_key_pem', 'status'])
      .orderBy('created_at')
      .orderBy('kid')
      .execute();
    this.#published = rows.map((r) => ({
      kid: r.kid,
      alg: r.alg,
      publicKey: createPublicKey(r.public_key_pem),
    }));
    return this.#published;
  }
}

/** The `FHIRIQ-Signature` header of a response body: key id, algorithm, signature over its bytes. */
export async function signBody(store: SigningKeyStore, body: string): Promise<string> {
  const key = await store.current();
  const sig = signBytes(key, Buffer.from(body, 'utf8')).toString('base64url');
  return `keyid="${key.kid}", algorithm="${key.alg}", signature="${sig}"`;
}

/**
 * A route's `onSend` hook that signs its 200 answers with the `FHIRIQ-Signature` header. It runs
 * after serialization, so the signature covers the exact bytes sent.
 */
export function signAnswers(store: SigningKeyStore) {
  return async (
    _request: unknown,
    reply: { statusCode: number; header(name: string, value: string): unknown },
    payload: unknown,
  ): Promise<unknown> => {
    if (typeof payload === 'string' && reply.statusCode === 200)
      reply.header('fhiriq-signature', await signBody(store, payload));
    return payload;
  };
}
