import type { ContentItem, ItemOf } from '../content.repository.ts';
import type { Kind } from './front-matter.ts';
import { isVisible, nextChangeAfter } from './rules.ts';

/**
 * The live content (published or scheduled items) of one content version, held in memory and
 * asked with an instant: what is visible is decided per request from the clock, so a scheduled
 * item appears exactly at its `publishAt` without any job and without reloading. The lists of one
 * instant are reused until the next scheduled instant passes.
 */
export class LiveContent {
  readonly #byKind = new Map<Kind, ContentItem[]>();
  readonly #byId = new Map<string, ContentItem>();
  #cache: { until: number | null; from: number; lists: Map<Kind, ContentItem[]> } | undefined;

  constructor(
    readonly version: number,
    items: readonly ContentItem[],
  ) {
    for (const item of items) {
      this.#byId.set(item.id, item);
      const list = this.#byKind.get(item.kind) ?? [];
      list.push(item);
      this.#byKind.set(item.kind, list);
    }
  }

  /** The next instant after `now` when something becomes visible (caches must not outlive it). */
  nextChange(now: Date): Date | null {
    return nextChangeAfter(this.#byId.values(), now);
  }

  /** The visible items of a kind at `now`, newest first for dated kinds, by docs order or title otherwise. */
  visible<K extends Kind>(kind: K, now: Date): ItemOf<K>[] {
    const t = now.getTime();
    const c = this.#cache;
    if (!c || t < c.from || (c.until !== null && t >= c.until)) {
      this.#cache = { from: t, until: this.nextChange(now)?.getTime() ?? null, lists: new Map() };
    }
    const lists = this.#cache!.lists;
    let list = lists.get(kind);
    if (!list) {
      list = (this.#byKind.get(kind) ?? []).filter((i) => isVisible(i, now)).sort(order);
      lists.set(kind, list);
    }
    return list as ItemOf<K>[];
  }

  find<K extends Kind>(kind: K, slug: string, now: Date): ItemOf<K> | undefined {
    return this.visible(kind, now).find((i) => i.slug === slug);
  }

  byId(id: string): ContentItem | undefined {
    return this.#byId.get(id);
  }

  /** Every live item (published or scheduled), whatever the instant. */
  all(): IterableIterator<ContentItem> {
    return this.#byId.values();
  }
}

function order(a: ContentItem, b: ContentItem): number {
  if (a.date !== null || b.date !== null) {
    const byDate = (b.date ?? '').localeCompare(a.date ?? '');
    if (byDate) return byDate;
    return (b.publishAt?.getTime() ?? 0) - (a.publishAt?.getTime() ?? 0) || a.id.localeCompare(b.id);
  }
  if (a.kind === 'doc' && b.kind === 'doc') {
    return a.frontMatter.order - b.frontMatter.order || a.title.localeCompare(b.title);
  }
  return a.title.localeCompare(b.title);
}

/** The latest of an item's change and the moment it went public: a page's Last-Modified. */
export function modifiedAt(item: ContentItem): Date {
  const p = item.publishAt?.getTime() ?? 0;
  return new Date(Math.max(item.updatedAt.getTime(), p));
}

/** The Last-Modified of a page showing several items (null when it shows none). */
export function latest(items: Iterable<ContentItem>): Date | null {
  let max: number | null = null;
  for (const i of items) {
    const t = modifiedAt(i).getTime();
    if (max === null || t > max) max = t;
  }
  return max === null ? null : new Date(max);
}
