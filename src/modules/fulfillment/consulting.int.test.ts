import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, csrfFrom, postForm, signedInUser } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import { afterPayment, buy } from './test-support.ts';

/**
 * Consulting hours: staff record time entries (date, hours, note) that never take the balance
 * below zero — also when they arrive at once — and an expired allocation takes none. Bad input
 * is refused with its code and writes nothing. The customer sees the balance and the entries.
 */

let t: TestApp;
let jars: Record<Who, CookieJar>;
let customer: CookieJar;

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-03-10T12:00:00Z' });
  jars = await staffJars(t, 'cons');
  customer = await signedInUser(t, 'hours@example.de');
}, 60_000);
afterAll(async () => t?.close());

async function tenHours(): Promise<string> {
  const orderId = await buy(t, customer, 'hours@example.de', [{ sku: 'CS-BLOCKS-10-B', quantity: 1 }]);
  await afterPayment(t);
  return (
    await sql<{ id: string }>`SELECT id FROM consulting_allocation WHERE order_id = ${orderId}`.execute(
      t.app.ctx.db,
    )
  ).rows[0]!.id;
}

const entry = (id: string, body: unknown, jar = jars.admin, headers: Record<string, string> = {}) =>
  api(t, 'POST', `/api/v1/admin/consulting/${id}/entries`, { jar, body, headers });

const written = async () => ({
  entries: (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM consulting_time_entry`.execute(t.app.ctx.db)
  ).rows[0]!.n,
  used: (
    await sql<{
      n: number;
    }>`SELECT coalesce(sum(minutes_used), 0)::int AS n FROM consulting_allocation`.execute(t.app.ctx.db)
  ).rows[0]!.n,
  audit: (
    await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM audit_event WHERE action = 'consulting.time-entry'`.execute(
      t.app.ctx.db,
    )
  ).rows[0]!.n,
});

describe('time entries', () => {
  it('never overdraw the balance, even twelve at once on ten hours', async () => {
    const id = await tenHours();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        entry(id, { date: '2026-03-10', hours: 1, note: `Session ${i + 1}` }),
      ),
    );
    const codes = results.map((r) => (r.statusCode === 201 ? 201 : `${r.statusCode} ${r.json().error.code}`));
    expect(codes.filter((c) => c === 201)).toHaveLength(10);
    expect(codes.filter((c) => c === '422 CONSULTING_HOURS_EXCEEDED')).toHaveLength(2);
    const a = await api(t, 'GET', `/api/v1/admin/consulting/${id}`, { jar: jars.support });
    expect(a.json()).toMatchObject({ hoursUsed: 10, hoursRemaining: 0, minutesRemaining: 0 });
    expect(a.json().entries).toHaveLength(10);
    const over = await entry(id, { date: '2026-03-10', hours: 0.25, note: 'One more' });
    expect(over.json().error).toMatchObject({
      code: 'CONSULTING_HOURS_EXCEEDED',
      message: 'Only 0 h remain on this allocation.',
    });
  });

  it('refuses bad input with a stable code, writing nothing', async () => {
    const id = await tenHours();
    const before = await written();
    const cases: [unknown, number, string][] = [
      [{ date: '2026-03-10', hours: 0, note: 'x' }, 400, 'VALIDATION_FAILED'],
      [{ date: '2026-03-10', hours: -1, note: 'x' }, 400, 'VALIDATION_FAILED'],
      [{ date: '2026-03-10', hours: 25, note: 'x' }, 400, 'VALIDATION_FAILED'],
      // 0.005 h is 18 seconds: not whole minutes.
      [{ date: '2026-03-10', hours: 0.005, note: 'x' }, 400, 'VALIDATION_FAILED'],
      [{ date: '2026-02-30', hours: 1, note: 'x' }, 400, 'VALIDATION_FAILED'],
      [{ date: '2026-03-11', hours: 1, note: 'tomorrow' }, 400, 'VALIDATION_FAILED'],
      [{ date: '10/03/2026', hours: 1, note: 'x' }, 400, 'VALIDATION_FAILED'],
      [{ date: '2026-03-10', hours: 1, note: '   ' }, 400, 'VALIDATION_FAILED'],
      [{ date: '2026-03-10', hours: 1, note: 'x', minutes: 60 }, 400, 'VALIDATION_FAILED'],
      [{ date: '2026-03-10', hours: '1', note: 'x' }, 400, 'VALIDATION_FAILED'],
      [{ date: '2026-03-10', hours: 10.5, note: 'too much' }, 422, 'CONSULTING_HOURS_EXCEEDED'],
    ];
    for (const [body, status, code] of cases) {
      const r = await entry(id, body);
      expect([r.statusCode, r.json().error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const unknown = await entry('cal_00000000000000000000000000', {
      date: '2026-03-10',
      hours: 1,
      note: 'x',
    });
    expect(unknown.statusCode).toBe(404);
    expect((await entry('nope', { date: '2026-03-10', hours: 1, note: 'x' })).statusCode).toBe(400);
    // Support reads, does not book; customers neither.
    expect((await entry(id, { date: '2026-03-10', hours: 1, note: 'x' }, jars.support)).statusCode).toBe(403);
    expect((await entry(id, { date: '2026-03-10', hours: 1, note: 'x' }, jars.customer)).statusCode).toBe(
      403,
    );
    expect(await written()).toEqual(before);
  });

  it('answers fuzzed bodies with 201 or a documented 4xx, never a 5xx; a refusal writes nothing', async () => {
    const id = await tenHours();
    const DOCUMENTED = new Set([
      'VALIDATION_FAILED',
      'MALFORMED_JSON',
      'CONSULTING_HOURS_EXCEEDED',
      'ALLOCATION_EXPIRED',
    ]);
    const nasty = fc.constantFrom(
      "'; DROP TABLE consulting_time_entry; --",
      '<script>x</script>',
      '\u0000',
      '\u202e',
    );
    const value = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constant(null), fc.boolean(), nasty);
    const body = fc.oneof(
      fc.record(
        {
          date: fc.oneof(fc.constantFrom('2026-03-10', '2026-02-29', '2026-03-11', '0000-00-00'), value),
          hours: fc.oneof(
            fc.double({ min: -5, max: 30 }),
            fc.constantFrom(0.1, 0.25, 1.5, 0.005, 1e-9),
            value,
          ),
          note: fc.oneof(fc.string({ maxLength: 1200 }), value),
        },
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.string({ maxLength: 10 }), value),
      value,
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const before = await written();
        const r = await entry(id, b);
        expect(r.statusCode, JSON.stringify(b)).toBeLessThan(500);
        if (r.statusCode === 201) return;
        expect(DOCUMENTED.has(r.json().error.code), r.body).toBe(true);
        expect(await written()).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('records an entry once per idempotency key, audited, and the customer sees the balance', async () => {
    const id = await tenHours();
    const body = { date: '2026-03-09', hours: 1.5, note: 'Profile review' };
    const first = await entry(id, body, jars.admin, { 'idempotency-key': 'entry-key-0001' });
    expect(first.statusCode).toBe(201);
    const again = await entry(id, body, jars.admin, { 'idempotency-key': 'entry-key-0001' });
    expect(again.statusCode).toBe(200);
    expect(again.json().entry.id).toBe(first.json().entry.id);
    const reused = await entry(id, { ...body, hours: 2 }, jars.admin, {
      'idempotency-key': 'entry-key-0001',
    });
    expect([reused.statusCode, reused.json().error.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(first.json().allocation).toMatchObject({
      hoursUsed: 1.5,
      hoursRemaining: 8.5,
      minutesRemaining: 510,
    });
    const audit = (
      await sql<{ actor_email: string; after: { minutes: number } }>`
        SELECT actor_email, after FROM audit_event WHERE action = 'consulting.time-entry' AND target_id = ${id}`.execute(
        t.app.ctx.db,
      )
    ).rows;
    expect(audit).toEqual([
      { actor_email: 'cons-admin@example.com', after: expect.objectContaining({ minutes: 90 }) },
    ]);
    const mine = await api(t, 'GET', '/api/v1/account/consulting', { jar: customer });
    const item = (mine.json().items as { id: string }[]).find((i) => i.id === id);
    expect(item).toMatchObject({
      hoursRemaining: 8.5,
      entries: [{ date: '2026-03-09', hours: 1.5, minutes: 90, note: 'Profile review' }],
    });
    // The customer sees no staff identity.
    expect(JSON.stringify(item)).not.toContain('cons-admin');
    const page = await t.http.inject({
      method: 'GET',
      url: '/account/consulting',
      headers: { accept: 'text/html', cookie: customer.header() },
    });
    expect(page.body).toContain('8.5 h');
    expect(page.body).toContain('Profile review');
    // Booking goes where CONSULTING_BOOKING_URL says (by default the site's contact page).
    expect(page.body).toContain(
      `<a class="btn btn-primary" href="${t.config.consultingBookingUrl}">Book a session</a>`,
    );
  });

  it('takes no time on an allocation past its expiry', async () => {
    const id = await tenHours();
    t.clock!.set('2026-09-10T12:00:01Z');
    const r = await entry(id, { date: '2026-09-10', hours: 1, note: 'Too late' });
    expect([r.statusCode, r.json().error.code]).toEqual([409, 'ALLOCATION_EXPIRED']);
    expect((await api(t, 'GET', `/api/v1/admin/consulting/${id}`, { jar: jars.admin })).json().status).toBe(
      'expired',
    );
    t.clock!.set('2026-03-10T12:00:00Z');
  });
});

describe('the staff pages', () => {
  it('list allocations and book time through the form, once per submitted form', async () => {
    const id = await tenHours();
    const list = await t.http.inject({
      method: 'GET',
      url: '/admin/consulting?open=true',
      headers: { accept: 'text/html', cookie: jars.support.header() },
    });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`/admin/consulting/${id}`);
    const open = await api(t, 'GET', '/api/v1/admin/consulting?open=true', { jar: jars.support });
    expect(open.json().items.map((a: { id: string }) => a.id)).toContain(id);
    expect(open.json().items.every((a: { status: string }) => a.status === 'active')).toBe(true);
    const { html, token } = await csrfFrom(t, jars.admin, `/admin/consulting/${id}`);
    const requestKey = /name="requestKey" value="([^"]+)"/.exec(html)![1]!;
    const fields = { _csrf: token, date: '2026-03-10', hours: '2,25', note: 'Mapping session', requestKey };
    const posted = await postForm(t, jars.admin, `/admin/consulting/${id}/entries`, fields);
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe(`/admin/consulting/${id}?done=recorded`);
    // The same form submitted twice: one entry.
    expect((await postForm(t, jars.admin, `/admin/consulting/${id}/entries`, fields)).statusCode).toBe(303);
    const view = (await api(t, 'GET', `/api/v1/admin/consulting/${id}`, { jar: jars.admin })).json();
    expect(view).toMatchObject({
      hoursUsed: 2.25,
      entries: [expect.objectContaining({ note: 'Mapping session' })],
    });
    expect(view.entries).toHaveLength(1);
    // Too many hours: the form says so and keeps what was typed.
    const { html: again, token: t2 } = await csrfFrom(t, jars.admin, `/admin/consulting/${id}`);
    const key2 = /name="requestKey" value="([^"]+)"/.exec(again)![1]!;
    const refused = await postForm(t, jars.admin, `/admin/consulting/${id}/entries`, {
      _csrf: t2,
      date: '2026-03-10',
      hours: '9',
      note: 'Too long',
      requestKey: key2,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('Nothing was recorded');
    expect(refused.body).toContain('Only 7.75 h remain');
    expect(refused.body).toContain('value="Too long"');
    // Without the CSRF token: refused.
    const forged = await postForm(t, jars.admin, `/admin/consulting/${id}/entries`, { ...fields, _csrf: '' });
    expect(forged.statusCode).toBe(403);
    // Support sees the page without the form.
    const supportView = await t.http.inject({
      method: 'GET',
      url: `/admin/consulting/${id}`,
      headers: { accept: 'text/html', cookie: jars.support.header() },
    });
    expect(supportView.statusCode).toBe(200);
    expect(supportView.body).not.toContain('Record time</button>');
  });
});
