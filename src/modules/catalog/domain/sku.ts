/**
 * The SKU taxonomy CATEGORY-PRODUCT-EDITION-TERM (002), as a pure parser.
 * The codes it accepts come from data (the catalog's categories, editions and
 * terms), so adding a term such as ORG is a row, not a code change. Three-part
 * codes either drop the edition (`BN-STARTER-A`, `TR-CUSTOM-ORG`) or the term
 * (`TL-MAPPER-EN`, a contact-sales edition with no self-serve term).
 */

export interface SkuCodes {
  categories: ReadonlySet<string>;
  editions: ReadonlySet<string>;
  terms: ReadonlySet<string>;
  /** When given, the product part must be one of these for its category ("TL" → {"MAPPER", …}). */
  products?: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface SkuParts {
  code: string;
  category: string;
  product: string;
  /** CATEGORY-PRODUCT, the product's key. */
  productKey: string;
  edition: string | null;
  term: string | null;
}

export type SkuParseResult = { ok: true; parts: SkuParts } | { ok: false; reason: string };

export const SKU_MAX_LENGTH = 40;
const PART = /^[A-Z0-9]+$/;

const fail = (reason: string): SkuParseResult => ({ ok: false, reason });
const show = (s: string) => JSON.stringify(s.length > 24 ? `${s.slice(0, 24)}…` : s);

export function parseSku(code: string, codes: SkuCodes): SkuParseResult {
  if (typeof code !== 'string' || code.length === 0) return fail('a SKU code is required');
  if (code.length > SKU_MAX_LENGTH) return fail(`a SKU code has at most ${SKU_MAX_LENGTH} characters`);
  if (!/^[A-Z0-9-]+$/.test(code)) return fail('only capital letters, digits and hyphens are allowed');
  const parts = code.split('-');
  if (parts.some((p) => !PART.test(p))) return fail('a SKU code has no empty parts');
  if (parts.length < 3 || parts.length > 4) {
    return fail(`expected 3 or 4 parts (CATEGORY-PRODUCT-EDITION-TERM), got ${parts.length}`);
  }
  const [category, product] = parts as [string, string, ...string[]];
  if (!codes.categories.has(category)) return fail(`unknown category ${show(category)}`);
  const known = codes.products?.get(category);
  if (codes.products && !known?.has(product)) {
    return fail(`unknown product ${show(product)} in category ${show(category)}`);
  }
  let edition: string | null = null;
  let term: string | null = null;
  if (parts.length === 4) {
    edition = parts[2]!;
    term = parts[3]!;
    if (!codes.editions.has(edition)) return fail(`edition ${show(edition)} is not defined`);
    if (!codes.terms.has(term)) return fail(`term ${show(term)} is not defined`);
  } else {
    const last = parts[2]!;
    if (codes.terms.has(last)) term = last;
    else if (codes.editions.has(last)) edition = last;
    else return fail(`term ${show(last)} is not defined (nor is an edition ${show(last)})`);
  }
  return {
    ok: true,
    parts: { code, category, product, productKey: `${category}-${product}`, edition, term },
  };
}

/** The codes a catalog defines, in the shape the parser takes. */
export function skuCodes(data: {
  categories: readonly { code: string }[];
  editions: readonly { code: string }[];
  terms: readonly { code: string }[];
  products?: readonly { key: string; category: string }[];
}): SkuCodes {
  const codes: SkuCodes = {
    categories: new Set(data.categories.map((c) => c.code)),
    editions: new Set(data.editions.map((e) => e.code)),
    terms: new Set(data.terms.map((t) => t.code)),
  };
  if (!data.products) return codes;
  const products = new Map<string, Set<string>>();
  for (const p of data.products) {
    const set = products.get(p.category) ?? new Set<string>();
    set.add(p.key.slice(p.category.length + 1));
    products.set(p.category, set);
  }
  return { ...codes, products };
}
