import type { Page } from 'playwright-core';

/** Browser helpers the commerce journeys share: console watch, axe, the checkout form, the test payment page. */

export { axe } from './axe.ts';

export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

export async function fillBilling(
  page: Page,
  b: {
    name: string;
    email: string;
    line1: string;
    city: string;
    postalCode: string;
    country: string;
    organization?: string;
    vatId?: string;
  },
) {
  await Promise.all([page.waitForURL(/\/checkout$/), page.locator('main a[href="/checkout"]').click()]);
  if (b.organization) await page.check('input[name="customerType"][value="business"]');
  await page.fill('input[name="name"]', b.name);
  if (b.organization) await page.fill('input[name="organization"]', b.organization);
  await page.fill('input[name="email"]', b.email);
  await page.fill('input[name="line1"]', b.line1);
  await page.fill('input[name="city"]', b.city);
  await page.fill('input[name="postalCode"]', b.postalCode);
  await page.selectOption('select[name="country"]', b.country);
  if (b.vatId) await page.fill('input[name="vatId"]', b.vatId);
  await Promise.all([
    page.waitForURL(/\/checkout\/review$/),
    page.locator('form.billing-form button[type="submit"]').click(),
  ]);
}

export async function pay(page: Page, card: string) {
  await page.fill('input[name="name"]', 'Card Holder');
  await page.fill('input[name="cardNumber"]', card);
  await page.fill('input[name="expiry"]', '12/34');
  await page.fill('input[name="cvc"]', '123');
  await page.locator('form.pay-form button[type="submit"]').click();
  await page.waitForLoadState('load');
}
