import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/support/test-app.ts';
import type { StaffContext } from '../audit/index.ts';
import { contentTestApp, FIXTURES, get } from './test-support.ts';

/**
 * What content serves besides pages, on the fixture folder: the blog and podcast feeds are valid
 * XML with the right items and enclosure lengths; audio honours byte ranges and is never
 * compressed; docs search ranks and escapes; image variants are cached for a year; the sitemap
 * entries list every public content page and nothing else.
 */

let t: TestApp;
const staff: StaffContext = {
  actor: { userId: 'usr_staff', email: 'editor@fhiriq.example' },
  ip: '127.0.0.1',
  requestId: 'test',
};
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => name === 'item',
});

beforeAll(async () => {
  t = await contentTestApp();
});
afterAll(async () => t?.close());

describe('feeds', () => {
  it('the blog feed is valid RSS with every visible post, absolute URLs and full content', async () => {
    const res = await get(t, '/blog/feed.xml');
    expect(res.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(XMLValidator.validate(res.body)).toBe(true);
    const channel = xml.parse(res.body).rss.channel;
    const visible = t.app.modules.content.service;
    const posts = (await visible.live()).visible('post', visible.now());
    expect(channel.item).toHaveLength(posts.length);
    expect(channel.item.length).toBeGreaterThanOrEqual(3);
    expect(channel.item.map((i: { link: string }) => i.link)).not.toContain(
      `${t.config.publicUrl}/blog/bulk-data-export`,
    );
    const r4 = channel.item.find(
      (i: { link: string }) => i.link === `${t.config.publicUrl}/blog/fhir-r4-basics`,
    );
    expect(r4['content:encoded']).toContain(`srcset="${t.config.publicUrl}/media/`);
    expect(r4['content:encoded']).not.toMatch(/(href|src)="\//);
    expect(r4['dc:creator']).toBe('Ada Lovelace');
  });

  it('the podcast feed has the iTunes tags and each enclosure’s real length in bytes', async () => {
    const res = await get(t, '/podcast/feed.xml');
    expect(XMLValidator.validate(res.body)).toBe(true);
    const doc = xml.parse(res.body);
    expect(doc.rss['@xmlns:itunes']).toBe('http://www.itunes.com/dtds/podcast-1.0.dtd');
    const channel = doc.rss.channel;
    expect(channel['itunes:category']['@text']).toBe('Technology');
    expect(channel['itunes:image']['@href']).toMatch(/^http.*show\.png\/[0-9a-f]{16}-600\.png$/);
    expect(channel['itunes:explicit']).toBe('false');
    expect(channel.item).toHaveLength(1);
    const [episode] = channel.item;
    const size = fs.statSync(path.join(FIXTURES, 'podcast/audio/bulk-data-in-practice.mp3')).size;
    expect(episode.enclosure).toEqual({
      '@url': `${t.config.publicUrl}/podcast/audio/bulk-data-in-practice.mp3`,
      '@length': String(size),
      '@type': 'audio/mpeg',
    });
    expect(episode['itunes:duration']).toBe('0:03');
    expect(episode.guid['@isPermaLink']).toBe('false');
    expect(episode.pubDate).toBe('Wed, 01 Apr 2026 00:00:00 GMT');
    // The cover URL the feed names is served.
    const cover = await get(t, new URL(channel['itunes:image']['@href']).pathname);
    expect([cover.statusCode, cover.headers['content-type']]).toEqual([200, 'image/png']);
  });
});

describe('audio', () => {
  const url = '/podcast/audio/bulk-data-in-practice.mp3';
  const file = fs.readFileSync(path.join(FIXTURES, 'podcast/audio/bulk-data-in-practice.mp3'));

  it('serves the whole file uncompressed, saying it takes ranges', async () => {
    const res = await t.http.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/mpeg');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(Number(res.headers['content-length'])).toBe(file.length);
    expect(res.rawPayload.equals(file)).toBe(true);
  });

  it('answers byte ranges with 206 and exactly those bytes', async () => {
    const res = await t.http.inject({
      method: 'GET',
      url,
      headers: { range: 'bytes=100-199', 'accept-encoding': 'gzip' },
    });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 100-199/${file.length}`);
    expect(res.headers['content-length']).toBe('100');
    expect(res.rawPayload.equals(file.subarray(100, 200))).toBe(true);
    const tail = await t.http.inject({ method: 'GET', url, headers: { range: 'bytes=-10' } });
    expect(tail.rawPayload.equals(file.subarray(file.length - 10))).toBe(true);
    const head = await t.http.inject({ method: 'HEAD', url, headers: { range: 'bytes=0-1' } });
    expect([head.statusCode, head.headers['content-length']]).toEqual([206, '2']);
  });

  it('answers 416 with the length for a range past the end, and a whole file when If-Range is stale', async () => {
    const res = await t.http.inject({ method: 'GET', url, headers: { range: `bytes=${file.length}-` } });
    expect(res.statusCode).toBe(416);
    expect(res.json().error.code).toBe('RANGE_NOT_SATISFIABLE');
    expect(res.headers['content-range']).toBe(`bytes */${file.length}`);
    const stale = await t.http.inject({
      method: 'GET',
      url,
      headers: { range: 'bytes=0-1', 'if-range': '"old"' },
    });
    expect(stale.statusCode).toBe(200);
  });

  it('serves only the audio of a public episode', async () => {
    expect((await get(t, '/podcast/audio/other.mp3')).statusCode).toBe(404);
    expect((await get(t, '/podcast/audio/..%2F..%2Fsecret.mp3')).statusCode).toBe(400);
  });
});

describe('docs search', () => {
  it('ranks the best matching page first, with highlighted snippets', async () => {
    const res = await get(t, '/docs/search?q=csv+mapping');
    const found = [...res.body.matchAll(/<h3><a href="([^"]+)"/g)].map((m) => m[1]);
    expect(found[0]).toBe('/docs/mapper-to-fhir/mapping-csv');
    expect(found).toContain('/docs/mapper-to-fhir/getting-started');
    expect(res.body).toMatch(/<mark>CSV<\/mark>/i);
    expect(res.body).toContain('<meta name="robots" content="noindex, follow"');
  });

  it('escapes what a page says and what the visitor typed', async () => {
    const admin = t.app.modules.content.admin;
    const doc = await admin.create(staff, {
      kind: 'doc',
      slug: 'mapper-to-fhir/escaping',
      title: 'Escaping quokka',
      description: 'About quokka markup.',
      frontMatter: { order: 8 },
      body: 'The quokka template prints `<script>alert("quokka")</script>` and <img src=x onerror=alert(1)> literally.',
    });
    await admin.publish(staff, doc.id);
    const res = await get(t, `/docs/search?q=${encodeURIComponent('quokka <script>alert(1)</script>')}`);
    expect(res.statusCode).toBe(200);
    const main = res.body.slice(res.body.indexOf('<main'));
    expect(main).not.toContain('<script');
    expect(main).not.toContain('<img');
    expect(main).toContain('<mark>quokka</mark>');
    // Preact escapes `<` in attribute values (`>` cannot end one) and in text.
    expect(main).toContain('value="quokka &lt;script>alert(1)&lt;/script>"');
    expect(main).toContain('matches “quokka &lt;script>');
  });

  it('takes any input without failing', async () => {
    for (const q of ['"', '&', '!!', '-', 'a:b', "o'reilly", '(', '\\', 'or', '*']) {
      expect((await get(t, `/docs/search?q=${encodeURIComponent(q)}`)).statusCode, q).toBe(200);
    }
    expect((await get(t, `/docs/search?q=${'x'.repeat(201)}`)).statusCode).toBe(400);
  });
});

describe('images and the sitemap', () => {
  it('serves image variants with a year of immutable caching, and 404 for anything else', async () => {
    const body = (await get(t, '/blog')).body;
    const src = /<source type="image\/webp" srcset="([^ ]+) /.exec(body)![1]!;
    const res = await get(t, src);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/webp');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect((await get(t, src.replace(/[0-9a-f]{16}/, '0000000000000000'))).statusCode).toBe(404);
    expect((await get(t, '/media/images/blog/fhir-r4.png')).statusCode).toBe(404);
  });

  it('lists every public content page with its last change, and nothing else', async () => {
    const entries = await t.app.modules.content.sitemapEntries!();
    const paths = entries.map((e) => e.path);
    for (const p of [
      '/blog',
      '/podcast',
      '/case-studies',
      '/docs',
      '/blog/fhir-r4-basics',
      '/podcast/bulk-data-in-practice',
      '/case-studies/regional-health-system',
      '/docs/mapper-to-fhir',
      '/about',
      '/privacy',
      '/terms',
    ]) {
      expect(paths).toContain(p);
    }
    expect(paths).not.toContain('/blog/bulk-data-export');
    expect(paths.some((p) => p.includes('author') || p.includes('show'))).toBe(false);
    expect(new Set(paths).size).toBe(paths.length);
    for (const e of entries) expect(e.lastModified).toBeInstanceOf(Date);
  });
});
