import { CURRENCIES, toMinor } from '../../../platform/money.ts';
import type { BundleItem, CategoryDef, EditionDef, ProductDef, SkuDef, TermDef } from '../domain/types.ts';
import { BUNDLE_ITEMS, BUNDLE_PRODUCTS, BUNDLE_SKUS } from './bundles.ts';
import { CONSULTING_PRODUCTS, CONSULTING_SKUS } from './consulting.ts';
import { PRICE_LIST } from './prices.ts';
import { CATEGORIES, EDITIONS, TERMS } from './taxonomy.ts';
import { TOOL_PRODUCTS, TOOL_SKUS } from './tools.ts';
import { TRAINING_PRODUCTS, TRAINING_SKUS } from './training.ts';

/** The whole catalog of 002, as the seeder loads it. */
export interface SeedCatalog {
  categories: CategoryDef[];
  editions: EditionDef[];
  terms: TermDef[];
  products: ProductDef[];
  skus: SkuDef[];
  /** Minor units per SKU and currency. */
  prices: { sku: string; currency: (typeof CURRENCIES)[number]; amount: number }[];
  bundleItems: BundleItem[];
}

export const CONTACT_SALES_SKUS = [
  'TL-MAPPER-EN',
  'TR-CUSTOM-ORG',
  'CS-IMPLEMENTATION-P',
  'BN-ENTERPRISE-C',
] as const;

export function seedCatalog(): SeedCatalog {
  const skus = [...TOOL_SKUS, ...TRAINING_SKUS, ...CONSULTING_SKUS, ...BUNDLE_SKUS].map(
    (s): SkuDef => ({ ...s, status: 'active' }),
  );
  const prices = Object.entries(PRICE_LIST).flatMap(([sku, list]) =>
    CURRENCIES.map((currency) => ({ sku, currency, amount: toMinor(list[currency], currency) })),
  );
  return {
    categories: CATEGORIES,
    editions: EDITIONS,
    terms: TERMS,
    products: [...TOOL_PRODUCTS, ...TRAINING_PRODUCTS, ...CONSULTING_PRODUCTS, ...BUNDLE_PRODUCTS],
    skus,
    prices,
    bundleItems: BUNDLE_ITEMS,
  };
}
