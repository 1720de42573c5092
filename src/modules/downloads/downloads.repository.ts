import type { Executor } from '../../platform/db/transaction.ts';
import type { DownloadsDb, ReleaseRow } from './downloads.tables.ts';

/** SQL for the release tables. Customer reads take the products the caller is entitled to. */

type Db = Executor<DownloadsDb>;

export async function insertRelease(db: Db, row: ReleaseRow): Promise<void> {
  await db.insertInto('product_release').values(row).execute();
}

export async function findRelease(db: Db, id: string, lock = false): Promise<ReleaseRow | undefined> {
  let q = db.selectFrom('product_release').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** A published release of one of these products (what a customer may download), or nothing. */
export async function findEntitledRelease(
  db: Db,
  id: string,
  productKeys: readonly string[],
): Promise<ReleaseRow | undefined> {
  if (!productKeys.length) return undefined;
  return db
    .selectFrom('product_release')
    .selectAll()
    .where('id', '=', id)
    .where('status', '=', 'published')
    .where('product_key', 'in', [...productKeys])
    .executeTakeFirst();
}

export async function publishedOf(db: Db, productKeys: readonly string[]): Promise<ReleaseRow[]> {
  if (!productKeys.length) return [];
  return db
    .selectFrom('product_release')
    .selectAll()
    .where('status', '=', 'published')
    .where('product_key', 'in', [...productKeys])
    .orderBy('created_at', 'desc')
    .execute();
}

export async function allReleases(db: Db, limit = 500): Promise<(ReleaseRow & { downloads: number })[]> {
  const rows = await db
    .selectFrom('product_release')
    .selectAll('product_release')
    .select((eb) =>
      eb
        .selectFrom('release_download')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('release_download.release_id', '=', 'product_release.id')
        .as('downloads'),
    )
    .orderBy('product_release.created_at', 'desc')
    .orderBy('product_release.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, downloads: Number(r.downloads ?? 0) }));
}

export async function setStatus(
  db: Db,
  id: string,
  status: ReleaseRow['status'],
  now: Date,
): Promise<ReleaseRow> {
  return db
    .updateTable('product_release')
    .set({ status, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function recordDownload(
  db: Db,
  row: { id: string; release_id: string; user_id: string; ip: string | null; at: Date },
): Promise<void> {
  await db.insertInto('release_download').values(row).execute();
}

export async function downloadsOf(db: Db, releaseId: string): Promise<number> {
  const r = await db
    .selectFrom('release_download')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('release_id', '=', releaseId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
