import fs from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
// The catalog's seed data is where the product keys and slugs that content refers to are defined.
import { seedCatalog } from '../src/modules/catalog/seed/index.ts';
import { mp3Info } from './support/mp3-info.ts';

/**
 * Keeps the Markdown under content/ valid against CONTENT-FORMAT (the contract between the content
 * engine, the site and the writers): front matter parses and has its required fields, links point
 * at site paths that exist, images exist at the sizes the engine needs, code blocks name their
 * language (and JSON ones parse), and podcast audio is what the feed promises.
 */

const CONTENT = path.resolve(import.meta.dirname, '..', 'content');
const TOOLS = ['mapper-to-fhir', 'data-quality-assessments', 'fhir-analytics', 'fhir-app-builder'];
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

interface Item {
  rel: string;
  slug: string;
  data: Record<string, unknown>;
  body: string;
}

function load(folder: string): Item[] {
  const dir = path.join(CONTENT, folder);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => {
      const parsed = matter(fs.readFileSync(path.join(dir, f), 'utf8'));
      return {
        rel: `${folder}/${f}`,
        slug: path.basename(f, '.md'),
        data: parsed.data,
        body: parsed.content,
      };
    });
}

const authors = load('authors');
const blog = load('blog');
const cases = load('case-studies');
const podcast = load('podcast');
const episodes = podcast.filter((p) => p.slug !== 'show');
const show = podcast.find((p) => p.slug === 'show');
const docs = load('docs');
const pages = load('pages');
const all = [...authors, ...blog, ...cases, ...podcast, ...docs, ...pages];

const catalog = seedCatalog();
const productKeys = new Set(catalog.products.map((p) => p.key));

/** Every site path content may link to, in the format's URL scheme. */
const sitePaths = new Set<string>([
  ...['/', '/blog', '/podcast', '/case-studies', '/docs', '/pricing', '/tools', '/training', '/consulting'],
  '/contact',
  ...pages.map((p) => `/${p.slug}`),
  ...blog.map((p) => `/blog/${p.slug}`),
  ...cases.map((p) => `/case-studies/${p.slug}`),
  ...episodes.map((p) => `/podcast/${p.slug}`),
  ...catalog.products.map((p) => `/products/${p.slug}`),
  ...docs.map((d) => {
    const [tool, page] = d.rel
      .replace(/^docs\//, '')
      .replace(/\.md$/, '')
      .split('/');
    return page === 'index' ? `/docs/${tool}` : `/docs/${tool}/${page}`;
  }),
]);

const text = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

/** `YYYY-MM-DD`: YAML reads an unquoted one as a Date at midnight UTC, a quoted one as a string. */
function isoDate(v: unknown): boolean {
  if (v instanceof Date) return !Number.isNaN(v.getTime()) && v.toISOString().endsWith('T00:00:00.000Z');
  return (
    typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))
  );
}

function missing(item: Item, fields: string[]): string[] {
  return fields.filter((f) => !text(item.data[f])).map((f) => `${item.rel}: ${f} is missing or empty`);
}

/** Fenced code blocks removed, and inline code: what remains is prose and links. */
function prose(body: string): string {
  return body.replace(/^```[^\n]*\n[\s\S]*?^```[ \t]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

function fences(body: string): { lang: string; code: string }[] {
  return [...body.matchAll(/^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => ({
    lang: (m[1] ?? '').trim(),
    code: m[2] ?? '',
  }));
}

function parses(json: string): boolean {
  try {
    JSON.parse(json);
    return true;
  } catch {
    return false;
  }
}

interface ImageRule {
  minWidth?: number;
  square?: boolean;
  exact?: [number, number];
  png?: boolean;
}

async function imageProblems(
  item: Item,
  field: string,
  rule: ImageRule,
  required: boolean,
): Promise<string[]> {
  const v = item.data[field];
  if (v === undefined) return required ? [`${item.rel}: ${field} is required`] : [];
  const img = v as { src?: unknown; alt?: unknown };
  if (!text(img.src) || !text(img.alt)) return [`${item.rel}: ${field} needs src and alt`];
  const file = path.join(CONTENT, img.src);
  if (!/\.(png|jpe?g)$/i.test(img.src)) return [`${item.rel}: ${img.src} is not PNG or JPEG`];
  if (!fs.existsSync(file)) return [`${item.rel}: ${img.src} does not exist`];
  const { width = 0, height = 0, format } = await sharp(file).metadata();
  const problems: string[] = [];
  if (rule.png && format !== 'png') problems.push(`${item.rel}: ${img.src} must be a PNG`);
  if (rule.minWidth && width < rule.minWidth) problems.push(`${item.rel}: ${img.src} is ${width} px wide`);
  if (rule.square && width !== height) problems.push(`${item.rel}: ${img.src} is not square`);
  if (rule.exact && (width !== rule.exact[0] || height !== rule.exact[1]))
    problems.push(`${item.rel}: ${img.src} is ${width}×${height}, not ${rule.exact.join('×')}`);
  return problems;
}

describe('content files', () => {
  it('exist in every folder of the format', () => {
    expect(authors.length).toBeGreaterThanOrEqual(3);
    expect(blog.length).toBeGreaterThanOrEqual(6);
    expect(cases.length).toBeGreaterThanOrEqual(3);
    expect(episodes.length).toBeGreaterThanOrEqual(3);
    expect(show).toBeDefined();
    expect(pages.map((p) => p.slug)).toEqual(expect.arrayContaining(['about', 'privacy', 'terms']));
    for (const tool of TOOLS) expect(fs.existsSync(path.join(CONTENT, 'docs', tool, 'index.md'))).toBe(true);
  });

  it('have lowercase slugs and front matter that parses', () => {
    const bad = all.filter((i) => !SLUG.test(i.slug) || Object.keys(i.data).length === 0).map((i) => i.rel);
    expect(bad).toEqual([]);
  });

  it('authors: name, role, square avatars of at least 400 px, links with labels', async () => {
    const problems: string[] = [];
    for (const a of authors) {
      problems.push(...missing(a, ['name', 'role']));
      problems.push(...(await imageProblems(a, 'image', { minWidth: 400, square: true }, false)));
      const links = a.data.links;
      if (
        links !== undefined &&
        (!Array.isArray(links) || !links.every((l) => text(l?.label) && text(l?.href)))
      )
        problems.push(`${a.rel}: links need label and href`);
    }
    expect(problems).toEqual([]);
  });

  it('blog: required fields, a known author, slug tags, short descriptions, covers of 1600 px', async () => {
    const authorKeys = new Set(authors.map((a) => a.slug));
    const problems: string[] = [];
    for (const p of blog) {
      problems.push(...missing(p, ['title', 'description', 'author']));
      if (String(p.data.description).length > 160) problems.push(`${p.rel}: description over 160 characters`);
      if (!isoDate(p.data.date)) problems.push(`${p.rel}: date is not YYYY-MM-DD`);
      if (p.data.updated !== undefined && !isoDate(p.data.updated)) problems.push(`${p.rel}: bad updated`);
      if (!authorKeys.has(String(p.data.author))) problems.push(`${p.rel}: unknown author ${p.data.author}`);
      const tags = p.data.tags;
      if (
        !Array.isArray(tags) ||
        tags.length === 0 ||
        !tags.every((t) => typeof t === 'string' && SLUG.test(t))
      )
        problems.push(`${p.rel}: tags must be a list of lowercase slugs`);
      problems.push(...(await imageProblems(p, 'image', { minWidth: 1600 }, false)));
    }
    expect(problems).toEqual([]);
  });

  it('case studies: anonymised client, catalog product keys, results', async () => {
    const problems: string[] = [];
    for (const c of cases) {
      problems.push(...missing(c, ['title', 'description', 'client', 'industry']));
      if (!isoDate(c.data.date)) problems.push(`${c.rel}: date is not YYYY-MM-DD`);
      const products = c.data.products;
      if (!Array.isArray(products) || products.length === 0) problems.push(`${c.rel}: products missing`);
      else
        for (const k of products)
          if (!productKeys.has(k)) problems.push(`${c.rel}: ${k} is not a product key`);
      const results = c.data.results;
      if (
        !Array.isArray(results) ||
        results.length === 0 ||
        !results.every((r) => text(r?.label) && text(r?.value))
      )
        problems.push(`${c.rel}: results need label and value`);
      if (!/client names are withheld/i.test(c.body))
        problems.push(`${c.rel}: does not say client names are withheld`);
      problems.push(...(await imageProblems(c, 'image', { minWidth: 1600 }, false)));
    }
    expect(problems).toEqual([]);
  });

  it('podcast: the show has its channel fields and a 3000×3000 PNG cover', async () => {
    if (!show) throw new Error('content/podcast/show.md is missing');
    const problems = missing(show, ['title', 'description', 'author', 'email', 'category', 'language']);
    if (show.data.language !== 'en') problems.push('show.md: language must be en');
    if (!/^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(String(show.data.email)))
      problems.push('show.md: email is not an address');
    problems.push(...(await imageProblems(show, 'image', { exact: [3000, 3000], png: true }, true)));
    expect(problems).toEqual([]);
  });

  it('podcast: episodes have their fields, a transcript, a script, and MP3s whose length is their duration', () => {
    const problems: string[] = [];
    for (const e of episodes) {
      problems.push(...missing(e, ['title', 'description']));
      if (!isoDate(e.data.date)) problems.push(`${e.rel}: date is not YYYY-MM-DD`);
      for (const f of ['episode', 'season', 'duration'])
        if (!Number.isInteger(e.data[f]) || Number(e.data[f]) <= 0)
          problems.push(`${e.rel}: ${f} is not a positive integer`);
      if (e.data.explicit !== false) problems.push(`${e.rel}: explicit must be false`);
      if (!/^## Transcript$/m.test(e.body)) problems.push(`${e.rel}: no "## Transcript" section`);
      if (!fs.existsSync(path.join(CONTENT, 'podcast', 'audio', `${e.slug}.txt`)))
        problems.push(`${e.rel}: no script`);
      if (e.data.audio !== `podcast/audio/${e.slug}.mp3`) {
        problems.push(`${e.rel}: audio must be podcast/audio/${e.slug}.mp3`);
        continue;
      }
      const file = path.join(CONTENT, e.data.audio);
      if (!fs.existsSync(file)) {
        problems.push(`${e.rel}: ${e.data.audio} does not exist (run scripts/podcast-audio.sh)`);
        continue;
      }
      const bytes = fs.readFileSync(file);
      const info = mp3Info(bytes);
      if (bytes.length >= 1_000_000) problems.push(`${e.rel}: MP3 is ${bytes.length} bytes`);
      if (!info.hasId3v2) problems.push(`${e.rel}: MP3 has no ID3v2 tags`);
      if (!info.mono) problems.push(`${e.rel}: MP3 is not mono`);
      if (info.sampleRates.length !== 1 || ![22050, 44100].includes(info.sampleRates[0] ?? 0))
        problems.push(`${e.rel}: sample rate ${info.sampleRates.join(', ')}`);
      if (info.bitrates.some((b) => b < 32 || b > 64))
        problems.push(`${e.rel}: bitrate ${info.bitrates.join(', ')}`);
      if (Math.abs(info.seconds - Number(e.data.duration)) > 1)
        problems.push(`${e.rel}: duration ${e.data.duration} s, the MP3 lasts ${info.seconds.toFixed(1)} s`);
    }
    const numbers = episodes.map((e) => `${e.data.season}/${e.data.episode}`);
    if (new Set(numbers).size !== numbers.length)
      problems.push('two episodes share a season and episode number');
    expect(problems).toEqual([]);
  });

  it('docs: one folder per tool with title, description and an integer order', () => {
    const problems: string[] = [];
    for (const d of docs) {
      const [tool] = d.rel.replace(/^docs\//, '').split('/');
      if (!TOOLS.includes(tool ?? '')) problems.push(`${d.rel}: ${tool} is not a tool slug`);
      problems.push(...missing(d, ['title', 'description']));
      if (!Number.isInteger(d.data.order)) problems.push(`${d.rel}: order is not an integer`);
    }
    expect(problems).toEqual([]);
  });

  it('pages: title and description; values have title and text', () => {
    const problems: string[] = [];
    for (const p of pages) {
      problems.push(...missing(p, ['title', 'description']));
      const values = p.data.values;
      if (
        values !== undefined &&
        (!Array.isArray(values) || !values.every((v) => text(v?.title) && text(v?.text)))
      )
        problems.push(`${p.rel}: values need title and text`);
    }
    expect(problems).toEqual([]);
  });

  it('link only to site paths that exist', () => {
    const problems: string[] = [];
    for (const i of all) {
      const hrefs = [...prose(i.body).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
      const links = i.data.links;
      if (Array.isArray(links)) hrefs.push(...links.map((l) => String(l?.href)));
      for (const href of hrefs) {
        if (/^(https?:|mailto:|#)/.test(href)) continue;
        const target = href.replace(/[?#].*$/, '');
        if (!sitePaths.has(target)) problems.push(`${i.rel}: ${href} is not a site path`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('have tables whose rows have as many cells as their header (a `|` inside a cell is escaped)', () => {
    const problems: string[] = [];
    const cells = (row: string) => row.replace(/\\\|/g, '').split('|').length;
    for (const i of all) {
      const lines = i.body.replace(/^```[^\n]*\n[\s\S]*?^```[ \t]*$/gm, '').split('\n');
      let width = 0;
      lines.forEach((line, n) => {
        if (!line.startsWith('|')) width = 0;
        else if (/^\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(line) && width === 0) width = cells(lines[n - 1] ?? '');
        else if (width && cells(line) !== width) problems.push(`${i.rel}: table row "${line.slice(0, 50)}…"`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('have no raw HTML, and every code block names its language (JSON blocks parse)', () => {
    const problems: string[] = [];
    for (const i of all) {
      if (/<\/?[a-zA-Z][^>\n]*>/.test(prose(i.body))) problems.push(`${i.rel}: raw HTML in the body`);
      for (const { lang, code } of fences(i.body)) {
        if (!lang) problems.push(`${i.rel}: a code block without a language`);
        if (lang !== 'json') continue;
        // A JSON document, or NDJSON: one document per line.
        const ndjson = code.split('\n').filter((l) => l.trim());
        if (!parses(code) && !ndjson.every(parses))
          problems.push(`${i.rel}: a json block does not parse: ${code.slice(0, 60)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
