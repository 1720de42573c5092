import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe } from './support/axe.ts';
import { type E2EServer, launchBrowser, startServer } from './support/harness.ts';

// The public site in a real browser: axe-core (WCAG 2.1 A and AA) on every page the sitemap
// lists (the catalog's and the content's: posts, episodes, case studies, docs, site pages) and on
// the public pages that are not indexed, at a phone's and a desktop's width,
// zero violations; no request leaves the site; and the contact form works without script.

let server: E2EServer;
let browser: Browser;
let paths: string[] = [];
// Public pages the sitemap does not list: forms' follow-ups, the cart and sign-in, a blog tag page
// and docs search with and without results (the content pages themselves are in the sitemap).
const UNINDEXED = [
  '/contact/sent',
  '/cart',
  '/sign-in',
  '/sign-up',
  '/forgot-password',
  '/blog/tag/fhir-r4',
  '/docs/search?q=bulk+data',
  '/docs/search?q=zzzqqq',
];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const xml = await (await fetch(`${server.url}/sitemap.xml`)).text();
  paths = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname);
  expect(paths.length).toBeGreaterThanOrEqual(15);
  // The content pages are among them: blog, podcast, case studies, docs, About, Privacy, Terms.
  for (const section of ['/blog/', '/podcast/', '/case-studies/', '/docs/'])
    expect(
      paths.some((p) => p.startsWith(section)),
      section,
    ).toBe(true);
  for (const page of ['/blog', '/podcast', '/case-studies', '/docs', '/about', '/privacy', '/terms'])
    expect(paths, page).toContain(page);
});

afterAll(async () => {
  await browser?.close();
  if (server) await server.stop();
});

async function audit(
  context: BrowserContext,
  path: string,
): Promise<{ violations: string[]; foreign: string[] }> {
  const page = await context.newPage();
  const foreign: string[] = [];
  const origin = new URL(server.url).origin;
  page.on('request', (r) => {
    const url = r.url();
    if (/^https?:/.test(url) && new URL(url).origin !== origin) foreign.push(url);
  });
  const res = await page.goto(`${server.url}${path}`);
  expect(res?.status(), path).toBe(200);
  // Lazy images and the rest of a long page: scroll so everything the visitor can reach is checked.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const violations = await axe(page);
  await page.close();
  return { violations, foreign };
}

describe('every public page', () => {
  for (const width of [390, 1280]) {
    it(`has no axe violation and asks no other host, at ${width}px (sitemap and unindexed pages)`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const problems: string[] = [];
      for (const path of [...paths, ...UNINDEXED]) {
        const { violations, foreign } = await audit(context, path);
        for (const v of violations) problems.push(`${path}: ${v}`);
        for (const f of foreign) problems.push(`${path}: requested ${f}`);
      }
      await context.close();
      expect(problems).toEqual([]);
    }, 600_000);
  }
});

describe('the contact form', () => {
  // The page loads no script at all, so it works the same with script turned off (axe itself
  // needs script in the page, hence a normal browser context).
  it('sends a message, after the few seconds a person takes, with no script on the page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/contact?topic=training`);
    expect(await page.locator('script:not([type="application/ld+json"])').count()).toBe(0);
    await page.fill('#field-name', 'Dana Example');
    await page.fill('#field-email', 'dana@hospital.example');
    await page.fill('#field-organization', 'General Hospital');
    await page.fill('#field-message', 'We would like a private FHIR Fundamentals workshop for 12 analysts.');
    expect(await page.inputValue('#field-topic')).toBe('training');
    await page.waitForTimeout(3_500);
    await Promise.all([page.waitForURL(/\/contact\/sent$/), page.click('main form button[type="submit"]')]);
    expect(await page.textContent('h1')).toBe('Thank you');
    expect(await axe(page)).toEqual([]);
    await context.close();
  });

  it('shows what is wrong beside the fields, accessibly, when a post is refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/contact`);
    await page.fill('#field-name', 'Lee');
    // Valid to the browser's own check, not to ours (no dot in the domain).
    await page.fill('#field-email', 'lee@clinic');
    await page.fill('#field-message', 'Hello');
    await page.waitForTimeout(3_500);
    await Promise.all([page.waitForLoadState('load'), page.click('main form button[type="submit"]')]);
    expect(await page.locator('.form-error').count()).toBeGreaterThan(0);
    expect(await page.inputValue('#field-name')).toBe('Lee');
    expect(await axe(page)).toEqual([]);
    await context.close();
  });
});
