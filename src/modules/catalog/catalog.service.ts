import type { Kysely, Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { handle, inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Currency } from '../../platform/money.ts';
import type { AuditModule, StaffContext } from '../audit/index.ts';
import * as repo from './catalog.repository.ts';
import type { CatalogDb } from './catalog.tables.ts';
import { type CatalogEntry, CatalogView } from './domain/catalog-view.ts';
import { type CatalogIssue, checkCatalog, introducedErrors } from './domain/checker.ts';
import { parseSku } from './domain/sku.ts';
import {
  type BundleItem,
  type CatalogData,
  type CatalogStatus,
  type FulfillmentKind,
  type Limits,
  type PriceRow,
  type ProductDef,
  type ProductType,
  type SkuDef,
  TYPES_OF_KIND,
} from './domain/types.ts';

export type { StaffContext };

export interface SkuPatch {
  name?: string;
  status?: CatalogStatus;
  limits?: Limits;
}

/**
 * The catalog's use cases. Reads go through an in-memory view rebuilt when
 * the catalog version changes (one tiny query per read tells); every staff
 * edit runs in one transaction that locks the catalog, re-runs the checker on
 * the result, refuses an edit that introduces an error-level issue, records
 * the audit entry and bumps the version.
 */
export class CatalogService {
  #view: CatalogView | undefined;
  #loading: Promise<CatalogView> | undefined;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<CatalogDb>,
    private readonly audit: AuditModule,
  ) {}

  // ---- reads ------------------------------------------------------------------------------------------------

  async version(): Promise<number> {
    return repo.catalogVersion(this.db);
  }

  /** When the catalog (prices, SKUs, product pages) last changed. */
  async lastModified(): Promise<Date | undefined> {
    return repo.catalogUpdatedAt(this.db);
  }

  /** The current view, reloaded only when another edit (in any process) bumped the version. */
  async view(): Promise<CatalogView> {
    const version = await repo.catalogVersion(this.db);
    if (this.#view?.version === version) return this.#view;
    this.#loading ??= (async () => {
      try {
        const data = await repo.loadCatalog(this.db);
        this.#view = new CatalogView(data, version);
        return this.#view;
      } finally {
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }

  /** Buyable SKUs; with a currency, only those sold in it, with only that price. */
  async list(
    filter: { category?: string | undefined; currency?: Currency | undefined },
    current?: CatalogView,
  ): Promise<CatalogEntry[]> {
    const view = current ?? (await this.view());
    if (filter.category && !view.codes.categories.has(filter.category)) {
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: [{ path: '/category', message: `unknown category "${filter.category}"` }],
      });
    }
    const entries = view.buyable(filter.category);
    const currency = filter.currency;
    if (!currency) return entries;
    return entries.filter((e) => e.prices[currency] !== undefined).map((e) => onlyCurrency(e, currency));
  }

  /** One active SKU (buyable or contact-sales). Malformed → 400, unknown → 404 SKU_NOT_FOUND. */
  async get(code: string, currency?: Currency, current?: CatalogView): Promise<CatalogEntry> {
    const view = current ?? (await this.view());
    const entry = view.bySku.get(this.#parse(view, code, '/sku'));
    if (!entry) throw new AppError('SKU_NOT_FOUND');
    return currency ? onlyCurrency(entry, currency) : entry;
  }

  /** The checker's report on the catalog as it is now. */
  async issues(): Promise<CatalogIssue[]> {
    return checkCatalog((await this.view()).data);
  }

  /** A SKU with its whole price history (archived prices included), for staff and for subscriptions on old prices. */
  async skuWithPrices(code: string): Promise<{ sku: SkuDef; prices: PriceRow[] }> {
    const view = await this.view();
    const sku = await repo.findSku(this.db, this.#parse(view, code, '/sku'));
    if (!sku) throw new AppError('SKU_NOT_FOUND');
    return { sku, prices: await repo.pricesOfSku(this.db, sku.code) };
  }

  /** Any price by id, archived or not: an existing subscription may point at an archived one. */
  async priceById(id: string): Promise<PriceRow | undefined> {
    return repo.findPrice(this.db, id);
  }

  /**
   * What a buyable SKU costs now in a currency, for the cart, checkout and tax
   * (it fits the tax module's PriceSource); undefined when it is unknown, not
   * buyable, or not sold in that currency. Never throws on a bad code.
   */
  async price(
    sku: string,
    currency: Currency,
  ): Promise<{ unitAmount: number; kind: FulfillmentKind; name: string; priceId: string } | undefined> {
    const view = await this.view();
    const entry = view.bySku.get(sku);
    const row = view.data.prices.find(
      (p) => p.sku === sku && p.currency === currency && p.status === 'active',
    );
    if (entry?.purchase !== 'buyable' || !row) return undefined;
    return { unitAmount: row.amount, kind: entry.fulfillment.kind, name: entry.name, priceId: row.id };
  }

  #parse(view: CatalogView, code: string, path: string): string {
    const parsed = parseSku(code, view.codes);
    if (!parsed.ok) {
      throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path, message: parsed.reason }] });
    }
    return parsed.parts.code;
  }

  // ---- staff edits ------------------------------------------------------------------------------------------

  async createPrice(
    staff: StaffContext,
    input: { sku: string; currency: Currency; amount: number },
  ): Promise<PriceRow> {
    return this.#edit(staff, async (trx, data) => {
      const sku = data.skus.find((s) => s.code === input.sku);
      if (!sku) throw new AppError('SKU_NOT_FOUND');
      if (data.prices.some((p) => p.sku === sku.code && p.currency === input.currency)) {
        throw new AppError(
          'CONFLICT',
          `${sku.code} already has an active ${input.currency} price: change or archive it.`,
        );
      }
      const price = this.#newPrice(sku.code, input.currency, input.amount);
      await repo.insertPrice(trx, price);
      return { result: price, action: 'catalog.price.create', target: price.id, before: null, after: price };
    });
  }

  async archivePrice(staff: StaffContext, id: string): Promise<PriceRow> {
    return this.#edit(staff, async (trx) => {
      const before = await this.#activePrice(trx, id);
      await repo.archivePrice(trx, id, this.ctx.clock.now());
      const after = (await repo.findPrice(trx, id))!;
      return { result: after, action: 'catalog.price.archive', target: id, before, after };
    });
  }

  /** A new amount is a new price row; the old one is archived, so what was sold stays readable. */
  async changePrice(
    staff: StaffContext,
    id: string,
    amount: number,
  ): Promise<{ archived: PriceRow; price: PriceRow }> {
    return this.#edit(staff, async (trx) => {
      const old = await this.#activePrice(trx, id);
      await repo.archivePrice(trx, id, this.ctx.clock.now());
      const price = this.#newPrice(old.sku, old.currency, amount);
      await repo.insertPrice(trx, price);
      const archived = (await repo.findPrice(trx, id))!;
      return {
        result: { archived, price },
        action: 'catalog.price.change',
        target: old.sku,
        before: old,
        after: price,
      };
    });
  }

  async updateSku(staff: StaffContext, code: string, patch: SkuPatch): Promise<SkuDef> {
    return this.#edit(staff, async (trx, data) => {
      const before = data.skus.find((s) => s.code === code);
      if (!before) throw new AppError('SKU_NOT_FOUND');
      if (patch.limits !== undefined && before.fulfillment.kind !== 'license') {
        throw new AppError('VALIDATION_FAILED', undefined, {
          details: [{ path: '/limits', message: `${code} is not a license: it has no limits` }],
        });
      }
      await repo.updateSku(trx, code, patch, this.ctx.clock.now());
      const after = (await repo.findSku(trx, code))!;
      return { result: after, action: 'catalog.sku.update', target: code, before, after };
    });
  }

  /** A product's type (how it is delivered): one that fits its kind (a tool: download or hosted). */
  async updateProduct(staff: StaffContext, key: string, patch: { type: ProductType }): Promise<ProductDef> {
    return this.#edit(staff, async (trx, data) => {
      const before = data.products.find((p) => p.key === key);
      if (!before) throw new AppError('NOT_FOUND', `No product ${key}.`);
      const fits = TYPES_OF_KIND[before.kind];
      if (!fits.includes(patch.type))
        throw new AppError('VALIDATION_FAILED', undefined, {
          details: [
            { path: '/type', message: `a ${before.kind} is ${fits.join(' or ')}, not ${patch.type}` },
          ],
        });
      await repo.updateProductType(trx, key, patch.type, this.ctx.clock.now());
      const after = { ...before, type: patch.type };
      return { result: after, action: 'catalog.product.update', target: key, before, after };
    });
  }

  async setBundleItems(
    staff: StaffContext,
    code: string,
    items: readonly { sku: string; quantity: number }[],
  ): Promise<BundleItem[]> {
    return this.#edit(staff, async (trx, data) => {
      const bundle = data.skus.find((s) => s.code === code);
      if (!bundle) throw new AppError('SKU_NOT_FOUND');
      if (bundle.fulfillment.kind !== 'bundle') {
        throw new AppError('VALIDATION_FAILED', undefined, {
          details: [{ path: '/sku', message: `${code} is not a bundle` }],
        });
      }
      const seen = new Set<string>();
      items.forEach((i, n) => {
        if (seen.has(i.sku)) {
          throw new AppError('VALIDATION_FAILED', undefined, {
            details: [{ path: `/items/${n}/sku`, message: `${i.sku} is listed twice` }],
          });
        }
        seen.add(i.sku);
        if (!data.skus.some((s) => s.code === i.sku)) {
          throw new AppError('SKU_NOT_FOUND', `No SKU ${i.sku}.`, {
            details: [{ path: `/items/${n}/sku`, message: 'no such SKU' }],
          });
        }
      });
      const before = data.bundleItems.filter((i) => i.bundleSku === code);
      const after = items.map((i, n) => ({
        bundleSku: code,
        componentSku: i.sku,
        quantity: i.quantity,
        position: n + 1,
      }));
      await repo.replaceBundleItems(trx, code, after);
      return { result: after, action: 'catalog.bundle.update', target: code, before, after };
    });
  }

  async #activePrice(trx: Transaction<CatalogDb>, id: string): Promise<PriceRow> {
    const price = await repo.findPrice(trx, id);
    if (!price) throw new AppError('NOT_FOUND', 'No such price.');
    if (price.status !== 'active') throw new AppError('CONFLICT', 'This price is already archived.');
    return price;
  }

  #newPrice(sku: string, currency: Currency, amount: number): PriceRow {
    return {
      id: newId('prc', this.ctx.clock),
      sku,
      currency,
      amount,
      status: 'active',
      createdAt: this.ctx.clock.now(),
      archivedAt: null,
    };
  }

  /**
   * One staff edit: lock, check before, apply, check after, refuse what breaks
   * the catalog (the transaction rolls back: nothing changes), audit, bump.
   */
  async #edit<R>(
    staff: StaffContext,
    apply: (
      trx: Transaction<CatalogDb>,
      data: CatalogData,
    ) => Promise<{ result: R; action: string; target: string; before: unknown; after: unknown }>,
  ): Promise<R> {
    const outcome = await inTransaction(this.db, async (trx) => {
      await repo.lockCatalog(trx);
      const data = await repo.loadCatalog(trx);
      const before = checkCatalog(data);
      const change = await apply(trx, data);
      const introduced = introducedErrors(before, checkCatalog(await repo.loadCatalog(trx)));
      if (introduced.length > 0) {
        throw new AppError('CATALOG_INVALID', undefined, {
          details: introduced.map((i) => ({ path: `/${i.subject}`, message: `${i.code}: ${i.message}` })),
        });
      }
      await this.audit.log.record(
        {
          actor: staff.actor,
          action: change.action,
          target: { type: change.action.split('.')[1] ?? 'catalog', id: change.target },
          before: change.before,
          after: change.after,
          ip: staff.ip,
          requestId: staff.requestId,
        },
        handle(trx),
      );
      await repo.bumpVersion(trx, this.ctx.clock.now());
      return change.result;
    });
    this.#view = undefined;
    return outcome;
  }
}

function onlyCurrency(e: CatalogEntry, currency: Currency): CatalogEntry {
  const pick = (prices: CatalogEntry['prices']) =>
    prices[currency] === undefined ? {} : { [currency]: prices[currency] };
  return {
    ...e,
    prices: pick(e.prices),
    bundle: e.bundle
      ? {
          items: e.bundle.items.map((i) => ({ ...i, prices: pick(i.prices) })),
          pricing: e.bundle.pricing.filter((p) => p.currency === currency),
        }
      : null,
  };
}
