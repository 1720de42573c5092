import Type from 'typebox';
import type { ContentItem, MediaSummary } from './content.repository.ts';
import type { RevisionRow } from './content.tables.ts';
import { pathOf, type Status } from './domain/rules.ts';

/** Request and response schemas of the staff content API (types inferred from them). */

const kind = Type.Union([
  Type.Literal('post'),
  Type.Literal('case_study'),
  Type.Literal('episode'),
  Type.Literal('show'),
  Type.Literal('doc'),
  Type.Literal('page'),
  Type.Literal('author'),
]);
const status = Type.Union([
  Type.Literal('draft'),
  Type.Literal('scheduled'),
  Type.Literal('published'),
  Type.Literal('archived'),
]);
const when = Type.String({ format: 'date-time' });
const nullableWhen = Type.Union([when, Type.Null()]);
const frontMatter = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'The kind’s own fields (docs/content-format.md): e.g. a post’s date, author, tags and image.',
  },
);

export const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 40 }) },
  { additionalProperties: false },
);
export const RevisionParams = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 40 }),
    version: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);
export const ListQuery = Type.Object(
  {
    kind: Type.Optional(kind),
    status: Type.Optional(status),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);

export const CreateBody = Type.Object(
  {
    kind,
    slug: Type.String({ minLength: 1, maxLength: 161 }),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    frontMatter,
    body: Type.Optional(Type.String({ maxLength: 200_000 })),
  },
  { additionalProperties: false },
);

export const PatchBody = Type.Object(
  {
    slug: Type.Optional(Type.String({ minLength: 1, maxLength: 161 })),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    frontMatter: Type.Optional(frontMatter),
    body: Type.Optional(Type.String({ maxLength: 200_000 })),
    expectedVersion: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'The version edited; another save since is CONTENT_EDIT_CONFLICT.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ScheduleBody = Type.Object({ publishAt: when }, { additionalProperties: false });
export const EmptyBody = Type.Object({}, { additionalProperties: false });

const itemFields = {
  id: Type.String(),
  kind,
  slug: Type.String(),
  path: Type.Union([Type.String(), Type.Null()], {
    description: 'Its public URL path; null for authors and the show.',
  }),
  title: Type.String(),
  description: Type.String(),
  status,
  publishAt: nullableWhen,
  version: Type.Integer(),
  source: Type.Union([Type.Literal('file'), Type.Literal('staff')]),
  sourcePath: Type.Union([Type.String(), Type.Null()]),
  staffEditedAt: nullableWhen,
  createdAt: when,
  updatedAt: when,
};

export const ItemSummarySchema = Type.Object(itemFields, { additionalProperties: false });
export const ItemSchema = Type.Object(
  {
    ...itemFields,
    frontMatter,
    body: Type.String(),
    oldSlugs: Type.Array(Type.String(), {
      description: 'Slugs it had before: their URLs redirect (301) here.',
    }),
  },
  { additionalProperties: false },
);
export const ItemListSchema = Type.Object(
  { items: Type.Array(ItemSummarySchema), total: Type.Integer() },
  { additionalProperties: false },
);

export const RevisionSchema = Type.Object(
  {
    version: Type.Integer(),
    action: Type.String({ description: 'seed | file | create | update | restore' }),
    slug: Type.String(),
    title: Type.String(),
    description: Type.String(),
    frontMatter,
    body: Type.String(),
    by: Type.Union([Type.String(), Type.Null()], {
      description: 'The staff member’s email; null for a file.',
    }),
    at: when,
  },
  { additionalProperties: false },
);
export const RevisionListSchema = Type.Object(
  { revisions: Type.Array(RevisionSchema) },
  { additionalProperties: false },
);

export const MediaSchema = Type.Object(
  {
    id: Type.String(),
    src: Type.String({ description: 'What front matter and Markdown use: `uploads/<id>.<ext>`.' }),
    contentType: Type.String(),
    width: Type.Integer(),
    height: Type.Integer(),
    sizeBytes: Type.Integer(),
    originalName: Type.String(),
    uploadedBy: Type.String(),
    createdAt: when,
  },
  { additionalProperties: false },
);
export const MediaListSchema = Type.Object(
  { media: Type.Array(MediaSchema) },
  { additionalProperties: false },
);
/** The upload's body as OpenAPI shows it (the multipart parser, not Ajv, reads it). */
export const UploadBody = {
  content: {
    'multipart/form-data': {
      schema: {
        properties: {
          _csrf: {
            type: 'string',
            description: 'With a cookie session and no X-CSRF-Token header: the form token, first.',
          },
          file: {
            type: 'string',
            format: 'binary',
            description: 'A PNG, JPEG or WebP image, at most 10 MB.',
          },
        },
        required: ['file'],
      },
    },
  },
} as const;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function itemSummaryJson(item: ContentItem, effective: Status) {
  return {
    id: item.id,
    kind: item.kind,
    slug: item.slug,
    path: pathOf(item.kind, item.slug),
    title: item.title,
    description: item.description,
    status: effective,
    publishAt: iso(item.publishAt),
    version: item.version,
    source: item.sourcePath ? ('file' as const) : ('staff' as const),
    sourcePath: item.sourcePath,
    staffEditedAt: iso(item.staffEditedAt),
    createdAt: iso(item.createdAt)!,
    updatedAt: iso(item.updatedAt)!,
  };
}

export function itemJson(item: ContentItem, effective: Status, oldSlugs: string[]) {
  return { ...itemSummaryJson(item, effective), frontMatter: item.frontMatter, body: item.body, oldSlugs };
}

export function revisionJson(r: RevisionRow) {
  return {
    version: r.version,
    action: r.action,
    slug: r.slug,
    title: r.title,
    description: r.description,
    frontMatter: (typeof r.front_matter === 'string' ? JSON.parse(r.front_matter) : r.front_matter) as Record<
      string,
      unknown
    >,
    body: r.body,
    by: r.actor_email,
    at: iso(r.created_at)!,
  };
}

export const mediaSrc = (m: Pick<MediaSummary, 'id' | 'content_type'>) =>
  `uploads/${m.id}.${m.content_type === 'image/jpeg' ? 'jpg' : m.content_type.replace('image/', '')}`;

export function mediaJson(m: MediaSummary) {
  return {
    id: m.id,
    src: mediaSrc(m),
    contentType: m.content_type,
    width: m.width,
    height: m.height,
    sizeBytes: m.size_bytes,
    originalName: m.original_name,
    uploadedBy: m.uploaded_by_email,
    createdAt: iso(m.created_at)!,
  };
}
