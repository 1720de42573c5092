import type { SkuDef } from '../domain/types.ts';

/** A SKU as the seed declares it: every SKU starts active. */
export type SeedSku = Omit<SkuDef, 'status'>;

/** List prices in major units, written as decimal strings so no float ever rounds them. */
export type PriceList = Record<string, { USD: string; EUR: string; GBP: string; CAD: string }>;
