import { sql } from 'kysely';
import type { Executor } from '../../platform/db/transaction.ts';
import type { Currency } from '../../platform/money.ts';
import type { CatalogDb, QuoteRow, SkuRow } from './catalog.tables.ts';
import type {
  BundleItem,
  CatalogData,
  CatalogStatus,
  Fulfillment,
  Limits,
  PriceRow,
  ProductDef,
  SkuDef,
  TermDef,
} from './domain/types.ts';

/**
 * SQL for the catalog's tables only. Every function takes the executor it runs
 * on: the service decides the transaction.
 */
type Db = Executor<CatalogDb>;

// ---- row mapping ---------------------------------------------------------------------------------------------

function fulfillmentOf(r: SkuRow): Fulfillment {
  switch (r.fulfillment_kind) {
    case 'license':
      return {
        kind: 'license',
        licenseType: r.license_type as 'SEAT' | 'ORGANIZATION' | 'USAGE',
        limits: (r.limits ?? {}) as Limits,
      };
    case 'training':
      return {
        kind: 'training',
        format: r.training_format as 'self_paced' | 'live',
        hours: r.training_hours,
        seatsPerUnit: r.seats_per_unit ?? 1,
        accessMonths: r.access_months,
      };
    case 'consulting':
      return {
        kind: 'consulting',
        engagement: r.engagement as 'hours' | 'fixed_scope' | 'project',
        hours: r.consulting_hours,
        expiryMonths: r.expiry_months,
      };
    default:
      return { kind: 'bundle' };
  }
}

export function toSku(r: SkuRow): SkuDef {
  return {
    code: r.code,
    productKey: r.product_key,
    editionCode: r.edition_code,
    termCode: r.term_code,
    name: r.name,
    description: r.description,
    purchase: r.purchase as SkuDef['purchase'],
    billing: r.billing as SkuDef['billing'],
    interval: r.billing_interval as SkuDef['interval'],
    perSeat: r.per_seat,
    fulfillment: fulfillmentOf(r),
    features: Array.isArray(r.features) ? (r.features as string[]) : [],
    status: r.status as CatalogStatus,
    position: r.position,
  };
}

export function skuRow(s: SkuDef, now: Date): SkuRow {
  const f = s.fulfillment;
  return {
    code: s.code,
    product_key: s.productKey,
    edition_code: s.editionCode,
    term_code: s.termCode,
    name: s.name,
    description: s.description,
    purchase: s.purchase,
    billing: s.billing,
    billing_interval: s.interval,
    per_seat: s.perSeat,
    fulfillment_kind: f.kind,
    license_type: f.kind === 'license' ? f.licenseType : null,
    limits: f.kind === 'license' ? JSON.stringify(f.limits) : null,
    training_format: f.kind === 'training' ? f.format : null,
    training_hours: f.kind === 'training' ? f.hours : null,
    seats_per_unit: f.kind === 'training' ? f.seatsPerUnit : null,
    access_months: f.kind === 'training' ? f.accessMonths : null,
    engagement: f.kind === 'consulting' ? f.engagement : null,
    consulting_hours: f.kind === 'consulting' ? f.hours : null,
    expiry_months: f.kind === 'consulting' ? f.expiryMonths : null,
    features: JSON.stringify(s.features),
    status: s.status,
    position: s.position,
    created_at: now,
    updated_at: now,
  };
}

export function toPrice(r: CatalogDb['catalog_price']): PriceRow {
  return {
    id: r.id,
    sku: r.sku,
    currency: r.currency as Currency,
    amount: Number(r.unit_amount),
    status: r.status as CatalogStatus,
    createdAt: new Date(r.created_at),
    archivedAt: r.archived_at ? new Date(r.archived_at) : null,
  };
}

// ---- reading the catalog -------------------------------------------------------------------------------------

/** Everything, with active prices only (what sells now). */
export async function loadCatalog(db: Db): Promise<CatalogData> {
  const [categories, editions, terms, products, skus, prices, items] = await Promise.all([
    db.selectFrom('catalog_category').selectAll().orderBy('position').orderBy('code').execute(),
    db.selectFrom('catalog_edition').selectAll().orderBy('code').execute(),
    db.selectFrom('catalog_term').selectAll().orderBy('code').execute(),
    db.selectFrom('catalog_product').selectAll().orderBy('category').orderBy('position').execute(),
    db
      .selectFrom('catalog_sku')
      .selectAll()
      .orderBy('product_key')
      .orderBy('position')
      .orderBy('code')
      .execute(),
    db
      .selectFrom('catalog_price')
      .selectAll()
      .where('status', '=', 'active')
      .orderBy('sku')
      .orderBy('currency')
      .execute(),
    db.selectFrom('catalog_bundle_item').selectAll().orderBy('bundle_sku').orderBy('position').execute(),
  ]);
  return {
    categories,
    editions,
    terms: terms.map(
      (t): TermDef => ({
        code: t.code,
        name: t.name,
        description: t.description,
        billing: t.billing as TermDef['billing'],
        interval: t.billing_interval as TermDef['interval'],
      }),
    ),
    products: products.map(
      (p): ProductDef => ({
        key: p.key,
        slug: p.slug,
        category: p.category,
        kind: p.kind as ProductDef['kind'],
        type: p.product_type as ProductDef['type'],
        name: p.name,
        description: p.description,
        position: p.position,
      }),
    ),
    skus: skus.map(toSku),
    prices: prices.map(toPrice),
    bundleItems: items.map(
      (i): BundleItem => ({
        bundleSku: i.bundle_sku,
        componentSku: i.component_sku,
        quantity: i.quantity,
        position: i.position,
      }),
    ),
  };
}

export async function catalogVersion(db: Db): Promise<number> {
  const row = await db.selectFrom('catalog_state').select('version').executeTakeFirst();
  return row ? Number(row.version) : 0;
}

/** When the catalog last changed (any staff edit or seed bumps it), for the sitemap. */
export async function catalogUpdatedAt(db: Db): Promise<Date | undefined> {
  const row = await db.selectFrom('catalog_state').select('updated_at').executeTakeFirst();
  return row ? new Date(row.updated_at) : undefined;
}

/** Serialises staff edits: each one checks the catalog as the previous one left it. */
export async function lockCatalog(db: Db): Promise<void> {
  await sql`SELECT version FROM catalog_state FOR UPDATE`.execute(db);
}

export async function bumpVersion(db: Db, now: Date): Promise<number> {
  const row = await db
    .insertInto('catalog_state')
    .values({ id: true, version: 1, updated_at: now })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({ version: sql`catalog_state.version + 1`, updated_at: now }),
    )
    .returning('version')
    .executeTakeFirstOrThrow();
  return Number(row.version);
}

export async function findSku(db: Db, code: string): Promise<SkuDef | undefined> {
  const row = await db.selectFrom('catalog_sku').selectAll().where('code', '=', code).executeTakeFirst();
  return row ? toSku(row) : undefined;
}

export async function pricesOfSku(db: Db, sku: string): Promise<PriceRow[]> {
  const rows = await db
    .selectFrom('catalog_price')
    .selectAll()
    .where('sku', '=', sku)
    .orderBy('currency')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toPrice);
}

export async function findPrice(db: Db, id: string): Promise<PriceRow | undefined> {
  const row = await db.selectFrom('catalog_price').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toPrice(row) : undefined;
}

// ---- writing -------------------------------------------------------------------------------------------------

export async function insertPrice(db: Db, p: PriceRow): Promise<void> {
  await db
    .insertInto('catalog_price')
    .values({
      id: p.id,
      sku: p.sku,
      currency: p.currency,
      unit_amount: p.amount,
      status: p.status,
      created_at: p.createdAt,
      archived_at: p.archivedAt,
    })
    .execute();
}

/** Archives an active price; returns false if it was not active (already archived or unknown). */
export async function archivePrice(db: Db, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('catalog_price')
    .set({ status: 'archived', archived_at: now })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function updateSku(
  db: Db,
  code: string,
  patch: { name?: string; status?: CatalogStatus; limits?: Limits },
  now: Date,
): Promise<void> {
  await db
    .updateTable('catalog_sku')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.limits !== undefined ? { limits: JSON.stringify(patch.limits) } : {}),
      updated_at: now,
    })
    .where('code', '=', code)
    .execute();
}

export async function updateProductType(db: Db, key: string, type: string, now: Date): Promise<void> {
  await db
    .updateTable('catalog_product')
    .set({ product_type: type, updated_at: now })
    .where('key', '=', key)
    .execute();
}

export async function replaceBundleItems(
  db: Db,
  bundleSku: string,
  items: readonly BundleItem[],
): Promise<void> {
  await db.deleteFrom('catalog_bundle_item').where('bundle_sku', '=', bundleSku).execute();
  if (items.length === 0) return;
  await db
    .insertInto('catalog_bundle_item')
    .values(
      items.map((i) => ({
        bundle_sku: bundleSku,
        component_sku: i.componentSku,
        quantity: i.quantity,
        position: i.position,
      })),
    )
    .execute();
}

// ---- quote requests ------------------------------------------------------------------------------------------

export async function insertQuote(db: Db, row: QuoteRow): Promise<void> {
  await db.insertInto('catalog_quote_request').values(row).execute();
}

export async function findQuote(db: Db, id: string): Promise<QuoteRow | undefined> {
  return db.selectFrom('catalog_quote_request').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Moves a request from `from` to `to`; undefined when it is no longer in
 * `from` (another staff member moved it meanwhile), so the caller says 409.
 */
export async function moveQuote(
  db: Db,
  id: string,
  from: string,
  change: { status: string; note: string | null; at: Date; by: string },
): Promise<QuoteRow | undefined> {
  return db
    .updateTable('catalog_quote_request')
    .set({
      status: change.status,
      status_note: change.note,
      status_changed_at: change.at,
      status_changed_by: change.by,
    })
    .where('id', '=', id)
    .where('status', '=', from)
    .returningAll()
    .executeTakeFirst();
}

export async function listQuotes(db: Db, options: { limit: number; offset: number }): Promise<QuoteRow[]> {
  return db
    .selectFrom('catalog_quote_request')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
}
