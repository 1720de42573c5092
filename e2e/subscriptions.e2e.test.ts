import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, fillBilling, pay, watchConsole } from './support/commerce.ts';
import { type E2EServer, launchBrowser, signedInAdmin, startServer } from './support/harness.ts';

// A signed-in customer buys a monthly plan, finds it under "Your subscriptions"
// (created by the worker from "order paid"), previews and confirms an upgrade
// with proration, schedules its cancellation and takes it back. No step needs
// JavaScript; axe-core on every page, at desktop and phone widths.

let server: E2EServer;
let browser: Browser;
let context: BrowserContext;
const email = 'subscriber@e2e.test';
const password = 'subscription passphrase 2026';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await signedInAdmin(server, browser, email, password);
});

afterAll(async () => {
  await browser?.close();
  if (server) expect(await server.stop()).toBe(0);
});

/** The subscription list, once the worker has turned the paid order into a subscription. */
async function openSubscription(page: Page): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.goto(`${server.url}/account/subscriptions`);
    const link = page.locator('main table a');
    if (await link.count()) {
      await Promise.all([page.waitForURL(/\/account\/subscriptions\/sub_/), link.first().click()]);
      return;
    }
    await page.waitForTimeout(250);
  }
  throw new Error('the subscription did not appear');
}

describe('subscriptions in a browser', () => {
  it('buy monthly, upgrade with a priced preview, cancel at period end and resume', async () => {
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${server.url}/products/mapper-to-fhir?edition=ST&term=M`);
    await Promise.all([
      page.waitForURL(/\/cart$/),
      page.locator('form.add-to-cart button[type="submit"]').click(),
    ]);
    await fillBilling(page, {
      name: 'Sam Subscriber',
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

    await openSubscription(page);
    expect(await page.locator('main').innerText()).toContain('Renews on');
    expect(await axe(page)).toEqual([]);
    await page.goto(`${server.url}/account/subscriptions`);
    expect(await axe(page)).toEqual([]);
    await openSubscription(page);

    await page.selectOption('select[name="sku"]', 'TL-MAPPER-PR-M');
    await Promise.all([
      page.waitForURL(/\/change\?/),
      page.locator('form[action$="/change"] button[type="submit"]').click(),
    ]);
    expect(await page.locator('h1').innerText()).toContain('Confirm the plan change');
    expect(await page.locator('main').innerText()).toContain('Charged to your card now');
    expect(await axe(page)).toEqual([]);
    await Promise.all([
      page.waitForURL(/done=changed/),
      page.locator('form[method="post"][action$="/change"] button[type="submit"]').click(),
    ]);
    expect(await page.locator('main').innerText()).toContain('Your plan is changed.');
    expect(await page.locator('main').innerText()).toContain('TL-MAPPER-PR-M');

    await Promise.all([
      page.waitForURL(/done=cancel-scheduled/),
      page.locator('form[action$="/cancel"] button[type="submit"]').click(),
    ]);
    expect(await page.locator('main').innerText()).toContain('will not renew');
    expect(await axe(page)).toEqual([]);
    await Promise.all([
      page.waitForURL(/done=resumed/),
      page.locator('form[action$="/resume"] button[type="submit"]').click(),
    ]);
    expect(await page.locator('main').innerText()).toContain('Renews on');

    // The same page at phone width, and the staff list.
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await axe(page)).toEqual([]);
    await page.goto(`${server.url}/admin/subscriptions`);
    expect(await page.locator('main').innerText()).toContain(email);
    expect(await axe(page)).toEqual([]);
    // Staff pages of the subscription and of its orders (with the refund form).
    await page.setViewportSize({ width: 1280, height: 900 });
    await Promise.all([
      page.waitForURL(/\/admin\/subscriptions\/sub_/),
      page.locator('main table a').first().click(),
    ]);
    expect(await page.locator('main').innerText()).toContain('End this subscription now');
    expect(await axe(page)).toEqual([]);
    await page.goto(`${server.url}/admin/orders`);
    await Promise.all([
      page.waitForURL(/\/admin\/orders\/ord_/),
      page.locator('main table a').first().click(),
    ]);
    expect(await page.locator('main').innerText()).toMatch(/refund/i);
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
