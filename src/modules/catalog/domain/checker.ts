import { CURRENCIES, type Currency, formatMoney } from '../../../platform/money.ts';
import { bundlePricing } from './bundle.ts';
import { isSeatLicense, seatCap, usersLimit } from './seats.ts';
import { parseSku, skuCodes } from './sku.ts';
import { type CatalogData, type PriceRow, type SkuDef, TYPES_OF_KIND } from './types.ts';

/**
 * The catalog checker: pure, run on the seed and before every staff edit
 * commits. Errors make a catalog unsellable (a buyable SKU with no USD price, a
 * per-seat SKU that cannot count seats or has no seat cap, a bundle of things
 * nobody can buy or with more seats than an edition carries); warnings are
 * commercial smells staff should see (a bundle dearer than its parts, an annual
 * plan that saves nothing, a seat edition sold with its users included). An
 * edit that adds an error is refused; warnings are reported, never hidden.
 */

export type Severity = 'error' | 'warning' | 'info';

export interface CatalogIssue {
  severity: Severity;
  /** Stable machine code, e.g. `missing_usd_price`. */
  code: string;
  /** The SKU (or product key) the issue is about. */
  subject: string;
  currency?: Currency;
  message: string;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function issueKey(i: CatalogIssue): string {
  return `${i.code}|${i.subject}|${i.currency ?? ''}`;
}

/** Error-level issues in `after` that were not already in `before`: what an edit introduced. */
export function introducedErrors(
  before: readonly CatalogIssue[],
  after: readonly CatalogIssue[],
): CatalogIssue[] {
  const known = new Set(before.map(issueKey));
  return after.filter((i) => i.severity === 'error' && !known.has(issueKey(i)));
}

export function checkCatalog(data: CatalogData): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const add = (severity: Severity, code: string, subject: string, message: string, currency?: Currency) =>
    issues.push({ severity, code, subject, message, ...(currency ? { currency } : {}) });

  const codes = skuCodes(data);
  const terms = new Map(data.terms.map((t) => [t.code, t]));
  const skus = new Map(data.skus.map((s) => [s.code, s]));
  const active = data.skus.filter((s) => s.status === 'active');
  const activePrices = data.prices.filter((p) => p.status === 'active');
  const priceOf = new Map<string, Map<Currency, PriceRow>>();
  for (const p of activePrices) {
    const bySku = priceOf.get(p.sku) ?? new Map<Currency, PriceRow>();
    if (bySku.has(p.currency)) {
      add(
        'error',
        'duplicate_active_price',
        p.sku,
        `${p.sku} has more than one active ${p.currency} price`,
        p.currency,
      );
    }
    bySku.set(p.currency, p);
    priceOf.set(p.sku, bySku);
    if (!skus.has(p.sku))
      add('error', 'price_for_unknown_sku', p.sku, `a price points at unknown SKU ${p.sku}`);
    if (!(p.amount > 0) || !Number.isSafeInteger(p.amount)) {
      add(
        'error',
        'non_positive_price',
        p.sku,
        `${p.sku} has a ${p.currency} price that is not a positive amount`,
        p.currency,
      );
    }
  }
  const amount = (sku: string, c: Currency) => priceOf.get(sku)?.get(c)?.amount;
  const buyable = (s: SkuDef | undefined) =>
    s !== undefined && s.status === 'active' && s.purchase === 'buyable';

  for (const s of active) {
    const parsed = parseSku(s.code, codes);
    if (!parsed.ok) add('error', 'sku_unparseable', s.code, `${s.code}: ${parsed.reason}`);
    else if (
      parsed.parts.productKey !== s.productKey ||
      parsed.parts.edition !== s.editionCode ||
      parsed.parts.term !== s.termCode
    ) {
      add('error', 'sku_code_mismatch', s.code, `${s.code} does not match its product, edition and term`);
    }
    if (s.purchase === 'buyable' && amount(s.code, 'USD') === undefined) {
      add('error', 'missing_usd_price', s.code, `${s.code} is buyable but has no active USD price`);
    }
    if (s.billing === 'recurring' && !s.interval) {
      add(
        'error',
        'recurring_without_interval',
        s.code,
        `${s.code} is recurring but has no billing interval`,
      );
    }
    if (s.billing === 'one_time' && s.interval) {
      add('error', 'one_time_with_interval', s.code, `${s.code} is billed once but has a billing interval`);
    }
    const term = s.termCode ? terms.get(s.termCode) : undefined;
    if (term && term.billing !== 'quoted' && (term.billing !== s.billing || term.interval !== s.interval)) {
      add(
        'warning',
        'term_billing_mismatch',
        s.code,
        `${s.code} is billed differently from what term ${term.code} (${term.name}) means`,
      );
    }
    const f = s.fulfillment;
    const countsSeats = (f.kind === 'license' && f.licenseType === 'SEAT') || f.kind === 'training';
    if (s.perSeat && !countsSeats) {
      add(
        'error',
        'per_seat_not_seat',
        s.code,
        `${s.code} is sold per seat but its fulfillment does not count seats`,
      );
    }
    if (s.perSeat && isSeatLicense(f) && usersLimit(f.limits.users) === null) {
      add(
        'error',
        'seat_cap_missing',
        s.code,
        `${s.code} is sold per seat but its users limit (the most seats one purchase carries) is not a positive whole number or "unlimited"`,
      );
    }
    if (!s.perSeat && isSeatLicense(f) && s.purchase === 'buyable') {
      add(
        'warning',
        'seat_edition_not_per_seat',
        s.code,
        `${s.code} is a seat license sold once with its users included (${String(f.limits.users ?? 1)} seats per purchase), not per seat`,
      );
    }
    const items = data.bundleItems.filter((b) => b.bundleSku === s.code);
    if (f.kind !== 'bundle' && items.length > 0) {
      add('error', 'items_on_non_bundle', s.code, `${s.code} has bundle items but is not a bundle`);
    }
    if (f.kind === 'bundle') checkBundle(s, items);
  }

  function checkBundle(s: SkuDef, items: CatalogData['bundleItems']) {
    if (items.length === 0) add('error', 'bundle_empty', s.code, `bundle ${s.code} has no items`);
    for (const item of items) {
      const c = skus.get(item.componentSku);
      if (!c)
        add(
          'error',
          'bundle_component_missing',
          s.code,
          `bundle ${s.code} contains unknown SKU ${item.componentSku}`,
        );
      else if (c.fulfillment.kind === 'bundle') {
        add('error', 'bundle_nested', s.code, `bundle ${s.code} contains another bundle (${c.code})`);
      } else if (s.purchase === 'buyable' && !buyable(c)) {
        add(
          'error',
          'bundle_component_not_buyable',
          s.code,
          `bundle ${s.code} contains ${c.code}, which cannot be bought`,
        );
      }
      // A per-seat component gives the bundle item's quantity in seats: no more than its edition carries.
      const cap = c ? seatCap(c) : null;
      if (cap !== null && item.quantity > cap) {
        add(
          'error',
          'bundle_seats_over_cap',
          s.code,
          `bundle ${s.code} gives ${item.quantity} seats of ${item.componentSku}, which carries at most ${cap}`,
        );
      }
    }
    if (s.purchase !== 'buyable' || items.length === 0) return;
    for (const currency of CURRENCIES) {
      const own = amount(s.code, currency);
      if (own === undefined) continue;
      const pricing = bundlePricing(
        currency,
        own,
        items.map((i) => ({ quantity: i.quantity, unitAmount: amount(i.componentSku, currency) })),
      );
      if (pricing.individualPrice === null) {
        add(
          'warning',
          'bundle_component_unpriced',
          s.code,
          `bundle ${s.code}: a component has no ${currency} price, so no saving can be shown`,
          currency,
        );
      } else if (pricing.savings === null) {
        const rel = own === pricing.individualPrice ? 'the same as' : 'more than';
        add(
          'warning',
          'bundle_not_cheaper',
          s.code,
          `bundle ${s.code} costs ${formatMoney(own, currency)}, ${rel} its items bought separately (${formatMoney(pricing.individualPrice, currency)}): no saving is advertised`,
          currency,
        );
      }
    }
  }

  // Annual plans must be cheaper than twelve monthly payments of the same product and edition.
  for (const s of active) {
    if (s.interval !== 'year' || s.purchase !== 'buyable') continue;
    const monthly = active.find(
      (m) => m.productKey === s.productKey && m.editionCode === s.editionCode && m.interval === 'month',
    );
    if (!monthly) continue;
    for (const currency of CURRENCIES) {
      const a = amount(s.code, currency);
      const m = amount(monthly.code, currency);
      if (a !== undefined && m !== undefined && a >= m * 12) {
        add(
          'warning',
          'annual_not_cheaper',
          s.code,
          `${s.code} (${formatMoney(a, currency)}) is not cheaper than 12 × ${monthly.code} (${formatMoney(m * 12, currency)})`,
          currency,
        );
      }
    }
  }

  // A currency one SKU of a product is sold in, every buyable SKU of the product should be.
  const byProduct = new Map<string, SkuDef[]>();
  for (const s of active) byProduct.set(s.productKey, [...(byProduct.get(s.productKey) ?? []), s]);
  for (const list of byProduct.values()) {
    const offered = new Set(list.flatMap((s) => [...(priceOf.get(s.code)?.keys() ?? [])]));
    for (const s of list) {
      if (s.purchase !== 'buyable') continue;
      for (const currency of offered) {
        if (amount(s.code, currency) === undefined) {
          add(
            'warning',
            'missing_currency',
            s.code,
            `${s.code} has no ${currency} price, though other SKUs of its product do`,
            currency,
          );
        }
      }
    }
  }

  for (const p of data.products) {
    if (!active.some((s) => s.productKey === p.key))
      add('info', 'product_without_skus', p.key, `${p.name} has no active SKU`);
    // The delivery mail gives the steps of the product's type: a course cannot be "installed".
    if (!TYPES_OF_KIND[p.kind].includes(p.type))
      add('error', 'product_type_mismatch', p.key, `${p.name} is a ${p.kind}, which cannot be a ${p.type}`);
  }

  return issues.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.subject.localeCompare(b.subject) ||
      a.code.localeCompare(b.code),
  );
}
