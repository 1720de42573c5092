import type { PlatformTables } from '../../platform/db/client.ts';
import type { Platform } from './domain/release.ts';

/** The tables of migrations/202611260310_downloads_releases.sql. */
export type DownloadsTables = {
  product_release: {
    id: string;
    product_key: string;
    version: string;
    platform: Platform;
    file_name: string;
    storage_name: string;
    /** bigint: the driver may give a string. */
    size_bytes: number | string;
    sha256: string;
    notes: string;
    status: 'published' | 'unpublished';
    uploaded_by: string;
    uploaded_by_email: string;
    created_at: Date;
    updated_at: Date;
  };
  release_download: {
    id: string;
    release_id: string;
    user_id: string;
    ip: string | null;
    at: Date;
  };
};

export type DownloadsDb = PlatformTables & DownloadsTables;
export type ReleaseRow = DownloadsTables['product_release'];
