import { sql } from 'kysely';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/support/test-app.ts';
import { axe, watchConsole } from './support/commerce.ts';
import { launchBrowser } from './support/harness.ts';

// A staff admin finds a license by its owner's email, suspends it with a
// reason and reads the trail; the owner's license page then explains the
// suspension, and shows the usage meter of the current period. axe-core on both staff pages and
// on the customer's pages.
//
// The server runs in this process (not `fhiriq serve`): licenses reach a
// customer's account through fulfillment or with a user id, and neither the
// CLI nor any HTTP route issues one to an account, so the test issues it
// through the licensing service on the same database.

let t: TestApp;
let url: string;
let browser: Browser;
let context: BrowserContext;
let licenseId: string;
const email = 'license-admin@e2e.test';
const password = 'license passphrase 2026';

beforeAll(async () => {
  t = await createTestApp();
  url = await t.http.listen({ host: '127.0.0.1', port: 0 });
  await t.app.modules.accounts.createAdmin({ email, password });
  const user = await sql<{ id: string }>`SELECT id FROM auth_user WHERE email = ${email}`.execute(
    t.app.ctx.db,
  );
  const issued = await t.app.modules.licensing.licenses.issue({
    sku: 'TL-MAPPER-PR-A',
    email,
    userId: user.rows[0]!.id,
    source: 'staff',
    sourceRef: 'staff:e2e-license',
    seats: 2,
  });
  licenseId = issued.license.id;
  const activated = await fetch(`${url}/api/v1/licenses/activate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: issued.key, fingerprint: 'e2e-workstation-1', name: 'Workstation' }),
  });
  expect((await activated.json()).ok).toBe(true);
  await t.app.modules.licensing.seats.assign(licenseId, 'analyst@e2e.test', { kind: 'cli' });
  // 85 % of the records Professional includes this month: the meter is past its 80 % mark.
  await t.app.modules.licensing.usage.record(
    issued.key,
    [{ meter: 'records', quantity: 85_000, idempotencyKey: 'e2e-usage-0001' }],
    { ip: null },
  );

  browser = await launchBrowser();
  context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/sign-in`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([
    page.waitForURL(/\/account/),
    page.locator('main form button[type="submit"]').first().click(),
  ]);
  await page.close();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('licenses in a browser', () => {
  it('staff find a license, suspend it with a reason and see the trail; the owner sees why', async () => {
    const page = await context.newPage();
    const problems = watchConsole(page);

    await page.goto(`${url}/admin`);
    await Promise.all([
      page.waitForURL(/\/admin\/licenses$/),
      page.locator('nav a[href="/admin/licenses"]').click(),
    ]);
    expect(await axe(page)).toEqual([]);
    await page.fill('input[name="q"]', 'license-admin@');
    await Promise.all([page.waitForURL(/q=license-admin/), page.locator('form.order-search button').click()]);
    await Promise.all([
      page.waitForURL(new RegExp(`/admin/licenses/${licenseId}$`)),
      page.locator(`main table a[href="/admin/licenses/${licenseId}"]`).click(),
    ]);
    const main = page.locator('main');
    expect(await main.innerText()).toContain('Workstation');
    expect(await axe(page)).toEqual([]);

    await page.fill('#suspend-reason', 'Card payment disputed by the bank');
    await Promise.all([
      page.waitForURL(/done=suspended/),
      page.locator('form[action$="/suspend"] button[type="submit"]').click(),
    ]);
    expect(await main.innerText()).toContain('The license is suspended.');
    expect(await main.innerText()).toContain('Suspended: Card payment disputed by the bank');
    const trail = page.locator('#trail tbody');
    expect(await trail.innerText()).toContain('note: Card payment disputed by the bank');
    expect(await trail.innerText()).toContain('Machine activated');
    expect(await axe(page)).toEqual([]);

    // The trail filtered to suspensions.
    await page.selectOption('#trail-type', 'suspended');
    await Promise.all([page.waitForURL(/type=suspended/), page.locator('#trail form button').click()]);
    expect(await trail.innerText()).toContain('staff: license-admin@e2e.test');
    expect(await trail.innerText()).not.toContain('Machine activated');

    // The owner's pages (the admin owns this license).
    await page.goto(`${url}/account/licenses`);
    expect(await main.innerText()).toContain('Suspended');
    expect(await axe(page)).toEqual([]);
    await Promise.all([
      page.waitForURL(new RegExp(`/account/licenses/${licenseId}$`)),
      page.locator(`main table a[href="/account/licenses/${licenseId}"]`).click(),
    ]);
    expect(await main.innerText()).toContain('Your software refuses this key for now.');
    expect(await page.inputValue('#license-key')).toMatch(/^FHIR(-[0-9A-Z]{4}){5}$/);
    expect(await main.innerText()).toContain('analyst@e2e.test');
    // The usage meter: a labelled bar with its numbers and its 80 % state in words.
    const meter = page.getByRole('meter', { name: 'Records: 85,000 of 100,000 used' });
    expect(await meter.getAttribute('value')).toBe('85000');
    expect(await main.innerText()).toContain('80 % of what your plan includes is used');
    expect(await axe(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
