import Type, { type Static, type TSchema } from 'typebox';
import Value from 'typebox/value';
import type { ErrorDetail } from '../../../platform/errors.ts';

/**
 * The content kinds and the front matter each one carries (docs/content-format.md is the
 * contract with the writers). Title and description are columns of every item, so
 * they are not part of the stored front matter; for an author they are the name and the role.
 * Everything is checked with TypeBox here, for files and staff edits alike.
 */

export const KINDS = ['post', 'case_study', 'episode', 'show', 'doc', 'page', 'author'] as const;
export type Kind = (typeof KINDS)[number];

export const isKind = (value: string): value is Kind => (KINDS as readonly string[]).includes(value);

const SLUG_PART = '[a-z0-9]+(-[a-z0-9]+)*';
const date = Type.String({ format: 'date', description: 'YYYY-MM-DD (UTC)' });
const tag = Type.String({ pattern: `^${SLUG_PART}$`, maxLength: 40 });
/** An image path relative to content/ (`images/…`) or a staff upload (`uploads/med_….png`). */
export const IMAGE_SRC_PATTERN =
  '^(images/[a-z0-9][a-z0-9._/-]*\\.(png|jpe?g)|uploads/med_[0-9a-hjkmnp-tv-z]{26}\\.(png|jpe?g|webp))$';
const image = Type.Object(
  {
    src: Type.String({ pattern: IMAGE_SRC_PATTERN, maxLength: 200 }),
    alt: Type.String({ minLength: 1, maxLength: 300 }),
  },
  { additionalProperties: false },
);
const text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const link = Type.Object(
  {
    label: text(80),
    // Another site, a mail address, or a page of ours (`/blog`); never `//host` or a script scheme.
    href: Type.String({ pattern: '^(https?://\\S+|mailto:\\S+|/(?!/)\\S*)$', maxLength: 500 }),
  },
  { additionalProperties: false },
);

const schemas = {
  post: Type.Object(
    {
      date,
      author: Type.String({ pattern: `^${SLUG_PART}$`, maxLength: 60 }),
      tags: Type.Array(tag, { maxItems: 12 }),
      image: Type.Optional(image),
      updated: Type.Optional(date),
    },
    { additionalProperties: false },
  ),
  case_study: Type.Object(
    {
      date,
      client: text(200),
      industry: text(100),
      products: Type.Array(Type.String({ pattern: '^[A-Z]{2}-[A-Z0-9]{2,20}$' }), { maxItems: 12 }),
      results: Type.Array(
        Type.Object({ label: text(100), value: text(100) }, { additionalProperties: false }),
        {
          minItems: 1,
          maxItems: 12,
        },
      ),
      image: Type.Optional(image),
    },
    { additionalProperties: false },
  ),
  episode: Type.Object(
    {
      date,
      episode: Type.Integer({ minimum: 1, maximum: 100_000 }),
      season: Type.Integer({ minimum: 1, maximum: 1000 }),
      duration: Type.Integer({ minimum: 1, maximum: 86_400, description: 'seconds' }),
      audio: Type.String({ pattern: '^podcast/audio/[a-z0-9]+(-[a-z0-9]+)*\\.mp3$', maxLength: 200 }),
      guests: Type.Optional(
        Type.Array(Type.Object({ name: text(100), role: text(200) }, { additionalProperties: false }), {
          maxItems: 12,
        }),
      ),
      tags: Type.Optional(Type.Array(tag, { maxItems: 12 })),
      explicit: Type.Boolean(),
      image: Type.Optional(image),
    },
    { additionalProperties: false },
  ),
  show: Type.Object(
    {
      author: text(200),
      email: Type.String({ format: 'email', maxLength: 200 }),
      category: text(100),
      image,
      language: Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$' }),
    },
    { additionalProperties: false },
  ),
  doc: Type.Object({ order: Type.Integer({ minimum: 0, maximum: 10_000 }) }, { additionalProperties: false }),
  page: Type.Object(
    {
      values: Type.Optional(
        Type.Array(Type.Object({ title: text(100), text: text(1000) }, { additionalProperties: false }), {
          maxItems: 12,
        }),
      ),
    },
    { additionalProperties: false },
  ),
  author: Type.Object(
    { image: Type.Optional(image), links: Type.Optional(Type.Array(link, { maxItems: 8 })) },
    { additionalProperties: false },
  ),
} as const satisfies Record<Kind, TSchema>;

export type PostFields = Static<(typeof schemas)['post']>;
export type CaseStudyFields = Static<(typeof schemas)['case_study']>;
export type EpisodeFields = Static<(typeof schemas)['episode']>;
export type ShowFields = Static<(typeof schemas)['show']>;
export type DocFields = Static<(typeof schemas)['doc']>;
export type PageFields = Static<(typeof schemas)['page']>;
export type AuthorFields = Static<(typeof schemas)['author']>;
export type ImageRef = Static<typeof image>;

export interface FieldsOf {
  post: PostFields;
  case_study: CaseStudyFields;
  episode: EpisodeFields;
  show: ShowFields;
  doc: DocFields;
  page: PageFields;
  author: AuthorFields;
}

/** The schema of a kind's front matter (for the OpenAPI document and the admin form). */
export const frontMatterSchema = (kind: Kind): TSchema => schemas[kind];

/** Longest description per kind: a post's is its meta description (search results show ~160). */
export const DESCRIPTION_MAX: Record<Kind, number> = {
  post: 160,
  case_study: 300,
  episode: 300,
  show: 4000,
  doc: 300,
  page: 300,
  author: 120,
};

/** YAML turns an unquoted 2026-03-01 into a Date; the format says dates are `YYYY-MM-DD` strings. */
export function normalizeYaml(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return value.map(normalizeYaml);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeYaml(v)]));
  }
  return value;
}

export type FrontMatterResult<K extends Kind> =
  | { ok: true; fields: FieldsOf[K] }
  | { ok: false; problems: ErrorDetail[] };

/** Checks a kind's front matter; problems are paths under `/frontMatter`. */
export function checkFrontMatter<K extends Kind>(kind: K, value: unknown): FrontMatterResult<K> {
  const schema = schemas[kind];
  const normalized = normalizeYaml(value ?? {});
  if (Value.Check(schema, normalized)) return { ok: true, fields: normalized as FieldsOf[K] };
  const problems: ErrorDetail[] = [];
  for (const e of Value.Errors(schema, normalized)) {
    // TypeBox reports an unknown property twice (the property's `false` schema, then the object).
    if (e.keyword === 'boolean') continue;
    const path = `/frontMatter${e.instancePath}`;
    const extra =
      e.keyword === 'additionalProperties'
        ? `: ${((e.params as { additionalProperties?: string[] }).additionalProperties ?? []).join(', ')}`
        : '';
    problems.push({ path, message: `${e.message}${extra}` });
  }
  return {
    ok: false,
    problems: problems.length ? problems : [{ path: '/frontMatter', message: 'is not valid' }],
  };
}

/** The date an item is shown and sorted by, for kinds that have one. */
export function dateOf(kind: Kind, fields: unknown): string | null {
  if (kind !== 'post' && kind !== 'case_study' && kind !== 'episode') return null;
  const d = (fields as { date?: unknown }).date;
  return typeof d === 'string' ? d : null;
}

/** Every image a kind's front matter points at (to check that each exists). */
export function imagesOf(fields: unknown): ImageRef[] {
  const f = fields as { image?: ImageRef };
  return f.image ? [f.image] : [];
}

const ONE = new RegExp(`^${SLUG_PART}$`);
const DOC = new RegExp(`^${SLUG_PART}/${SLUG_PART}$`);

/** Slugs are lowercase `a-z0-9-`; a docs page is `<tool>/<page>` (`<tool>/index` for the tool's first page). */
export function slugProblem(kind: Kind, slug: string): string | null {
  if (slug.length > (kind === 'doc' ? 161 : 80)) return 'is too long';
  if (kind === 'doc')
    return DOC.test(slug) ? null : 'must be <tool>/<page>, lowercase letters, digits and hyphens';
  return ONE.test(slug) ? null : 'must be lowercase letters, digits and single hyphens';
}
