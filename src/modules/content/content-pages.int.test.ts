import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/support/test-app.ts';
import { signedInUser } from '../accounts/test-support.ts';
import type { StaffContext } from '../audit/index.ts';
import { contentTestApp, get } from './test-support.ts';

/**
 * The public content pages, on the fixture folder: every page renders valid HTML with its
 * metadata and caching headers; scheduled and draft items stay invisible until their time, in
 * pages, lists, feeds, search and the sitemap; slug changes answer 301 (chains collapse); the
 * blog list pages. Feeds, audio, search and images: content-feeds.int.test.ts.
 */

let t: TestApp;
const staff: StaffContext = {
  actor: { userId: 'usr_staff', email: 'editor@fhiriq.example' },
  ip: '127.0.0.1',
  requestId: 'test',
};
// The site's html-validate rules (its .htmlvalidate.json): recommended, lowercase doctype, self-closed void elements.
const html = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: {
    'doctype-style': ['error', { style: 'lowercase' }],
    'void-style': ['error', { style: 'selfclose' }],
  },
});
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => name === 'item',
});
const SCHEDULED_AT = new Date('2099-01-01T00:00:00Z');

beforeAll(async () => {
  t = await contentTestApp();
});
afterAll(async () => t?.close());

const clock = () => t.clock!;
const jsonLd = (body: string) =>
  [...body.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/g)].map(
    (m) => JSON.parse(m[1]!) as Record<string, unknown>,
  );
const items = (body: string) => xml.parse(body).rss.channel.item ?? [];

const PAGES = [
  '/blog',
  '/blog/tag/fhir',
  '/blog/fhir-r4-basics',
  '/podcast',
  '/podcast/bulk-data-in-practice',
  '/case-studies',
  '/case-studies/regional-health-system',
  '/docs',
  '/docs/mapper-to-fhir',
  '/docs/mapper-to-fhir/mapping-csv',
  '/docs/search?q=csv',
  '/about',
  '/privacy',
  '/terms',
];

describe('public content pages', () => {
  it.each(PAGES)(
    '%s renders valid HTML with one h1, a title, a description and a canonical URL',
    async (url) => {
      const res = await get(t, url);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      const report = await html.validateString(res.body);
      expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
      expect(res.body.match(/<h1[\s>]/g)).toHaveLength(1);
      expect(res.body).toMatch(/<title>[^<]+<\/title>/);
      expect(res.body).toMatch(/<meta name="description" content="[^"]+"/);
      expect(res.body).toContain(`<link rel="canonical" href="${t.config.publicUrl}${url.split('?')[0]}"`);
      // The same bytes for every visitor: no cookie; any cache may keep it, revalidating each use.
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers['cache-control']).toBe('public, no-cache');
      expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    },
  );

  it('renders a post with its author, dates, tags, reading time, cover, related posts, share links and JSON-LD', async () => {
    const res = await get(t, '/blog/fhir-r4-basics');
    expect(res.body).toContain('By <a href="#author">Ada Lovelace</a>');
    expect(res.body).toContain('<time datetime="2026-03-02">March 2, 2026</time>');
    expect(res.body).toContain('min read');
    expect(res.body).toContain('href="/blog/tag/r4"');
    expect(res.body).toContain('fetchpriority="high"');
    expect(res.body).toContain('Principal FHIR engineer');
    // Related by the shared "fhir" tag.
    expect(res.body).toMatch(/id="related"[\s\S]*href="\/blog\/us-core-profiles"/);
    expect(res.body).toContain('https://www.linkedin.com/sharing/share-offsite/?url=');
    expect(res.body).toContain(
      `<input id="share-url" type="url" value="${t.config.publicUrl}/blog/fhir-r4-basics" readonly`,
    );
    expect(res.body).toContain('<meta property="og:type" content="article"');
    expect(res.body).toMatch(/<meta property="og:image" content="http[^"]+-960\.png"/);
    const [posting, crumbs] = jsonLd(res.body);
    expect(posting).toMatchObject({
      '@type': 'BlogPosting',
      headline: 'FHIR R4 basics',
      datePublished: '2026-03-02',
      author: { '@type': 'Person', name: 'Ada Lovelace' },
    });
    expect(String(posting?.image)).toMatch(/^http.*\.png$/);
    expect(crumbs).toMatchObject({ '@type': 'BreadcrumbList' });
    expect(res.body).toContain(
      '<link rel="alternate" type="application/rss+xml" title="FHIR IQ blog" href="/blog/feed.xml"',
    );
  });

  it('preloads a post’s cover, its LCP image, with the very srcset and sizes its picture uses', async () => {
    const res = await get(t, '/blog/fhir-r4-basics');
    const preload =
      /<link rel="preload" as="image" type="image\/avif" fetchpriority="high" imagesrcset="([^"]+)" imagesizes="([^"]+)"\/>/.exec(
        res.body,
      );
    expect(preload).not.toBeNull();
    const avif =
      /<picture class="content-picture cover"><source type="image\/avif" srcset="([^"]+)" sizes="([^"]+)"/.exec(
        res.body,
      );
    expect([preload![1], preload![2]]).toEqual([avif![1], avif![2]]);
    // In the head after the stylesheet, and no web font competes with it for the link: the
    // article is set in the metric-matched system face.
    const head = res.body.slice(0, res.body.indexOf('</head>'));
    expect(head.indexOf('as="image"')).toBeGreaterThan(head.indexOf('rel="stylesheet"'));
    expect(head).not.toContain('as="font"');
    expect(res.body.startsWith('<!doctype html><html lang="en" class="system-fonts">')).toBe(true);
    // A page without a cover preloads no image.
    expect((await get(t, '/blog')).body).not.toContain('as="image"');
  });

  it('makes the image variants of live items before their first request (the warm-up of serve)', async () => {
    const lines = await t.app.warm();
    expect(lines).toContainEqual(
      expect.stringMatching(/^content images: [1-9]\d* variants made for \d+ images$/),
    );
    const res = await get(t, '/blog/fhir-r4-basics');
    const urls = /<source type="image\/avif" srcset="([^"]+)"/.exec(res.body)![1]!.split(', ');
    for (const candidate of urls) {
      const name = candidate.split(' ')[0]!.split('/').pop()!;
      expect(fs.existsSync(path.join(t.config.dataDir, 'content-media', name)), name).toBe(true);
    }
    expect(await t.app.warm()).toContainEqual(expect.stringMatching(/^content images: 0 variants/));
  });

  it('renders an episode with the native player, show notes, transcript and PodcastEpisode JSON-LD', async () => {
    const res = await get(t, '/podcast/bulk-data-in-practice');
    expect(res.body).toContain(
      '<audio controls preload="none" src="/podcast/audio/bulk-data-in-practice.mp3"',
    );
    expect(res.body).toContain('<h2 id="transcript">Transcript</h2>');
    expect(res.body).toContain('Welcome to the FHIR IQ podcast.');
    expect(res.body).toContain('<strong>Grace Hopper</strong>');
    expect(jsonLd(res.body)[0]).toMatchObject({
      '@type': 'PodcastEpisode',
      partOfSeries: { '@type': 'PodcastSeries' },
    });
    const show = (await get(t, '/podcast')).body;
    expect(jsonLd(show)[0]).toMatchObject({ '@type': 'PodcastSeries' });
    // Its cover, the LCP image, preloaded with the picture's own srcset; no web font competes.
    const preload =
      /<link rel="preload" as="image" type="image\/avif" fetchpriority="high" imagesrcset="([^"]+)"/.exec(
        show,
      );
    expect(preload?.[1]).toContain('/media/images/podcast/show.png/');
    expect(show).toContain(`srcset="${preload?.[1]}"`);
    expect(show).not.toContain('as="font"');
    expect(show.startsWith('<!doctype html><html lang="en" class="system-fonts">')).toBe(true);
  });

  it('renders a case study with its client, results and products linked to their pages', async () => {
    const res = await get(t, '/case-studies/regional-health-system');
    expect(res.body).toContain('A regional health system in the US Midwest');
    expect(res.body).toContain('<dd>98.7 %</dd>');
    expect(res.body).toContain('<a href="/products/mapper-to-fhir">');
    expect(res.body).toContain('<a href="/products/fhir-fundamentals">');
    expect(jsonLd(res.body)[0]).toMatchObject({
      '@type': 'Article',
      headline: 'A regional health system maps its lab feed to FHIR',
    });
  });

  it('renders docs with the tool’s navigation in order, previous/next links and TechArticle JSON-LD', async () => {
    const res = await get(t, '/docs/mapper-to-fhir/getting-started');
    const nav = res.body.slice(
      res.body.indexOf('class="docs-nav"'),
      res.body.indexOf('</nav>', res.body.indexOf('class="docs-nav"')),
    );
    expect([...nav.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1])).toEqual([
      '/docs/mapper-to-fhir',
      '/docs/mapper-to-fhir/getting-started',
      '/docs/mapper-to-fhir/mapping-csv',
      '/docs',
    ]);
    expect(res.body).toContain('<a href="/docs/mapper-to-fhir" rel="prev">');
    expect(res.body).toContain('<a href="/docs/mapper-to-fhir/mapping-csv" rel="next">');
    expect(res.body).toContain('<a href="/docs/mapper-to-fhir/getting-started" aria-current="page">');
    expect(jsonLd(res.body)[0]).toMatchObject({ '@type': 'TechArticle', about: 'Mapper to FHIR' });
    expect((await get(t, '/docs/mapper-to-fhir/index')).headers.location).toBe('/docs/mapper-to-fhir');
  });

  it('shows the team and values on the About page', async () => {
    const res = await get(t, '/about');
    expect(res.body).toContain('id="author-ada"');
    expect(res.body).toContain('Standards first');
  });

  it('answers 404 for what does not exist, and never for a page number out of range with a 500', async () => {
    for (const url of [
      '/blog/nope',
      '/blog/page/2',
      '/blog/tag/nope',
      '/podcast/nope',
      '/case-studies/nope',
      '/docs/nope',
      '/docs/mapper-to-fhir/nope',
      '/nope-page',
    ]) {
      expect((await get(t, url)).statusCode, url).toBe(404);
    }
    expect((await get(t, '/blog/page/0')).statusCode).toBe(400);
  });

  it('answers 304 to a client whose copy is current (ETag or Last-Modified)', async () => {
    const first = await get(t, '/blog/fhir-r4-basics');
    expect(first.headers.etag).toMatch(/^"/);
    expect(first.headers['last-modified']).toMatch(/ GMT$/);
    expect(
      (await get(t, '/blog/fhir-r4-basics', { 'if-none-match': String(first.headers.etag) })).statusCode,
    ).toBe(304);
    expect(
      (await get(t, '/blog/fhir-r4-basics', { 'if-modified-since': String(first.headers['last-modified']) }))
        .statusCode,
    ).toBe(304);
    expect((await get(t, '/blog/fhir-r4-basics', { 'if-none-match': 'W/"other"' })).statusCode).toBe(200);
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3).
    expect(
      (
        await get(t, '/blog/fhir-r4-basics', {
          'if-none-match': '"other"',
          'if-modified-since': String(first.headers['last-modified']),
        })
      ).statusCode,
    ).toBe(200);
    const earlier = new Date(Date.parse(String(first.headers['last-modified'])) - 1000).toUTCString();
    expect((await get(t, '/blog/fhir-r4-basics', { 'if-modified-since': earlier })).statusCode).toBe(200);
  });

  it('gives a signed-in visitor a private page without Last-Modified', async () => {
    const signedIn = await signedInUser(t, 'reader@content.example');
    signedIn.store(await get(t, '/blog/fhir-r4-basics', { cookie: signedIn.header() }));
    const res = await get(t, '/blog/fhir-r4-basics', { cookie: signedIn.header() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(res.headers['last-modified']).toBeUndefined();
    expect(res.body).toContain('Sign out');
  });
});

describe('scheduled and draft items', () => {
  const visibleEverywhere = async () => {
    const post = await get(t, '/blog/bulk-data-export');
    const list = (await get(t, '/blog')).body.includes('/blog/bulk-data-export');
    const tag = (await get(t, '/blog/tag/bulk-data')).statusCode === 200;
    const feed = items((await get(t, '/blog/feed.xml')).body).some((i: { link: string }) =>
      i.link.endsWith('/blog/bulk-data-export'),
    );
    const sitemap = (await t.app.modules.content.sitemapEntries!()).some(
      (e) => e.path === '/blog/bulk-data-export',
    );
    return { page: post.statusCode === 200, list, tag, feed, sitemap };
  };

  it('keeps a scheduled post out of every page, list, feed and the sitemap until its instant, then shows it at once', async () => {
    const all = (v: boolean) => ({ page: v, list: v, tag: v, feed: v, sitemap: v });
    try {
      clock().set(new Date(SCHEDULED_AT.getTime() - 10_000));
      expect(await visibleEverywhere()).toEqual(all(false));
      // No cache may keep the list past the instant the post appears: every use is revalidated,
      // and the copy a cache holds from a millisecond before is no longer current at the instant.
      const before = await get(t, '/blog');
      expect(before.headers['cache-control']).toBe('public, no-cache');
      const held = {
        'if-none-match': String(before.headers.etag),
        'if-modified-since': String(before.headers['last-modified']),
      };
      clock().set(new Date(SCHEDULED_AT.getTime() - 1));
      expect(await visibleEverywhere()).toEqual(all(false));
      expect((await get(t, '/blog', held)).statusCode).toBe(304);
      expect((await get(t, '/blog', { 'if-modified-since': held['if-modified-since'] })).statusCode).toBe(
        304,
      );
      clock().set(SCHEDULED_AT);
      expect(await visibleEverywhere()).toEqual(all(true));
      const revalidated = await get(t, '/blog', held);
      expect(revalidated.statusCode).toBe(200);
      expect(revalidated.body).toContain('/blog/bulk-data-export');
      const sinceOnly = await get(t, '/blog', { 'if-modified-since': held['if-modified-since'] });
      expect(sinceOnly.statusCode).toBe(200);
      expect(sinceOnly.headers['last-modified']).toBe(SCHEDULED_AT.toUTCString());
    } finally {
      clock().set('2026-06-01T09:00:00Z');
    }
    expect(await visibleEverywhere()).toEqual(all(false));
  });

  it('keeps a draft invisible (page, list, feed, search, sitemap) until it is published', async () => {
    const admin = t.app.modules.content.admin;
    const draft = await admin.create(staff, {
      kind: 'doc',
      slug: 'mapper-to-fhir/draft-zebra',
      title: 'Zebra mappings',
      description: 'A draft about zebras.',
      frontMatter: { order: 9 },
      body: 'Zebra zebra zebra.',
    });
    expect((await get(t, '/docs/mapper-to-fhir/draft-zebra')).statusCode).toBe(404);
    expect((await get(t, '/docs/search?q=zebra')).body).toContain('No pages match');
    const index = await get(t, '/docs/mapper-to-fhir');
    expect(index.body).not.toContain('draft-zebra');
    expect((await t.app.modules.content.sitemapEntries!()).map((e) => e.path)).not.toContain(
      '/docs/mapper-to-fhir/draft-zebra',
    );
    await admin.publish(staff, draft.id);
    expect((await get(t, '/docs/mapper-to-fhir/draft-zebra')).statusCode).toBe(200);
    // The publication invalidates what a cache holds of the pages that list it.
    const revalidated = await get(t, '/docs/mapper-to-fhir', { 'if-none-match': String(index.headers.etag) });
    expect(revalidated.statusCode).toBe(200);
    expect(revalidated.body).toContain('href="/docs/mapper-to-fhir/draft-zebra"');
    expect((await get(t, '/docs/search?q=zebra')).body).toContain('href="/docs/mapper-to-fhir/draft-zebra"');
    expect((await t.app.modules.content.sitemapEntries!()).map((e) => e.path)).toContain(
      '/docs/mapper-to-fhir/draft-zebra',
    );
    const published = await get(t, '/docs/mapper-to-fhir/draft-zebra');
    await admin.archive(staff, draft.id);
    expect(
      (await get(t, '/docs/mapper-to-fhir/draft-zebra', { 'if-none-match': String(published.headers.etag) }))
        .statusCode,
    ).toBe(404);
    expect(
      (await get(t, '/docs/mapper-to-fhir', { 'if-none-match': String(revalidated.headers.etag) })).body,
    ).not.toContain('draft-zebra');
  });
});

describe('slug changes', () => {
  it('redirect the old URL with 301 to the current one, chains collapsing to one hop', async () => {
    const admin = t.app.modules.content.admin;
    const post = await admin.create(staff, {
      kind: 'post',
      slug: 'slug-one',
      title: 'Moving post',
      description: 'It moves.',
      frontMatter: { date: '2026-05-01', author: 'ada', tags: ['moves'] },
      body: 'Body.',
    });
    await admin.publish(staff, post.id);
    await admin.update(staff, post.id, { slug: 'slug-two' });
    await admin.update(staff, post.id, { slug: 'slug-three' });
    for (const old of ['slug-one', 'slug-two']) {
      const res = await get(t, `/blog/${old}`);
      expect(res.statusCode).toBe(301);
      expect(res.headers.location).toBe('/blog/slug-three');
    }
    expect((await get(t, '/blog/slug-three')).statusCode).toBe(200);
    // A live item taking an old slug ends its redirect.
    const other = await admin.create(staff, {
      kind: 'post',
      slug: 'slug-one',
      title: 'A new post at an old address',
      description: 'New.',
      frontMatter: { date: '2026-05-02', author: 'ada', tags: [] },
      body: 'New body.',
    });
    await admin.publish(staff, other.id);
    expect((await get(t, '/blog/slug-one')).statusCode).toBe(200);
    expect((await get(t, '/blog/slug-two')).headers.location).toBe('/blog/slug-three');
    // A redirect never leads to something not public.
    await admin.unpublish(staff, post.id);
    expect((await get(t, '/blog/slug-two')).statusCode).toBe(404);
  });

  it('redirect a docs page, the tool index included', async () => {
    const admin = t.app.modules.content.admin;
    const { items: docs } = await admin.list({ kind: 'doc' });
    const csv = docs.find((d) => d.slug === 'mapper-to-fhir/mapping-csv')!;
    await admin.update(staff, csv.id, { slug: 'mapper-to-fhir/csv-files' });
    const res = await get(t, '/docs/mapper-to-fhir/mapping-csv');
    expect([res.statusCode, res.headers.location]).toEqual([301, '/docs/mapper-to-fhir/csv-files']);
    await admin.update(staff, csv.id, { slug: 'mapper-to-fhir/mapping-csv' });
    expect((await get(t, '/docs/mapper-to-fhir/mapping-csv')).statusCode).toBe(200);
    expect((await get(t, '/docs/mapper-to-fhir/csv-files')).headers.location).toBe(
      '/docs/mapper-to-fhir/mapping-csv',
    );
  });
});

describe('the blog list', () => {
  it('pages ten posts at a time, newest first, with rel="prev" and rel="next" links', async () => {
    const admin = t.app.modules.content.admin;
    for (let i = 1; i <= 9; i++) {
      const day = String(i).padStart(2, '0');
      const post = await admin.create(staff, {
        kind: 'post',
        slug: `paged-${i}`,
        title: `Paged post ${i}`,
        description: 'One of many.',
        frontMatter: { date: `2026-01-${day}`, author: 'ada', tags: ['paged'] },
        body: 'Body.',
      });
      await admin.publish(staff, post.id);
    }
    const first = await get(t, '/blog');
    const order = [...first.body.matchAll(/<h2 class="card-title"><a href="\/blog\/([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(order).toHaveLength(10);
    const dates = [...first.body.matchAll(/<time datetime="([0-9-]+)"/g)].map((m) => m[1]!);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(first.body).toContain('<a href="/blog/page/2" rel="next">');
    expect(first.body).not.toContain('rel="prev"');
    const second = await get(t, '/blog/page/2');
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('<a href="/blog" rel="prev">');
    expect(second.body).toContain(`<link rel="canonical" href="${t.config.publicUrl}/blog/page/2"`);
    // The oldest post is last.
    expect(second.body).toContain('href="/blog/paged-1"');
    expect((await get(t, '/blog/tag/paged')).body).not.toContain('rel="next"');
  });
});
