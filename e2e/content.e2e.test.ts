import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../src/modules/content/test-support.ts';
import { axe } from './support/axe.ts';
import { type E2EServer, launchBrowser, signedInAdmin, startServer } from './support/harness.ts';

// The content pages in a real browser, on the fixture content: axe-core (WCAG 2.1 A and AA) finds
// nothing at desktop and phone widths, signed out and as staff; images load in a modern format,
// the audio player works by byte ranges, and the page breaks no CSP rule.

let server: E2EServer;
let browser: Browser;
let admin: BrowserContext;

beforeAll(async () => {
  server = await startServer({ CONTENT_DIR: FIXTURES });
  browser = await launchBrowser();
  admin = await signedInAdmin(server, browser, 'content-a11y@e2e.test', 'accessible content passphrase');
});

afterAll(async () => {
  await browser?.close();
  if (server) await server.stop();
});

async function visit(context: BrowserContext, path: string) {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  const res = await page.goto(`${server.url}${path}`);
  expect(res?.status(), path).toBe(200);
  return { page, problems };
}

const PUBLIC = [
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

describe('content pages in the browser', () => {
  for (const width of [1280, 390]) {
    for (const path of PUBLIC) {
      it(`${path} at ${width}px has no accessibility violation and no console error`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        const { page, problems } = await visit(context, path);
        expect(await axe(page)).toEqual([]);
        expect(problems).toEqual([]);
        await context.close();
      });
    }
  }

  it('loads the post’s cover as AVIF, sized before it arrives', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page } = await visit(context, '/blog/fhir-r4-basics');
    const cover = page.locator('picture.cover img');
    await expect
      .poll(() => cover.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
    expect(await cover.evaluate((img: HTMLImageElement) => img.currentSrc)).toMatch(/\.avif$/);
    expect(await cover.getAttribute('width')).toBe('960');
    await context.close();
  });

  it('plays the episode through byte ranges', async () => {
    const context = await browser.newContext();
    const { page } = await visit(context, '/podcast/bulk-data-in-practice');
    const ranges: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.mp3')) ranges.push(r.status());
    });
    const audio = page.locator('audio');
    await audio.evaluate((a: HTMLAudioElement) => {
      a.muted = true;
      return a.play();
    });
    await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.duration)).toBeGreaterThan(1);
    expect(ranges).toContain(206);
    await context.close();
  });

  it('searches the docs with the plain form', async () => {
    const context = await browser.newContext();
    const { page } = await visit(context, '/docs');
    await page.fill('#docs-q', 'csv');
    await Promise.all([page.waitForURL(/\/docs\/search\?q=csv/), page.click('.docs-search button')]);
    expect(await page.locator('.search-results a').first().getAttribute('href')).toBe(
      '/docs/mapper-to-fhir/mapping-csv',
    );
    expect(await page.locator('.snippet mark').count()).toBeGreaterThan(0);
    await context.close();
  });
});

describe('the content console in the browser', () => {
  it('lists, edits, previews and shows images without an accessibility violation', async () => {
    const { page } = await visit(admin, '/admin/content');
    expect(await axe(page)).toEqual([]);
    const href = await page.locator('main table a', { hasText: 'FHIR R4 basics' }).getAttribute('href');
    await page.goto(`${server.url}${href}`);
    expect(await axe(page)).toEqual([]);
    await page.goto(`${server.url}${href}/preview`);
    expect(await axe(page)).toEqual([]);
    await page.goto(`${server.url}/admin/content/new?kind=episode`);
    expect(await axe(page)).toEqual([]);
    await page.goto(`${server.url}/admin/content/media`);
    expect(await axe(page)).toEqual([]);
    await page.close();
  });

  it('shows a refused form with its errors, accessibly', async () => {
    const { page } = await visit(admin, '/admin/content/new?kind=post');
    await page.fill('#field-title', 'A post with a bad slug');
    await page.fill('#field-slug', 'Bad Slug');
    await page.fill('#field-fm\\.date', '2026-05-01');
    await page.selectOption('#field-fm\\.author', 'ada');
    await Promise.all([page.waitForLoadState('load'), page.click('.editor-form button[type="submit"]')]);
    expect(await page.locator('.form-error').count()).toBeGreaterThan(0);
    expect(await axe(page)).toEqual([]);
    await page.close();
  });
});
