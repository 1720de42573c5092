import type { Kysely } from 'kysely';
import Type, { type Static } from 'typebox';
import { handle } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import type { CatalogModule } from '../catalog/index.ts';
import { maskLicenseKey } from './domain/license-key.ts';
import { type LicensePolicy, monthStart } from './domain/policy.ts';
import type { LicenseActor, LicenseEventView, LicenseService } from './licenses.service.ts';
import type { LicenseRow, LicensingDb, MachineRow } from './licensing.tables.ts';
import type { MachineService } from './machines.service.ts';
import type { SeatService } from './seats.service.ts';
import type { UsageService } from './usage.service.ts';
import { UsageMetersJson, usageMeters } from './usage-meters.ts';

/**
 * The read model the customer portal and the staff console share: a license
 * with its product names and counts, its machines, named users and monthly
 * transfers, its trail; and the few operations the services do not offer by
 * id (deactivating one machine, searching, paging the trail). Everything else
 * goes through the services, which lock the license and write the trail and
 * the audit log.
 */

export interface PortalDeps {
  db: Kysely<LicensingDb>;
  licenses: LicenseService;
  machines: MachineService;
  seats: SeatService;
  usage: UsageService;
  catalog: CatalogModule;
  now: () => Date;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const date = Type.String({ format: 'date-time' });
const nullableDate = Type.Union([date, Type.Null()]);
const nullableString = Type.Union([Type.String(), Type.Null()]);
const closed = { additionalProperties: false } as const;

export const LICENSE_ID = '^lic_[0-9a-hjkmnp-tv-z]{26}$';
export const LicenseIdParams = Type.Object({ id: Type.String({ pattern: LICENSE_ID }) }, closed);

export const LicenseSummaryJson = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  name: Type.String({ description: 'The SKU’s name in the catalog (the SKU code when it is gone).' }),
  productKey: Type.String(),
  productName: Type.String(),
  type: Type.Enum(['SEAT', 'ORGANIZATION', 'USAGE']),
  status: Type.Enum(['ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED']),
  seats: Type.Integer(),
  seatsAssigned: Type.Integer({ description: 'Named users holding a seat (seat licenses).' }),
  machineCount: Type.Integer(),
  maxMachines: Type.Integer(),
  validFrom: date,
  validUntil: Type.Union([date, Type.Null()], { description: 'null: perpetual.' }),
  maskedKey: Type.String({ description: 'The key’s prefix and last group only.' }),
});
export type LicenseSummary = Static<typeof LicenseSummaryJson>;

export const StaffLicenseSummaryJson = Type.Object({
  ...LicenseSummaryJson.properties,
  email: nullableString,
  userId: nullableString,
  statusReason: Type.Union([Type.String(), Type.Null()], {
    description: 'Why the license is suspended, revoked or expired (staff note or system reason).',
  }),
  createdAt: date,
});
export type StaffLicenseSummary = Static<typeof StaffLicenseSummaryJson>;

export const MachineJson = Type.Object({
  id: Type.String(),
  fingerprint: Type.String(),
  name: nullableString,
  platform: nullableString,
  hostname: nullableString,
  user: nullableString,
  activatedAt: date,
  lastHeartbeatAt: nullableDate,
  heartbeatDueBy: Type.Union([date, Type.Null()], {
    description: 'Floating licenses: the machine is released unless it sends a heartbeat before this time.',
  }),
});
export type PortalMachine = Static<typeof MachineJson>;

export const TransfersJson = Type.Object(
  {
    perMonth: Type.Integer(),
    usedThisMonth: Type.Integer(),
    remaining: Type.Integer(),
    resetsAt: date,
  },
  {
    description:
      'Seat transfers (a customer releasing or moving a named user’s seat) this calendar month (UTC), limited by the product’s policy.',
  },
);
export type Transfers = Static<typeof TransfersJson>;

const Limits = Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean(), Type.String()]));

/** What both portals show of one license beyond its summary. */
const DetailFields = {
  limits: Limits,
  allowedDomains: Type.Array(Type.String(), {
    description: 'Email domains named users must be in; empty: any.',
  }),
  allowedCountries: Type.Array(Type.String(), { description: 'ISO country codes; empty: any.' }),
  heartbeatWindowSeconds: Type.Union([Type.Integer(), Type.Null()], { description: 'null: node-locked.' }),
  machines: Type.Array(MachineJson),
  namedUsers: Type.Array(Type.String()),
  transfers: TransfersJson,
};

export const PolicyJson = Type.Object({
  productKey: Type.String(),
  machinesPerSeat: Type.Integer(),
  heartbeatWindowSeconds: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Floating licenses: machines must beat within this window; null: node-locked.',
  }),
  machineFileTtlSeconds: Type.Integer(),
  transfersPerMonth: Type.Integer(),
  signingAlg: Type.Union([Type.Enum(['ed25519', 'rsa-pss-sha256']), Type.Null()], {
    description: 'null: the platform’s default signing key.',
  }),
});

export const CustomerEventJson = Type.Object({
  type: Type.String(),
  code: nullableString,
  at: date,
});

export const CustomerLicenseJson = Type.Object({
  ...LicenseSummaryJson.properties,
  ...DetailFields,
  key: Type.String({ description: 'The full license key: answered to its owner only.' }),
  events: Type.Array(CustomerEventJson, {
    description: 'Recent changes the customer made or that affect them (newest first, at most 20).',
  }),
  certificate: Type.String({
    description:
      'A signed license certificate (the terms, signed like machine files), verifiable offline with GET /.well-known/fhiriq/keys.json until its `expiresAt`.',
  }),
  usage: UsageMetersJson,
});
export type CustomerLicense = Static<typeof CustomerLicenseJson>;

export const StaffLicenseJson = Type.Object({
  ...StaffLicenseSummaryJson.properties,
  ...DetailFields,
  source: Type.Enum(['order', 'staff']),
  sourceRef: Type.String(),
  updatedAt: date,
  policy: PolicyJson,
});
export type StaffLicense = Static<typeof StaffLicenseJson>;

export const EventJson = Type.Object({
  id: Type.String(),
  type: Type.String(),
  code: Type.Union([Type.String(), Type.Null()], {
    description: 'The validation code (a failed validation or activation) or the release reason.',
  }),
  detail: Type.Record(Type.String(), Type.Unknown()),
  ip: nullableString,
  at: date,
});

export const EventPage = Type.Object({
  items: Type.Array(EventJson),
  nextBefore: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `before` for the next (older) page; null when there is none.',
  }),
});

/** The trail types a customer sees: what they did and what changed their license (not every validation). */
export const CUSTOMER_EVENT_TYPES = [
  'issued',
  'activated',
  'deactivated',
  'machine-released',
  'activations-reset',
  'seat-assigned',
  'seat-released',
  'seat-transferred',
  'seats-changed',
  'suspended',
  'reinstated',
  'revoked',
  'expired',
  'extended',
  'domains-changed',
  'countries-changed',
] as const;

/** Catalog names of SKUs and products; archived SKUs keep their names, removed ones show their code. */
async function namer(catalog: CatalogModule) {
  const view = await catalog.service.view();
  const skus = new Map(view.data.skus.map((s) => [s.code, s.name]));
  const products = new Map(view.data.products.map((p) => [p.key, p.name]));
  return (l: LicenseRow) => ({
    name: skus.get(l.sku) ?? l.sku,
    productName: products.get(l.product_key) ?? l.product_key,
  });
}

/** Machines and named users per license, in two grouped queries (not two per license). */
async function counts(db: Kysely<LicensingDb>, ids: readonly string[]) {
  const out = new Map<string, { machines: number; seats: number }>();
  if (ids.length === 0) return out;
  for (const id of ids) out.set(id, { machines: 0, seats: 0 });
  const machines = await db
    .selectFrom('license_machine')
    .select((eb) => ['license_id', eb.fn.countAll<number>().as('n')])
    .where('license_id', 'in', ids)
    .groupBy('license_id')
    .execute();
  const seats = await db
    .selectFrom('license_seat')
    .select((eb) => ['license_id', eb.fn.countAll<number>().as('n')])
    .where('license_id', 'in', ids)
    .groupBy('license_id')
    .execute();
  for (const r of machines) out.get(r.license_id)!.machines = Number(r.n);
  for (const r of seats) out.get(r.license_id)!.seats = Number(r.n);
  return out;
}

function summaryOf(
  l: LicenseRow,
  names: { name: string; productName: string },
  c: { machines: number; seats: number },
): LicenseSummary {
  return {
    id: l.id,
    sku: l.sku,
    ...names,
    productKey: l.product_key,
    type: l.type,
    status: l.status,
    seats: l.seats,
    seatsAssigned: c.seats,
    machineCount: c.machines,
    maxMachines: l.max_machines,
    validFrom: new Date(l.valid_from).toISOString(),
    validUntil: iso(l.valid_until),
    // The last group is stored in clear for exactly this: no decryption to show a masked key.
    maskedKey: maskLicenseKey(l.key_last4),
  };
}

function staffFields(l: LicenseRow) {
  return {
    email: l.email,
    userId: l.user_id,
    statusReason: l.status_reason,
    createdAt: new Date(l.created_at).toISOString(),
  };
}

export async function summaries(deps: PortalDeps, rows: readonly LicenseRow[]): Promise<LicenseSummary[]> {
  const name = await namer(deps.catalog);
  const c = await counts(
    deps.db,
    rows.map((r) => r.id),
  );
  return rows.map((l) => summaryOf(l, name(l), c.get(l.id)!));
}

export async function staffSummaries(
  deps: PortalDeps,
  rows: readonly LicenseRow[],
): Promise<StaffLicenseSummary[]> {
  const list = await summaries(deps, rows);
  return list.map((s, i) => ({ ...s, ...staffFields(rows[i]!) }));
}

/** A machine as the portals show it (the same shape the machine API answers). */
export function machineJson(m: MachineRow, license: LicenseRow): PortalMachine {
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

/** The seat transfers of this calendar month, as SeatService counts them (customer releases and moves). */
export async function transfersOf(deps: PortalDeps, license: LicenseRow): Promise<Transfers> {
  const policy = await deps.licenses.policyFor(license.product_key);
  const since = monthStart(deps.now());
  const used = await deps.db
    .selectFrom('license_event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('license_id', '=', license.id)
    .where('type', '=', 'seat-transferred')
    .where('at', '>=', since)
    .executeTakeFirstOrThrow();
  const n = Number(used.n);
  return {
    perMonth: policy.transfersPerMonth,
    usedThisMonth: n,
    remaining: Math.max(0, policy.transfersPerMonth - n),
    resetsAt: new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth() + 1, 1)).toISOString(),
  };
}

async function detailOf(deps: PortalDeps, l: LicenseRow) {
  const [machines, namedUsers, transfers, name] = await Promise.all([
    deps.licenses.machinesOf(l.id),
    deps.licenses.seatsOf(l.id),
    transfersOf(deps, l),
    namer(deps.catalog),
  ]);
  return {
    summary: summaryOf(l, name(l), { machines: machines.length, seats: namedUsers.length }),
    detail: {
      limits: l.limits,
      allowedDomains: l.allowed_domains,
      allowedCountries: l.allowed_countries,
      heartbeatWindowSeconds: l.heartbeat_window_seconds,
      machines: machines.map((m) => machineJson(m, l)),
      namedUsers,
      transfers,
    },
  };
}

/** The license if the user owns it; anyone else's (or an unknown id) is NOT_FOUND alike. */
export async function ownLicense(deps: PortalDeps, id: string, userId: string): Promise<LicenseRow> {
  const license = await deps.licenses.get(id);
  if (!license || license.user_id !== userId)
    throw new AppError('NOT_FOUND', 'No license of yours has this id.');
  return license;
}

/** Everything the owner sees: the key in clear, the recent changes, a fresh signed certificate. */
export async function customerLicense(deps: PortalDeps, l: LicenseRow): Promise<CustomerLicense> {
  const { summary, detail } = await detailOf(deps, l);
  const events = await deps.db
    .selectFrom('license_event')
    .select(['type', 'code', 'at'])
    .where('license_id', '=', l.id)
    .where('type', 'in', CUSTOMER_EVENT_TYPES)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(20)
    .execute();
  return {
    ...summary,
    ...detail,
    key: deps.licenses.keyOf(l),
    events: events.map((e) => ({ type: e.type, code: e.code, at: new Date(e.at).toISOString() })),
    certificate: await deps.machines.certificate(l),
    usage: await usageMeters(deps.usage, l),
  };
}

export async function staffLicense(deps: PortalDeps, l: LicenseRow): Promise<StaffLicense> {
  const { summary, detail } = await detailOf(deps, l);
  const policy: LicensePolicy = await deps.licenses.policyFor(l.product_key);
  return {
    ...summary,
    ...staffFields(l),
    ...detail,
    source: l.source,
    sourceRef: l.source_ref,
    updatedAt: new Date(l.updated_at).toISOString(),
    policy,
  };
}

export async function licenseOrNotFound(deps: PortalDeps, id: string): Promise<LicenseRow> {
  const license = await deps.licenses.get(id);
  if (!license) throw new AppError('NOT_FOUND', 'No license has this id.');
  return license;
}

/**
 * Deactivates one machine by its id (the portal's "deactivate" button; clients deactivate by key
 * and fingerprint). Locked like every machine change, recorded on the trail like a client's.
 */
export async function deactivateMachine(
  deps: PortalDeps,
  licenseId: string,
  machineId: string,
  actor: Extract<LicenseActor, { kind: 'customer' }>,
  ip: string | null,
): Promise<{ machineCount: number }> {
  return deps.licenses.withLicenseLocked(licenseId, async (tx) => {
    const gone = await tx
      .deleteFrom('license_machine')
      .where('license_id', '=', licenseId)
      .where('id', '=', machineId)
      .returning('id')
      .executeTakeFirst();
    if (!gone) throw new AppError('NOT_FOUND', 'This machine is not activated for the license.');
    await deps.licenses.event(
      handle(tx),
      licenseId,
      'deactivated',
      null,
      { machineId, by: 'customer', userId: actor.userId },
      ip,
    );
    const left = await deps.licenses.machinesOf(licenseId, handle(tx));
    return { machineCount: left.length };
  });
}

/** Codes a license page shows as "nothing was changed" instead of an error page. */
const SHOWN = new Set([
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'CONFLICT',
  'SEAT_LIMIT_REACHED',
  'SEAT_TRANSFER_LIMIT',
  'SEAT_DOMAIN_NOT_ALLOWED',
  'LICENSE_STATE_CONFLICT',
]);

/** A refusal the customer (or staff) can act on, shown on the page; undefined: an error page. */
export function refusal(err: unknown): { message: string; status: number } | undefined {
  if (!(err instanceof AppError) || !SHOWN.has(err.code)) return undefined;
  // Validation details name the field ("/email: must be an email address"); other refusals say it all.
  const message =
    err.code === 'VALIDATION_FAILED' && err.details?.length
      ? err.details.map((d) => `${d.path ? `${d.path.slice(1)}: ` : ''}${d.message}`).join('; ')
      : err.message;
  return { message, status: err.status };
}

// ---- staff search and trail ---------------------------------------------------------------------------------

export interface SearchFilter {
  q?: string | undefined;
  status?: LicenseRow['status'] | undefined;
  limit: number;
  /** The id of the last license of the previous page. */
  cursor?: string | undefined;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Staff search, newest first (ids sort by creation time): a full key is looked up by its keyed
 * hash (never matched as text), a license id exactly, anything else as part of the owner's or a
 * named user's email.
 */
export async function searchLicenses(
  deps: PortalDeps,
  filter: SearchFilter,
): Promise<{ rows: LicenseRow[]; nextCursor: string | null }> {
  const q = filter.q?.trim() ?? '';
  let query = deps.db.selectFrom('license').selectAll();
  if (q) {
    const byKey = await deps.licenses.byKey(q);
    if (byKey) query = query.where('id', '=', byKey.id);
    else if (new RegExp(LICENSE_ID).test(q.toLowerCase())) query = query.where('id', '=', q.toLowerCase());
    else {
      const like = `%${likeEscape(q.toLowerCase())}%`;
      query = query.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['email']), 'like', like),
          eb.exists(
            eb
              .selectFrom('license_seat')
              .select('license_seat.id')
              .whereRef('license_seat.license_id', '=', 'license.id')
              .where('license_seat.email', 'like', like),
          ),
        ]),
      );
    }
  }
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.cursor) query = query.where('id', '<', filter.cursor);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const more = rows.length > filter.limit;
  const page = more ? rows.slice(0, filter.limit) : rows;
  return { rows: page, nextCursor: more ? page[page.length - 1]!.id : null };
}

export const EVENT_ID = '^lev_[0-9a-hjkmnp-tv-z]{26}$';

/**
 * A page of the license's trail, newest first. `before` is an event id (the last of the previous
 * page) or an instant. Paged on (at, id), not on the time alone, so events sharing a timestamp
 * are neither skipped nor repeated between pages.
 */
export async function trail(
  deps: PortalDeps,
  licenseId: string,
  options: { type?: string | undefined; before?: string | undefined; limit: number },
): Promise<{ items: LicenseEventView[]; nextBefore: string | null }> {
  // Validations are written in batches: flush so the page shows every one answered so far.
  await deps.licenses.trail.flush();
  let q = deps.db.selectFrom('license_event').selectAll().where('license_id', '=', licenseId);
  if (options.type) q = q.where('type', '=', options.type);
  const before = options.before;
  if (before && new RegExp(EVENT_ID).test(before)) {
    const from = await deps.db
      .selectFrom('license_event')
      .select(['at', 'id'])
      .where('id', '=', before)
      .where('license_id', '=', licenseId)
      .executeTakeFirst();
    if (!from)
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: [{ path: '/before', message: 'no event of this license has this id' }],
      });
    q = q.where((eb) =>
      eb.or([eb('at', '<', from.at), eb.and([eb('at', '=', from.at), eb('id', '<', from.id)])]),
    );
  } else if (before) {
    q = q.where('at', '<', new Date(before));
  }
  const rows = await q
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const more = rows.length > options.limit;
  const page = (more ? rows.slice(0, options.limit) : rows).map((r) => ({
    id: r.id,
    licenseId: r.license_id,
    type: r.type,
    code: r.code,
    detail: r.detail,
    ip: r.ip,
    at: new Date(r.at),
  }));
  return { items: page, nextBefore: more ? page[page.length - 1]!.id : null };
}

export function eventJson(e: LicenseEventView) {
  return { id: e.id, type: e.type, code: e.code, detail: e.detail, ip: e.ip, at: e.at.toISOString() };
}

/** Whether a product of the catalog sells licenses (policies exist only for those). */
export async function licensedProduct(deps: PortalDeps, productKey: string): Promise<boolean> {
  const view = await deps.catalog.service.view();
  return view.data.skus.some((s) => s.productKey === productKey && s.fulfillment.kind === 'license');
}
