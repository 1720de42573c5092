import { CURRENCIES, type Currency } from '../../../platform/money.ts';
import { type BundlePricing, bundlePricing } from './bundle.ts';
import { seatCap } from './seats.ts';
import { type SkuCodes, skuCodes } from './sku.ts';
import type { CatalogData, Fulfillment, Limits, ProductDef, SkuDef } from './types.ts';

/**
 * A read model of the catalog as customers see it: active SKUs with their
 * active prices, bundle contents and real savings. Built once per catalog
 * version and shared by the JSON API and the pages. Pure.
 */

export type Prices = Partial<Record<Currency, number>>;

export type FulfillmentView =
  | { kind: 'license'; licenseType: 'SEAT' | 'ORGANIZATION' | 'USAGE' }
  | Exclude<Fulfillment, { kind: 'license' }>;

export interface BundleView {
  items: { sku: string; name: string; quantity: number; prices: Prices }[];
  pricing: BundlePricing[];
}

export interface CatalogEntry {
  sku: string;
  name: string;
  description: string;
  product: { key: string; slug: string; name: string; kind: ProductDef['kind']; type: ProductDef['type'] };
  category: string;
  edition: { code: string; name: string } | null;
  term: { code: string; name: string } | null;
  purchase: SkuDef['purchase'];
  billing: SkuDef['billing'];
  interval: SkuDef['interval'];
  perSeat: boolean;
  /** Per-seat items: the most seats one purchase may carry (a tool edition's `users`); null: bought once. */
  maxSeats: number | null;
  fulfillment: FulfillmentView;
  limits: Limits | null;
  features: string[];
  prices: Prices;
  bundle: BundleView | null;
}

export class CatalogView {
  readonly entries: readonly CatalogEntry[];
  readonly bySku: ReadonlyMap<string, CatalogEntry>;
  readonly products: readonly ProductDef[];
  readonly codes: SkuCodes;

  constructor(
    readonly data: CatalogData,
    readonly version: number,
  ) {
    this.codes = skuCodes(data);
    const prices = new Map<string, Prices>();
    for (const p of data.prices) {
      if (p.status !== 'active') continue;
      prices.set(p.sku, { ...prices.get(p.sku), [p.currency]: p.amount });
    }
    const products = new Map(data.products.map((p) => [p.key, p]));
    const editions = new Map(data.editions.map((e) => [e.code, e]));
    const terms = new Map(data.terms.map((t) => [t.code, t]));
    const skus = new Map(data.skus.map((s) => [s.code, s]));
    const entries: CatalogEntry[] = [];
    for (const s of data.skus) {
      const product = products.get(s.productKey);
      if (s.status !== 'active' || !product) continue;
      const edition = s.editionCode ? editions.get(s.editionCode) : undefined;
      const term = s.termCode ? terms.get(s.termCode) : undefined;
      const f = s.fulfillment;
      const own = prices.get(s.code) ?? {};
      let bundle: BundleView | null = null;
      if (f.kind === 'bundle') {
        const items = data.bundleItems
          .filter((i) => i.bundleSku === s.code)
          .map((i) => ({
            sku: i.componentSku,
            name: skus.get(i.componentSku)?.name ?? i.componentSku,
            quantity: i.quantity,
            prices: prices.get(i.componentSku) ?? {},
          }));
        bundle = {
          items,
          // A contact-sales bundle's price is a "from" price: comparing it with its parts would
          // advertise a saving nobody has been quoted.
          pricing: CURRENCIES.filter((c) => own[c] !== undefined && s.purchase === 'buyable').map((c) =>
            bundlePricing(
              c,
              own[c],
              items.map((i) => ({ quantity: i.quantity, unitAmount: i.prices[c] })),
            ),
          ),
        };
      }
      entries.push({
        sku: s.code,
        name: s.name,
        description: s.description,
        product: {
          key: product.key,
          slug: product.slug,
          name: product.name,
          kind: product.kind,
          type: product.type,
        },
        category: product.category,
        edition: edition ? { code: edition.code, name: edition.name } : null,
        term: term ? { code: term.code, name: term.name } : null,
        purchase: s.purchase,
        billing: s.billing,
        interval: s.interval,
        perSeat: s.perSeat,
        maxSeats: seatCap(s),
        fulfillment: f.kind === 'license' ? { kind: 'license', licenseType: f.licenseType } : f,
        limits: f.kind === 'license' ? f.limits : null,
        features: s.features,
        prices: own,
        bundle,
      });
    }
    // Catalog order: category, then product, then SKU position (the tables store them keyed, not ordered).
    const categoryPos = new Map(data.categories.map((c) => [c.code, c.position]));
    const rank = (e: CatalogEntry) => [
      categoryPos.get(e.category) ?? 0,
      products.get(e.product.key)?.position ?? 0,
      skus.get(e.sku)?.position ?? 0,
    ];
    entries.sort((a, b) => {
      const [ra, rb] = [rank(a), rank(b)];
      for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
      return a.sku.localeCompare(b.sku);
    });
    this.entries = entries;
    this.bySku = new Map(entries.map((e) => [e.sku, e]));
    this.products = data.products;
  }

  /** Every buyable SKU, optionally of one category. */
  buyable(category?: string): CatalogEntry[] {
    return this.entries.filter((e) => e.purchase === 'buyable' && (!category || e.category === category));
  }

  productBySlug(slug: string): ProductDef | undefined {
    return this.products.find((p) => p.slug === slug);
  }

  /** Active SKUs of a product, in catalog order. */
  skusOf(productKey: string): CatalogEntry[] {
    return this.entries.filter((e) => e.product.key === productKey);
  }

  /**
   * Where a buyer who needs more seats than `entry` carries goes: the next edition of the same
   * product and billing interval that carries more (the smallest such), else the product's
   * contact-sales item (a quote: Enterprise), else null (ask us).
   */
  beyondSeats(entry: CatalogEntry): CatalogEntry | null {
    if (entry.maxSeats === null) return null;
    const cap = entry.maxSeats;
    const siblings = this.skusOf(entry.product.key);
    const bigger = siblings
      .filter(
        (e) =>
          e.purchase === 'buyable' &&
          e.interval === entry.interval &&
          e.maxSeats !== null &&
          e.maxSeats > cap,
      )
      .sort((a, b) => (a.maxSeats ?? 0) - (b.maxSeats ?? 0));
    return bigger[0] ?? siblings.find((e) => e.purchase === 'contact_sales') ?? null;
  }

  productsOf(category: string): ProductDef[] {
    return this.products
      .filter((p) => p.category === category && this.skusOf(p.key).length > 0)
      .sort((a, b) => a.position - b.position);
  }
}

/** The lowest price of a product's SKUs in a currency, and whether it is a recurring (per-period) price. */
export function fromPrice(
  entries: readonly CatalogEntry[],
  currency: Currency,
): { amount: number; entry: CatalogEntry } | null {
  let best: { amount: number; entry: CatalogEntry } | null = null;
  for (const e of entries) {
    const a = e.prices[currency];
    if (a === undefined) continue;
    // Compare monthly prices with monthly prices: an annual price is not "from" against a monthly one.
    if (e.interval === 'year' && entries.some((m) => m.interval === 'month')) continue;
    if (!best || a < best.amount) best = { amount: a, entry: e };
  }
  return best;
}
