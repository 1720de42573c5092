import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, linkFromMail, mailsTo } from '../accounts/test-support.ts';
import { checkoutAs, GERMAN_CONSUMER, guestWithCart, payWithCard } from './test-support.ts';

// A guest who bought without an account must be able to take the account over
// later: the password-reset link creates the password, verifying the email
// opens sign-in, and the order is theirs.

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t?.close();
});

it('lets a guest buyer claim the account created at checkout and see the order', async () => {
  const guest = await guestWithCart(t);
  const { orderId, payUrl } = await checkoutAs(t, guest, { ...GERMAN_CONSUMER, email: 'claim@example.de' });
  await payWithCard(t, guest, payUrl, '4242424242424242');

  const forgot = await api(t, 'POST', '/api/v1/auth/forgot-password', {
    body: { email: 'claim@example.de' },
  });
  expect(forgot.statusCode).toBe(202);
  const reset = await linkFromMail(t, 'claim@example.de', 'accounts.reset-password', '/reset-password');
  const password = 'a brand new passphrase 1';
  const done = await api(t, 'POST', '/api/v1/auth/reset-password', {
    body: { token: reset.searchParams.get('token'), password },
  });
  expect(done.statusCode, done.body).toBe(200);

  const jar = new CookieJar();
  let signIn = await api(t, 'POST', '/api/v1/auth/sign-in', {
    body: { email: 'claim@example.de', password },
    jar,
  });
  if (signIn.statusCode === 403) {
    // Not verified yet: the sign-in attempt mailed a verification link.
    expect(signIn.json().error.code).toBe('EMAIL_NOT_VERIFIED');
    const verify = await linkFromMail(t, 'claim@example.de', 'accounts.verify-email', '/verify-email');
    const ok = await api(t, 'POST', '/api/v1/auth/verify-email', {
      body: { token: verify.searchParams.get('token') },
    });
    expect(ok.statusCode).toBe(200);
    signIn = await api(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: 'claim@example.de', password },
      jar,
    });
  }
  expect(signIn.statusCode, signIn.body).toBe(200);

  const orders = await api(t, 'GET', '/api/v1/orders', { jar });
  expect(orders.statusCode).toBe(200);
  expect(JSON.stringify(orders.json())).toContain(orderId);
  expect((await mailsTo(t, 'claim@example.de')).length).toBeGreaterThan(0);
});
