import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, signedInUser } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import { afterPayment, buy, runQueued } from '../fulfillment/test-support.ts';
import { ONBOARDING_JOBS, type OnboardingTemplate } from './index.ts';

/**
 * The onboarding plan for each mix of product types, under time travel: every order is paid at
 * the same moment, then the clock walks through the sequence; at each stop the sweep runs (twice
 * at once, then again) and each buyer's outbox holds exactly the mails due by then, each once.
 * A full refund after 24 h cancels the rest; a partial one that leaves every line partly paid
 * cancels nothing; an unsubscribed buyer gets only the transactional mails.
 */

const T0 = Date.parse('2026-05-04T08:00:00Z');
const HOUR = 3_600_000;

let t: TestApp;
let jars: Record<Who, CookieJar>;
beforeAll(async () => {
  t = await createTestApp({ clockAt: new Date(T0).toISOString() });
  jars = await staffJars(t, 'onb');
}, 60_000);
afterAll(async () => t?.close());

const svc = () => t.app.modules.onboarding.service;

/** [template, hours after payment] for each scenario: what its buyer must receive, and when. */
type Expected = [OnboardingTemplate, number][];
const WELCOME: [OnboardingTemplate, number] = ['onboarding.welcome', 0];
const CHECKIN: [OnboardingTemplate, number] = ['onboarding.success-checkin', 168];
const SOFTWARE: Expected = [
  ['onboarding.software-activation', 24],
  ['onboarding.software-tips', 72],
];
const TRAINING: Expected = [
  ['onboarding.training-access', 2],
  ['onboarding.learning-path', 48],
];
const CONSULTING: Expected = [['onboarding.consultation-scheduling', 4]];

interface Scenario {
  email: string;
  items: { sku: string; quantity: number }[];
  expected: Expected;
  orderId?: string;
}

const scenarios: Record<string, Scenario> = {
  software: {
    email: 'onb-software@example.de',
    items: [{ sku: 'TL-MAPPER-ST-M', quantity: 1 }],
    expected: [WELCOME, ...SOFTWARE, CHECKIN],
  },
  training: {
    email: 'onb-training@example.de',
    items: [{ sku: 'TR-FHIR101-SP-P', quantity: 1 }],
    expected: [WELCOME, ...TRAINING, CHECKIN],
  },
  consulting: {
    email: 'onb-consulting@example.de',
    items: [{ sku: 'CS-BLOCKS-10-B', quantity: 1 }],
    expected: [WELCOME, ...CONSULTING, CHECKIN],
  },
  mix: {
    email: 'onb-mix@example.de',
    items: [
      { sku: 'TL-BUILDER-IN-M', quantity: 1 },
      { sku: 'TR-FHIR101-LV-S', quantity: 1 },
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
    ],
    expected: [WELCOME, ...SOFTWARE, ...TRAINING, ...CONSULTING, CHECKIN],
  },
  // Two tools and a course: software and training, each template once.
  bundle: {
    email: 'onb-bundle@example.de',
    items: [{ sku: 'BN-STARTER-A', quantity: 1 }],
    expected: [WELCOME, ...SOFTWARE, ...TRAINING, CHECKIN],
  },
  // Unsubscribed before anything was sent: the marketing mails (tips, learning path, check-in) never come.
  unsubscribed: {
    email: 'onb-unsubscribed@example.de',
    items: [
      { sku: 'TL-MAPPER-ST-M', quantity: 1 },
      { sku: 'TR-FHIR101-SP-P', quantity: 1 },
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
    ],
    expected: [
      WELCOME,
      ['onboarding.training-access', 2],
      ...CONSULTING,
      ['onboarding.software-activation', 24],
    ],
  },
  // Refunded in full 25 hours after payment: what was sent stays sent, nothing more comes.
  refunded: {
    email: 'onb-refunded@example.de',
    items: [
      { sku: 'TL-MAPPER-ST-M', quantity: 1 },
      { sku: 'TR-FHIR101-SP-P', quantity: 1 },
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
    ],
    expected: [
      WELCOME,
      ['onboarding.training-access', 2],
      ...CONSULTING,
      ['onboarding.software-activation', 24],
    ],
  },
  // Half refunded at 25 h: every line keeps an unrefunded share, so every mail still comes.
  halfRefunded: {
    email: 'onb-half@example.de',
    items: [
      { sku: 'TR-FHIR101-SP-P', quantity: 1 },
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
    ],
    expected: [WELCOME, ...TRAINING, ...CONSULTING, CHECKIN],
  },
};

const mailed = async (email: string): Promise<string[]> =>
  (
    await sql<{ template: string }>`
      SELECT template FROM mail_message WHERE to_address = ${email} AND template LIKE 'onboarding.%'
      ORDER BY template`.execute(t.app.ctx.db)
  ).rows.map((r) => r.template);

const dueBy = (s: Scenario, hours: number) =>
  s.expected
    .filter(([, h]) => h <= hours)
    .map(([template]) => template)
    .sort();

async function refund(orderId: string, amount: number): Promise<void> {
  const r = await api(t, 'POST', `/api/v1/admin/orders/${orderId}/refunds`, {
    jar: jars.admin,
    body: { amount, reason: 'customer asked' },
    headers: { 'idempotency-key': `test-${randomUUID()}` },
  });
  expect(r.statusCode, r.body).toBe(201);
  expect(r.json().status).toBe('succeeded');
}

const grossOf = async (orderId: string) =>
  Number((await t.app.modules.orders.service.get(orderId))!.row.gross_total);

const stepStatuses = async (orderId: string) =>
  Object.fromEntries((await svc().view(orderId))!.steps.map((s) => [s.template, s.status]));

describe('the onboarding sequence under time travel', () => {
  it('sends each mix of product types exactly its mails, each once, at its time; refunds and unsubscribes hold', async () => {
    // The unsubscribed buyer follows the link of an earlier mail (no sign-in) before buying.
    const token = t.app.modules.onboarding.preferences.tokenFor(scenarios.unsubscribed!.email);
    const page = await t.http.inject({
      method: 'GET',
      url: `/unsubscribe?token=${token}`,
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('o•••@example.de');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const cookie = [page.headers['set-cookie']]
      .flat()
      .map((c) => String(c).split(';')[0])
      .join('; ');
    const confirmed = await t.http.inject({
      method: 'POST',
      url: '/unsubscribe',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie },
      payload: new URLSearchParams({ _csrf: csrf, token, choice: 'unsubscribe' }).toString(),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(303);
    expect((await t.app.modules.onboarding.preferences.ofToken(token)).marketing).toBe(false);

    for (const [name, s] of Object.entries(scenarios)) {
      const jar = await signedInUser(t, s.email);
      s.orderId = await buy(t, jar, s.email, s.items);
      await afterPayment(t);
      if (name === 'bundle') {
        // Two deliveries of "order paid" at the same moment, and the queued one after: planned once.
        await Promise.all([svc().onOrderPaid(s.orderId), svc().onOrderPaid(s.orderId)]);
      }
      await runQueued(t, ONBOARDING_JOBS.orderPaid);
    }

    // "Order paid" delivered again for every order: nothing is scheduled or sent twice.
    const before = (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM onboarding_step`.execute(t.app.ctx.db)
    ).rows[0]!.n;
    await sql`UPDATE pgboss.job SET state = 'created' WHERE name = ${ONBOARDING_JOBS.orderPaid}`.execute(
      t.app.ctx.db,
    );
    expect(await runQueued(t, ONBOARDING_JOBS.orderPaid)).toBe(Object.keys(scenarios).length);
    expect(
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM onboarding_step`.execute(t.app.ctx.db))
        .rows[0]!.n,
    ).toBe(before);

    // A renewal is no new customer: paid renewal orders get no sequence (checked at the end).
    for (const hours of [0, 1, 2, 3, 4, 23, 24, 25, 47, 48, 71, 72, 167, 168, 240]) {
      t.clock!.set(new Date(T0 + hours * HOUR));
      if (hours === 25) {
        await refund(scenarios.refunded!.orderId!, await grossOf(scenarios.refunded!.orderId!));
        await refund(
          scenarios.halfRefunded!.orderId!,
          Math.floor((await grossOf(scenarios.halfRefunded!.orderId!)) / 2),
        );
        await runQueued(t, ONBOARDING_JOBS.orderRefunded);
        const cancelled = await stepStatuses(scenarios.refunded!.orderId!);
        expect(cancelled).toMatchObject({
          'onboarding.welcome': 'sent',
          'onboarding.software-activation': 'sent',
          'onboarding.software-tips': 'cancelled',
          'onboarding.learning-path': 'cancelled',
          'onboarding.success-checkin': 'cancelled',
        });
        expect(Object.values(await stepStatuses(scenarios.halfRefunded!.orderId!))).not.toContain(
          'cancelled',
        );
      }
      // Two workers at once, then a third run: each due mail is sent by exactly one of them.
      const [a, b] = await Promise.all([svc().sendDue(), svc().sendDue()]);
      const again = await svc().sendDue();
      expect(again.sent + again.suppressed, `nothing left at ${hours} h`).toBe(0);
      expect(a.failed + b.failed + again.failed).toBe(0);
      for (const [name, s] of Object.entries(scenarios))
        expect(await mailed(s.email), `${name} at ${hours} h`).toEqual(dueBy(s, hours));
    }

    // The unsubscribed buyer's marketing steps were suppressed, not sent.
    expect(await stepStatuses(scenarios.unsubscribed!.orderId!)).toMatchObject({
      'onboarding.software-tips': 'suppressed',
      'onboarding.learning-path': 'suppressed',
      'onboarding.success-checkin': 'suppressed',
    });

    // Each mail went out at its due time (the clock of the stop where it fell due).
    const mix = (
      await sql<{ template: string; created_at: Date }>`
        SELECT template, created_at FROM mail_message WHERE to_address = ${scenarios.mix!.email}
        AND template LIKE 'onboarding.%'`.execute(t.app.ctx.db)
    ).rows;
    for (const [template, hours] of scenarios.mix!.expected)
      expect(new Date(mix.find((m) => m.template === template)!.created_at).getTime(), template).toBe(
        T0 + hours * HOUR,
      );

    // The activation mail follows each product's type from the catalog: the app builder is hosted.
    const activation = async (email: string) =>
      (
        await sql<{ text: string }>`SELECT text_body AS text FROM mail_message WHERE to_address = ${email}
          AND template = 'onboarding.software-activation'`.execute(t.app.ctx.db)
      ).rows[0]!.text;
    expect((await svc().view(scenarios.mix!.orderId!))!.plan.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sku: 'TL-BUILDER-IN-M', productType: 'web_service' }),
      ]),
    );
    expect(await activation(scenarios.mix!.email)).toContain('START USING YOUR HOSTED SERVICE');
    expect(await activation(scenarios.mix!.email)).not.toContain('ACTIVATE ON YOUR COMPUTER');
    expect(await activation(scenarios.software!.email)).toContain('ACTIVATE ON YOUR COMPUTER');
    expect(await activation(scenarios.software!.email)).not.toContain('HOSTED SERVICE');

    // A month on, the monthly subscriptions renew: renewal orders are paid, but get no sequence.
    t.clock!.set(new Date(T0 + 32 * 24 * HOUR));
    await t.app.modules.subscriptions.service.sweep();
    const renewals = (
      await sql<{
        id: string;
      }>`SELECT id FROM sales_order WHERE origin = 'renewal' AND paid_at IS NOT NULL`.execute(t.app.ctx.db)
    ).rows;
    expect(renewals.length).toBeGreaterThan(0);
    expect(await runQueued(t, ONBOARDING_JOBS.orderPaid)).toBeGreaterThan(0);
    for (const r of renewals) expect(await svc().view(r.id)).toBeUndefined();
    await svc().sendDue();
    for (const [name, s] of Object.entries(scenarios))
      expect(await mailed(s.email), `${name} after the renewals`).toEqual(dueBy(s, 240));
  }, 120_000);
});
