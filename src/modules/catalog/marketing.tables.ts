import type { CatalogDb } from './catalog.tables.ts';

/** The tables of migrations/202612070100_catalog_marketing.sql, as Kysely sees them. */
export type MarketingTables = {
  catalog_instructor: { key: string; name: string; role: string; bio: string; updated_at: Date };
  catalog_product_page: {
    product_key: string;
    tagline: string;
    /** JSON text on write, parsed on read. */
    overview: unknown;
    highlights: unknown;
    audience: string;
    screenshots: unknown;
    docs_path: string | null;
    instructor_key: string | null;
    prerequisites: string;
    updated_at: Date;
  };
  catalog_course_module: {
    product_key: string;
    position: number;
    title: string;
    hours: number;
    summary: string;
    topics: unknown;
  };
  catalog_course_session: {
    id: string;
    sku: string;
    /** `date`: a string on write; read back as text (the repository casts it). */
    starts_on: string;
    ends_on: string;
    daily_start: string;
    daily_end: string;
    time_zone: string;
    location: string;
    capacity: number | null;
    seats_taken: number;
    instructor_key: string | null;
    status: string;
    created_at: Date;
    updated_at: Date;
  };
  catalog_faq: {
    key: string;
    topic: string;
    position: number;
    question: string;
    answer: string;
    updated_at: Date;
  };
};

export type MarketingDb = CatalogDb & MarketingTables;
