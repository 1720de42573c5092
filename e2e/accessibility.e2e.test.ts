import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe } from './support/axe.ts';
import { type E2EServer, launchBrowser, signedInAdmin, startServer } from './support/harness.ts';

// axe-core (WCAG 2.1 A and AA rules) on every page the foundation ships, signed
// out and signed in, at desktop and phone widths: zero violations.

let server: E2EServer;
let browser: Browser;
let admin: BrowserContext;
const email = 'a11y-admin@e2e.test';
const password = 'accessible passphrase 2026';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = await signedInAdmin(server, browser, email, password);
  // A quote request, so that /admin/quotes shows its status form.
  const quote = await fetch(`${server.url}/api/v1/quotes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      sku: 'TL-MAPPER-EN',
      name: 'Ada Example',
      email: 'ada@hospital.example',
      message: 'Please quote 40 seats.',
    }),
  });
  expect(quote.status).toBe(202);
});

afterAll(async () => {
  await browser?.close();
  if (server) await server.stop();
});

async function violations(context: BrowserContext, path: string) {
  const page = await context.newPage();
  await page.goto(`${server.url}${path}`);
  const found = await axe(page);
  await page.close();
  return found;
}

const publicPages = [
  '/',
  '/sign-in',
  '/sign-up',
  '/sign-up/check-email',
  '/forgot-password',
  '/no-such-page',
];
const signedInPages = [
  '/',
  '/account',
  '/account/organizations',
  '/account/subscriptions',
  '/account/training',
  '/account/consulting',
  '/admin',
  '/admin/subscriptions',
  '/admin/fulfillment',
  '/admin/consulting',
  '/admin/outbox',
  '/admin/jobs',
  '/admin/audit',
  '/admin/quotes',
  '/admin/leads',
  // The checker's report and each product's delivery type (a form per tool).
  '/admin/catalog',
  // What product pages say: the index (a new-instructor form), a course (page, outline and
  // workshop forms), a FAQ and an instructor.
  '/admin/catalog/marketing',
  '/admin/catalog/marketing/products/TR-FHIR101',
  '/admin/catalog/marketing/faq/pricing',
  '/admin/catalog/marketing/instructors/priya-raman',
  '/admin/tax-rates',
];

describe('accessibility', () => {
  for (const width of [1280, 390]) {
    for (const path of publicPages) {
      it(`${path} signed out at ${width}px`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        expect(await violations(context, path)).toEqual([]);
        await context.close();
      });
    }
  }
  for (const path of signedInPages) {
    it(`${path} signed in as staff`, async () => {
      expect(await violations(admin, path)).toEqual([]);
    });
  }

  it('an organization with billing details, checkout buying for it, a ticket with files', async () => {
    const post = async (path: string, data: unknown, method: 'post' | 'put' = 'post') => {
      const r = await admin.request[method](`${server.url}${path}`, { data });
      expect(r.status(), await r.text()).toBeLessThan(300);
      return r.json();
    };
    const org = await post('/api/v1/orgs', { name: 'Accessible Hospital' });
    await post(
      `/api/v1/orgs/${org.id}/billing`,
      {
        legalName: 'Accessible Hospital Ltd',
        line1: '1 Main Street',
        city: 'Dublin',
        postalCode: 'D01 F5P2',
        country: 'IE',
        email: 'billing@accessible.example',
        vatId: 'IE6388047V',
      },
      'put',
    );
    await post('/api/v1/cart/items', { sku: 'TL-MAPPER-PR-A', quantity: 1 });
    const ticket = await post('/api/v1/account/support', {
      subject: 'Accessibility check',
      category: 'technical',
      body: 'A ticket whose page shows the files form.',
    });
    for (const path of [
      `/account/organizations/${org.id}`,
      `/checkout?organization=${org.id}`,
      `/account/support/${ticket.ticket.id}`,
      `/admin/support/${ticket.ticket.id}`,
      `/admin/organizations/${org.id}`,
    ])
      expect(await violations(admin, path), path).toEqual([]);
  });

  it('/admin/tax-rates showing form errors', async () => {
    const page = await admin.newPage();
    await page.goto(`${server.url}/admin/tax-rates`);
    await page.fill('#field-country', 'UK');
    await page.fill('#field-rate', '150');
    await page.fill('#field-validFrom', '2020-01-01');
    await page.fill('#field-label', 'Bad rate');
    await Promise.all([page.waitForLoadState('load'), page.click('main form.form button[type="submit"]')]);
    expect(await page.locator('.form-error').count()).toBeGreaterThan(0);
    const found = await axe(page);
    await page.close();
    expect(found).toEqual([]);
  });

  it('/admin/catalog/marketing/products/TL-MAPPER showing form errors', async () => {
    const page = await admin.newPage();
    await page.goto(`${server.url}/admin/catalog/marketing/products/TL-MAPPER`);
    // Valid to the browser, refused by the schema: a screenshot that is not a PNG or JPEG, a
    // documentation link off the site.
    await page.fill('#field-screenshots', 'images/tools/shot.gif | wide | 800 | A shot');
    await page.fill('#field-docsPath', 'https://elsewhere.example/docs');
    await Promise.all([page.waitForLoadState('load'), page.click('main form button[type="submit"]')]);
    expect(await page.locator('.form-error').count()).toBe(2);
    expect(await page.inputValue('#field-docsPath')).toBe('https://elsewhere.example/docs');
    const found = await axe(page);
    await page.close();
    expect(found).toEqual([]);
  });
});
