import type { PlatformTables } from '../../platform/db/client.ts';

/** The tables of migrations/202612*_content_*.sql, as Kysely sees them. */
export type ContentTables = {
  content_item: {
    id: string;
    kind: string;
    slug: string;
    title: string;
    description: string;
    /** JSON text on write, an object on read. */
    front_matter: unknown;
    body: string;
    plain_text: string;
    /** `YYYY-MM-DD` on write; read back as a Date by pg (see repository). */
    date: string | Date | null;
    status: string;
    publish_at: Date | null;
    version: number;
    source_path: string | null;
    source_hash: string | null;
    staff_edited_at: Date | null;
    created_at: Date;
    updated_at: Date;
  };
  content_revision: {
    item_id: string;
    version: number;
    slug: string;
    title: string;
    description: string;
    front_matter: unknown;
    body: string;
    action: string;
    actor_user_id: string | null;
    actor_email: string | null;
    created_at: Date;
  };
  content_slug_history: { kind: string; slug: string; item_id: string; created_at: Date };
  content_media: {
    id: string;
    sha256: string;
    content_type: string;
    width: number;
    height: number;
    size_bytes: number;
    data: Buffer;
    original_name: string;
    uploaded_by: string;
    uploaded_by_email: string;
    created_at: Date;
  };
  content_state: { id: boolean; version: string | number; updated_at: Date };
};

export type ContentDb = PlatformTables & ContentTables;
export type ItemRow = ContentTables['content_item'];
export type RevisionRow = ContentTables['content_revision'];
export type MediaRow = ContentTables['content_media'];
