import { sql } from 'kysely';
import type { Executor } from '../../platform/db/transaction.ts';
import type { ContentDb, ItemRow, MediaRow, RevisionRow } from './content.tables.ts';
import type { FieldsOf, Kind } from './domain/front-matter.ts';
import type { Status } from './domain/rules.ts';

/** SQL for the content tables, and the one place rows become typed items. */

type Db = Executor<ContentDb>;

interface ItemBase<K extends Kind> {
  id: string;
  kind: K;
  slug: string;
  title: string;
  description: string;
  frontMatter: FieldsOf[K];
  body: string;
  plainText: string;
  /** `YYYY-MM-DD`, for kinds with a date. */
  date: string | null;
  status: Status;
  publishAt: Date | null;
  version: number;
  sourcePath: string | null;
  sourceHash: string | null;
  staffEditedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An item; `frontMatter` is typed by `kind` (narrow on it). */
export type ContentItem = { [K in Kind]: ItemBase<K> }[Kind];
/** An item of one of the kinds in `K` (a union distributes: `ItemOf<'post' | 'doc'>` is either). */
export type ItemOf<K extends Kind> = { [P in K]: ItemBase<P> }[K];

const COLUMNS = [
  'id',
  'kind',
  'slug',
  'title',
  'description',
  'front_matter',
  'body',
  'plain_text',
  'status',
  'publish_at',
  'version',
  'source_path',
  'source_hash',
  'staff_edited_at',
  'created_at',
  'updated_at',
] as const;
// pg reads a `date` as a local-time Date; as text it stays the calendar day it is.
const DATE_TEXT = sql<string | null>`to_char(date, 'YYYY-MM-DD')`.as('date_text');

type Selected = Omit<ItemRow, 'date'> & { date_text: string | null };

function toItem(row: Selected): ContentItem {
  // Front matter was checked against its kind's schema before it was written.
  return {
    id: row.id,
    kind: row.kind as Kind,
    slug: row.slug,
    title: row.title,
    description: row.description,
    frontMatter: (typeof row.front_matter === 'string'
      ? JSON.parse(row.front_matter)
      : row.front_matter) as never,
    body: row.body,
    plainText: row.plain_text,
    date: row.date_text,
    status: row.status as Status,
    publishAt: row.publish_at,
    version: row.version,
    sourcePath: row.source_path,
    sourceHash: row.source_hash,
    staffEditedAt: row.staff_edited_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  } as ContentItem;
}

const items = (db: Db) => db.selectFrom('content_item').select([...COLUMNS, DATE_TEXT]);

export async function contentVersion(db: Db): Promise<number> {
  const row = await db.selectFrom('content_state').select('version').executeTakeFirst();
  return Number(row?.version ?? 0);
}

export async function bumpVersion(db: Db, now: Date): Promise<void> {
  await db
    .updateTable('content_state')
    .set({ version: sql`version + 1`, updated_at: now })
    .where('id', '=', true)
    .execute();
}

/** Items that are or will be public (published or scheduled): what public pages read. */
export async function loadLive(db: Db): Promise<ContentItem[]> {
  const rows = await items(db).where('status', 'in', ['published', 'scheduled']).execute();
  return rows.map(toItem);
}

export async function findItem(db: Db, id: string, lock = false): Promise<ContentItem | undefined> {
  let q = items(db).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toItem(row) : undefined;
}

export async function findBySlug(db: Db, kind: Kind, slug: string): Promise<ContentItem | undefined> {
  const row = await items(db).where('kind', '=', kind).where('slug', '=', slug).executeTakeFirst();
  return row ? toItem(row) : undefined;
}

/** What the seeder needs of every item that came from a file, by that file: one query for all. */
export async function fileItems(
  db: Db,
): Promise<
  Map<string, { id: string; sourceHash: string | null; staffEditedAt: Date | null; publishAt: Date | null }>
> {
  const rows = await db
    .selectFrom('content_item')
    .select(['id', 'source_path', 'source_hash', 'staff_edited_at', 'publish_at'])
    .where('source_path', 'is not', null)
    .execute();
  return new Map(
    rows.map((r) => [
      r.source_path ?? '',
      { id: r.id, sourceHash: r.source_hash, staffEditedAt: r.staff_edited_at, publishAt: r.publish_at },
    ]),
  );
}

export async function listItems(
  db: Db,
  filter: { kind?: Kind | undefined; status?: Status | undefined; limit: number; offset: number },
): Promise<{ items: ContentItem[]; total: number }> {
  let q = db.selectFrom('content_item');
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.status) q = q.where('status', '=', filter.status);
  const total = Number(
    (await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
  );
  const rows = await q
    .select([...COLUMNS, DATE_TEXT])
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return { items: rows.map(toItem), total };
}

export interface ItemWrite {
  slug: string;
  title: string;
  description: string;
  frontMatter: unknown;
  body: string;
  plainText: string;
  date: string | null;
}

export type NewItem = ItemWrite & {
  id: string;
  kind: Kind;
  status: Status;
  publishAt: Date | null;
  sourcePath: string | null;
  sourceHash: string | null;
  now: Date;
};

export async function insertItem(db: Db, row: NewItem): Promise<void> {
  await insertItems(db, [row]);
}

/** Several new items in one statement (the seeder's first load). */
export async function insertItems(db: Db, rows: readonly NewItem[]): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('content_item')
    .values(
      rows.map((row) => ({
        id: row.id,
        kind: row.kind,
        slug: row.slug,
        title: row.title,
        description: row.description,
        front_matter: JSON.stringify(row.frontMatter),
        body: row.body,
        plain_text: row.plainText,
        date: row.date,
        status: row.status,
        publish_at: row.publishAt,
        version: 1,
        source_path: row.sourcePath,
        source_hash: row.sourceHash,
        staff_edited_at: null,
        created_at: row.now,
        updated_at: row.now,
      })),
    )
    .execute();
}

/** `kind/slug` of every item: which slugs a file may still take. */
export async function takenSlugs(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('content_item').select(['kind', 'slug']).execute();
  return new Set(rows.map((r) => `${r.kind}/${r.slug}`));
}

/** A new version of an item's content (and optionally its status); returns the new version number. */
export async function updateContent(
  db: Db,
  id: string,
  write: ItemWrite & {
    now: Date;
    staff: boolean;
    sourceHash?: string;
    status?: Status;
    publishAt?: Date | null;
  },
): Promise<number> {
  const row = await db
    .updateTable('content_item')
    .set({
      slug: write.slug,
      title: write.title,
      description: write.description,
      front_matter: JSON.stringify(write.frontMatter),
      body: write.body,
      plain_text: write.plainText,
      date: write.date,
      version: sql`version + 1`,
      updated_at: write.now,
      ...(write.staff ? { staff_edited_at: write.now } : {}),
      ...(write.sourceHash !== undefined ? { source_hash: write.sourceHash } : {}),
      ...(write.status !== undefined ? { status: write.status } : {}),
      ...(write.publishAt !== undefined ? { publish_at: write.publishAt } : {}),
    })
    .where('id', '=', id)
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}

/** A staff status move: no new version of the text, but the item counts as edited by staff. */
export async function updateStatus(
  db: Db,
  id: string,
  status: Status,
  publishAt: Date | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('content_item')
    .set({ status, publish_at: publishAt, updated_at: now, staff_edited_at: now })
    .where('id', '=', id)
    .execute();
}

export async function insertRevision(db: Db, row: RevisionRow): Promise<void> {
  await insertRevisions(db, [row]);
}

export async function insertRevisions(db: Db, rows: readonly RevisionRow[]): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('content_revision')
    .values(rows.map((row) => ({ ...row, front_matter: JSON.stringify(row.front_matter) })))
    .execute();
}

export async function revisions(db: Db, itemId: string): Promise<RevisionRow[]> {
  return db
    .selectFrom('content_revision')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('version', 'desc')
    .execute();
}

export async function revision(db: Db, itemId: string, version: number): Promise<RevisionRow | undefined> {
  return db
    .selectFrom('content_revision')
    .selectAll()
    .where('item_id', '=', itemId)
    .where('version', '=', version)
    .executeTakeFirst();
}

/** The item an old slug of a kind now redirects to. */
export async function redirectTarget(db: Db, kind: Kind, slug: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('content_slug_history')
    .select('item_id')
    .where('kind', '=', kind)
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row?.item_id;
}

/** Records a slug an item leaves (its old URL redirects) and frees the one it takes. */
export async function moveSlug(
  db: Db,
  item: { id: string; kind: Kind },
  from: string,
  to: string,
  now: Date,
) {
  await db.deleteFrom('content_slug_history').where('kind', '=', item.kind).where('slug', '=', to).execute();
  await db
    .insertInto('content_slug_history')
    .values({ kind: item.kind, slug: from, item_id: item.id, created_at: now })
    .onConflict((oc) => oc.columns(['kind', 'slug']).doUpdateSet({ item_id: item.id, created_at: now }))
    .execute();
}

export async function oldSlugs(db: Db, itemId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('content_slug_history')
    .select('slug')
    .where('item_id', '=', itemId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => r.slug);
}

export interface SearchHit {
  id: string;
  rank: number;
  /** The best passage, matches between U+0002 and U+0003 (escaped and marked up by the view). */
  snippet: string;
}

/** Start and end of a match in a snippet: characters no text of ours contains. */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';

/**
 * Full-text search over the docs that are public at `now`, best first. `websearch_to_tsquery`
 * reads what people type (quotes, `or`, `-word`) and never fails on odd input.
 */
export async function searchDocs(db: Db, query: string, now: Date, limit: number): Promise<SearchHit[]> {
  const result = await sql<{ id: string; rank: number; snippet: string }>`
    SELECT id, ts_rank_cd(search, q, 32) AS rank,
           ts_headline('english', translate(description || ' ' || plain_text, '<>', '  '), q,
             ${`StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=28, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`}) AS snippet
    FROM content_item, websearch_to_tsquery('english', ${query}) AS q
    WHERE kind = 'doc' AND status IN ('published', 'scheduled') AND publish_at <= ${now}
      AND search @@ q
    ORDER BY rank DESC, title ASC
    LIMIT ${limit}`.execute(db);
  return result.rows.map((r) => ({ id: r.id, rank: Number(r.rank), snippet: r.snippet }));
}

export async function insertMedia(db: Db, row: MediaRow): Promise<void> {
  await db.insertInto('content_media').values(row).execute();
}

export type MediaSummary = Omit<MediaRow, 'data'>;
const MEDIA_COLUMNS = [
  'id',
  'sha256',
  'content_type',
  'width',
  'height',
  'size_bytes',
  'original_name',
  'uploaded_by',
  'uploaded_by_email',
  'created_at',
] as const;

export async function findMedia(db: Db, id: string): Promise<MediaSummary | undefined> {
  return db.selectFrom('content_media').select(MEDIA_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function findMediaBySha(db: Db, sha256: string): Promise<MediaSummary | undefined> {
  return db.selectFrom('content_media').select(MEDIA_COLUMNS).where('sha256', '=', sha256).executeTakeFirst();
}

export async function mediaData(db: Db, id: string): Promise<Buffer | undefined> {
  return (await db.selectFrom('content_media').select('data').where('id', '=', id).executeTakeFirst())?.data;
}

export async function listMedia(db: Db, limit: number): Promise<MediaSummary[]> {
  return db
    .selectFrom('content_media')
    .select(MEDIA_COLUMNS)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
