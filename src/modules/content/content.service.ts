import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { PlatformContext, SitemapEntry } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/transaction.ts';
import type { ErrorDetail } from '../../platform/errors.ts';
import type { ContentItem } from './content.repository.ts';
import * as repo from './content.repository.ts';
import type { ContentDb } from './content.tables.ts';
import { imagesOf, type Kind } from './domain/front-matter.ts';
import type { CheckedItem } from './domain/item.ts';
import { pathOf } from './domain/rules.ts';
import { LiveContent, modifiedAt } from './domain/snapshot.ts';
import { imageSources, renderMarkdown, splitTranscript } from './markdown/render.ts';
import { type ImageLibrary, isImageSrc, type ResponsiveImage } from './media/images.ts';
import { pictureHtml } from './media/picture.tsx';

/** Ids the public pages use themselves: a heading in a body never takes one. */
const PAGE_IDS = [
  'main',
  'transcript',
  'show-notes',
  'related',
  'share',
  'share-url',
  'author',
  'docs-nav',
  'docs-q',
  'results',
  'results-heading',
  'products-heading',
  'values',
  'team',
];
/** How wide an image in a body is drawn: the prose column (44rem) or the screen. */
export const BODY_IMAGE_SIZES = '(min-width: 48rem) 44rem, 100vw';
const RENDER_CACHE_MAX = 500;

export interface RenderedBody {
  html: string;
  /** Episodes: the part after `## Transcript`. */
  transcript: string | null;
}

export type Resolution =
  | { kind: 'item'; item: ContentItem }
  | { kind: 'redirect'; location: string }
  | { kind: 'missing' };

/**
 * Reading content: the live items in memory (reloaded when the content version moves, one tiny
 * query per read tells), visibility decided per request from the clock, bodies rendered once per
 * item version, old slugs resolved to 301s, docs search, the sitemap entries.
 */
export class ContentService {
  #live: LiveContent | undefined;
  #loading: Promise<LiveContent> | undefined;
  readonly #rendered = new Map<string, RenderedBody>();

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<ContentDb>,
    readonly images: ImageLibrary,
    readonly contentDir: string,
  ) {}

  now(): Date {
    return this.ctx.clock.now();
  }

  get siteUrl(): string {
    return this.ctx.config.publicUrl;
  }

  async live(): Promise<LiveContent> {
    const version = await repo.contentVersion(this.db);
    if (this.#live?.version === version) return this.#live;
    this.#loading ??= (async () => {
      try {
        this.#live = new LiveContent(version, await repo.loadLive(this.db));
        return this.#live;
      } finally {
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }

  /** The visible item of a kind at a slug; an old slug of a visible item is a redirect to its URL. */
  async resolve(kind: Kind, slug: string): Promise<Resolution> {
    const live = await this.live();
    const now = this.now();
    const item = live.find(kind, slug, now);
    if (item) return { kind: 'item', item };
    const targetId = await repo.redirectTarget(this.db, kind, slug);
    const target = targetId ? live.find(kind, live.byId(targetId)?.slug ?? '', now) : undefined;
    const location = target ? pathOf(target.kind, target.slug) : null;
    return location ? { kind: 'redirect', location } : { kind: 'missing' };
  }

  /** Any item by id, whatever its status (staff previews). */
  async anyItem(id: string): Promise<ContentItem | undefined> {
    return repo.findItem(this.db, id);
  }

  /** An item's body as safe HTML, rendered once per version. */
  async render(item: ContentItem): Promise<RenderedBody> {
    const key = `${item.id}:${item.version}`;
    const hit = this.#rendered.get(key);
    if (hit) {
      this.#rendered.delete(key);
      this.#rendered.set(key, hit);
      return hit;
    }
    const body =
      item.kind === 'episode' ? splitTranscript(item.body) : { notes: item.body, transcript: null };
    const rendered: RenderedBody = {
      html: await this.renderMarkdown(body.notes),
      transcript: body.transcript === null ? null : await this.renderMarkdown(body.transcript),
    };
    this.#rendered.set(key, rendered);
    // Least recently used first: a hit above moves its entry to the end.
    const oldest = this.#rendered.keys().next().value;
    if (this.#rendered.size > RENDER_CACHE_MAX && oldest !== undefined) this.#rendered.delete(oldest);
    return rendered;
  }

  async renderMarkdown(markdown: string): Promise<string> {
    const pictures = new Map<string, ResponsiveImage>();
    for (const src of imageSources(markdown)) {
      const image = isImageSrc(src) ? await this.images.image(src, '') : null;
      if (image) pictures.set(src, image);
    }
    return renderMarkdown(markdown, {
      siteOrigin: this.siteUrl,
      reservedIds: PAGE_IDS,
      picture: (src, alt) => {
        const image = pictures.get(src);
        return image ? pictureHtml({ ...image, alt }, BODY_IMAGE_SIZES) : null;
      },
    });
  }

  /** Docs public now matching a query, best first, with their snippets. */
  async searchDocs(query: string, limit = 20): Promise<{ item: ContentItem; snippet: string }[]> {
    const q = query.trim();
    if (!q) return [];
    const live = await this.live();
    const hits = await repo.searchDocs(this.db, q, this.now(), limit);
    return hits.flatMap((h) => {
      const item = live.byId(h.id);
      return item ? [{ item, snippet: h.snippet }] : [];
    });
  }

  /** Every public content page with its last change: the lists and each visible item that has a page. */
  async sitemapEntries(): Promise<SitemapEntry[]> {
    const live = await this.live();
    const now = this.now();
    const entries: SitemapEntry[] = [];
    const section = (p: string, items: ContentItem[]) => {
      if (!items.length) return;
      entries.push({
        path: p,
        lastModified: new Date(Math.max(...items.map((i) => modifiedAt(i).getTime()))),
      });
    };
    section('/blog', live.visible('post', now));
    section('/podcast', [...live.visible('episode', now), ...live.visible('show', now)]);
    section('/case-studies', live.visible('case_study', now));
    section('/docs', live.visible('doc', now));
    for (const kind of ['post', 'episode', 'case_study', 'doc', 'page'] as const) {
      for (const item of live.visible(kind, now)) {
        const p = pathOf(item.kind, item.slug);
        if (p) entries.push({ path: p, lastModified: modifiedAt(item) });
      }
    }
    return entries;
  }

  /**
   * Makes the image variants of every live item (its cover or photo and the images of its body;
   * the newest posts' covers, their pages' LCP images, first) so no visitor waits for an
   * encoding (media/images.ts). Returns the images seen and the variants encoded.
   */
  async prepareImages(): Promise<{ images: number; variants: number }> {
    const live = await this.live();
    const now = this.now();
    const first = live.visible('post', now).flatMap((p) => imagesOf(p.frontMatter).map((i) => i.src));
    const rest = [...live.all()].flatMap((item) => [
      ...imagesOf(item.frontMatter).map((i) => i.src),
      ...imageSources(item.body).filter(isImageSrc),
    ]);
    const srcs = [...new Set([...first, ...rest])];
    let variants = 0;
    for (const src of srcs) variants += await this.images.prepare(src);
    return { images: srcs.length, variants };
  }

  // ---- references (shared by the seeder and staff edits) ----------------------------------------------

  /** Whether a source exists: a file under content/ (a cheap stat) or an upload row (read through `db`, a transaction's). */
  async imageExists(src: string, db: Executor<ContentDb> = this.db): Promise<boolean> {
    if (!isImageSrc(src)) return false;
    if (src.startsWith('uploads/')) {
      return (await repo.findMedia(db, src.slice('uploads/'.length).replace(/\.[a-z]+$/, ''))) !== undefined;
    }
    const file = this.images.filePath(src);
    return file !== null && fs.existsSync(file);
  }

  audioPath(audio: string): string | null {
    const root = path.resolve(this.contentDir);
    const full = path.resolve(root, audio);
    return full.startsWith(`${root}${path.sep}`) ? full : null;
  }

  /**
   * What an item points at must exist: its author, its images (front matter and body), its
   * episode's audio file, and (for staff edits) the catalog products of a case study.
   */
  async referenceProblems(
    item: CheckedItem,
    db: Executor<ContentDb>,
    lookups: { authors?: ReadonlySet<string>; productKeys?: ReadonlySet<string> } = {},
  ): Promise<ErrorDetail[]> {
    const problems: ErrorDetail[] = [];
    const fm = item.frontMatter as Record<string, unknown>;
    const author = String(fm.author);
    const authorKnown = async () =>
      lookups.authors?.has(author) || (await repo.findBySlug(db, 'author', author)) !== undefined;
    if (item.kind === 'post' && !(await authorKnown())) {
      problems.push({ path: '/frontMatter/author', message: `no author "${author}"` });
    }
    for (const image of imagesOf(fm)) {
      if (!(await this.imageExists(image.src, db))) {
        problems.push({ path: '/frontMatter/image/src', message: `no image ${image.src}` });
      }
    }
    for (const src of imageSources(item.body)) {
      if (/^https?:/i.test(src)) continue;
      if (!(await this.imageExists(src, db))) problems.push({ path: '/body', message: `no image ${src}` });
    }
    if (item.kind === 'episode') {
      const file = this.audioPath(String(fm.audio));
      if (!file || !fs.existsSync(file))
        problems.push({ path: '/frontMatter/audio', message: `no file ${String(fm.audio)}` });
    }
    if (item.kind === 'case_study' && lookups.productKeys) {
      for (const [i, key] of (fm.products as string[]).entries()) {
        if (!lookups.productKeys.has(key))
          problems.push({ path: `/frontMatter/products/${i}`, message: `no product ${key}` });
      }
    }
    return problems;
  }
}
