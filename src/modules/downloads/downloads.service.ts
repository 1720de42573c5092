import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { safeEqual } from '../../platform/crypto/secrets.ts';
import { handle, inTransaction } from '../../platform/db/transaction.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditModule, StaffContext } from '../audit/index.ts';
import {
  isVersion,
  LINK_TTL_SECONDS,
  linkSignature,
  NOTES_MAX,
  newestFirst,
  PLATFORMS,
  type Platform,
  safeFileName,
} from './domain/release.ts';
import * as repo from './downloads.repository.ts';
import type { DownloadsDb, ReleaseRow } from './downloads.tables.ts';

/** A product as downloads names it: its licensing key and its catalog name. */
export interface ProductRef {
  key: string;
  name: string;
}

export interface DownloadsDeps {
  audit: AuditModule;
  /** Product keys the user may use now (licensing's entitlement read). */
  entitledProducts(user: { userId: string; email: string }): Promise<string[]>;
  /** The catalog's products (a release must belong to one). */
  products(): Promise<ProductRef[]>;
}

/** An uploaded file, received into a temporary file under DATA_DIR/releases. */
export interface ReceivedFile {
  tmpPath: string;
  fileName: string;
  size: number;
  sha256: string;
}

export interface ReleaseFields {
  productKey: string;
  version: string;
  platform: string;
  notes: string;
}

export interface CustomerRelease {
  release: ReleaseRow;
  size: number;
  link: { url: string; expiresAt: Date };
}

export interface ProductDownloads {
  product: ProductRef;
  releases: CustomerRelease[];
}

/**
 * Product releases: staff upload files (streamed to disk, hashed while streaming, never held in
 * memory) and unpublish them, audited; entitled customers list them and download through links
 * signed for them that expire after five minutes; every download is recorded.
 */
export class DownloadsService {
  readonly dir: string;
  /** The site's origin (PUBLIC_URL), for the upload's CSRF check. */
  readonly publicUrl: string;
  /** RELEASE_MAX_BYTES: the largest file an upload may carry. */
  readonly maxBytes: number;
  readonly #linkKey: Buffer;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<DownloadsDb>,
    private readonly deps: DownloadsDeps,
  ) {
    this.dir = path.join(ctx.config.dataDir, 'releases');
    this.publicUrl = ctx.config.publicUrl;
    this.maxBytes = ctx.config.releaseMaxBytes;
    this.#linkKey = ctx.secrets.key('downloads:link');
  }

  // ---- staff -----------------------------------------------------------------------------------------------------

  /**
   * Streams an upload into a temporary file, hashing it on the way. More than RELEASE_MAX_BYTES
   * (the parser stops the stream and marks it truncated) is RELEASE_TOO_LARGE, the partial file gone.
   */
  async receive(stream: Readable & { truncated?: boolean }, rawName: string): Promise<ReceivedFile> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    const tmpPath = path.join(this.dir, `.upload-${newId('tmp')}`);
    const hash = createHash('sha256');
    const max = this.ctx.config.releaseMaxBytes;
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > max) return done(new AppError('RELEASE_TOO_LARGE'));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(stream, meter, fs.createWriteStream(tmpPath, { flags: 'wx', mode: 0o600 }));
      if (stream.truncated) throw new AppError('RELEASE_TOO_LARGE');
    } catch (err) {
      await fs.promises.rm(tmpPath, { force: true });
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
        throw new AppError('RELEASE_TOO_LARGE');
      throw err;
    }
    return { tmpPath, fileName: safeFileName(rawName), size, sha256: hash.digest('hex') };
  }

  /** Forget an upload that will not become a release. */
  async discard(file: ReceivedFile | undefined): Promise<void> {
    if (file) await fs.promises.rm(file.tmpPath, { force: true });
  }

  /**
   * A received file becomes a published release (audited). Any refusal deletes the file: a
   * rejected upload leaves nothing behind.
   */
  async create(
    staff: StaffContext,
    fields: ReleaseFields,
    file: ReceivedFile | undefined,
  ): Promise<ReleaseRow> {
    try {
      const problems: ErrorDetail[] = [];
      const products = await this.deps.products();
      if (!products.some((p) => p.key === fields.productKey))
        problems.push({ path: '/productKey', message: 'is not a product of the catalog' });
      if (!isVersion(fields.version))
        problems.push({ path: '/version', message: 'must be a version such as 1.4.2 or 2.0.0-beta.1' });
      if (!(PLATFORMS as readonly string[]).includes(fields.platform))
        problems.push({ path: '/platform', message: `must be one of ${PLATFORMS.join(', ')}` });
      const notes = fields.notes.replace(/\r\n?/g, '\n').trim();
      if (notes.length > NOTES_MAX)
        problems.push({ path: '/notes', message: `must be at most ${NOTES_MAX} characters` });
      if (!file) problems.push({ path: '/file', message: 'is required' });
      else if (file.size === 0) problems.push({ path: '/file', message: 'must not be empty' });
      if (problems.length || !file) throw new AppError('VALIDATION_FAILED', undefined, { details: problems });

      const id = newId('rel', this.ctx.clock);
      const storageName = `${id}.bin`;
      const finalPath = path.join(this.dir, storageName);
      return await inTransaction(this.db, async (tx) => {
        const now = this.ctx.clock.now();
        const existing = await tx
          .selectFrom('product_release')
          .select('id')
          .where('product_key', '=', fields.productKey)
          .where('version', '=', fields.version)
          .where('platform', '=', fields.platform as Platform)
          .executeTakeFirst();
        if (existing) throw new AppError('RELEASE_EXISTS');
        const row: ReleaseRow = {
          id,
          product_key: fields.productKey,
          version: fields.version,
          platform: fields.platform as Platform,
          file_name: file.fileName,
          storage_name: storageName,
          size_bytes: file.size,
          sha256: file.sha256,
          notes,
          status: 'published',
          uploaded_by: staff.actor.userId,
          uploaded_by_email: staff.actor.email,
          created_at: now,
          updated_at: now,
        };
        await repo.insertRelease(tx, row);
        await this.deps.audit.log.record(
          {
            actor: staff.actor,
            action: 'release.upload',
            target: { type: 'product_release', id },
            after: {
              productKey: row.product_key,
              version: row.version,
              platform: row.platform,
              fileName: row.file_name,
              size: file.size,
              sha256: file.sha256,
              status: row.status,
            },
            ip: staff.ip,
            requestId: staff.requestId,
          },
          handle(tx),
        );
        // Last step inside the transaction: if the rename fails nothing commits; if the commit
        // fails after it, the catch below removes the file it moved.
        await fs.promises.rename(file.tmpPath, finalPath);
        return row;
      }).catch(async (err: unknown) => {
        await fs.promises.rm(finalPath, { force: true });
        throw err;
      });
    } finally {
      await this.discard(file);
    }
  }

  /** Customers stop seeing the release (its file and download records stay). Audited. */
  async unpublish(staff: StaffContext, releaseId: string): Promise<ReleaseRow> {
    return inTransaction(this.db, async (tx) => {
      const before = await repo.findRelease(tx, releaseId, true);
      if (!before) throw new AppError('NOT_FOUND');
      if (before.status === 'unpublished') return before;
      const after = await repo.setStatus(tx, releaseId, 'unpublished', this.ctx.clock.now());
      await this.deps.audit.log.record(
        {
          actor: staff.actor,
          action: 'release.unpublish',
          target: { type: 'product_release', id: releaseId },
          before: { status: before.status },
          after: { status: after.status },
          ip: staff.ip,
          requestId: staff.requestId,
        },
        handle(tx),
      );
      return after;
    });
  }

  /** Staff: every release with its download count, newest upload first. */
  async staffList() {
    return repo.allReleases(this.db);
  }

  async products(): Promise<ProductRef[]> {
    return this.deps.products();
  }

  // ---- customers -------------------------------------------------------------------------------------------------

  /** The products the user is entitled to, each with its published releases (newest first) and fresh links. */
  async forCustomer(user: { userId: string; email: string }): Promise<ProductDownloads[]> {
    const keys = await this.deps.entitledProducts(user);
    if (!keys.length) return [];
    const [products, releases] = await Promise.all([this.deps.products(), repo.publishedOf(this.db, keys)]);
    return keys.map((key) => {
      const product = products.find((p) => p.key === key) ?? { key, name: key };
      const own = newestFirst(
        releases
          .filter((r) => r.product_key === key)
          .map((r) => ({ ...r, createdAt: new Date(r.created_at) })),
      );
      return {
        product,
        releases: own.map(({ createdAt: _, ...release }) => ({
          release,
          size: Number(release.size_bytes),
          link: this.link(release.id, user.userId),
        })),
      };
    });
  }

  /** A link for this user to this release, valid five minutes from now. */
  link(releaseId: string, userId: string): { url: string; expiresAt: Date } {
    const exp = Math.floor(this.ctx.clock.now().getTime() / 1000) + LINK_TTL_SECONDS;
    const sig = linkSignature(this.#linkKey, releaseId, userId, exp);
    return { url: `/downloads/${releaseId}?exp=${exp}&sig=${sig}`, expiresAt: new Date(exp * 1000) };
  }

  /**
   * A download: the link must be this user's and unexpired (DOWNLOAD_LINK_INVALID, _EXPIRED), the
   * user still entitled to a published release (NOT_FOUND otherwise). The download is recorded
   * before the caller streams the file.
   */
  async open(
    user: { userId: string; email: string },
    releaseId: string,
    link: { exp: string; sig: string },
    ip: string | null,
  ): Promise<{ release: ReleaseRow; path: string; size: number }> {
    const exp = /^\d{1,12}$/.test(link.exp) ? Number(link.exp) : Number.NaN;
    const expected = linkSignature(this.#linkKey, releaseId, user.userId, exp);
    if (Number.isNaN(exp) || !safeEqual(expected, link.sig)) throw new AppError('DOWNLOAD_LINK_INVALID');
    if (exp * 1000 <= this.ctx.clock.now().getTime()) throw new AppError('DOWNLOAD_LINK_EXPIRED');
    const keys = await this.deps.entitledProducts(user);
    const release = await repo.findEntitledRelease(this.db, releaseId, keys);
    if (!release) throw new AppError('NOT_FOUND');
    const file = path.join(this.dir, release.storage_name);
    const size = Number(release.size_bytes);
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (!stat || stat.size !== size) {
      this.ctx.log.error({ releaseId }, 'release file missing or changed on disk');
      throw new AppError('INTERNAL');
    }
    await repo.recordDownload(this.db, {
      id: newId('dl', this.ctx.clock),
      release_id: release.id,
      user_id: user.userId,
      ip,
      at: this.ctx.clock.now(),
    });
    return { release, path: file, size };
  }
}
