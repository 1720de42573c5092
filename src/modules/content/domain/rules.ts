import type { Kind } from './front-matter.ts';

/**
 * Pure rules of content: who sees an item when, where it lives, how long it reads, and how a
 * file under content/ maps to an item.
 */

export const STATUSES = ['draft', 'scheduled', 'published', 'archived'] as const;
export type Status = (typeof STATUSES)[number];
export const isStatus = (value: string): value is Status => (STATUSES as readonly string[]).includes(value);

/**
 * Public from `publishAt` on while published or scheduled. Evaluated at read time with the
 * injectable clock: a scheduled item appears at its instant without any job running, and
 * whatever caches a list must not outlive the next such instant (see `nextChangeAfter`).
 */
export function isVisible(item: { status: string; publishAt: Date | null }, now: Date): boolean {
  if (item.status !== 'published' && item.status !== 'scheduled') return false;
  return item.publishAt !== null && item.publishAt.getTime() <= now.getTime();
}

/** The next instant after `now` at which an item becomes visible, or null: when cached lists go stale. */
export function nextChangeAfter(
  items: Iterable<{ status: string; publishAt: Date | null }>,
  now: Date,
): Date | null {
  let next: number | null = null;
  for (const i of items) {
    if (i.status !== 'published' && i.status !== 'scheduled') continue;
    const t = i.publishAt?.getTime();
    if (t !== undefined && t > now.getTime() && (next === null || t < next)) next = t;
  }
  return next === null ? null : new Date(next);
}

/** The status a file's item gets: published from its date, or scheduled when that date is still ahead. */
export function fileStatus(
  date: string | null,
  now: Date,
  current: Date | null,
): { status: Status; publishAt: Date } {
  const at = date ? new Date(`${date}T00:00:00Z`) : (current ?? now);
  return { status: at.getTime() > now.getTime() ? 'scheduled' : 'published', publishAt: at };
}

export type Move = 'publish' | 'schedule' | 'unpublish' | 'archive';

/**
 * Moves staff may make: publish or schedule what is not live (a draft, a scheduled or an archived
 * item; a live item is unpublished first), unpublish (back to draft) what is not a draft,
 * archive anything not archived yet.
 */
export function canMove(from: Status, move: Move): boolean {
  switch (move) {
    case 'publish':
    case 'schedule':
      return from !== 'published';
    case 'unpublish':
      return from !== 'draft';
    case 'archive':
      return from !== 'archived';
  }
}

/** Kinds with a page of their own. */
export type PagedKind = Exclude<Kind, 'author' | 'show'>;

/** The public path of an item, or null for kinds that have no page of their own (authors, the show). */
export function pathOf(kind: PagedKind, slug: string): string;
export function pathOf(kind: Kind, slug: string): string | null;
export function pathOf(kind: Kind, slug: string): string | null {
  switch (kind) {
    case 'post':
      return `/blog/${slug}`;
    case 'case_study':
      return `/case-studies/${slug}`;
    case 'episode':
      return `/podcast/${slug}`;
    case 'doc': {
      const [tool, page] = slug.split('/');
      return page === 'index' ? `/docs/${tool}` : `/docs/${slug}`;
    }
    case 'page':
      return `/${slug}`;
    case 'author':
    case 'show':
      return null;
  }
}

/** Minutes to read at 220 words a minute, at least one. */
export function readingMinutes(plainText: string): number {
  const words = plainText.split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.round(words / 220));
}

/** Where a file under content/ belongs, or null for files that are not items (images, audio, notes). */
export function itemOfFile(relativePath: string): { kind: Kind; slug: string } | null {
  const p = relativePath.split(/[\\/]/).join('/');
  const one = '([a-z0-9]+(?:-[a-z0-9]+)*)';
  const rules: [RegExp, (m: RegExpMatchArray) => { kind: Kind; slug: string }][] = [
    [new RegExp(`^authors/${one}\\.md$`), (m) => ({ kind: 'author', slug: m[1]! })],
    [new RegExp(`^blog/${one}\\.md$`), (m) => ({ kind: 'post', slug: m[1]! })],
    [new RegExp(`^case-studies/${one}\\.md$`), (m) => ({ kind: 'case_study', slug: m[1]! })],
    [/^podcast\/show\.md$/, () => ({ kind: 'show', slug: 'show' })],
    [new RegExp(`^podcast/${one}\\.md$`), (m) => ({ kind: 'episode', slug: m[1]! })],
    [new RegExp(`^docs/${one}/${one}\\.md$`), (m) => ({ kind: 'doc', slug: `${m[1]}/${m[2]}` })],
    [new RegExp(`^pages/${one}\\.md$`), (m) => ({ kind: 'page', slug: m[1]! })],
  ];
  for (const [re, make] of rules) {
    const m = p.match(re);
    if (m) return make(m);
  }
  return null;
}

/** Items sharing the most tags with `post`, then the newest: "related posts". */
export function related<T extends { id: string; tags: readonly string[]; date: string | null }>(
  post: T,
  candidates: readonly T[],
  limit = 3,
): T[] {
  const mine = new Set(post.tags);
  return candidates
    .filter((c) => c.id !== post.id)
    .map((c) => ({ c, shared: c.tags.filter((t) => mine.has(t)).length }))
    .filter((x) => x.shared > 0)
    .sort((a, b) => b.shared - a.shared || (b.c.date ?? '').localeCompare(a.c.date ?? ''))
    .slice(0, limit)
    .map((x) => x.c);
}

/** A page of a list: 1-based, clamped to what exists; `pages` is at least 1. */
export function paginate<T>(items: readonly T[], page: number, perPage: number) {
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const start = (page - 1) * perPage;
  return { items: items.slice(start, start + perPage), page, pages, exists: page >= 1 && page <= pages };
}
