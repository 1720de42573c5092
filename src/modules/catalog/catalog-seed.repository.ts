import type { Executor } from '../../platform/db/transaction.ts';
import type { Currency } from '../../platform/money.ts';
import { skuRow } from './catalog.repository.ts';
import type { CatalogDb } from './catalog.tables.ts';
import type { BundleItem, CatalogData, ProductDef, SkuDef, TermDef } from './domain/types.ts';

/** The seeder's SQL: inserts the rows of the seed that are missing, and never overwrites one. */
type Db = Executor<CatalogDb>;

export interface SeedInput {
  categories: CatalogData['categories'];
  editions: CatalogData['editions'];
  terms: readonly TermDef[];
  products: readonly ProductDef[];
  skus: readonly SkuDef[];
  prices: readonly { sku: string; currency: Currency; amount: number }[];
  bundleItems: readonly BundleItem[];
}

const inserted = (rows: readonly unknown[]) => rows.length;

/** Returns how many rows it inserted. */
export async function insertMissing(
  db: Db,
  seed: SeedInput,
  now: Date,
  newPriceId: () => string,
): Promise<number> {
  let count = 0;
  const nothing = <T>(oc: { doNothing(): T }) => oc.doNothing();
  count += inserted(
    await db
      .insertInto('catalog_category')
      .values([...seed.categories])
      .onConflict((oc) => nothing(oc.column('code')))
      .returning('code')
      .execute(),
  );
  count += inserted(
    await db
      .insertInto('catalog_edition')
      .values([...seed.editions])
      .onConflict((oc) => nothing(oc.column('code')))
      .returning('code')
      .execute(),
  );
  count += inserted(
    await db
      .insertInto('catalog_term')
      .values(
        seed.terms.map((t) => ({
          code: t.code,
          name: t.name,
          description: t.description,
          billing: t.billing,
          billing_interval: t.interval,
        })),
      )
      .onConflict((oc) => nothing(oc.column('code')))
      .returning('code')
      .execute(),
  );
  count += inserted(
    await db
      .insertInto('catalog_product')
      .values(
        seed.products.map(({ type, ...p }) => ({
          ...p,
          product_type: type,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => nothing(oc.column('key')))
      .returning('key')
      .execute(),
  );
  count += inserted(
    await db
      .insertInto('catalog_sku')
      .values(seed.skus.map((s) => skuRow(s, now)))
      .onConflict((oc) => nothing(oc.column('code')))
      .returning('code')
      .execute(),
  );
  // A price is seeded only where the SKU never had one in that currency: an
  // amount staff changed or archived stays as they left it.
  const existing = await db.selectFrom('catalog_price').select(['sku', 'currency']).distinct().execute();
  const had = new Set(existing.map((e) => `${e.sku}|${e.currency}`));
  const missing = seed.prices.filter((p) => !had.has(`${p.sku}|${p.currency}`));
  if (missing.length > 0) {
    await db
      .insertInto('catalog_price')
      .values(
        missing.map((p) => ({
          id: newPriceId(),
          sku: p.sku,
          currency: p.currency,
          unit_amount: p.amount,
          status: 'active',
          created_at: now,
          archived_at: null,
        })),
      )
      .execute();
    count += missing.length;
  }
  // Likewise the contents of a bundle are seeded only into a bundle that has none.
  const filled = new Set(
    (await db.selectFrom('catalog_bundle_item').select('bundle_sku').distinct().execute()).map(
      (r) => r.bundle_sku,
    ),
  );
  const items = seed.bundleItems.filter((i) => !filled.has(i.bundleSku));
  if (items.length > 0) {
    await db
      .insertInto('catalog_bundle_item')
      .values(
        items.map((i) => ({
          bundle_sku: i.bundleSku,
          component_sku: i.componentSku,
          quantity: i.quantity,
          position: i.position,
        })),
      )
      .execute();
    count += items.length;
  }
  return count;
}
