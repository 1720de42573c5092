import type { PlatformTables } from '../../platform/db/client.ts';

/** The tables of migrations/2026112*_catalog_*.sql, as Kysely sees them. */
export type CatalogTables = {
  catalog_category: { code: string; name: string; description: string; position: number };
  catalog_edition: { code: string; name: string; description: string };
  catalog_term: {
    code: string;
    name: string;
    description: string;
    billing: string;
    billing_interval: string | null;
  };
  catalog_product: {
    key: string;
    slug: string;
    category: string;
    kind: string;
    /** desktop_software | web_service | training_course | consulting | bundle (domain/types.ts). */
    product_type: string;
    name: string;
    description: string;
    position: number;
    created_at: Date;
    updated_at: Date;
  };
  catalog_sku: {
    code: string;
    product_key: string;
    edition_code: string | null;
    term_code: string | null;
    name: string;
    description: string;
    purchase: string;
    billing: string;
    billing_interval: string | null;
    per_seat: boolean;
    fulfillment_kind: string;
    license_type: string | null;
    /** JSON text on write, an object on read. */
    limits: unknown;
    training_format: string | null;
    training_hours: number | null;
    seats_per_unit: number | null;
    access_months: number | null;
    engagement: string | null;
    consulting_hours: number | null;
    expiry_months: number | null;
    features: unknown;
    status: string;
    position: number;
    created_at: Date;
    updated_at: Date;
  };
  catalog_price: {
    id: string;
    sku: string;
    currency: string;
    unit_amount: number;
    status: string;
    created_at: Date;
    archived_at: Date | null;
  };
  catalog_bundle_item: { bundle_sku: string; component_sku: string; quantity: number; position: number };
  catalog_state: { id: boolean; version: number; updated_at: Date };
  catalog_quote_request: {
    id: string;
    sku: string;
    name: string;
    email: string;
    organization: string | null;
    message: string;
    /** new | contacted | won | lost (domain/quote-status.ts). */
    status: string;
    created_at: Date;
    /** The latest status change: its note, when, and the staff member's email. */
    status_note: string | null;
    status_changed_at: Date | null;
    status_changed_by: string | null;
  };
};

export type CatalogDb = PlatformTables & CatalogTables;
export type SkuRow = CatalogTables['catalog_sku'];
export type QuoteRow = CatalogTables['catalog_quote_request'];
