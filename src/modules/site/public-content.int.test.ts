import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { nextIp } from '../accounts/test-support.ts';
import type { StaffContext } from '../audit/index.ts';

/**
 * The public site's content on the starter content shipped in content/ (what a fresh install
 * serves): every content page renders valid HTML with one h1, a title and a description — the
 * blog list and its pages, tag pages, posts, the podcast and its episodes (a native audio player
 * whose MP3 is served as audio/mpeg with byte ranges), case studies, each tool's docs and docs
 * search, About, Privacy, Terms; the sitemap lists exactly what is published and nothing else;
 * the blog's RSS and Atom feeds and the podcast's RSS feed are well-formed XML with one item per
 * published post or episode (enclosures with the file's length and type, iTunes tags); drafts,
 * scheduled and archived items stay out of pages, feeds and the sitemap until published; a
 * changed slug answers 301. (The same rules on the fixture content, in more detail:
 * src/modules/content/*.int.test.ts; the contact form: src/modules/leads/leads.int.test.ts.)
 */

const SITE = 'https://fhiriq.example';
const CONTENT = path.resolve(import.meta.dirname, '../../../content');
const NOW = new Date('2026-12-07T09:00:00Z');
let t: TestApp;
const staff: StaffContext = {
  actor: { userId: 'usr_site_editor', email: 'editor@fhiriq.example' },
  ip: '127.0.0.1',
  requestId: 'test',
};
const validator = new HtmlValidate(
  JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../.htmlvalidate.json'), 'utf8')),
);
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => ['item', 'entry', 'url', 'category'].includes(name),
});

beforeAll(async () => {
  t = await createTestApp({ env: { PUBLIC_URL: SITE }, clockAt: NOW.toISOString() });
});
afterAll(async () => t?.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  t.http.inject({
    method: 'GET',
    url,
    headers: { accept: 'text/html', ...headers },
    remoteAddress: nextIp(),
  });
const admin = () => t.app.modules.content.admin;
/** Markdown files of a starter content folder (the items a fresh install publishes). */
const files = (dir: string) =>
  fs
    .readdirSync(path.join(CONTENT, dir))
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.replace(/\.md$/, ''));

async function sitemap(): Promise<string[]> {
  const r = await get('/sitemap.xml');
  expect(r.statusCode).toBe(200);
  expect(XMLValidator.validate(r.body)).toBe(true);
  return xml.parse(r.body).urlset.url.map((u: { loc: string }) => new URL(u.loc).pathname);
}
const feedItems = async (url: string) => {
  const r = await get(url);
  expect(r.statusCode, url).toBe(200);
  expect(XMLValidator.validate(r.body), url).toBe(true);
  return r;
};
const rssLinks = async (url: string) =>
  (xml.parse((await feedItems(url)).body).rss.channel.item ?? []).map((i: { link: string }) => i.link);
const atomLinks = async () =>
  (xml.parse((await feedItems('/blog/atom.xml')).body).feed.entry ?? []).map((e: { id: string }) => e.id);

async function expectGoodPage(url: string): Promise<string> {
  const r = await get(url);
  expect(r.statusCode, url).toBe(200);
  expect(r.headers['content-type'], url).toContain('text/html');
  const report = await validator.validateString(r.body);
  const problems = report.results.flatMap((res) =>
    res.messages.map((m) => `${m.ruleId}: ${m.message} (${m.selector})`),
  );
  expect(problems, url).toEqual([]);
  expect(r.body.match(/<h1[\s>]/g), `${url}: one h1`).toHaveLength(1);
  expect(r.body, url).toMatch(/<title>[^<]{3,}<\/title>/);
  expect(r.body, url).toMatch(/<meta name="description" content="[^"]{20,}"\/>/);
  return r.body;
}

describe('every content page renders', () => {
  it('lists in the sitemap each section, every published post, episode, case study, doc and site page', async () => {
    const paths = await sitemap();
    const of = (prefix: string) => paths.filter((p) => p.startsWith(prefix));
    for (const p of ['/blog', '/podcast', '/case-studies', '/docs', '/about', '/privacy', '/terms'])
      expect(paths, p).toContain(p);
    expect(of('/blog/')).toHaveLength(files('blog').length);
    // The show itself has no page of its own: its episodes and /podcast do.
    expect(of('/podcast/')).toHaveLength(files('podcast').filter((f) => f !== 'show').length);
    expect(of('/case-studies/')).toHaveLength(files('case-studies').length);
    for (const tool of fs.readdirSync(path.join(CONTENT, 'docs'))) {
      expect(paths, tool).toContain(`/docs/${tool}`);
      // index.md is the tool's own page, /docs/<tool>.
      expect(of(`/docs/${tool}/`), tool).toHaveLength(files(`docs/${tool}`).length - 1);
    }
  });

  it('renders each of them: valid HTML, one h1, a title and a description', async () => {
    const content = (await sitemap()).filter((p) =>
      /^\/(blog|podcast|case-studies|docs|about|privacy|terms)(\/|$)/.test(p),
    );
    expect(content.length).toBeGreaterThanOrEqual(30);
    for (const p of content) await expectGoodPage(p);
  });

  it('renders what the sitemap does not list: every tag page and docs search, with and without results', async () => {
    const tags = new Set<string>();
    for (const p of (await sitemap()).filter((x) => x.startsWith('/blog/'))) {
      for (const m of (await get(p)).body.matchAll(/href="\/blog\/tag\/([a-z0-9-]+)"/g)) tags.add(m[1]!);
    }
    expect(tags.size).toBeGreaterThanOrEqual(5);
    for (const tag of tags) {
      const html = await expectGoodPage(`/blog/tag/${tag}`);
      expect(html, tag).toMatch(/<h2 class="card-title"><a href="\/blog\//);
    }
    const found = await expectGoodPage('/docs/search?q=bulk+data');
    expect(found).toMatch(/<h3><a href="\/docs\//);
    expect(found).toContain('<mark>');
    await expectGoodPage('/docs/search?q=zzzqqq');
    await expectGoodPage('/docs/search');
  });

  it('gives each episode the native audio player, its MP3 served as audio/mpeg with byte ranges', async () => {
    const episodes = (await sitemap()).filter((p) => p.startsWith('/podcast/'));
    expect(episodes.length).toBe(3);
    for (const p of episodes) {
      const html = (await get(p)).body;
      const src = /<audio controls preload="none" src="(\/podcast\/audio\/[a-z0-9-]+\.mp3)"/.exec(html)?.[1];
      expect(src, p).toBeDefined();
      const file = fs.readFileSync(path.join(CONTENT, 'podcast/audio', path.basename(src!)));
      const whole = await t.http.inject({
        method: 'GET',
        url: src!,
        headers: { 'accept-encoding': 'gzip, br' },
      });
      expect(whole.statusCode, src).toBe(200);
      expect(whole.headers['content-type']).toBe('audio/mpeg');
      expect(whole.headers['accept-ranges']).toBe('bytes');
      expect(whole.headers['content-encoding']).toBeUndefined();
      expect(Number(whole.headers['content-length'])).toBe(file.length);
      const part = await t.http.inject({ method: 'GET', url: src!, headers: { range: 'bytes=100-199' } });
      expect(part.statusCode, src).toBe(206);
      expect(part.headers['content-type']).toBe('audio/mpeg');
      expect(part.headers['content-range']).toBe(`bytes 100-199/${file.length}`);
      expect(part.rawPayload.equals(file.subarray(100, 200))).toBe(true);
      const past = await t.http.inject({
        method: 'GET',
        url: src!,
        headers: { range: `bytes=${file.length}-` },
      });
      expect(past.statusCode).toBe(416);
    }
  });
});

describe('the feeds', () => {
  it('blog: RSS 2.0 and Atom, well-formed, one item per published post, linking the pages the sitemap lists', async () => {
    const posts = (await sitemap()).filter((p) => p.startsWith('/blog/')).map((p) => `${SITE}${p}`);
    const rss = await feedItems('/blog/feed.xml');
    expect(rss.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect([...(await rssLinks('/blog/feed.xml'))].sort()).toEqual([...posts].sort());
    const atom = await feedItems('/blog/atom.xml');
    expect(atom.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const feed = xml.parse(atom.body).feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.link.find((l: Record<string, string>) => l['@rel'] === 'self')['@href']).toBe(
      `${SITE}/blog/atom.xml`,
    );
    expect([...(await atomLinks())].sort()).toEqual([...posts].sort());
    for (const e of feed.entry) {
      expect(Number.isNaN(Date.parse(e.updated))).toBe(false);
      expect(e.content['@type']).toBe('html');
      expect(e.content['#text']).not.toMatch(/(href|src)="\//);
    }
    // Both are announced by the blog's pages.
    const blog = (await get('/blog')).body;
    expect(blog).toContain(
      '<link rel="alternate" type="application/rss+xml" title="FHIR IQ blog" href="/blog/feed.xml"/>',
    );
    expect(blog).toContain(
      '<link rel="alternate" type="application/atom+xml" title="FHIR IQ blog (Atom)" href="/blog/atom.xml"/>',
    );
  });

  it('podcast: RSS with the iTunes tags, one item per episode, each enclosure the MP3’s real length and type', async () => {
    const doc = xml.parse((await feedItems('/podcast/feed.xml')).body);
    expect(doc.rss['@xmlns:itunes']).toBe('http://www.itunes.com/dtds/podcast-1.0.dtd');
    const channel = doc.rss.channel;
    for (const tag of [
      'itunes:author',
      'itunes:owner',
      'itunes:image',
      'itunes:category',
      'itunes:explicit',
      'itunes:type',
    ])
      expect(channel[tag], tag).toBeDefined();
    expect(channel.item).toHaveLength(3);
    for (const item of channel.item) {
      const url = new URL(item.enclosure['@url']);
      expect(url.origin).toBe(SITE);
      const size = fs.statSync(path.join(CONTENT, 'podcast/audio', path.basename(url.pathname))).size;
      expect(item.enclosure['@length']).toBe(String(size));
      expect(item.enclosure['@type']).toBe('audio/mpeg');
      expect(item['itunes:duration']).toMatch(/^\d+:\d{2}(:\d{2})?$/);
      expect(Number(item['itunes:episode'])).toBeGreaterThan(0);
      expect((await get(url.pathname)).statusCode).toBe(200);
    }
  });
});

describe('what is not published', () => {
  it('keeps drafts, scheduled and archived items out of pages, feeds and the sitemap; a scheduled post appears at its instant', async () => {
    const sitemapBefore = await sitemap();
    const rssBefore = await rssLinks('/blog/feed.xml');
    const post = (slug: string, date: string) =>
      admin().create(staff, {
        kind: 'post',
        slug,
        title: `Unpublished ${slug}`,
        description: 'A post that is not public yet, whatever it says.',
        frontMatter: { date, author: 'daniel-reyes', tags: ['fhir-r4'] },
        body: 'Not yet.',
      });
    await post('a-draft-post', '2026-12-01');
    const scheduled = await post('a-scheduled-post', '2026-12-08');
    const at = new Date(NOW.getTime() + 86_400_000);
    await admin().schedule(staff, scheduled.id, at);
    const archived = await admin().create(staff, {
      kind: 'page',
      slug: 'an-archived-page',
      title: 'Archived page',
      description: 'A site page staff published, then archived.',
      frontMatter: {},
      body: 'Gone.',
    });
    await admin().publish(staff, archived.id);
    expect((await get('/an-archived-page')).statusCode).toBe(200);
    await admin().archive(staff, archived.id);

    for (const p of ['/blog/a-draft-post', '/blog/a-scheduled-post', '/an-archived-page'])
      expect((await get(p)).statusCode, p).toBe(404);
    expect(await sitemap()).toEqual(sitemapBefore);
    expect(await rssLinks('/blog/feed.xml')).toEqual(rssBefore);
    expect((await atomLinks()).length).toBe(rssBefore.length);
    expect((await get('/blog')).body).not.toContain('a-scheduled-post');
    expect((await get('/blog/tag/fhir-r4')).body).not.toContain('a-draft-post');
    for (const p of sitemapBefore) expect(p).not.toMatch(/^\/(admin|account|api|cart|checkout|portal)(\/|$)/);

    t.clock!.set(at);
    try {
      expect((await get('/blog/a-scheduled-post')).statusCode).toBe(200);
      expect(await sitemap()).toContain('/blog/a-scheduled-post');
      expect(await rssLinks('/blog/feed.xml')).toContain(`${SITE}/blog/a-scheduled-post`);
      expect(await atomLinks()).toContain(`${SITE}/blog/a-scheduled-post`);
      expect(await sitemap()).not.toContain('/blog/a-draft-post');
    } finally {
      t.clock!.set(NOW);
    }
  });

  it('answers 301 from a changed slug to the post’s new address, which the sitemap and feeds then list', async () => {
    const [first] = (await sitemap()).filter((p) => p.startsWith('/blog/'));
    const item = (await t.app.modules.content.service.live()).find(
      'post',
      first!.slice('/blog/'.length),
      NOW,
    );
    if (!item) throw new Error(`no post at ${first}`);
    await admin().update(staff, item.id, { slug: 'a-renamed-post', expectedVersion: item.version });
    const old = await get(first!);
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe('/blog/a-renamed-post');
    await expectGoodPage('/blog/a-renamed-post');
    const paths = await sitemap();
    expect(paths).toContain('/blog/a-renamed-post');
    expect(paths).not.toContain(first);
    expect(await rssLinks('/blog/feed.xml')).toContain(`${SITE}/blog/a-renamed-post`);
  });
});

describe('the blog list', () => {
  it('pages ten posts at a time: the second page renders and links back, the third is 404', async () => {
    const listed = (await sitemap()).filter((p) => p.startsWith('/blog/')).length;
    for (let i = listed; i <= 10; i++) {
      const p = await admin().create(staff, {
        kind: 'post',
        slug: `filler-${i}`,
        title: `Filler post ${i}`,
        description: 'One more post so that the blog has a second page.',
        frontMatter: { date: '2026-01-15', author: 'daniel-reyes', tags: ['fhir-r4'] },
        body: 'Filler.',
      });
      await admin().publish(staff, p.id);
    }
    expect((await get('/blog')).body).toContain('<a href="/blog/page/2" rel="next">');
    const second = await expectGoodPage('/blog/page/2');
    expect(second).toContain('<a href="/blog" rel="prev">');
    expect(second).toContain(`<link rel="canonical" href="${SITE}/blog/page/2"/>`);
    expect((await get('/blog/page/3')).statusCode).toBe(404);
  });
});
