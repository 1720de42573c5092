import type { Currency } from '../../../platform/money.ts';

/**
 * The catalog as plain data: what the repository loads, what the seed
 * declares, and what the pure rules (SKU parser, checker, bundle pricing)
 * read. No I/O here.
 */

export type Billing = 'recurring' | 'one_time';
export type BillingInterval = 'month' | 'year';
export type Purchase = 'buyable' | 'contact_sales';
export type LicenseType = 'SEAT' | 'ORGANIZATION' | 'USAGE';
export type ProductKind = 'tool' | 'course' | 'service' | 'bundle';

/**
 * How a product reaches the buyer (002's `productType`), which decides the activation steps of
 * the delivery mail and the onboarding sequence: software installed on the buyer's machines
 * (`desktop_software`: download, install, enter the key), a service FHIR IQ hosts
 * (`web_service`: sign in, enter the key), a course (`training_course`), consulting time or an
 * engagement (`consulting`); a bundle delivers its components, each by its own type.
 */
export const PRODUCT_TYPES = [
  'desktop_software',
  'web_service',
  'training_course',
  'consulting',
  'bundle',
] as const;
export type ProductType = (typeof PRODUCT_TYPES)[number];

/** The product types that fit a kind of product (the checker refuses any other). */
export const TYPES_OF_KIND: Readonly<Record<ProductKind, readonly ProductType[]>> = {
  tool: ['desktop_software', 'web_service'],
  course: ['training_course'],
  service: ['consulting'],
  bundle: ['bundle'],
};
export type CatalogStatus = 'active' | 'archived';

export interface CategoryDef {
  code: string;
  name: string;
  description: string;
  position: number;
}

export interface EditionDef {
  code: string;
  name: string;
  description: string;
}

export interface TermDef {
  code: string;
  name: string;
  description: string;
  /** `quoted`: the term of a contact-sales item, settled in the quote. */
  billing: Billing | 'quoted';
  interval: BillingInterval | null;
}

export interface ProductDef {
  /** CATEGORY-PRODUCT, e.g. `TL-MAPPER`. */
  key: string;
  slug: string;
  category: string;
  kind: ProductKind;
  /** How it is delivered; staff may change it (a tool moving from download to hosted). */
  type: ProductType;
  name: string;
  description: string;
  position: number;
}

/** A limit of a license edition: a number, `unlimited`, a flag, or a level such as `priority`. */
export type LimitValue = number | boolean | string;
export type Limits = Record<string, LimitValue>;

export type Fulfillment =
  | { kind: 'license'; licenseType: LicenseType; limits: Limits }
  | {
      kind: 'training';
      format: 'self_paced' | 'live';
      /** Hours of content or instruction; null when set per engagement (custom programmes). */
      hours: number | null;
      seatsPerUnit: number;
      /** Months of access to the material; null = lifetime. */
      accessMonths: number | null;
    }
  | {
      kind: 'consulting';
      engagement: 'hours' | 'fixed_scope' | 'project';
      hours: number | null;
      /** Months after purchase in which the hours must be used; null = no expiry. */
      expiryMonths: number | null;
    }
  | { kind: 'bundle' };

export type FulfillmentKind = Fulfillment['kind'];

export interface SkuDef {
  code: string;
  productKey: string;
  editionCode: string | null;
  termCode: string | null;
  name: string;
  description: string;
  purchase: Purchase;
  billing: Billing;
  interval: BillingInterval | null;
  perSeat: boolean;
  fulfillment: Fulfillment;
  features: string[];
  status: CatalogStatus;
  position: number;
}

export interface PriceRow {
  id: string;
  sku: string;
  currency: Currency;
  /** Minor units. */
  amount: number;
  status: CatalogStatus;
  createdAt: Date;
  archivedAt: Date | null;
}

export interface BundleItem {
  bundleSku: string;
  componentSku: string;
  quantity: number;
  position: number;
}

export interface CatalogData {
  categories: readonly CategoryDef[];
  editions: readonly EditionDef[];
  terms: readonly TermDef[];
  products: readonly ProductDef[];
  skus: readonly SkuDef[];
  /** Active prices (the checker also looks for duplicates among them); archived ones may be included. */
  prices: readonly PriceRow[];
  bundleItems: readonly BundleItem[];
}
