import { randomUUID } from 'node:crypto';
import { AppError } from '../../platform/errors.ts';
import { maskLicenseKey } from './domain/license-key.ts';
import type { LicenseStatus } from './domain/validation.ts';
import type { LicenseActor, LicenseService } from './licenses.service.ts';
import type { LicenseRow } from './licensing.tables.ts';
import type { MachineService } from './machines.service.ts';
import type { SeatService } from './seats.service.ts';

/**
 * `fhiriq license …`: staff operations from the server's shell (and tests'
 * way to get a license without an order). Every change is on the license's
 * trail and in the audit log as a CLI action. Arguments arrive as plain JSON
 * (they may travel through the control socket of a running server).
 */

export interface LicenseCliDeps {
  licenses: LicenseService;
  machines: MachineService;
  seats: SeatService;
}

type Args = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const cli = (args: Args): LicenseActor => ({
  kind: 'cli',
  ...(str(args.reason) ? { reason: str(args.reason)! } : {}),
});

function need(args: Args, name: string): string {
  const v = str(args[name]);
  if (!v)
    throw new AppError('VALIDATION_FAILED', `--${name} is required`, {
      details: [{ path: `/${name}`, message: 'required' }],
    });
  return v;
}

function date(value: string, name: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value))
    throw new AppError('VALIDATION_FAILED', `--${name} must be an ISO date such as 2027-01-31`, {
      details: [{ path: `/${name}`, message: 'ISO date' }],
    });
  return d;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function licenseJson(l: LicenseRow, key?: string) {
  return {
    id: l.id,
    ...(key ? { key } : {}),
    sku: l.sku,
    productKey: l.product_key,
    type: l.type,
    status: l.status,
    statusReason: l.status_reason,
    email: l.email,
    seats: l.seats,
    maxMachines: l.max_machines,
    limits: l.limits,
    allowedDomains: l.allowed_domains,
    allowedCountries: l.allowed_countries,
    validFrom: iso(l.valid_from),
    validUntil: iso(l.valid_until),
    source: l.source,
    createdAt: iso(l.created_at),
  };
}

function summary(l: LicenseRow, key: string): string {
  return [
    `License ${l.id}  ${l.status}${l.status_reason ? ` (${l.status_reason})` : ''}`,
    `  key:        ${key}`,
    `  sku:        ${l.sku} (${l.type})`,
    `  owner:      ${l.email ?? '-'}`,
    `  seats:      ${l.seats}, machines allowed: ${l.max_machines}`,
    `  valid:      ${iso(l.valid_from)} → ${iso(l.valid_until) ?? 'perpetual'}`,
  ].join('\n');
}

export function licenseCommands(deps: LicenseCliDeps): Record<string, (args: Args) => Promise<string>> {
  const { licenses, machines, seats } = deps;
  const status = (to: LicenseStatus, verb: string) => async (args: Args) => {
    const l = await licenses.find(need(args, 'license'));
    const r = await licenses.setStatus(l.id, to, cli(args), str(args.reason) ?? null);
    return r.changed ? `License ${l.id} ${verb}.` : `License ${l.id} was already ${to.toLowerCase()}.`;
  };
  return {
    'license issue': async (args) => {
      const seatsArg = str(args.seats);
      const n = seatsArg === undefined ? undefined : Number(seatsArg);
      const until = str(args.validUntil);
      const issued = await licenses.issue({
        sku: need(args, 'sku'),
        email: need(args, 'email'),
        ...(n === undefined ? {} : { seats: n }),
        ...(until ? { validUntil: date(until, 'valid-until') } : {}),
        source: 'staff',
        // Every CLI issue is its own operation (a repeat issues another license, as asked).
        sourceRef: `cli:${randomUUID()}`,
        actor: cli(args),
      });
      return args.json
        ? JSON.stringify(licenseJson(issued.license, issued.key), null, 2)
        : `${issued.key}\n${summary(issued.license, maskLicenseKey(issued.key))}`;
    },
    'license show': async (args) => {
      const l = await licenses.find(need(args, 'license'));
      const key = licenses.keyOf(l);
      const ms = await licenses.machinesOf(l.id);
      const named = await licenses.seatsOf(l.id);
      const trail = await licenses.events(l.id, { limit: 20 });
      if (args.json)
        return JSON.stringify(
          {
            ...licenseJson(l, key),
            machines: ms.map((m) => ({
              id: m.id,
              fingerprint: m.fingerprint,
              name: m.name,
              platform: m.platform,
              user: m.user_email,
              activatedAt: iso(m.activated_at),
              lastHeartbeatAt: iso(m.last_heartbeat_at),
            })),
            namedUsers: named,
            events: trail.map((e) => ({
              type: e.type,
              code: e.code,
              at: e.at.toISOString(),
              detail: e.detail,
            })),
            certificate: await machines.certificate(l),
          },
          null,
          2,
        );
      return [
        summary(l, key),
        `  machines:   ${ms.length ? ms.map((m) => `${m.fingerprint}${m.name ? ` (${m.name})` : ''}`).join(', ') : 'none'}`,
        `  users:      ${named.length ? named.join(', ') : 'none assigned'}`,
        '  recent events:',
        ...trail.map((e) => `    ${e.at.toISOString()}  ${e.type}${e.code ? ` ${e.code}` : ''}`),
      ].join('\n');
    },
    'license suspend': status('SUSPENDED', 'suspended'),
    'license reinstate': status('ACTIVE', 'reinstated'),
    'license revoke': status('REVOKED', 'revoked'),
    'license extend': async (args) => {
      const l = await licenses.find(need(args, 'license'));
      const until = args.perpetual ? null : date(need(args, 'until'), 'until');
      const r = await licenses.extend(l.id, until, cli(args));
      return r.changed
        ? `License ${l.id} now valid until ${iso(until) ?? 'forever (perpetual)'}${r.license.status !== l.status ? `; ${r.license.status.toLowerCase()} again` : ''}.`
        : `License ${l.id} was already valid until ${iso(until) ?? 'forever'}.`;
    },
    'license reset-activations': async (args) => {
      const l = await licenses.find(need(args, 'license'));
      const { released } = await licenses.resetActivations(l.id, cli(args));
      return `Deactivated ${released} machine${released === 1 ? '' : 's'} of license ${l.id}.`;
    },
    'license seats': async (args) => {
      const l = await licenses.find(need(args, 'license'));
      const assign = str(args.assign);
      const release = str(args.release);
      if (assign) await seats.assign(l.id, assign, cli(args));
      if (release) await seats.release(l.id, release, cli(args));
      const named = await licenses.seatsOf(l.id);
      return `${named.length} of ${l.seats} seats assigned${named.length ? `: ${named.join(', ')}` : ''}.`;
    },
  };
}
