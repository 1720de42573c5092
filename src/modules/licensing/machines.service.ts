import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { handle } from '../../platform/db/transaction.ts';
import { newId } from '../../platform/ids.ts';
import { signFile } from './domain/certificate.ts';
import { parseLicenseKey } from './domain/license-key.ts';
import { machineAlive } from './domain/policy.ts';
import { type ValidationCode, validateLicense } from './domain/validation.ts';
import { type LicenseService, type LicenseView, licenseView } from './licenses.service.ts';
import type { LicenseRow, LicensingDb, MachineRow } from './licensing.tables.ts';
import type { SigningKeyStore } from './signing-keys.ts';

export interface MachineInput {
  fingerprint: string;
  name?: string | undefined;
  platform?: string | undefined;
  hostname?: string | undefined;
  /** Seat licenses: the user the machine is for (must hold a seat). */
  user?: string | undefined;
  /** Optional product check, as in validation. */
  sku?: string | undefined;
}

export interface MachineView {
  id: string;
  fingerprint: string;
  name: string | null;
  platform: string | null;
  hostname: string | null;
  user: string | null;
  activatedAt: string;
  lastHeartbeatAt: string | null;
  /** Floating licenses: the machine is released unless it beats before this time. */
  heartbeatDueBy: string | null;
}

/** The answer of activate, deactivate and heartbeat: `ok` is true only when `code` is VALID. */
export interface MachineOutcome {
  ok: boolean;
  code: ValidationCode;
  detail: string;
  license: LicenseView | null;
  machine: MachineView | null;
  /** A signed machine file for offline use (activation and heartbeat), or null. */
  machineFile: string | null;
  /** Activation: true when this call activated the machine, false when it was already active. */
  created: boolean;
}

const refused = (
  code: ValidationCode,
  detail: string,
  license: LicenseView | null = null,
  machine: MachineView | null = null,
): MachineOutcome => ({ ok: false, code, detail, license, machine, machineFile: null, created: false });

/**
 * Machines (Keygen's model): a license is activated on at most `maxMachines`
 * machines, identified by a client fingerprint. The limit is checked with the
 * license row locked, so it holds under any concurrency; activating the same
 * fingerprint again answers the existing activation. Floating licenses
 * require heartbeats: a machine that misses its window no longer counts and
 * is released at the next activation or heartbeat. Each activation returns a
 * signed machine file the client verifies offline until its TTL.
 */
export class MachineService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly licenses: LicenseService,
    private readonly signingKeys: SigningKeyStore,
  ) {}

  #view(m: MachineRow, license: LicenseRow): MachineView {
    const last = m.last_heartbeat_at ? new Date(m.last_heartbeat_at) : null;
    const window = license.heartbeat_window_seconds;
    const from = last ?? new Date(m.activated_at);
    return {
      id: m.id,
      fingerprint: m.fingerprint,
      name: m.name,
      platform: m.platform,
      hostname: m.hostname,
      user: m.user_email,
      activatedAt: new Date(m.activated_at).toISOString(),
      lastHeartbeatAt: last?.toISOString() ?? null,
      heartbeatDueBy: window === null ? null : new Date(from.getTime() + window * 1000).toISOString(),
    };
  }

  /** The signed file a machine keeps: the license's terms, the machine's fingerprint, a TTL. */
  async machineFile(license: LicenseRow, machine: MachineRow): Promise<string> {
    const policy = await this.licenses.policyFor(license.product_key);
    const now = this.ctx.clock.now();
    const ttlEnd = now.getTime() + policy.machineFileTtlSeconds * 1000;
    return signFile(await this.signingKeys.current(policy.signingAlg), {
      type: 'machine',
      version: 1,
      license: this.#terms(license),
      machine: {
        id: machine.id,
        fingerprint: machine.fingerprint,
        activatedAt: new Date(machine.activated_at).toISOString(),
      },
      issuedAt: now.toISOString(),
      expiresAt: new Date(ttlEnd).toISOString(),
    });
  }

  /**
   * A signed license certificate (no machine): the license's terms, for a customer's records or a
   * product that checks entitlements offline. Valid for the policy's TTL like a machine file.
   */
  async certificate(license: LicenseRow): Promise<string> {
    const policy = await this.licenses.policyFor(license.product_key);
    const now = this.ctx.clock.now();
    return signFile(await this.signingKeys.current(policy.signingAlg), {
      type: 'license',
      version: 1,
      license: this.#terms(license),
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + policy.machineFileTtlSeconds * 1000).toISOString(),
    });
  }

  #terms(license: LicenseRow): Record<string, unknown> {
    return {
      id: license.id,
      sku: license.sku,
      productKey: license.product_key,
      type: license.type,
      status: license.status,
      seats: license.seats,
      maxMachines: license.max_machines,
      limits: license.limits,
      allowedDomains: license.allowed_domains,
      allowedCountries: license.allowed_countries,
      validFrom: new Date(license.valid_from).toISOString(),
      validUntil: license.valid_until ? new Date(license.valid_until).toISOString() : null,
    };
  }

  /** Deletes the floating machines that missed their heartbeat window (recorded as released). */
  async #releaseDead(tx: Transaction<LicensingDb>, license: LicenseRow, machines: MachineRow[]) {
    const now = this.ctx.clock.now();
    const alive: MachineRow[] = [];
    for (const m of machines) {
      const isAlive = machineAlive(
        {
          activatedAt: new Date(m.activated_at),
          lastHeartbeatAt: m.last_heartbeat_at && new Date(m.last_heartbeat_at),
        },
        license.heartbeat_window_seconds,
        now,
      );
      if (isAlive) {
        alive.push(m);
        continue;
      }
      await tx.deleteFrom('license_machine').where('id', '=', m.id).execute();
      await this.licenses.event(handle(tx), license.id, 'machine-released', 'HEARTBEAT_DEAD', {
        machineId: m.id,
      });
    }
    return alive;
  }

  async activate(key: string, input: MachineInput, meta: { ip: string | null }): Promise<MachineOutcome> {
    const found = await this.#lookup(key);
    if ('code' in found) return found;
    const user = input.user?.trim().toLowerCase();
    type Locked =
      | { refusal: MachineOutcome }
      | { refusal: null; license: LicenseRow; machine: MachineRow; created: boolean; count: number };
    const outcome = await this.licenses.withLicenseLocked(found.id, async (tx, license): Promise<Locked> => {
      const machines = await this.licenses.machinesOf(license.id, handle(tx));
      const seats =
        license.type === 'SEAT' && user ? await this.licenses.seatsOf(license.id, handle(tx)) : null;
      // The license's standing, product and user first (the validation order); the machine count last.
      const standing = validateLicense(this.licenses.facts(license, [], seats), {
        now: this.ctx.clock.now(),
        sku: input.sku,
        user,
      });
      if (!standing.valid) return { refusal: refused(standing.code, standing.detail) };
      const existing = machines.find((m) => m.fingerprint === input.fingerprint);
      const now = this.ctx.clock.now();
      if (existing) {
        const row: MachineRow = {
          ...existing,
          name: input.name ?? existing.name,
          platform: input.platform ?? existing.platform,
          hostname: input.hostname ?? existing.hostname,
          user_email: user ?? existing.user_email,
          last_heartbeat_at: now,
        };
        await tx
          .updateTable('license_machine')
          .set({
            name: row.name,
            platform: row.platform,
            hostname: row.hostname,
            user_email: row.user_email,
            last_heartbeat_at: now,
          })
          .where('id', '=', existing.id)
          .execute();
        return { refusal: null, license, machine: row, created: false, count: machines.length };
      }
      const alive = await this.#releaseDead(tx, license, machines);
      if (alive.length >= license.max_machines) {
        await this.licenses.event(
          handle(tx),
          license.id,
          'activation-refused',
          'TOO_MANY_MACHINES',
          {},
          meta.ip,
        );
        return {
          refusal: refused(
            'TOO_MANY_MACHINES',
            `The license is activated on ${alive.length} of ${license.max_machines} machines: deactivate one first.`,
            licenseView(license, alive.length),
          ),
        };
      }
      const row: MachineRow = {
        id: newId('mch', this.ctx.clock),
        license_id: license.id,
        fingerprint: input.fingerprint,
        name: input.name ?? null,
        platform: input.platform ?? null,
        hostname: input.hostname ?? null,
        user_email: user ?? null,
        activated_at: now,
        last_heartbeat_at: now,
      };
      await tx.insertInto('license_machine').values(row).execute();
      await this.licenses.event(
        handle(tx),
        license.id,
        'activated',
        null,
        { machineId: row.id, ...(row.platform ? { platform: row.platform } : {}) },
        meta.ip,
      );
      return { refusal: null, license, machine: row, created: true, count: alive.length + 1 };
    });
    if (outcome.refusal) {
      if (outcome.refusal.code !== 'TOO_MANY_MACHINES')
        await this.licenses.event(null, found.id, 'activation-refused', outcome.refusal.code, {}, meta.ip);
      return outcome.refusal;
    }
    return {
      ok: true,
      code: 'VALID',
      detail: outcome.created ? 'The machine is activated.' : 'The machine was already activated.',
      license: licenseView(outcome.license, outcome.count),
      machine: this.#view(outcome.machine, outcome.license),
      machineFile: await this.machineFile(outcome.license, outcome.machine),
      created: outcome.created,
    };
  }

  async deactivate(key: string, fingerprint: string, meta: { ip: string | null }): Promise<MachineOutcome> {
    const found = await this.#lookup(key);
    if ('code' in found) return found;
    return this.licenses.withLicenseLocked(found.id, async (tx, license) => {
      const gone = await tx
        .deleteFrom('license_machine')
        .where('license_id', '=', license.id)
        .where('fingerprint', '=', fingerprint)
        .returningAll()
        .executeTakeFirst();
      const left = (await this.licenses.machinesOf(license.id, handle(tx))).length;
      if (!gone)
        return refused(
          'NO_MACHINE',
          'This machine is not activated for the license.',
          licenseView(license, left),
        );
      await this.licenses.event(handle(tx), license.id, 'deactivated', null, { machineId: gone.id }, meta.ip);
      return {
        ok: true,
        code: 'VALID',
        detail: 'The machine is deactivated.',
        license: licenseView(license, left),
        machine: this.#view(gone, license),
        machineFile: null,
        created: false,
      };
    });
  }

  /**
   * A floating machine's heartbeat: extends its window and answers a fresh machine file. A machine
   * that missed its window was released: HEARTBEAT_DEAD, and the client activates again.
   */
  async heartbeat(key: string, fingerprint: string): Promise<MachineOutcome> {
    const found = await this.#lookup(key);
    if ('code' in found) return found;
    const result = await this.licenses.withLicenseLocked(found.id, async (tx, license) => {
      const now = this.ctx.clock.now();
      const machines = await this.licenses.machinesOf(license.id, handle(tx));
      const standing = validateLicense(this.licenses.facts(license, [], null), { now });
      const machine = machines.find((m) => m.fingerprint === fingerprint);
      if (!standing.valid)
        return refused(standing.code, standing.detail, licenseView(license, machines.length));
      if (!machine)
        return refused(
          'NO_MACHINE',
          'This machine is not activated for the license.',
          licenseView(license, machines.length),
        );
      const alive = await this.#releaseDead(tx, license, machines);
      if (!alive.some((m) => m.id === machine.id))
        return refused(
          'HEARTBEAT_DEAD',
          'This machine missed its heartbeat window and was released: activate it again.',
          licenseView(license, alive.length),
        );
      await tx
        .updateTable('license_machine')
        .set({ last_heartbeat_at: now })
        .where('id', '=', machine.id)
        .execute();
      return { license, machine: { ...machine, last_heartbeat_at: now }, count: alive.length };
    });
    if ('code' in result) return result;
    return {
      ok: true,
      code: 'VALID',
      detail: 'Heartbeat received.',
      license: licenseView(result.license, result.count),
      machine: this.#view(result.machine, result.license),
      machineFile: await this.machineFile(result.license, result.machine),
      created: false,
    };
  }

  /** The license of a key, or the refusal (format before any lookup). */
  async #lookup(key: string): Promise<LicenseRow | MachineOutcome> {
    const parsed = parseLicenseKey(key);
    if (!parsed.ok) return refused('INVALID_KEY_FORMAT', 'The key is not a well-formed FHIR IQ license key.');
    const license = await this.licenses.byKey(parsed.key);
    return license ?? refused('NOT_FOUND', 'No license has this key.');
  }
}
