import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, csrfFrom, postForm, signedInUser } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import {
  ATTENTION_MAIL_TEMPLATE,
  type FaultHook,
  FULFILL_RETRY_LIMIT,
  FULFILLMENT_JOBS,
  READY_MAIL_TEMPLATE,
} from './index.ts';
import { afterPayment, buy, mailsWith, runQueued } from './test-support.ts';

/**
 * "Order paid" → licenses, enrollments, consulting hours, exactly once: a cart with a tool, a
 * live course, hours and a bundle, paid with the test card; the events run as the worker would,
 * delivered twice; a fault hook stops the run between every two steps; the retries run out.
 */

let t: TestApp;
let jars: Record<Who, CookieJar>;
const db = () => t.app.ctx.db;
const fulfillment = () => t.app.modules.fulfillment;

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
  jars = await staffJars(t, 'ful');
}, 60_000);
afterAll(async () => t?.close());

const licensesOf = async (orderId: string) =>
  (
    await sql<{
      id: string;
      sku: string;
      seats: number;
      status: string;
      valid_until: Date | null;
      source_ref: string;
    }>`
      SELECT l.id, l.sku, l.seats, l.status, l.valid_until, l.source_ref FROM license l
      JOIN order_line ol ON l.source_ref LIKE 'order-line:' || ol.id || '%'
      WHERE ol.order_id = ${orderId} ORDER BY l.source_ref`.execute(db())
  ).rows;
const enrollmentsOf = async (orderId: string) =>
  (
    await sql<{ sku: string; seats: number; format: string; valid_until: Date | null }>`
      SELECT sku, seats, format, valid_until FROM training_enrollment WHERE order_id = ${orderId} ORDER BY sku`.execute(
      db(),
    )
  ).rows;
const allocationsOf = async (orderId: string) =>
  (
    await sql<{ sku: string; minutes_allocated: number | null; expires_at: Date | null; engagement: string }>`
      SELECT sku, minutes_allocated, expires_at, engagement FROM consulting_allocation WHERE order_id = ${orderId}`.execute(
      db(),
    )
  ).rows;

describe('a paid order with a tool, a live course, consulting hours and a bundle', () => {
  let buyer: CookieJar;
  let orderId: string;

  beforeAll(async () => {
    buyer = await signedInUser(t, 'buyer@example.de');
    orderId = await buy(t, buyer, 'buyer@example.de', [
      { sku: 'TL-MAPPER-PR-M', quantity: 3 },
      { sku: 'TR-FHIR101-LV-S', quantity: 2 },
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
      { sku: 'BN-STARTER-A', quantity: 1 },
    ]);
    await afterPayment(t);
  });

  it('delivers each line once: licenses from the SKU, seats, terms from the subscription', async () => {
    expect((await fulfillment().service.get(orderId))?.fulfillment).toMatchObject({
      status: 'fulfilled',
      attempts: 1,
      failed_step: null,
    });
    const licenses = await licensesOf(orderId);
    expect(licenses.map((l) => [l.sku, l.seats, l.status, l.valid_until?.toISOString() ?? null])).toEqual(
      expect.arrayContaining([
        // Professional Mapper, sold per seat: 3 seats; monthly, so to the end of the first month.
        ['TL-MAPPER-PR-M', 3, 'ACTIVE', '2026-04-10T12:00:00.000Z'],
        // The bundle's tools, one seat each, for its annual subscription.
        ['TL-BUILDER-IN-A', 1, 'ACTIVE', '2027-03-10T12:00:00.000Z'],
        ['TL-MAPPER-ST-A', 1, 'ACTIVE', '2027-03-10T12:00:00.000Z'],
      ]),
    );
    expect(licenses).toHaveLength(3);
    expect(licenses.filter((l) => /:TL-/.test(l.source_ref))).toHaveLength(2);
    const enrollments = await enrollmentsOf(orderId);
    expect(enrollments.map((e) => [e.sku, e.seats, e.format, e.valid_until?.toISOString() ?? null])).toEqual([
      // Live: one seat per unit, access for 12 months.
      ['TR-FHIR101-LV-S', 2, 'live', '2027-03-10T12:00:00.000Z'],
      // Self-paced, from the bundle: lifetime.
      ['TR-FHIR101-SP-P', 1, 'self_paced', null],
    ]);
    const allocations = await allocationsOf(orderId);
    expect(allocations.map((a) => [a.sku, a.minutes_allocated, a.expires_at?.toISOString()])).toEqual([
      // 10 hours, to use within 6 months (002).
      ['CS-BLOCKS-10-B', 600, '2026-09-10T12:00:00.000Z'],
    ]);
  });

  it('delivers nothing more when "order paid" arrives again, and mails the buyer once', async () => {
    await fulfillment().service.onOrderPaid(orderId, { final: false });
    await fulfillment().service.onOrderPaid(orderId, { final: false });
    expect(await licensesOf(orderId)).toHaveLength(3);
    expect(await enrollmentsOf(orderId)).toHaveLength(2);
    expect(await allocationsOf(orderId)).toHaveLength(1);
    const mails = await mailsWith(t, READY_MAIL_TEMPLATE);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toBe('buyer@example.de');
    // Masked keys only: the full ones are on the account pages.
    expect(mails[0]!.text).toMatch(/FHIR-\*\*\*\*-\*\*\*\*-\*\*\*\*-\*\*\*\*-[0-9A-Z]{4}/);
    expect(mails[0]!.text).toMatch(/TRN-\*\*\*\*-\*\*\*\*-\*\*\*\*-[0-9A-Z]{4}/);
    expect(mails[0]!.text).toContain('10 consulting hours, to use by 2026-09-10');
    expect(mails[0]!.text).toContain('/account/licenses');
    // Each item with the activation steps of its product's type.
    const text = mails[0]!.text;
    const section = (name: string) => {
      const from = text.indexOf(`${name.toUpperCase()}\n`);
      expect(from, name).toBeGreaterThanOrEqual(0);
      const next = text.slice(from + name.length + 1).search(/\n\n[A-Z0-9 ()-]+\n/);
      return text.slice(from, next < 0 ? undefined : from + name.length + 1 + next);
    };
    const mapperId = (await licensesOf(orderId)).find((l) => l.sku === 'TL-MAPPER-PR-M')!.id;
    const builderId = (await licensesOf(orderId)).find((l) => l.sku === 'TL-BUILDER-IN-A')!.id;
    // The Mapper is a download: download, install, enter the key, activate; three seats.
    expect(section('Mapper to FHIR Professional (monthly)')).toMatch(
      /Install and activate:\n\n1\. Download .*\/account\/downloads.*\n2\. Install .*\n3\. Start it and enter your license key.*\/account\/licenses\/lic_\w+.*\n4\. Activate: .*This license has 3 seats/,
    );
    expect(section('Mapper to FHIR Professional (monthly)')).toContain(`/account/licenses/${mapperId}`);
    // The app builder (from the bundle) is hosted: sign in, the license page, the key.
    expect(section('Build a FHIR App with AI Individual (annual)')).toMatch(
      /Start using it:\n\n1\. Sign in at .*\/sign-in with buyer@example.de.*nothing to install\.\n2\. Open the service from your license page: .*\n3\. Enter your license key/,
    );
    expect(section('Build a FHIR App with AI Individual (annual)')).toContain(
      `/account/licenses/${builderId}`,
    );
    expect(section('FHIR Fundamentals Live Workshop')).toMatch(
      /Start the course:\n\n1\. Sign in .*\n2\. Open .*\/account\/training.*\n3\. Enter the access key .* it admits 2 participants/,
    );
    expect(section('10-Hour Consulting Block')).toMatch(
      /Book your time:\n\n1\. Book your first session: http\S+\/contact\./,
    );
    const html = (
      await sql<{
        html: string;
      }>`SELECT html_body AS html FROM mail_message WHERE template = ${READY_MAIL_TEMPLATE}`.execute(db())
    ).rows[0]!.html;
    expect(html).toContain('<h2');
    expect(html.match(/<ol /g)).toHaveLength(6);
    expect(html).toContain('/account/downloads');
    const keys = (
      await sql<{ id: string }>`SELECT id FROM license WHERE email = 'buyer@example.de'`.execute(db())
    ).rows;
    for (const { id } of keys) {
      const license = (await t.app.modules.licensing.licenses.get(id))!;
      expect(mails[0]!.text).not.toContain(t.app.modules.licensing.licenses.keyOf(license));
    }
  });

  it('shows the buyer their enrollments and hours (JSON and pages), and nobody else', async () => {
    const enrollments = await api(t, 'GET', '/api/v1/account/enrollments', { jar: buyer });
    expect(enrollments.statusCode).toBe(200);
    const items = enrollments.json().items as { sku: string; accessKey: string; status: string }[];
    expect(items.map((i) => i.sku).sort()).toEqual(['TR-FHIR101-LV-S', 'TR-FHIR101-SP-P']);
    for (const i of items) expect(i.accessKey).toMatch(/^TRN(-[0-9A-Z]{4}){4}$/);
    const consulting = await api(t, 'GET', '/api/v1/account/consulting', { jar: buyer });
    expect(consulting.json().items).toEqual([
      expect.objectContaining({
        sku: 'CS-BLOCKS-10-B',
        hoursAllocated: 10,
        hoursRemaining: 10,
        minutesRemaining: 600,
        status: 'active',
        expiresAt: '2026-09-10T12:00:00.000Z',
        entries: [],
      }),
    ]);
    for (const path of ['/account/training', '/account/consulting']) {
      const page = await t.http.inject({
        method: 'GET',
        url: path,
        headers: { accept: 'text/html', cookie: buyer.header() },
      });
      expect(page.statusCode).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
    }
    const other = await api(t, 'GET', '/api/v1/account/enrollments', { jar: jars.customer });
    expect(other.json().items).toEqual([]);
    expect((await api(t, 'GET', '/api/v1/account/consulting')).statusCode).toBe(401);
  });

  it('lists it for staff with its steps', async () => {
    const list = await api(t, 'GET', '/api/v1/admin/fulfillment', { jar: jars.support });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ orderId, status: 'fulfilled', stepsDone: 6, stepsTotal: 6 }),
      ]),
    );
    const one = await api(t, 'GET', `/api/v1/admin/fulfillment/${orderId}`, { jar: jars.support });
    const steps = one.json().steps as {
      key: string;
      sku: string;
      bundleSku: string | null;
      status: string;
      linePosition: number;
    }[];
    expect(steps.every((s) => s.status === 'done')).toBe(true);
    expect(steps.map((s) => [s.sku, s.bundleSku]).sort()).toEqual([
      ['CS-BLOCKS-10-B', null],
      ['TL-BUILDER-IN-A', 'BN-STARTER-A'],
      ['TL-MAPPER-PR-M', null],
      ['TL-MAPPER-ST-A', 'BN-STARTER-A'],
      ['TR-FHIR101-LV-S', null],
      ['TR-FHIR101-SP-P', 'BN-STARTER-A'],
    ]);
    // A bundle's components are steps of one line, in the bundle's order.
    const bundled = steps.filter((s) => s.bundleSku);
    expect(bundled.map((s) => s.sku)).toEqual(['TL-BUILDER-IN-A', 'TL-MAPPER-ST-A', 'TR-FHIR101-SP-P']);
    expect(new Set(bundled.map((s) => s.linePosition)).size).toBe(1);
    // The keys are derived from the order line (and the bundle component).
    expect(bundled[0]!.key).toMatch(/^order-line:orl_[0-9a-z]{26}:TL-BUILDER-IN-A$/);
    expect(steps.find((s) => !s.bundleSku)!.key).toMatch(/^order-line:orl_[0-9a-z]{26}$/);
    expect((await api(t, 'GET', '/api/v1/admin/fulfillment', { jar: jars.customer })).statusCode).toBe(403);
  });
});

describe('a run stopped between any two steps', () => {
  it('resumes where it stopped and ends with exactly one license, one enrollment, one allocation', async () => {
    const jar = await signedInUser(t, 'crash@example.de');
    const orderId = await buy(t, jar, 'crash@example.de', [
      { sku: 'TL-QUALITY-ST-M', quantity: 1 },
      { sku: 'TR-USCORE-SP-P', quantity: 1 },
      { sku: 'CS-BLOCKS-25-B', quantity: 1 },
    ]);
    await runQueued(t, 'orders.paid-subscriptions');
    // Stop after each delivery commits (before its step is marked done), then after each step.
    const stops: Parameters<FaultHook>[0]['point'][] = ['after-effect', 'after-step'];
    let runs = 0;
    for (let index = 0; index < 3; index++)
      for (const point of stops) {
        fulfillment().setFaultHook((at) => {
          if (at.index === index && at.point === point)
            throw new Error(`killed at ${point} of step ${index}`);
        });
        await expect(fulfillment().service.onOrderPaid(orderId, { final: false })).rejects.toThrow(/killed/);
        runs++;
      }
    fulfillment().setFaultHook(undefined);
    const row = await fulfillment().service.onOrderPaid(orderId, { final: false });
    expect(row).toMatchObject({ status: 'fulfilled', attempts: runs + 1, last_error: null });
    expect(await licensesOf(orderId)).toHaveLength(1);
    expect(await enrollmentsOf(orderId)).toHaveLength(1);
    expect(await allocationsOf(orderId)).toEqual([
      expect.objectContaining({ sku: 'CS-BLOCKS-25-B', minutes_allocated: 1500 }),
    ]);
    const mails = (await mailsWith(t, READY_MAIL_TEMPLATE)).filter((m) => m.to === 'crash@example.de');
    expect(mails).toHaveLength(1);
    // 25 hours expire after 12 months.
    expect((await allocationsOf(orderId))[0]!.expires_at?.toISOString()).toBe('2027-03-10T12:00:00.000Z');
  });
});

describe('the same order run by several workers at once', () => {
  it('delivers exactly one of each and mails once', async () => {
    const jar = await signedInUser(t, 'parallel@example.de');
    const orderId = await buy(t, jar, 'parallel@example.de', [
      { sku: 'TL-ANALYTICS-ST-M', quantity: 1 },
      { sku: 'TR-FHIR101-LV-S', quantity: 3 },
      { sku: 'CS-BLOCKS-50-B', quantity: 1 },
    ]);
    await runQueued(t, 'orders.paid-subscriptions');
    const runs = await Promise.allSettled(
      Array.from({ length: 8 }, () => fulfillment().service.onOrderPaid(orderId, { final: false })),
    );
    expect(runs.map((r) => r.status)).toEqual(Array(8).fill('fulfilled'));
    expect(await licensesOf(orderId)).toHaveLength(1);
    expect(await enrollmentsOf(orderId)).toEqual([expect.objectContaining({ seats: 3 })]);
    // 50 hours, to use within 18 months.
    expect(
      (await allocationsOf(orderId)).map((a) => [a.minutes_allocated, a.expires_at?.toISOString()]),
    ).toEqual([[3000, '2027-09-10T12:00:00.000Z']]);
    expect(
      (await mailsWith(t, READY_MAIL_TEMPLATE)).filter((m) => m.to === 'parallel@example.de'),
    ).toHaveLength(1);
  });
});

describe('retries that run out', () => {
  it('put the order on the needs-attention list, mail staff once, and a staff retry finishes it', async () => {
    const jar = await signedInUser(t, 'attention@example.de');
    const orderId = await buy(t, jar, 'attention@example.de', [
      { sku: 'TR-FHIR101-SP-P', quantity: 1 },
      { sku: 'CS-ASSESSMENT-F', quantity: 1 },
    ]);
    fulfillment().setFaultHook((at) => {
      if (at.index === 1 && at.point === 'after-effect') throw new Error('consulting calendar unreachable');
    });
    const staffMails = async () =>
      (await mailsWith(t, ATTENTION_MAIL_TEMPLATE)).filter((m) => m.text.includes(orderNumber));
    const orderNumber = (await t.app.modules.orders.service.get(orderId))!.row.number;
    // The first attempts fail: recorded, still pending, nobody mailed yet.
    expect(await runQueued(t, FULFILLMENT_JOBS.orderPaid).catch((e: Error) => e.message)).toMatch(
      /calendar unreachable/,
    );
    let f = (await fulfillment().service.get(orderId))!.fulfillment;
    expect(f).toMatchObject({
      status: 'pending',
      attempts: 1,
      failed_step: expect.stringMatching(/^order-line:/),
    });
    expect(f.last_error).toBe('Error: consulting calendar unreachable');
    expect(await staffMails()).toHaveLength(0);
    // The last attempt the queue makes.
    await expect(fulfillment().service.onOrderPaid(orderId, { final: true })).rejects.toThrow();
    f = (await fulfillment().service.get(orderId))!.fulfillment;
    expect(f).toMatchObject({ status: 'needs_attention', attempts: 2 });
    const mails = await staffMails();
    expect(mails.map((m) => m.to)).toEqual(['ful-admin@example.com']);
    expect(mails[0]!.text).not.toContain('attention@example.de');
    const list = await api(t, 'GET', '/api/v1/admin/fulfillment?status=needs_attention', {
      jar: jars.support,
    });
    expect(list.json().items.map((i: { orderId: string }) => i.orderId)).toEqual([orderId]);
    const page = await t.http.inject({
      method: 'GET',
      url: '/admin/fulfillment',
      headers: { accept: 'text/html', cookie: jars.admin.header() },
    });
    expect(page.body).toContain(orderNumber);
    expect(page.body).toContain(`/admin/fulfillment/${orderId}/retry`);
    // Support may look, not retry.
    expect(
      (await api(t, 'POST', `/api/v1/admin/fulfillment/${orderId}/retry`, { jar: jars.support })).statusCode,
    ).toBe(403);
    // Still failing: the answer says so, staff are not mailed again.
    let retried = await api(t, 'POST', `/api/v1/admin/fulfillment/${orderId}/retry`, { jar: jars.admin });
    expect(retried.json()).toMatchObject({
      status: 'needs_attention',
      error: 'Error: consulting calendar unreachable',
    });
    expect(await staffMails()).toHaveLength(1);
    // The page's retry button does the same, and says how it went.
    const { token } = await csrfFrom(t, jars.admin, '/admin/fulfillment');
    const form = await postForm(t, jars.admin, `/admin/fulfillment/${orderId}/retry`, { _csrf: token });
    expect([form.statusCode, form.headers.location]).toEqual([303, `/admin/fulfillment?retried=${orderId}`]);
    const outcome = await t.http.inject({
      method: 'GET',
      url: form.headers.location as string,
      headers: { accept: 'text/html', cookie: jars.admin.header() },
    });
    expect(outcome.body).toContain('Still failing');
    expect(outcome.body).toContain('consulting calendar unreachable');
    expect((await postForm(t, jars.admin, `/admin/fulfillment/${orderId}/retry`, {})).statusCode).toBe(403);
    // Fixed: the retry delivers what is missing, once.
    fulfillment().setFaultHook(undefined);
    retried = await api(t, 'POST', `/api/v1/admin/fulfillment/${orderId}/retry`, { jar: jars.admin });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'fulfilled', error: null, failedStep: null });
    expect(await enrollmentsOf(orderId)).toHaveLength(1);
    expect(await allocationsOf(orderId)).toEqual([
      expect.objectContaining({ engagement: 'fixed_scope', minutes_allocated: null, expires_at: null }),
    ]);
    const audit = (
      await sql<{ action: string; actor_email: string }>`
        SELECT action, actor_email FROM audit_event WHERE target_id = ${orderId} ORDER BY at`.execute(db())
    ).rows;
    expect(audit).toEqual(
      Array(3).fill({ action: 'fulfillment.retry', actor_email: 'ful-admin@example.com' }),
    );
  });

  it('uses the queue’s retry count: the last attempt is the one after FULFILL_RETRY_LIMIT retries', async () => {
    const jar = await signedInUser(t, 'final@example.de');
    const orderId = await buy(t, jar, 'final@example.de', [{ sku: 'TR-USCORE-SP-P', quantity: 1 }]);
    fulfillment().setFaultHook(() => {
      throw new Error('down');
    });
    await runQueued(t, FULFILLMENT_JOBS.orderPaid, FULFILL_RETRY_LIMIT).catch(() => undefined);
    fulfillment().setFaultHook(undefined);
    expect((await fulfillment().service.get(orderId))?.fulfillment.status).toBe('needs_attention');
  });
});
