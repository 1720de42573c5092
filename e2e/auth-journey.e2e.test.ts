import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type E2EServer, launchBrowser, startServer } from './support/harness.ts';

// The newcomer's journey in a real browser against a real server process:
// sign up, read the verification mail in the admin outbox, verify, sign in,
// see the account page, sign out. No JavaScript is required by any step.

let server: E2EServer;
let browser: Browser;
const adminEmail = 'admin@e2e.test';
const adminPassword = 'correct horse battery staple 42';
const userEmail = 'ada@e2e.test';
const userPassword = 'analytical engine 1843!';

beforeAll(async () => {
  server = await startServer();
  const created = await server.cli(
    ['admin', 'create', '--email', adminEmail, '--password-stdin'],
    `${adminPassword}\n`,
  );
  expect(created.code, created.stderr).toBe(0);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (server) expect(await server.stop()).toBe(0);
});

/** Fails the test on any console error, including CSP violations. */
function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${server.url}/sign-in`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([
    page.waitForURL(/\/(account|admin)/),
    page.locator('main form button[type="submit"]').first().click(),
  ]);
}

it('signs up, verifies by the mailed link, signs in, sees the account and signs out', async () => {
  const user = await (await browser.newContext()).newPage();
  const userProblems = watchConsole(user);

  await user.goto(`${server.url}/sign-up`);
  await user.fill('input[name="name"]', 'Ada Lovelace');
  await user.fill('input[name="email"]', userEmail);
  await user.fill('input[name="password"]', userPassword);
  await Promise.all([
    user.waitForURL(/\/sign-up\/check-email/),
    user.locator('main form button[type="submit"]').first().click(),
  ]);
  expect(await user.locator('h1').innerText()).toMatch(/email/i);

  // Staff read the outbox: in embedded mode mail is stored, not sent.
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, adminEmail, adminPassword);
  await admin.goto(`${server.url}/admin/outbox?to=${encodeURIComponent(userEmail)}`);
  await admin
    .locator('table a', { hasText: /verify/i })
    .first()
    .click();
  const text = await admin.locator('pre.mail-text').innerText();
  const link = /https?:\/\/\S+\/verify-email\?token=\S+/.exec(text)?.[0];
  expect(link, text).toBeTruthy();

  // The link is built from PUBLIC_URL (localhost:PORT); follow it on the server's real address.
  const verifyUrl = new URL(link!);
  await user.goto(`${server.url}${verifyUrl.pathname}${verifyUrl.search}`);
  const confirm = user.locator('main form button[type="submit"]');
  if (await confirm.count()) await Promise.all([user.waitForURL(/\/sign-in/), confirm.first().click()]);
  expect(user.url()).toMatch(/\/sign-in/);

  await signIn(user, userEmail, userPassword);
  expect(user.url()).toMatch(/\/account/);
  expect(await user.locator('h1').innerText()).toBe('Your account');
  expect(await user.locator('main').innerText()).toContain(userEmail);

  await Promise.all([
    user.waitForURL(`${server.url}/`),
    user.locator('header form[action="/sign-out"] button').click(),
  ]);
  expect(await user.locator('header').innerText()).toContain('Sign in');
  // Signed out means the account page is closed again.
  await user.goto(`${server.url}/account`);
  expect(user.url()).toMatch(/\/sign-in/);

  expect(userProblems).toEqual([]);

  // Nothing secret or personal reached the server's logs.
  const logs = server.output();
  expect(logs.length).toBeGreaterThan(1000);
  for (const secret of [userPassword, adminPassword, verifyUrl.searchParams.get('token')!, userEmail]) {
    expect(logs).not.toContain(secret);
  }
});
