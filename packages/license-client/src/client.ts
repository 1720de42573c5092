import {
  type CertificateBody,
  certificateBodyOf,
  type MachineBody,
  machineBodyOf,
  type ValidateBody,
  validateBodyOf,
} from './answers.ts';
import {
  base64UrlToBytes,
  isRecord,
  parseJson,
  randomNonce,
  sha256Hex,
  timeOf,
  utf8Decode,
  utf8Encode,
} from './encoding.ts';
import { type KeyResolver, type KeyVerdict, PublicKeySet, type PublicKeysInput } from './keys.ts';
import { type LicenseStorage, MemoryStorage } from './storage.ts';
import {
  type CertificateResult,
  CLIENT_CODES,
  type ClientCode,
  type ClientFailure,
  type FileLicenseTerms,
  type FileVerification,
  type LicenseInfo,
  type MachineResult,
  type RefusalCode,
  type RefusedAnswer,
  type ValidateResult,
} from './types.ts';
import { parseSignatureHeader, verifyLicenseFile, verifySignatureHeader } from './verify.ts';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface LicenseClientOptions {
  /** The FHIR IQ server, e.g. `https://fhiriq.example` (no trailing path). */
  baseUrl: string;
  /** The license key (`FHIR-XXXX-…`). */
  key: string;
  /**
   * The product this application is (`TL-MAPPER`, or an exact SKU): sent with validations and
   * activations (PRODUCT_MISMATCH for a key of another product), checked in machine files,
   * and the namespace of the default Node fingerprint.
   */
  product?: string;
  /** This machine's fingerprint (8–128 printable ASCII), or a function computing it. Needed for machine calls. */
  fingerprint?: string | (() => string | Promise<string>);
  /** Where the cache lives (default: memory, this process only). */
  storage?: LicenseStorage;
  /**
   * Pinned public keys (keys.json's content, or its `keys`). With them the client never fetches
   * keys, so neither a forged server nor an edited cache can bring its own key. Without them the
   * keys are fetched from `/.well-known/fhiriq/keys.json` on first use, cached in storage, and
   * fetched again once when an answer names an unknown key.
   */
  publicKeys?: PublicKeysInput;
  /** Default: the global fetch. */
  fetch?: FetchLike;
  /** The local clock (default: `new Date()`); tests control time with it. */
  now?: () => Date;
  /** How long a VALID answer is reused before `validate()` asks the server again. Default 24 hours. */
  revalidateAfterMs?: number;
  /** How long after the last server confirmation an offline client keeps answering VALID. Default 7 days. */
  gracePeriodMs?: number;
  /** The replay window (an answer's `meta.ts` against local time) and the clock-rollback tolerance. Default 5 minutes. */
  clockToleranceMs?: number;
  /** Per request. Default 10 seconds. */
  timeoutMs?: number;
}

export interface ValidateOptions {
  /**
   * 'machine': validate this machine's activation (sends the fingerprint; offline, the machine
   * file answers). 'license': the license alone. Default: 'machine' when this client holds a
   * machine file (it activated), else 'license'.
   */
  scope?: 'license' | 'machine';
  /** Seat licenses: the user (email) the check is for. */
  user?: string;
  /** Ask the server even when the cached answer is fresh. */
  force?: boolean;
}

export interface ActivateOptions {
  /** A name the customer recognizes in the portal. */
  name?: string;
  /** e.g. `linux-x64` (the Node client sends it by default). */
  platform?: string;
  /** The host name shown in the portal (the Node client sends it by default). */
  hostname?: string;
  /** Seat licenses: the user the machine is for. */
  user?: string;
}

export interface HeartbeatLoopOptions {
  /** Between beats. Default: half the time left until `machine.heartbeatDueBy`, else 10 minutes; 1 minute after a failure. */
  intervalMs?: number;
  /** On HEARTBEAT_DEAD or NO_MACHINE (the machine was released), activate again. Default true. */
  reactivate?: boolean | ActivateOptions;
  onResult?: (result: MachineResult) => void;
  /** A thrown error (storage, a bug); the loop goes on. */
  onError?: (error: unknown) => void;
}

export interface HeartbeatLoop {
  stop(): void;
  readonly running: boolean;
}

export type LicenseClientErrorCode = 'CONFIG' | 'NO_FINGERPRINT';

/** Misuse of the client (thrown): everything the server or the network does is a result instead. */
export class LicenseClientError extends Error {
  readonly code: LicenseClientErrorCode;
  constructor(code: LicenseClientErrorCode, message: string) {
    super(message);
    this.name = 'LicenseClientError';
    this.code = code;
  }
}

export const DEFAULTS = {
  revalidateAfterMs: 24 * 3600_000,
  gracePeriodMs: 7 * 24 * 3600_000,
  clockToleranceMs: 5 * 60_000,
  timeoutMs: 10_000,
} as const;

/** A signed answer as received: re-verified each time it is read back, so an edited cache is refused. */
interface SignedRecord {
  scope: string;
  body: string;
  signature: string;
}

interface StoredState {
  v: 1;
  /** The latest trusted time seen (ms): server times and local times, for clock-rollback detection. */
  trustedTime: number | null;
  /** The last signed validation (any code) and the scope it answered. */
  validation: SignedRecord | null;
  /** The last machine file (activation or heartbeat). */
  machineFile: string | null;
}

const emptyState = (): StoredState => ({ v: 1, trustedTime: null, validation: null, machineFile: null });

function stateOf(text: string | null): StoredState {
  const v = text === null ? undefined : parseJson(text);
  // A corrupt or foreign cache is no cache: the client goes online.
  if (!isRecord(v) || v.v !== 1) return emptyState();
  const record = isRecord(v.validation) ? v.validation : null;
  return {
    v: 1,
    trustedTime: typeof v.trustedTime === 'number' && Number.isFinite(v.trustedTime) ? v.trustedTime : null,
    validation:
      record &&
      typeof record.scope === 'string' &&
      typeof record.body === 'string' &&
      typeof record.signature === 'string'
        ? { scope: record.scope, body: record.body, signature: record.signature }
        : null,
    machineFile: typeof v.machineFile === 'string' ? v.machineFile : null,
  };
}

/** What one signed exchange with the server gave. */
type Exchange<T> =
  | { kind: 'answer'; body: T; raw: string; signature: string; ts: number }
  | { kind: 'unreachable'; detail: string; retryAfterSeconds?: number; cause?: unknown }
  | { kind: 'failure'; failure: ClientFailure };

const fail = (code: ClientCode, detail: string, extra: Partial<ClientFailure> = {}): ClientFailure => ({
  ok: false,
  valid: false,
  code,
  detail,
  source: 'client',
  ...extra,
});

const iso = (ms: number) => new Date(ms).toISOString();

// Refusals of the license itself, whatever was asked about it.
const LICENSE_LEVEL: readonly RefusalCode[] = [
  'INVALID_KEY_FORMAT',
  'NOT_FOUND',
  'REVOKED',
  'SUSPENDED',
  'EXPIRED',
];
// Refusals after which the machine file no longer stands: the license's, the machine's activation,
// and a license activated on more machines than it now allows (seats reduced).
const ENDS_MACHINE_FILE: readonly RefusalCode[] = [
  ...LICENSE_LEVEL,
  'NO_MACHINE',
  'HEARTBEAT_DEAD',
  'TOO_MANY_MACHINES',
];

const CLIENT_CODE_LIST: readonly string[] = CLIENT_CODES;

/** The license info an offline answer gives from a machine file's terms (no machine count there). */
const licenseFromTerms = (t: FileLicenseTerms): LicenseInfo => ({
  id: t.id,
  sku: t.sku,
  type: t.type,
  status: t.status,
  seats: t.seats,
  maxMachines: t.maxMachines,
  machines: null,
  limits: t.limits,
  validFrom: t.validFrom,
  validUntil: t.validUntil,
});

/**
 * The public keys: pinned, or fetched and cached in storage. An unknown key id is fetched again
 * once per check (keys rotate; old ones stay published), unless the check must stay offline.
 */
class KeyRing {
  #known: PublicKeySet | null = null;

  constructor(
    private readonly pinned: PublicKeySet | null,
    private readonly storage: LicenseStorage,
    private readonly storageName: Promise<string>,
    private readonly fetchKeys: () => Promise<unknown>,
  ) {}

  async #current(): Promise<PublicKeySet | null> {
    if (this.#known) return this.#known;
    const stored = await this.storage.get(await this.storageName);
    const parsed = stored === null ? undefined : parseJson(stored);
    try {
      this.#known = parsed === undefined ? null : PublicKeySet.from(parsed);
    } catch {
      this.#known = null;
    }
    return this.#known;
  }

  async #refresh(): Promise<PublicKeySet> {
    const fresh = PublicKeySet.from(await this.fetchKeys());
    this.#known = fresh;
    await this.storage.set(await this.storageName, JSON.stringify({ keys: fresh.keys }));
    return fresh;
  }

  /** 'unavailable': the key is unknown and the keys could not be fetched (the server is unreachable). */
  async verify(
    kid: string,
    alg: string,
    data: Uint8Array<ArrayBuffer>,
    sig: Uint8Array<ArrayBuffer>,
    allowFetch: boolean,
  ): Promise<KeyVerdict | 'unavailable'> {
    if (this.pinned) return this.pinned.verify(kid, alg, data, sig);
    const known = await this.#current();
    if (known?.has(kid, alg)) return known.verify(kid, alg, data, sig);
    if (!allowFetch) return 'unknown';
    let fresh: PublicKeySet;
    try {
      fresh = await this.#refresh();
    } catch {
      return 'unavailable';
    }
    return fresh.verify(kid, alg, data, sig);
  }

  resolver(allowFetch: boolean): KeyResolver {
    return {
      verify: async (kid, alg, data, sig) => {
        const verdict = await this.verify(kid, alg, data, sig, allowFetch);
        return verdict === 'unavailable' ? 'unknown' : verdict;
      },
    };
  }
}

/**
 * The FHIR IQ license client. Every online call sends a fresh nonce and accepts the answer only
 * when its signature holds over the exact body bytes (with a published key), it echoes the
 * nonce, and its timestamp is within the tolerance of local time. VALID answers are cached and
 * reused for `revalidateAfterMs`; when the server cannot be reached, the cached machine file or
 * validation answers within the grace period, unless the clock was set back.
 */
export class LicenseClient {
  readonly baseUrl: string;
  readonly product: string | undefined;
  readonly options: Readonly<Required<Pick<LicenseClientOptions, keyof typeof DEFAULTS>>>;
  readonly #key: string;
  readonly #fingerprint: LicenseClientOptions['fingerprint'];
  #resolvedFingerprint: Promise<string> | undefined;
  readonly #storage: LicenseStorage;
  readonly #fetch: FetchLike;
  readonly #now: () => Date;
  readonly #keys: KeyRing;
  #stateName: Promise<string> | undefined;

  constructor(options: LicenseClientOptions) {
    if (!options.baseUrl || !/^https?:\/\//.test(options.baseUrl))
      throw new LicenseClientError('CONFIG', 'baseUrl must be an http(s) URL');
    if (!options.key?.trim()) throw new LicenseClientError('CONFIG', 'key is required');
    for (const name of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
      const value = options[name];
      if (value !== undefined && !(Number.isFinite(value) && value >= 0))
        throw new LicenseClientError('CONFIG', `${name} must be a non-negative number of milliseconds`);
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#key = options.key.trim();
    this.product = options.product;
    this.#fingerprint = options.fingerprint;
    this.#storage = options.storage ?? new MemoryStorage();
    const globalFetch: FetchLike = (url, init) => globalThis.fetch(url, init);
    this.#fetch = options.fetch ?? globalFetch;
    this.#now = options.now ?? (() => new Date());
    this.options = {
      revalidateAfterMs: options.revalidateAfterMs ?? DEFAULTS.revalidateAfterMs,
      gracePeriodMs: options.gracePeriodMs ?? DEFAULTS.gracePeriodMs,
      clockToleranceMs: options.clockToleranceMs ?? DEFAULTS.clockToleranceMs,
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    };
    this.#keys = new KeyRing(
      options.publicKeys ? PublicKeySet.from(options.publicKeys) : null,
      this.#storage,
      sha256Hex(this.baseUrl).then((h) => `fhiriq-keys-${h.slice(0, 32)}.json`),
      () => this.#fetchKeys(),
    );
  }

  /** This machine's fingerprint (throws NO_FINGERPRINT when the client has none). */
  async fingerprint(): Promise<string> {
    const source = this.#fingerprint;
    if (source === undefined)
      throw new LicenseClientError(
        'NO_FINGERPRINT',
        'This call needs a machine fingerprint: pass `fingerprint`',
      );
    this.#resolvedFingerprint ??= (async () => (typeof source === 'function' ? source() : source))().catch(
      (err: unknown) => {
        // A failed computation is tried again next time rather than remembered.
        this.#resolvedFingerprint = undefined;
        throw err;
      },
    );
    return this.#resolvedFingerprint;
  }

  /** The cached machine file (from the last activation or heartbeat), or null. */
  async machineFile(): Promise<string | null> {
    return (await this.#load()).machineFile;
  }

  /** Forgets the cached validation, machine file and trusted time (the published keys stay). */
  async clearCache(): Promise<void> {
    await this.#storage.delete(await this.#stateKey());
  }

  // ——— online calls ———

  /**
   * Is the license valid (for this machine, product, user)? Answers from the cache while the
   * last VALID is fresh; asks the server otherwise; answers offline within the grace period
   * when the server cannot be reached.
   */
  async validate(options: ValidateOptions = {}): Promise<ValidateResult> {
    const now = this.#now().getTime();
    const state = await this.#load();
    const machineScoped = options.scope ? options.scope === 'machine' : state.machineFile !== null;
    const fingerprint = machineScoped ? await this.fingerprint() : undefined;
    const scope = JSON.stringify([fingerprint ?? null, this.product ?? null, options.user ?? null]);
    const rolledBack = this.#rolledBack(state, now);
    this.#seeLocalTime(state, now);

    if (!options.force && !rolledBack && state.validation?.scope === scope) {
      const cached = await this.#readValidation(state.validation);
      if (cached?.valid && cached.license) {
        const ts = timeOf(cached.meta.ts);
        const validUntil =
          cached.license.validUntil === null ? Number.POSITIVE_INFINITY : timeOf(cached.license.validUntil);
        const fresh =
          ts <= now + this.options.clockToleranceMs &&
          now - ts < this.options.revalidateAfterMs &&
          now < validUntil;
        if (fresh) {
          await this.#save(state);
          return {
            ok: true,
            valid: true,
            code: 'VALID',
            detail: cached.detail,
            source: 'cache',
            license: cached.license,
            checkedAt: iso(ts),
            nextCheckAt: iso(ts + this.options.revalidateAfterMs),
            graceEndsAt: null,
          };
        }
      }
    }

    const exchange = await this.#call(
      '/api/v1/licenses/validate',
      {
        key: this.#key,
        ...(fingerprint !== undefined ? { fingerprint } : {}),
        ...(this.product ? { sku: this.product } : {}),
        ...(options.user ? { user: options.user } : {}),
      },
      validateBodyOf,
      state,
    );
    if (exchange.kind === 'answer') {
      const { body, ts } = exchange;
      state.validation = { scope, body: exchange.raw, signature: exchange.signature };
      if (!body.valid && ENDS_MACHINE_FILE.includes(body.code as RefusalCode)) state.machineFile = null;
      await this.#save(state);
      if (!body.valid || !body.license)
        return this.#refused(body.code as RefusalCode, body.detail, 'online', body.license, ts, ts);
      if (machineScoped) await this.#refreshMachineFileIfOld(state);
      return {
        ok: true,
        valid: true,
        code: 'VALID',
        detail: body.detail,
        source: 'online',
        license: body.license,
        checkedAt: iso(ts),
        nextCheckAt: iso(ts + this.options.revalidateAfterMs),
        graceEndsAt: null,
      };
    }
    await this.#save(state);
    if (exchange.kind === 'failure') return exchange.failure;
    return this.#offline(state, scope, machineScoped ? fingerprint : undefined, exchange, rolledBack);
  }

  /** Activates this machine; on success the verified machine file is cached for offline use. */
  async activate(options: ActivateOptions = {}): Promise<MachineResult> {
    const fingerprint = await this.fingerprint();
    return this.#machineCall('/api/v1/licenses/activate', {
      key: this.#key,
      fingerprint,
      ...this.activationDefaults(),
      ...stripUndefined(options),
      ...(this.product ? { sku: this.product } : {}),
    });
  }

  /** Frees this machine's place on the license; the cached machine file and validation are dropped. */
  async deactivate(): Promise<MachineResult> {
    return this.#machineCall('/api/v1/licenses/deactivate', {
      key: this.#key,
      fingerprint: await this.fingerprint(),
    });
  }

  /** A floating machine's heartbeat (also renews a node-locked machine's file): a fresh machine file. */
  async heartbeat(): Promise<MachineResult> {
    return this.#machineCall('/api/v1/licenses/heartbeat', {
      key: this.#key,
      fingerprint: await this.fingerprint(),
    });
  }

  /** The license's signed certificate (its terms, for offline entitlement checks), verified. */
  async certificate(): Promise<CertificateResult> {
    const state = await this.#load();
    this.#seeLocalTime(state, this.#now().getTime());
    const exchange = await this.#call(
      '/api/v1/licenses/certificate',
      { key: this.#key },
      certificateBodyOf,
      state,
    );
    await this.#save(state);
    if (exchange.kind === 'failure') return exchange.failure;
    if (exchange.kind === 'unreachable') return this.#unreachable(exchange);
    const { body, ts } = exchange;
    if (!body.ok || body.certificate === null)
      return {
        ok: false,
        valid: false,
        code: body.code as RefusalCode,
        detail: `The server answered ${body.code}.`,
        source: 'online',
        checkedAt: iso(ts),
      };
    const file = await verifyLicenseFile(body.certificate, {
      keys: this.#keys.resolver(true),
      now: this.#now(),
      type: 'license',
      clockToleranceMs: this.options.clockToleranceMs,
    });
    if (!file.ok) return this.#fileFailure(file.code, file.detail);
    return {
      ok: true,
      valid: true,
      code: 'VALID',
      source: 'online',
      certificate: body.certificate,
      file,
      checkedAt: iso(ts),
    };
  }

  /**
   * Floating licenses: sends heartbeats until stopped (the timer does not keep a Node process
   * alive). Beats at once, then at `intervalMs` or half the time left in the heartbeat window.
   */
  startHeartbeat(options: HeartbeatLoopOptions = {}): HeartbeatLoop {
    let running = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const activateOptions = typeof options.reactivate === 'object' ? options.reactivate : {};
    const reactivate = options.reactivate !== false;
    const schedule = (ms: number) => {
      if (!running) return;
      timer = setTimeout(beat, ms);
      // In Node a pending heartbeat must not hold the process open after the application is done.
      const handle: unknown = timer;
      if (isRecord(handle) && typeof handle.unref === 'function') (handle.unref as () => void).call(handle);
    };
    const beat = async () => {
      let next = options.intervalMs ?? 60_000;
      try {
        let result = await this.heartbeat();
        if (reactivate && !result.ok && (result.code === 'HEARTBEAT_DEAD' || result.code === 'NO_MACHINE'))
          result = await this.activate(activateOptions);
        if (running) options.onResult?.(result);
        if (options.intervalMs === undefined && result.ok) {
          const due = result.machine.heartbeatDueBy ? timeOf(result.machine.heartbeatDueBy) : Number.NaN;
          next = Number.isNaN(due) ? 10 * 60_000 : Math.max(1000, (due - this.#now().getTime()) / 2);
        }
      } catch (err) {
        if (running) options.onError?.(err);
      }
      schedule(next);
    };
    void beat();
    return {
      stop: () => {
        running = false;
        if (timer !== undefined) clearTimeout(timer);
      },
      get running() {
        return running;
      },
    };
  }

  // ——— offline ———

  /** Verifies a machine file (default: the cached one) for this machine and product; no network unless a key is unknown. */
  async verifyMachineFile(file?: string): Promise<FileVerification> {
    const text = file ?? (await this.#load()).machineFile;
    if (text === null) return { ok: false, code: 'FILE_MISSING', detail: 'No machine file: activate first.' };
    return verifyLicenseFile(text, {
      keys: this.#keys.resolver(true),
      now: this.#now(),
      type: 'machine',
      fingerprint: await this.fingerprint(),
      ...(this.product ? { product: this.product } : {}),
      clockToleranceMs: this.options.clockToleranceMs,
    });
  }

  /** Verifies a license certificate with the published keys; its status is in `license.status`. */
  async verifyCertificate(file: string): Promise<FileVerification> {
    return verifyLicenseFile(file, {
      keys: this.#keys.resolver(true),
      now: this.#now(),
      type: 'license',
      ...(this.product ? { product: this.product } : {}),
      clockToleranceMs: this.options.clockToleranceMs,
    });
  }

  /** What activation sends unless told otherwise (the Node client adds the platform and host name). */
  protected activationDefaults(): ActivateOptions {
    return {};
  }

  // ——— internals ———

  async #machineCall(path: string, payload: Record<string, unknown>): Promise<MachineResult> {
    const state = await this.#load();
    this.#seeLocalTime(state, this.#now().getTime());
    const exchange = await this.#call(path, payload, machineBodyOf, state);
    if (exchange.kind !== 'answer') {
      await this.#save(state);
      return exchange.kind === 'failure' ? exchange.failure : this.#unreachable(exchange);
    }
    const { body, ts } = exchange;
    const deactivating = path.endsWith('/deactivate');
    if (!body.ok || !body.license || !body.machine) {
      if (ENDS_MACHINE_FILE.includes(body.code as RefusalCode)) {
        state.machineFile = null;
        state.validation = null;
      }
      await this.#save(state);
      return {
        ok: false,
        valid: false,
        code: body.code as RefusalCode,
        detail: body.detail,
        source: 'online',
        license: body.license,
        machine: body.machine,
        checkedAt: iso(ts),
      };
    }
    if (deactivating) {
      state.machineFile = null;
      state.validation = null;
    } else {
      if (body.machineFile === null) {
        await this.#save(state);
        return fail('RESPONSE_INVALID', 'The server answered without a machine file.');
      }
      // Keep only a file that will verify offline: signed by a known key, for this machine and product.
      const file = await verifyLicenseFile(body.machineFile, {
        keys: this.#keys.resolver(true),
        now: this.#now(),
        type: 'machine',
        fingerprint: String(payload.fingerprint),
        ...(this.product ? { product: this.product } : {}),
        clockToleranceMs: this.options.clockToleranceMs,
      });
      if (!file.ok) {
        await this.#save(state);
        return this.#fileFailure(file.code, file.detail);
      }
      state.machineFile = body.machineFile;
      // A cached machine-scoped refusal (NO_MACHINE before this activation) no longer holds.
      state.validation = null;
    }
    await this.#save(state);
    return {
      ok: true,
      valid: true,
      code: 'VALID',
      detail: body.detail,
      source: 'online',
      license: body.license,
      machine: body.machine,
      machineFile: deactivating ? null : body.machineFile,
      created: body.created,
      checkedAt: iso(ts),
    };
  }

  /** A machine file past half its life is renewed with a heartbeat after a VALID online validation (best effort). */
  async #refreshMachineFileIfOld(state: StoredState): Promise<void> {
    if (state.machineFile === null) return;
    const file = await this.verifyMachineFile(state.machineFile);
    const now = this.#now().getTime();
    if (file.ok) {
      const issued = timeOf(file.issuedAt);
      const expires = timeOf(file.expiresAt);
      if (now < issued + (expires - issued) / 2) return;
    }
    // Failures are ignored: the validation already answered, and the next one tries again.
    await this.heartbeat().catch(() => undefined);
  }

  /** The answer when the server cannot be reached: the machine file or the cached validation, within the grace period. */
  async #offline(
    state: StoredState,
    scope: string,
    fingerprint: string | undefined,
    exchange: Extract<Exchange<unknown>, { kind: 'unreachable' }>,
    rolledBack: number | null,
  ): Promise<ValidateResult> {
    const now = this.#now().getTime();
    if (rolledBack !== null)
      return fail(
        'CLOCK_ROLLBACK',
        `The local clock (${iso(now)}) is earlier than a time already seen (${iso(rolledBack)}): no offline answer until it is corrected or the server is reached.`,
      );
    const last = state.validation ? await this.#readValidation(state.validation) : null;
    const cached = state.validation?.scope === scope ? last : null;
    // The last signed word wins: a refusal for this scope, or a refusal of the license itself
    // (revoked, suspended, expired, unknown) for any scope, is answered again rather than the file.
    const refusal =
      cached && !cached.valid
        ? cached
        : last && !last.valid && LICENSE_LEVEL.includes(last.code as RefusalCode)
          ? last
          : null;
    if (refusal)
      return this.#refused(
        refusal.code as RefusalCode,
        refusal.detail,
        'cache',
        refusal.license,
        timeOf(refusal.meta.ts),
        now,
      );
    const grace = this.options.gracePeriodMs;

    if (fingerprint !== undefined && state.machineFile !== null) {
      const file = await verifyLicenseFile(state.machineFile, {
        keys: this.#keys.resolver(false),
        now: new Date(now),
        type: 'machine',
        fingerprint,
        ...(this.product ? { product: this.product } : {}),
        clockToleranceMs: this.options.clockToleranceMs,
      });
      if (!file.ok) {
        if (file.code === 'FILE_NOT_YET_VALID')
          return fail('CLOCK_ROLLBACK', `${file.detail} No offline answer until the clock is corrected.`);
        if (file.code === 'FILE_EXPIRED')
          return fail(
            'GRACE_EXPIRED',
            `Offline, and the machine file expired: ${file.detail} Connect to validate.`,
          );
        if (file.code === 'REVOKED' || file.code === 'SUSPENDED' || file.code === 'EXPIRED')
          return this.#refused(file.code, file.detail, 'offline-file', null, now, now);
        return this.#fileFailure(file.code, file.detail);
      }
      // The last confirmation: the file's issue, or a later VALID validation of this machine.
      const issued = timeOf(file.issuedAt);
      const confirmed = cached?.valid ? Math.max(issued, timeOf(cached.meta.ts)) : issued;
      const validUntil =
        file.license.validUntil === null ? Number.POSITIVE_INFINITY : timeOf(file.license.validUntil);
      const graceEnd = Math.min(confirmed + grace, timeOf(file.expiresAt), validUntil);
      if (now >= graceEnd)
        return fail(
          'GRACE_EXPIRED',
          `Offline since ${iso(confirmed)}, and the grace period ended at ${iso(graceEnd)}: connect to validate.`,
        );
      return {
        ok: true,
        valid: true,
        code: 'VALID',
        detail: `The server cannot be reached (${exchange.detail}); the machine file is valid until ${iso(graceEnd)}.`,
        source: 'offline-file',
        license: licenseFromTerms(file.license),
        file,
        checkedAt: iso(confirmed),
        nextCheckAt: iso(now),
        graceEndsAt: iso(graceEnd),
      };
    }

    if (cached?.license) {
      const ts = timeOf(cached.meta.ts);
      const validUntil =
        cached.license.validUntil === null ? Number.POSITIVE_INFINITY : timeOf(cached.license.validUntil);
      if (now >= validUntil)
        return this.#refused('EXPIRED', 'The license has expired.', 'cache', cached.license, ts, now);
      const graceEnd = Math.min(ts + grace, validUntil);
      if (now >= graceEnd)
        return fail(
          'GRACE_EXPIRED',
          `Offline since ${iso(ts)}, and the grace period ended at ${iso(graceEnd)}: connect to validate.`,
        );
      return {
        ok: true,
        valid: true,
        code: 'VALID',
        detail: `The server cannot be reached (${exchange.detail}); the last validation holds until ${iso(graceEnd)}.`,
        source: 'cache',
        license: cached.license,
        checkedAt: iso(ts),
        nextCheckAt: iso(now),
        graceEndsAt: iso(graceEnd),
      };
    }
    return this.#unreachable(exchange);
  }

  #unreachable(exchange: Extract<Exchange<unknown>, { kind: 'unreachable' }>): ClientFailure {
    const extra: Partial<ClientFailure> = {};
    if (exchange.retryAfterSeconds !== undefined) extra.retryAfterSeconds = exchange.retryAfterSeconds;
    if (exchange.cause !== undefined) extra.cause = exchange.cause;
    return exchange.retryAfterSeconds !== undefined
      ? fail('RATE_LIMITED', `${exchange.detail}, and nothing cached answers.`, extra)
      : fail(
          'OFFLINE',
          `The server cannot be reached (${exchange.detail}), and nothing cached answers.`,
          extra,
        );
  }

  #fileFailure(code: string, detail: string): ClientFailure {
    return CLIENT_CODE_LIST.includes(code)
      ? fail(code as ClientCode, detail)
      : fail('RESPONSE_INVALID', `The machine file does not verify: ${code}: ${detail}`);
  }

  #refused(
    code: RefusalCode,
    detail: string,
    source: RefusedAnswer['source'],
    license: LicenseInfo | null,
    checkedAt: number,
    now: number,
  ): RefusedAnswer {
    return {
      ok: false,
      valid: false,
      code,
      detail,
      source,
      license,
      checkedAt: iso(checkedAt),
      nextCheckAt: iso(source === 'online' ? checkedAt + this.options.revalidateAfterMs : now),
      graceEndsAt: null,
    };
  }

  /** A cached signed validation, read back only if its signature still holds (keys from cache or pinned; no network). */
  async #readValidation(record: SignedRecord): Promise<ValidateBody | null> {
    const bytes = utf8Encode(record.body);
    const verdict = await verifySignatureHeader(record.signature, bytes, this.#keys.resolver(false));
    if (verdict !== 'ok') return null;
    return validateBodyOf(parseJson(record.body));
  }

  /** The local time is before the latest trusted time (beyond the tolerance): that time, else null. */
  #rolledBack(state: StoredState, now: number): number | null {
    return state.trustedTime !== null && now < state.trustedTime - this.options.clockToleranceMs
      ? state.trustedTime
      : null;
  }

  /** Remembers the local time as trusted when it moves forward (a rolled-back clock never lowers it). */
  #seeLocalTime(state: StoredState, now: number): void {
    if (state.trustedTime === null || now > state.trustedTime) state.trustedTime = now;
  }

  async #stateKey(): Promise<string> {
    this.#stateName ??= (async () => {
      const fp = this.#fingerprint === undefined ? '' : await this.fingerprint();
      const hash = await sha256Hex(`${this.baseUrl}\n${this.#key.toUpperCase()}\n${fp}`);
      // Hashed: the cache's file names reveal neither the key nor the fingerprint.
      return `fhiriq-license-${hash.slice(0, 32)}.json`;
    })();
    return this.#stateName;
  }

  #lastSaved: string | undefined;

  async #load(): Promise<StoredState> {
    const text = await this.#storage.get(await this.#stateKey());
    this.#lastSaved = text ?? undefined;
    return stateOf(text);
  }

  async #save(state: StoredState): Promise<void> {
    const text = JSON.stringify(state);
    if (text === this.#lastSaved) return;
    await this.#storage.set(await this.#stateKey(), text);
    this.#lastSaved = text;
  }

  async #fetchKeys(): Promise<unknown> {
    const response = await this.#fetch(`${this.baseUrl}/.well-known/fhiriq/keys.json`, {
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (response.status !== 200) throw new Error(`keys.json answered ${response.status}`);
    return response.json() as Promise<unknown>;
  }

  /**
   * One signed exchange: POST with a fresh nonce, then the checks, in this order — transport
   * (unreachable: network, timeout, 5xx, 429), status (4xx: rejected), the signature over the
   * exact bytes, the body's shape, the echoed nonce, the timestamp. Only an answer passing all
   * of them comes back as an answer.
   */
  async #call<T extends ValidateBody | MachineBody | CertificateBody>(
    path: string,
    payload: Record<string, unknown>,
    parse: (json: unknown) => T | null,
    state: StoredState,
  ): Promise<Exchange<T>> {
    const nonce = randomNonce();
    let response: Response;
    try {
      response = await this.#fetch(`${this.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ ...payload, nonce }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (cause) {
      const timeout = isRecord(cause) && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
      return { kind: 'unreachable', detail: timeout ? 'timed out' : 'network error', cause };
    }
    if (response.status >= 500) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'unreachable', detail: `server error ${response.status}` };
    }
    if (response.status === 429) {
      const retry = Number(response.headers.get('retry-after'));
      await response.body?.cancel().catch(() => undefined);
      return {
        kind: 'unreachable',
        detail: 'rate limited',
        retryAfterSeconds: Number.isFinite(retry) && retry > 0 ? retry : 60,
      };
    }
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (cause) {
      return { kind: 'unreachable', detail: 'the answer was cut off', cause };
    }
    if (response.status !== 200) {
      const text = utf8Decode(bytes);
      const json = text === null ? undefined : parseJson(text);
      const error = isRecord(json) && isRecord(json.error) ? json.error : {};
      const errorCode = typeof error.code === 'string' ? error.code : `HTTP_${response.status}`;
      const message = typeof error.message === 'string' ? error.message : `HTTP ${response.status}`;
      return {
        kind: 'failure',
        failure: fail('REQUEST_REJECTED', `${errorCode}: ${message}`, { errorCode }),
      };
    }

    const signature = response.headers.get('fhiriq-signature');
    const header = signature ?? '';
    let verdict: KeyVerdict | 'unavailable' = 'bad';
    const parsed = parseSignatureHeader(header);
    const sig = parsed && base64UrlToBytes(parsed.signature);
    if (parsed && sig) verdict = await this.#keys.verify(parsed.keyid, parsed.algorithm, bytes, sig, true);
    if (verdict === 'unavailable')
      return { kind: 'unreachable', detail: 'the signing keys could not be fetched' };
    if (verdict === 'unknown' && parsed)
      return {
        kind: 'failure',
        failure: fail(
          'UNKNOWN_KEY',
          `The answer is signed with an unpublished key (${parsed.keyid}, ${parsed.algorithm}).`,
        ),
      };
    if (verdict !== 'ok')
      return {
        kind: 'failure',
        failure: fail(
          'SIGNATURE_INVALID',
          signature === null
            ? 'The answer carries no signature.'
            : 'The answer’s signature does not hold over its body: altered or forged.',
        ),
      };

    const text = utf8Decode(bytes);
    const body = text === null ? null : parse(parseJson(text));
    if (text === null || body === null)
      return {
        kind: 'failure',
        failure: fail('RESPONSE_INVALID', 'A signed answer of an unexpected shape.'),
      };
    if (body.meta.nonce !== nonce)
      return {
        kind: 'failure',
        failure: fail(
          'NONCE_MISMATCH',
          'The answer does not echo this request’s nonce: replayed or substituted.',
        ),
      };
    const ts = timeOf(body.meta.ts);
    const now = this.#now().getTime();
    // Authentic and fresh (the nonce proves it answers this request): the server's time is trusted,
    // and resets the trusted time (so a clock once set forward and corrected recovers).
    state.trustedTime = Math.max(ts, now);
    if (Math.abs(ts - now) > this.options.clockToleranceMs)
      return {
        kind: 'failure',
        failure: fail(
          'RESPONSE_STALE',
          `The answer is dated ${body.meta.ts}, ${Math.round(Math.abs(ts - now) / 1000)} s ${ts < now ? 'before' : 'after'} the local time ${iso(now)}: check the system clock.`,
        ),
      };
    return { kind: 'answer', body, raw: text, signature: header, ts };
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
