import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe } from './support/axe.ts';
import { type E2EServer, launchBrowser, startServer } from './support/harness.ts';

// The catalog's pages in a real browser: axe-core (WCAG 2.1 A and AA) at
// desktop and phone widths, and the edition × term selector working without script.

let server: E2EServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (server) await server.stop();
});

const pages = [
  '/tools',
  '/training',
  '/consulting?currency=EUR',
  '/pricing',
  '/pricing?billing=annual&currency=GBP',
  '/products/mapper-to-fhir?edition=PR&term=A',
  '/products/mapper-to-fhir?edition=EN',
  '/products/fhir-fundamentals?edition=LV',
  '/products/consulting-blocks',
  '/products/starter-bundle',
  '/products/custom-training',
];

describe('catalog accessibility', () => {
  for (const width of [1280, 390]) {
    for (const path of pages) {
      it(`${path} at ${width}px`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        const page = await context.newPage();
        await page.goto(`${server.url}${path}`);
        const found = await axe(page);
        await context.close();
        expect(found).toEqual([]);
      });
    }
  }
});

describe('choosing a plan without script', () => {
  it('the selector shows the chosen SKU\u2019s price and the page never scrolls sideways on a phone', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 900 },
      javaScriptEnabled: false,
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/products/mapper-to-fhir?currency=EUR`);
    await page.check('input[name="edition"][value="PR"]');
    await page.check('input[name="term"][value="A"]');
    await Promise.all([page.waitForURL(/edition=PR/), page.click('.sku-selector button[type="submit"]')]);
    expect(await page.locator('.price-main').innerText()).toContain('€990.00');
    expect(await page.inputValue('.add-to-cart input[name="sku"]')).toBe('TL-MAPPER-PR-A');
    for (const path of ['/pricing', '/products/mapper-to-fhir', '/tools']) {
      await page.goto(`${server.url}${path}`);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await context.close();
  });
});
