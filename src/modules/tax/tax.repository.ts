import { sql } from 'kysely';
import type { Executor } from '../../platform/db/transaction.ts';
import type { StoredRate } from './domain/rate-schedule.ts';
import type { TaxKind, TaxRate } from './domain/rates.ts';
import type { TaxDb, VatVerificationRow } from './tax.tables.ts';

/** SQL for the tax module's own tables, and nothing else. */

type Db = Executor<TaxDb>;

export async function listRates(db: Db): Promise<TaxRate[]> {
  // Dates as text: pg would turn a `date` into a Date at the server's local midnight.
  const rows = await db
    .selectFrom('tax_rate')
    .select([
      'country',
      'region',
      'kind',
      'rate_ppm',
      'label',
      sql<string>`to_char(valid_from, 'YYYY-MM-DD')`.as('valid_from'),
      sql<string | null>`to_char(valid_to, 'YYYY-MM-DD')`.as('valid_to'),
    ])
    .orderBy('country')
    .orderBy('region')
    .orderBy('valid_from')
    .execute();
  return rows.map((r) => ({
    country: r.country,
    region: r.region,
    kind: r.kind as TaxKind,
    ratePpm: r.rate_ppm,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    label: r.label,
  }));
}

export interface RateRow extends StoredRate {
  createdAt: Date;
  createdBy: string | null;
}

/** Rate rows with their ids and authors, for staff; one jurisdiction or country when asked. */
export async function listRateRows(
  db: Db,
  filter: { country?: string | undefined; region?: string | null | undefined } = {},
): Promise<RateRow[]> {
  let q = db
    .selectFrom('tax_rate')
    .select([
      'id',
      'country',
      'region',
      'kind',
      'rate_ppm',
      'label',
      'created_at',
      'created_by',
      sql<string>`to_char(valid_from, 'YYYY-MM-DD')`.as('valid_from'),
      sql<string | null>`to_char(valid_to, 'YYYY-MM-DD')`.as('valid_to'),
    ]);
  if (filter.country) q = q.where('country', '=', filter.country);
  if (filter.region !== undefined) {
    const region = filter.region;
    q = region === null ? q.where('region', 'is', null) : q.where('region', '=', region);
  }
  const rows = await q.orderBy('country').orderBy('region').orderBy('valid_from').execute();
  return rows.map((r) => ({
    id: r.id,
    country: r.country,
    region: r.region,
    kind: r.kind as TaxKind,
    ratePpm: r.rate_ppm,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    label: r.label,
    createdAt: r.created_at,
    createdBy: r.created_by,
  }));
}

/** Serialises staff changes to one jurisdiction until the transaction ends (across processes too). */
export async function lockJurisdiction(db: Db, country: string, region: string | null): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`fhiriq.tax_rate.${country}-${region ?? ''}`}))`.execute(
    db,
  );
}

/** Ends a period: the only change ever made to a stored rate (its past days stay as they were). */
export async function endRate(db: Db, id: string, validTo: string): Promise<void> {
  await db.updateTable('tax_rate').set({ valid_to: validTo }).where('id', '=', id).execute();
}

export async function insertRate(
  db: Db,
  rate: TaxRate & { id: string },
  now: Date,
  createdBy: string | null,
): Promise<void> {
  await db
    .insertInto('tax_rate')
    .values({
      id: rate.id,
      country: rate.country,
      region: rate.region,
      kind: rate.kind,
      rate_ppm: rate.ratePpm,
      valid_from: rate.validFrom,
      valid_to: rate.validTo,
      label: rate.label,
      created_at: now,
      created_by: createdBy,
    })
    .execute();
}

/** Inserts the rows whose (country, region, valid_from) is not there yet; staff edits stay. */
export async function insertMissingRates(
  db: Db,
  rates: readonly (TaxRate & { id: string })[],
  now: Date,
  createdBy: string | null = null,
): Promise<number> {
  if (rates.length === 0) return 0;
  const r = await db
    .insertInto('tax_rate')
    .values(
      rates.map((x) => ({
        id: x.id,
        country: x.country,
        region: x.region,
        kind: x.kind,
        rate_ppm: x.ratePpm,
        valid_from: x.validFrom,
        valid_to: x.validTo,
        label: x.label,
        created_at: now,
        created_by: createdBy,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

export async function getVerification(db: Db, vatId: string): Promise<VatVerificationRow | undefined> {
  return db.selectFrom('vat_verification').selectAll().where('vat_id', '=', vatId).executeTakeFirst();
}

/** Creates the pending record; false when one already exists (it is the dedupe of verification jobs). */
export async function insertPending(db: Db, vatId: string, country: string, now: Date): Promise<boolean> {
  const r = await db
    .insertInto('vat_verification')
    .values({ vat_id: vatId, country, status: 'pending', attempts: 0, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('vat_id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function markPending(db: Db, vatId: string, now: Date): Promise<void> {
  await db
    .updateTable('vat_verification')
    .set({ status: 'pending', updated_at: now })
    .where('vat_id', '=', vatId)
    .execute();
}

export interface RegistryRecord {
  status: 'valid' | 'invalid';
  source: 'vies' | 'local-format';
  checkedAt: Date;
  requestIdentifier: string | null;
  requester: string | null;
  name: string | null;
  address: string | null;
}

export async function recordAnswer(db: Db, vatId: string, answer: RegistryRecord): Promise<void> {
  await db
    .updateTable('vat_verification')
    .set((eb) => ({
      status: answer.status,
      source: answer.source,
      checked_at: answer.checkedAt,
      request_identifier: answer.requestIdentifier,
      requester_vat_id: answer.requester,
      registered_name: answer.name,
      registered_address: answer.address,
      attempts: eb('attempts', '+', 1),
      last_error: null,
      updated_at: answer.checkedAt,
    }))
    .where('vat_id', '=', vatId)
    .execute();
}

/** The registry could not answer: the status stays as it was (pending), the attempt is counted. */
export async function recordUnavailable(db: Db, vatId: string, error: string, now: Date): Promise<number> {
  const r = await db
    .updateTable('vat_verification')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500), updated_at: now }))
    .where('vat_id', '=', vatId)
    .returning('attempts')
    .executeTakeFirst();
  return r?.attempts ?? 0;
}

/** Pending records nobody touched since `before`: their job may have spent its retries. */
export async function stalePending(db: Db, before: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('vat_verification')
    .select('vat_id')
    .where('status', '=', 'pending')
    .where('updated_at', '<', before)
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.vat_id);
}
