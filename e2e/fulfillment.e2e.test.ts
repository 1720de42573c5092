import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, fillBilling, pay, watchConsole } from './support/commerce.ts';
import { type E2EServer, launchBrowser, signedInAdmin, startServer } from './support/harness.ts';

// A signed-in customer (who is also staff) buys a course and a block of consulting hours; the
// worker fulfils the order from "order paid". The customer finds the course and the hours on
// their account pages; staff see the order on /admin/fulfillment and record time on the
// allocation through its form. axe-core on every page, including the form showing errors.

let server: E2EServer;
let browser: Browser;
let context: BrowserContext;
const email = 'fulfilled@e2e.test';
const password = 'fulfillment passphrase 2026';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await signedInAdmin(server, browser, email, password);
});

afterAll(async () => {
  await browser?.close();
  if (server) expect(await server.stop()).toBe(0);
});

async function addToCart(page: Page, path: string) {
  await page.goto(`${server.url}${path}`);
  await Promise.all([
    page.waitForURL(/\/cart$/),
    page.locator('form.add-to-cart button[type="submit"]').click(),
  ]);
}

/** A page once the worker has delivered what it shows. */
async function waitFor(page: Page, path: string, text: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.goto(`${server.url}${path}`);
    if ((await page.locator('main').innerText()).includes(text)) return;
    await page.waitForTimeout(250);
  }
  throw new Error(`${path} never showed ${text}`);
}

describe('fulfillment in a browser', () => {
  it('delivers a course and consulting hours; staff book time on the hours', async () => {
    const page = await context.newPage();
    const problems = watchConsole(page);
    await addToCart(page, '/products/fhir-fundamentals?edition=SP&term=P');
    await addToCart(page, '/products/consulting-blocks?edition=10&term=B');
    await fillBilling(page, {
      name: 'Fay Fulfilled',
      email,
      line1: '1 Main Street',
      city: 'Boston',
      postalCode: '02110',
      country: 'US',
    });
    await Promise.all([
      page.waitForURL(/\/pay\/test\/pay_/),
      page.locator('form.place-order button[type="submit"]').click(),
    ]);
    await pay(page, '4242 4242 4242 4242');
    expect(await page.locator('h1').innerText()).toContain('Thank you for your order');

    await waitFor(page, '/account/training', 'FHIR Fundamentals Self-Paced');
    expect(await page.locator('main').innerText()).toMatch(/TRN(-[0-9A-Z]{4}){4}/);
    expect(await axe(page)).toEqual([]);
    await waitFor(page, '/account/consulting', '10-Hour Consulting Block');
    expect(await page.locator('main').innerText()).toContain('10 h');
    expect(await axe(page)).toEqual([]);

    await waitFor(page, '/admin/fulfillment', 'Fulfilled');
    expect(await axe(page)).toEqual([]);
    await page.goto(`${server.url}/admin/consulting`);
    expect(await axe(page)).toEqual([]);
    await Promise.all([
      page.waitForURL(/\/admin\/consulting\/cal_/),
      page.locator('main table a').first().click(),
    ]);
    expect(await axe(page)).toEqual([]);

    // Too many hours: the form explains, accessibly, and records nothing.
    await page.fill('#field-hours', '11');
    await page.fill('#field-note', 'Architecture review');
    await Promise.all([
      page.waitForLoadState('load'),
      page.locator('main form button[type="submit"]').click(),
    ]);
    expect(await page.locator('main').innerText()).toContain('Nothing was recorded');
    expect(await axe(page)).toEqual([]);
    // The refusal is a 422 page, which the browser reports in its console: that one is expected.
    expect(problems.splice(0)).toEqual([expect.stringContaining('422')]);
    await page.fill('#field-hours', '1.5');
    await Promise.all([
      page.waitForURL(/done=recorded/),
      page.locator('main form button[type="submit"]').click(),
    ]);
    expect(await page.locator('main').innerText()).toContain('8.5 h');
    expect(await axe(page)).toEqual([]);

    await page.goto(`${server.url}/account/consulting`);
    expect(await page.locator('main').innerText()).toContain('Architecture review');
    expect(problems).toEqual([]);
    await page.close();
  });
});
