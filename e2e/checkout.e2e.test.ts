import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, fillBilling, pay, watchConsole } from './support/commerce.ts';
import { type E2EServer, launchBrowser, startServer } from './support/harness.ts';

// The buyer's journey in a real browser against a real server: product page →
// cart → checkout with the tax quote → the built-in test payment page →
// confirmation. No step needs JavaScript. axe-core on every commerce page.

let server: E2EServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (server) expect(await server.stop()).toBe(0);
});

async function addMapperToCart(page: Page) {
  await page.goto(`${server.url}/products/mapper-to-fhir?edition=PR&term=A`);
  await Promise.all([
    page.waitForURL(/\/cart$/),
    page.locator('form.add-to-cart button[type="submit"]').click(),
  ]);
  expect(await page.locator('main').innerText()).toContain('TL-MAPPER-PR-A');
}

const GERMAN = {
  name: 'Erika Mustermann',
  email: 'erika@e2e.test',
  line1: 'Unter den Linden 1',
  city: 'Berlin',
  postalCode: '10117',
  country: 'DE',
};

describe('checkout in a browser', () => {
  it('a new visitor buys TL-MAPPER-PR-A as a German consumer: 19 % VAT, pays with 4242…, sees the confirmation', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchConsole(page);
    await addMapperToCart(page);
    expect(await axe(page)).toEqual([]);
    await Promise.all([page.waitForURL(/\/checkout$/), page.locator('main a[href="/checkout"]').click()]);
    expect(await axe(page)).toEqual([]);
    await page.goBack();
    await fillBilling(page, GERMAN);
    expect(await page.locator('.checkout-quote').innerText()).toContain('19 %');
    expect(await page.locator('.checkout-quote').innerText()).toContain('$188.10');
    expect(await page.locator('.checkout-total').innerText()).toContain('$1,178.10');
    expect(await axe(page)).toEqual([]);
    await Promise.all([
      page.waitForURL(/\/pay\/test\/pay_/),
      page.locator('form.place-order button[type="submit"]').click(),
    ]);
    expect(await page.locator('main').innerText()).toContain('TEST PAYMENT');
    expect(await axe(page)).toEqual([]);
    await pay(page, '4242 4242 4242 4242');
    expect(page.url()).toMatch(/\/orders\/ord_[0-9a-z]+\/confirmation\?token=/);
    expect(await page.locator('h1').innerText()).toContain('Thank you for your order');
    expect(await page.locator('main').innerText()).toMatch(/FIQ-\d{4}-\d{6}/);
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
    // The card number is never logged (the server logs at debug level here).
    expect(server.output()).not.toMatch(/4242 ?4242 ?4242 ?4242/);
    await context.close();
  });

  it('a French business with a well-formed VAT ID sees 0 % reverse charge', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await addMapperToCart(page);
    await fillBilling(page, {
      name: 'Jean Dupont',
      organization: 'Exemple SA',
      email: 'jean@e2e.test',
      line1: '1 rue de Rivoli',
      city: 'Paris',
      postalCode: '75001',
      country: 'FR',
      vatId: 'FR40303265045',
    });
    expect(await page.locator('.checkout-quote').innerText()).toContain('0 % (reverse charge)');
    expect(await page.locator('.checkout-quote').innerText()).toMatch(/reverse charge/i);
    expect(await page.locator('.checkout-total').innerText()).toContain('$990.00');
    await context.close();
  });

  it('a declined card leaves an unpaid order and says so clearly', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await addMapperToCart(page);
    await fillBilling(page, { ...GERMAN, email: 'declined@e2e.test' });
    await Promise.all([
      page.waitForURL(/\/pay\/test\/pay_/),
      page.locator('form.place-order button[type="submit"]').click(),
    ]);
    const payUrl = page.url();
    await pay(page, '4000 0000 0000 0002');
    expect(page.url()).toBe(payUrl);
    expect(await page.locator('[role="alert"]').innerText()).toContain('Your card was declined.');
    expect(await page.locator('main').innerText()).toContain('No money was taken');
    expect(await page.locator('main').innerText()).toContain('TEST PAYMENT');
    expect(await axe(page)).toEqual([]);
    // The order is still waiting for its payment: the same page takes another card.
    await page.goto(payUrl);
    expect(await page.locator('form.pay-form').isVisible()).toBe(true);
    await context.close();
  });
});
