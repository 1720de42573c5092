import { describe, expect, it } from 'vitest';
import type { ContentItem } from '../content.repository.ts';
import { parseRange } from './range.ts';
import {
  canMove,
  fileStatus,
  isVisible,
  itemOfFile,
  nextChangeAfter,
  paginate,
  pathOf,
  related,
} from './rules.ts';
import { LiveContent, latest } from './snapshot.ts';

const at = (iso: string) => new Date(iso);

function post(id: string, over: Partial<ContentItem> & { tags?: string[] } = {}): ContentItem {
  const { tags = ['fhir'], ...rest } = over;
  return {
    id,
    kind: 'post',
    slug: id,
    title: id,
    description: '',
    frontMatter: { date: '2026-03-01', author: 'ada', tags },
    body: '',
    plainText: '',
    date: '2026-03-01',
    status: 'published',
    publishAt: at('2026-03-01T00:00:00Z'),
    version: 1,
    sourcePath: null,
    sourceHash: null,
    staffEditedAt: null,
    createdAt: at('2026-03-01T00:00:00Z'),
    updatedAt: at('2026-03-01T00:00:00Z'),
    ...rest,
  } as ContentItem;
}

describe('visibility', () => {
  it('shows published and scheduled items from their instant on, never drafts or archived ones', () => {
    const now = at('2026-06-01T09:00:00Z');
    expect(isVisible({ status: 'published', publishAt: at('2026-06-01T09:00:00Z') }, now)).toBe(true);
    expect(isVisible({ status: 'scheduled', publishAt: at('2026-06-01T09:00:00Z') }, now)).toBe(true);
    expect(isVisible({ status: 'scheduled', publishAt: at('2026-06-01T09:00:00.001Z') }, now)).toBe(false);
    expect(isVisible({ status: 'draft', publishAt: at('2026-01-01T00:00:00Z') }, now)).toBe(false);
    expect(isVisible({ status: 'archived', publishAt: at('2026-01-01T00:00:00Z') }, now)).toBe(false);
  });

  it('knows the next instant something appears (when cached lists go stale)', () => {
    const items = [
      { status: 'scheduled', publishAt: at('2026-07-01T00:00:00Z') },
      { status: 'scheduled', publishAt: at('2026-06-15T00:00:00Z') },
      { status: 'draft', publishAt: at('2026-06-02T00:00:00Z') },
    ];
    expect(nextChangeAfter(items, at('2026-06-01T00:00:00Z'))).toEqual(at('2026-06-15T00:00:00Z'));
    expect(nextChangeAfter(items, at('2026-08-01T00:00:00Z'))).toBeNull();
  });

  it('lists the live items of an instant, and a scheduled one exactly when its time comes', () => {
    const live = new LiveContent(1, [
      post('old', { date: '2026-01-01' }),
      post('new', { date: '2026-05-01' }),
      post('later', { date: '2026-06-10', status: 'scheduled', publishAt: at('2026-06-10T08:00:00Z') }),
    ]);
    const slugs = (iso: string) => live.visible('post', at(iso)).map((p) => p.slug);
    expect(slugs('2026-06-10T07:59:59.999Z')).toEqual(['new', 'old']);
    expect(slugs('2026-06-10T08:00:00Z')).toEqual(['later', 'new', 'old']);
    // Time travel backwards (tests) recomputes too.
    expect(slugs('2026-06-01T00:00:00Z')).toEqual(['new', 'old']);
    expect(live.find('post', 'later', at('2026-06-09T00:00:00Z'))).toBeUndefined();
    expect(latest(live.visible('post', at('2026-06-11T00:00:00Z')))).toEqual(at('2026-06-10T08:00:00Z'));
  });

  it('gives a file its status from its date', () => {
    const now = at('2026-06-01T09:00:00Z');
    expect(fileStatus('2026-03-01', now, null)).toEqual({
      status: 'published',
      publishAt: at('2026-03-01T00:00:00Z'),
    });
    expect(fileStatus('2099-01-01', now, null).status).toBe('scheduled');
    expect(fileStatus(null, now, null)).toEqual({ status: 'published', publishAt: now });
  });

  it('allows the staff moves that make sense', () => {
    expect(canMove('draft', 'publish')).toBe(true);
    expect(canMove('published', 'publish')).toBe(false);
    expect(canMove('published', 'schedule')).toBe(false);
    expect(canMove('scheduled', 'schedule')).toBe(true);
    expect(canMove('draft', 'unpublish')).toBe(false);
    expect(canMove('archived', 'unpublish')).toBe(true);
    expect(canMove('archived', 'archive')).toBe(false);
  });
});

describe('paths and files', () => {
  it('maps kinds to URLs', () => {
    expect(pathOf('post', 'a')).toBe('/blog/a');
    expect(pathOf('doc', 'mapper-to-fhir/index')).toBe('/docs/mapper-to-fhir');
    expect(pathOf('doc', 'mapper-to-fhir/csv')).toBe('/docs/mapper-to-fhir/csv');
    expect(pathOf('page', 'about')).toBe('/about');
    expect(pathOf('author', 'ada')).toBeNull();
  });

  it('maps files under content/ to items and ignores the rest', () => {
    expect(itemOfFile('blog/fhir-r4.md')).toEqual({ kind: 'post', slug: 'fhir-r4' });
    expect(itemOfFile('podcast/show.md')).toEqual({ kind: 'show', slug: 'show' });
    expect(itemOfFile('podcast/ep-1.md')).toEqual({ kind: 'episode', slug: 'ep-1' });
    expect(itemOfFile('docs/fhir-analytics/index.md')).toEqual({ kind: 'doc', slug: 'fhir-analytics/index' });
    expect(itemOfFile('podcast/audio/ep-1.txt')).toBeNull();
    expect(itemOfFile('images/blog/a.png')).toBeNull();
    expect(itemOfFile('blog/Upper.md')).toBeNull();
    expect(itemOfFile('README.md')).toBeNull();
  });

  it('relates posts by shared tags, most shared first', () => {
    const a = { id: 'a', tags: ['fhir', 'us-core'], date: '2026-01-01' };
    const picks = related(a, [
      a,
      { id: 'b', tags: ['fhir'], date: '2026-05-01' },
      { id: 'c', tags: ['fhir', 'us-core'], date: '2026-02-01' },
      { id: 'd', tags: ['smart'], date: '2026-06-01' },
    ]);
    expect(picks.map((p) => p.id)).toEqual(['c', 'b']);
  });

  it('paginates', () => {
    expect(paginate([1, 2, 3], 2, 2)).toEqual({ items: [3], page: 2, pages: 2, exists: true });
    expect(paginate([], 1, 10).exists).toBe(true);
    expect(paginate([1], 2, 10).exists).toBe(false);
  });
});

describe('byte ranges', () => {
  it.each([
    ['no header', undefined, { kind: 'whole' }],
    ['a closed range', 'bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
    ['an open range', 'bytes=900-', { kind: 'partial', start: 900, end: 999 }],
    ['a suffix', 'bytes=-100', { kind: 'partial', start: 900, end: 999 }],
    ['a suffix longer than the file', 'bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
    ['an end past the file', 'bytes=990-5000', { kind: 'partial', start: 990, end: 999 }],
    ['a start past the file', 'bytes=1000-', { kind: 'unsatisfiable' }],
    ['several ranges', 'bytes=0-1,5-6', { kind: 'whole' }],
    ['another unit', 'items=0-1', { kind: 'whole' }],
    ['a reversed range', 'bytes=9-3', { kind: 'whole' }],
  ])('%s', (_name, header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });
});
