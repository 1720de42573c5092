import Type from 'typebox';
import { formatBytes, PLATFORMS } from './domain/release.ts';
import type { ProductDownloads } from './downloads.service.ts';
import type { ReleaseRow } from './downloads.tables.ts';

/** Schemas and serializers of the downloads JSON API. */

export const EmptyBody = Type.Object({}, { additionalProperties: false });

/**
 * The upload's multipart form, for the OpenAPI document. It documents and does not validate: a
 * streamed multipart body is not parsed before the handler runs (readUpload checks each part),
 * so the schema carries no `type` and accepts the absent parsed body.
 */
export const UploadFormBody = {
  content: {
    'multipart/form-data': {
      schema: {
        properties: {
          productKey: { type: 'string', description: 'A catalog product key, e.g. `TL-MAPPER`.' },
          version: { type: 'string', description: 'Semantic version: `1.4.2`, `2.0.0-beta.1`.' },
          platform: { type: 'string', enum: [...PLATFORMS] },
          notes: { type: 'string', description: 'Plain text, shown as written.' },
          file: { type: 'string', format: 'binary', description: 'The release file, last.' },
        },
        required: ['productKey', 'version', 'platform', 'file'],
      },
    },
  },
} as const;

export const RELEASE_ID = '^rel_[0-9a-hjkmnp-tv-z]{26}$';
export const ReleaseIdParams = Type.Object(
  { id: Type.String({ pattern: RELEASE_ID }) },
  { additionalProperties: false },
);
export const DownloadParams = Type.Object(
  { releaseId: Type.String({ pattern: RELEASE_ID }) },
  { additionalProperties: false },
);
export const LinkQuery = Type.Object(
  { exp: Type.String({ maxLength: 20 }), sig: Type.String({ maxLength: 100 }) },
  { additionalProperties: false },
);

const Release = Type.Object({
  id: Type.String(),
  productKey: Type.String(),
  version: Type.String(),
  platform: Type.Enum([...PLATFORMS]),
  fileName: Type.String(),
  sizeBytes: Type.Integer(),
  size: Type.String({ description: 'Human-readable, binary units (`1.5 MiB`).' }),
  sha256: Type.String({ description: 'Hex SHA-256 of the file, to check the download.' }),
  notes: Type.String({ description: 'Plain text (Markdown is shown as written).' }),
  publishedAt: Type.String({ format: 'date-time' }),
});

export const CustomerDownloads = Type.Object({
  products: Type.Array(
    Type.Object({
      productKey: Type.String(),
      name: Type.String(),
      releases: Type.Array(
        Type.Object({
          ...Release.properties,
          downloadUrl: Type.String({
            description: 'A link signed for the caller: GET it with the same session within 5 minutes.',
          }),
          downloadUrlExpiresAt: Type.String({ format: 'date-time' }),
        }),
      ),
    }),
  ),
});

export const StaffRelease = Type.Object({
  ...Release.properties,
  status: Type.Enum(['published', 'unpublished']),
  uploadedBy: Type.String(),
  downloads: Type.Integer(),
});
export const StaffReleaseList = Type.Object({ items: Type.Array(StaffRelease) });

const iso = (d: Date) => new Date(d).toISOString();

export const releaseJson = (r: ReleaseRow) => ({
  id: r.id,
  productKey: r.product_key,
  version: r.version,
  platform: r.platform,
  fileName: r.file_name,
  sizeBytes: Number(r.size_bytes),
  size: formatBytes(Number(r.size_bytes)),
  sha256: r.sha256,
  notes: r.notes,
  publishedAt: iso(r.created_at),
});

export const staffReleaseJson = (r: ReleaseRow, downloads: number) => ({
  ...releaseJson(r),
  status: r.status,
  uploadedBy: r.uploaded_by_email,
  downloads,
});

export const customerDownloadsJson = (list: readonly ProductDownloads[], publicUrl: string) => ({
  products: list.map((p) => ({
    productKey: p.product.key,
    name: p.product.name,
    releases: p.releases.map((r) => ({
      ...releaseJson(r.release),
      downloadUrl: `${publicUrl}${r.link.url}`,
      downloadUrlExpiresAt: iso(r.link.expiresAt),
    })),
  })),
});
