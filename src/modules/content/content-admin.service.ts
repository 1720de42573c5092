import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { handle, inTransaction } from '../../platform/db/transaction.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditModule, StaffContext } from '../audit/index.ts';
import type { ContentItem, MediaSummary } from './content.repository.ts';
import * as repo from './content.repository.ts';
import type { ContentService } from './content.service.ts';
import type { ContentDb, RevisionRow } from './content.tables.ts';
import { dateOf, type Kind } from './domain/front-matter.ts';
import { type CheckedItem, checkItem } from './domain/item.ts';
import { canMove, isVisible, type Move, type Status } from './domain/rules.ts';
import { plainText } from './markdown/render.ts';
import { describe } from './media/images.ts';
import { MEDIA_MAX_BYTES, safeMediaName, sniffImage } from './media/upload.ts';

export interface ItemDraft {
  kind: Kind;
  slug: string;
  title: string;
  description?: string;
  frontMatter: unknown;
  body?: string;
}

export interface ItemPatch {
  slug?: string;
  title?: string;
  description?: string;
  frontMatter?: unknown;
  body?: string;
  /** The version the editor started from: a save over someone else's newer save is refused. */
  expectedVersion?: number;
}

/** Status as visitors experience it: a scheduled item whose instant has passed is published. */
export function effectiveStatus(item: { status: Status; publishAt: Date | null }, now: Date): Status {
  return item.status === 'scheduled' && isVisible(item, now) ? 'published' : item.status;
}

/** What the audit log keeps of an item: everything but the body, which it names by hash and length. */
function digest(item: ContentItem) {
  return {
    kind: item.kind,
    slug: item.slug,
    title: item.title,
    description: item.description,
    status: item.status,
    publishAt: item.publishAt?.toISOString() ?? null,
    version: item.version,
    frontMatter: item.frontMatter,
    body: { sha256: createHash('sha256').update(item.body).digest('hex'), length: item.body.length },
  };
}

/**
 * Staff edits of content. Each public method is one transaction that locks the item, checks the
 * input the same way files are checked, writes the new version with its revision, records the
 * audit entry (before and after) and bumps the content version so every process reloads. A
 * refusal writes nothing. Any staff change marks the item as edited: the seeder leaves it alone.
 */
export class ContentAdminService {
  /** First path segments of the site's own pages (`pricing`, `admin`…): a site page cannot take one. */
  #sitePaths: ReadonlySet<string> = new Set();

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<ContentDb>,
    private readonly content: ContentService,
    private readonly audit: AuditModule,
    /** Catalog product keys (case studies link products); read before a transaction opens. */
    private readonly productKeys: () => Promise<ReadonlySet<string>>,
  ) {}

  /** Called once the HTTP routes are known (a worker process, with no routes, takes no staff edits). */
  setSitePaths(paths: Iterable<string>): void {
    this.#sitePaths = new Set(paths);
  }

  async list(filter: { kind?: Kind; status?: Status; limit?: number; offset?: number }) {
    return repo.listItems(this.db, { ...filter, limit: filter.limit ?? 50, offset: filter.offset ?? 0 });
  }

  async get(id: string): Promise<{ item: ContentItem; oldSlugs: string[] }> {
    const item = await repo.findItem(this.db, id);
    if (!item) throw new AppError('NOT_FOUND');
    return { item, oldSlugs: await repo.oldSlugs(this.db, id) };
  }

  async revisions(id: string): Promise<RevisionRow[]> {
    await this.get(id);
    return repo.revisions(this.db, id);
  }

  async create(staff: StaffContext, draft: ItemDraft): Promise<ContentItem> {
    const checked = this.#check({ ...draft, description: draft.description ?? '', body: draft.body ?? '' });
    const products = await this.productKeys();
    return inTransaction(this.db, async (trx) => {
      const now = this.ctx.clock.now();
      if (await repo.findBySlug(trx, checked.kind, checked.slug)) throw slugTaken(checked.slug);
      await this.#references(checked, trx, products);
      const id = newId('cnt', this.ctx.clock);
      await repo.insertItem(trx, {
        ...this.#write(checked),
        id,
        kind: checked.kind,
        status: 'draft',
        publishAt: null,
        sourcePath: null,
        sourceHash: null,
        now,
      });
      await this.#revision(trx, staff, id, 1, checked, 'create', now);
      const item = (await repo.findItem(trx, id))!;
      await this.#audit(trx, staff, 'content.create', item, undefined, digest(item));
      await repo.bumpVersion(trx, now);
      return item;
    });
  }

  async update(staff: StaffContext, id: string, patch: ItemPatch): Promise<ContentItem> {
    const products = await this.productKeys();
    return inTransaction(this.db, async (trx) => {
      const before = await this.#locked(trx, id);
      if (patch.expectedVersion !== undefined && patch.expectedVersion !== before.version) {
        throw new AppError('CONTENT_EDIT_CONFLICT');
      }
      const checked = this.#check({
        kind: before.kind,
        slug: patch.slug ?? before.slug,
        title: patch.title ?? before.title,
        description: patch.description ?? before.description,
        frontMatter: patch.frontMatter ?? before.frontMatter,
        body: patch.body ?? before.body,
      });
      return this.#save(trx, staff, before, checked, 'update', products);
    });
  }

  /** A revision's text (title, description, front matter, body) becomes the newest version; slug and status stay. */
  async restore(staff: StaffContext, id: string, version: number): Promise<ContentItem> {
    const products = await this.productKeys();
    return inTransaction(this.db, async (trx) => {
      const before = await this.#locked(trx, id);
      const rev = await repo.revision(trx, id, version);
      if (!rev) throw new AppError('NOT_FOUND');
      const checked = this.#check({
        kind: before.kind,
        slug: before.slug,
        title: rev.title,
        description: rev.description,
        frontMatter: typeof rev.front_matter === 'string' ? JSON.parse(rev.front_matter) : rev.front_matter,
        body: rev.body,
      });
      return this.#save(trx, staff, before, checked, 'restore', products, { restoredFrom: version });
    });
  }

  async publish(staff: StaffContext, id: string): Promise<ContentItem> {
    return this.#move(staff, id, 'publish', (_item, now) => ({ status: 'published', publishAt: now }));
  }

  async schedule(staff: StaffContext, id: string, publishAt: Date): Promise<ContentItem> {
    if (publishAt.getTime() <= this.ctx.clock.now().getTime()) {
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: [{ path: '/publishAt', message: 'must be in the future (publish now instead)' }],
      });
    }
    return this.#move(staff, id, 'schedule', () => ({ status: 'scheduled', publishAt }));
  }

  async unpublish(staff: StaffContext, id: string): Promise<ContentItem> {
    return this.#move(staff, id, 'unpublish', () => ({ status: 'draft', publishAt: null }));
  }

  async archive(staff: StaffContext, id: string): Promise<ContentItem> {
    return this.#move(staff, id, 'archive', () => ({ status: 'archived', publishAt: null }));
  }

  // ---- media ------------------------------------------------------------------------------------------

  async listMedia(limit = 200): Promise<MediaSummary[]> {
    return repo.listMedia(this.db, limit);
  }

  /** Stores an uploaded image (PNG, JPEG or WebP, sniffed and decoded); the same bytes twice answer the first upload. */
  async uploadMedia(staff: StaffContext, file: { bytes: Buffer; name: string }): Promise<MediaSummary> {
    if (file.bytes.length > MEDIA_MAX_BYTES) throw new AppError('CONTENT_MEDIA_TOO_LARGE');
    const type = sniffImage(file.bytes);
    if (!type) throw new AppError('CONTENT_MEDIA_INVALID');
    const info = await describe('upload', file.bytes);
    if (!info || `image/${info.format}` !== type) throw new AppError('CONTENT_MEDIA_INVALID');
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    return inTransaction(this.db, async (trx) => {
      const existing = await repo.findMediaBySha(trx, sha256);
      if (existing) return existing;
      const now = this.ctx.clock.now();
      const row = {
        id: newId('med', this.ctx.clock),
        sha256,
        content_type: type,
        width: info.width,
        height: info.height,
        size_bytes: file.bytes.length,
        original_name: safeMediaName(file.name),
        uploaded_by: staff.actor.userId,
        uploaded_by_email: staff.actor.email,
        created_at: now,
      };
      await repo.insertMedia(trx, { ...row, data: file.bytes });
      const { uploaded_by: _by, uploaded_by_email: _email, ...after } = row;
      await this.audit.log.record(
        {
          actor: staff.actor,
          action: 'content.media.upload',
          target: { type: 'content_media', id: row.id },
          after,
          ip: staff.ip,
          requestId: staff.requestId,
        },
        handle(trx),
      );
      return row;
    });
  }

  // ---- internals ------------------------------------------------------------------------------------

  #check(
    input: Required<Omit<ItemDraft, 'description' | 'body'>> & { description: string; body: string },
  ): CheckedItem {
    const result = checkItem(input);
    if (result.ok) {
      const { kind, slug } = result.item;
      const problem =
        kind === 'show' && slug !== 'show'
          ? 'the show is always "show"'
          : kind === 'page' && this.#sitePaths.has(slug)
            ? `/${slug} is already a page of the site`
            : null;
      if (problem)
        throw new AppError('VALIDATION_FAILED', undefined, {
          details: [{ path: '/slug', message: problem }],
        });
      return result.item;
    }
    throw new AppError(result.frontMatter ? 'CONTENT_INVALID_FRONT_MATTER' : 'VALIDATION_FAILED', undefined, {
      details: result.problems,
    });
  }

  async #references(item: CheckedItem, trx: Transaction<ContentDb>, productKeys: ReadonlySet<string>) {
    const problems: ErrorDetail[] = await this.content.referenceProblems(item, trx, { productKeys });
    if (problems.length) throw new AppError('CONTENT_INVALID_FRONT_MATTER', undefined, { details: problems });
  }

  async #locked(trx: Transaction<ContentDb>, id: string): Promise<ContentItem> {
    const item = await repo.findItem(trx, id, true);
    if (!item) throw new AppError('NOT_FOUND');
    return item;
  }

  #write(item: CheckedItem) {
    return {
      slug: item.slug,
      title: item.title,
      description: item.description,
      frontMatter: item.frontMatter,
      body: item.body,
      plainText: plainText(item.body),
      date: dateOf(item.kind, item.frontMatter),
    };
  }

  async #save(
    trx: Transaction<ContentDb>,
    staff: StaffContext,
    before: ContentItem,
    checked: CheckedItem,
    action: 'update' | 'restore',
    products: ReadonlySet<string>,
    extra: Record<string, unknown> = {},
  ): Promise<ContentItem> {
    const same =
      checked.slug === before.slug &&
      checked.title === before.title &&
      checked.description === before.description &&
      checked.body === before.body &&
      JSON.stringify(checked.frontMatter) === JSON.stringify(before.frontMatter);
    // Saving what is already there is no new version and nothing to audit.
    if (same) return before;
    const now = this.ctx.clock.now();
    if (checked.slug !== before.slug) {
      if (before.kind === 'author' || before.kind === 'show') {
        throw new AppError('VALIDATION_FAILED', undefined, {
          details: [
            { path: '/slug', message: 'an author’s key and the show’s slug are referred to by other items' },
          ],
        });
      }
      if (await repo.findBySlug(trx, before.kind, checked.slug)) throw slugTaken(checked.slug);
      await repo.moveSlug(trx, before, before.slug, checked.slug, now);
    }
    await this.#references(checked, trx, products);
    const version = await repo.updateContent(trx, before.id, { ...this.#write(checked), now, staff: true });
    await this.#revision(trx, staff, before.id, version, checked, action, now);
    const after = (await repo.findItem(trx, before.id))!;
    await this.#audit(trx, staff, `content.${action}`, after, digest(before), { ...digest(after), ...extra });
    await repo.bumpVersion(trx, now);
    return after;
  }

  async #move(
    staff: StaffContext,
    id: string,
    move: Move,
    next: (item: ContentItem, now: Date) => { status: Status; publishAt: Date | null },
  ): Promise<ContentItem> {
    return inTransaction(this.db, async (trx) => {
      const before = await this.#locked(trx, id);
      const now = this.ctx.clock.now();
      if (!canMove(effectiveStatus(before, now), move)) {
        throw new AppError('CONTENT_STATUS_CONFLICT', undefined, {
          details: [{ path: '/status', message: `a ${effectiveStatus(before, now)} item cannot ${move}` }],
        });
      }
      const { status, publishAt } = next(before, now);
      await repo.updateStatus(trx, id, status, publishAt, now);
      const after = (await repo.findItem(trx, id))!;
      await this.#audit(trx, staff, `content.${move}`, after, digest(before), digest(after));
      await repo.bumpVersion(trx, now);
      return after;
    });
  }

  async #revision(
    trx: Transaction<ContentDb>,
    staff: StaffContext,
    itemId: string,
    version: number,
    item: CheckedItem,
    action: string,
    now: Date,
  ) {
    await repo.insertRevision(trx, {
      item_id: itemId,
      version,
      slug: item.slug,
      title: item.title,
      description: item.description,
      front_matter: item.frontMatter,
      body: item.body,
      action,
      actor_user_id: staff.actor.userId,
      actor_email: staff.actor.email,
      created_at: now,
    });
  }

  async #audit(
    trx: Transaction<ContentDb>,
    staff: StaffContext,
    action: string,
    item: ContentItem,
    before: unknown,
    after: unknown,
  ) {
    await this.audit.log.record(
      {
        actor: staff.actor,
        action,
        target: { type: 'content_item', id: item.id },
        before,
        after,
        ip: staff.ip,
        requestId: staff.requestId,
      },
      handle(trx),
    );
  }
}

const slugTaken = (slug: string) =>
  new AppError('CONTENT_SLUG_TAKEN', undefined, {
    details: [{ path: '/slug', message: `"${slug}" is taken` }],
  });
