import { createPublicKey } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import type { Seeder } from '../../platform/db/seed.ts';
import { type Executor, handle, view } from '../../platform/db/transaction.ts';
import { BatchSigner } from './batch-signer.ts';
import {
  generateSigningKey,
  type PublicKeyInfo,
  type SigningAlgorithm,
  type SigningKey,
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
  /** Signs API answers on a dedicated thread, in batches. */
  readonly signer = new BatchSigner();
  #active = new Map<SigningAlgorithm, SigningKey>();
  #published: PublicKeyInfo[] | undefined;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<LicensingDb>,
  ) {}

  /** The algorithm files are signed with unless a product's policy says otherwise: the configured key's, else Ed25519. */
  get defaultAlg(): SigningAlgorithm {
    const configured = this.ctx.config.licenseSigningKey;
    return configured ? algorithmOf(configured) : 'ed25519';
  }

  seeder(): Seeder {
    return {
      name: 'licensing.signing-key',
      version: 1,
      run: async (trx) => this.#ensure(view<LicensingDb>(handle(trx))),
    };
  }

  async #ensure(trx: Executor<LicensingDb>): Promise<void> {
    const now = this.ctx.clock.now();
    const configured = this.ctx.config.licenseSigningKey;
    const alg = this.defaultAlg;
    // One active key per algorithm: a configured key replaces the active key of its own algorithm.
    const active = await trx
      .selectFrom('license_signing_key')
      .selectAll()
      .where('status', '=', 'active')
      .where('alg', '=', alg)
      .executeTakeFirst();
    let wanted: SigningKey | undefined;
    let source: 'generated' | 'config' = 'generated';
    if (configured) {
      wanted = signingKeyFromPem(alg, configured);
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
    this.#active.clear();
    this.#published = undefined;
  }

  /**
   * The key that signs new files with an algorithm (default: the configured key's, else
   * Ed25519); a key of another algorithm is generated the first time a product's policy asks
   * for one.
   */
  async current(alg: SigningAlgorithm | null = null): Promise<SigningKey> {
    alg ??= this.defaultAlg;
    const cached = this.#active.get(alg);
    if (cached) return cached;
    let row = await this.#activeRow(alg);
    if (!row) {
      await this.#generate(alg);
      row = await this.#activeRow(alg);
    }
    if (!row) throw new Error(`No active ${alg} license signing key: the licensing seeder has not run`);
    const key = signingKeyFromPem(row.alg, this.ctx.secrets.decrypt(PURPOSE, row.private_key_enc));
    this.#active.set(alg, key);
    return key;
  }

  #activeRow(alg: SigningAlgorithm) {
    return this.db
      .selectFrom('license_signing_key')
      .selectAll()
      .where('status', '=', 'active')
      .where('alg', '=', alg)
      .executeTakeFirst();
  }

  /** A new active key of an algorithm that has none; two processes racing keep the first (unique index). */
  async #generate(alg: SigningAlgorithm): Promise<void> {
    const key = generateSigningKey(alg);
    await this.db
      .insertInto('license_signing_key')
      .values({
        kid: key.kid,
        alg,
        private_key_enc: this.ctx.secrets.encrypt(
          PURPOSE,
          key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        ),
        public_key_pem: key.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
        status: 'active',
        source: 'generated',
        created_at: this.ctx.clock.now(),
        retired_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    this.#published = undefined;
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
  const sig = await store.signer.sign(key, body);
  return `keyid="${key.kid}", algorithm="${key.alg}", signature="${sig}"`;
}
