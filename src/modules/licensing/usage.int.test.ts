import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { generateLicenseKey } from './domain/license-key.ts';
import { verifyBytes } from './index.ts';
import { USAGE_WARNING_TEMPLATE } from './usage.mail.ts';
import { USAGE_CLOSE_JOB, USAGE_PRUNE_JOB } from './usage.module.ts';
import { USAGE_LIMITS } from './usage.routes.ts';

/**
 * Usage metering against the real database: recording (single and batched), idempotency under
 * 1,000 concurrent duplicates, bad input refused with nothing written, warnings once, the block
 * and overage policies, validation's USAGE_LIMIT_EXCEEDED, and the period close with its
 * statement and billing event, with the manual clock moving past the period end.
 */

let t: TestApp;
let ipSeq = 0;
const nextIp = () => `10.88.${(++ipSeq >> 8) & 255}.${ipSeq & 255}`;
let seq = 0;
const idem = (prefix = 'evt') => `${prefix}-${String(++seq).padStart(6, '0')}`;

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-06-01T12:00:00Z' });
});
afterAll(async () => t?.close());

/** An annual Mapper Starter license (recordsPerMonth 10,000, block), its limits optionally replaced. */
async function issue(ref: string, limits?: Record<string, number | string | boolean>) {
  const { key, license } = await t.app.modules.licensing.licenses.issue({
    sku: 'TL-MAPPER-ST-A',
    email: `${ref}@hospital.org`,
    source: 'staff',
    sourceRef: `staff:${ref}`,
  });
  if (limits)
    await sql`UPDATE license SET limits = ${JSON.stringify(limits)}::jsonb WHERE id = ${license.id}`.execute(
      t.app.ctx.db,
    );
  return { key, id: license.id };
}

const post = (body: unknown, ip = nextIp()) =>
  t.http.inject({ method: 'POST', url: '/api/v1/usage', payload: body as object, remoteAddress: ip });

const count = async (table: string, where = sql`true`) =>
  (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE ${where}`.execute(
      t.app.ctx.db,
    )
  ).rows[0]!.n;

const mails = async (to: string) =>
  (
    await sql<{ subject: string; text_body: string }>`
      SELECT subject, text_body FROM mail_message WHERE template = ${USAGE_WARNING_TEMPLATE} AND to_address = ${to}
      ORDER BY created_at, id`.execute(t.app.ctx.db)
  ).rows;

describe('POST /api/v1/usage', () => {
  it('records one event or a batch and answers the period totals, signed like validation', async () => {
    const { key, id } = await issue('basic');
    const r = await post({ key, meter: 'records', quantity: 120, idempotencyKey: idem() });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      licenseId: id,
      policy: 'block',
      accepted: 1,
      duplicates: 0,
      totals: [
        {
          meter: 'records',
          periodStart: '2026-06-01T12:00:00.000Z',
          periodEnd: '2026-07-01T12:00:00.000Z',
          included: 10_000,
          used: 120,
          remaining: 9_880,
          overage: 0,
        },
      ],
      meta: { ts: '2026-06-01T12:00:00.000Z' },
    });
    const [, kid, sig] = /keyid="([^"]+)", algorithm="[^"]+", signature="([^"]+)"/.exec(
      String(r.headers['fhiriq-signature']),
    )!;
    const pub = (await t.app.modules.licensing.signingKeys.published()).find((k) => k.kid === kid)!;
    expect(verifyBytes(pub, Buffer.from(r.body, 'utf8'), Buffer.from(sig!, 'base64url'))).toBe(true);

    const batch = await post({
      key: key.toLowerCase(),
      events: [
        // A client clock a little ahead is fine.
        { meter: 'records', quantity: 30, idempotencyKey: idem(), occurredAt: '2026-06-01T12:04:00+00:00' },
        { meter: 'records', quantity: 50, idempotencyKey: idem() },
      ],
    });
    expect(batch.statusCode).toBe(200);
    expect(batch.json()).toMatchObject({
      accepted: 2,
      duplicates: 0,
      totals: [{ used: 200, remaining: 9_800 }],
    });
    expect(batch.headers['fhiriq-signature']).toBeDefined();
    expect(await count('license_usage_event', sql`license_id = ${id}`)).toBe(3);
  });

  it('counts 1,000 concurrent duplicate events with one idempotency key once, answering the same totals', async () => {
    const { key, id } = await issue('duplicates');
    const body = { key, meter: 'records', quantity: 7, idempotencyKey: 'retry-me-0001' };
    // 1,000 duplicates, 200 in flight at any moment: enough to race on every write, without
    // queueing past the connection pool's 5 s wait on a loaded CI machine (that is a 500 by design).
    const answers: Awaited<ReturnType<typeof post>>[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 200 }, async () => {
        while (next < 1000) {
          next++;
          answers.push(await post(body));
        }
      }),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(1000).fill(200));
    const json = answers.map((a) => a.json());
    expect(json.filter((j) => j.accepted === 1)).toHaveLength(1);
    expect(json.filter((j) => j.duplicates === 1)).toHaveLength(999);
    for (const j of json) expect(j.totals[0]).toMatchObject({ used: 7 });
    expect(await count('license_usage_event', sql`license_id = ${id}`)).toBe(1);

    // The same 1,000 times in one batch: once as well, and the earlier one is a duplicate too.
    const batch = await post({
      key,
      events: Array.from({ length: 1000 }, (_, i) =>
        i % 2
          ? { meter: 'records', quantity: 3, idempotencyKey: 'batch-dup-0001' }
          : { ...body, key: undefined },
      ),
    });
    expect(batch.statusCode).toBe(200);
    expect(batch.json()).toMatchObject({ accepted: 1, duplicates: 999, totals: [{ used: 10 }] });
    expect(await count('license_usage_event', sql`license_id = ${id}`)).toBe(2);
    const total = await sql<{
      used: number;
    }>`SELECT used FROM license_usage_total WHERE license_id = ${id}`.execute(t.app.ctx.db);
    expect(total.rows.map((r) => Number(r.used))).toEqual([10]);
  });

  it('refuses bad input with a 4xx code and writes nothing', async () => {
    const { key, id } = await issue('bad-input');
    const revoked = await issue('bad-input-revoked');
    await sql`UPDATE license SET status = 'REVOKED' WHERE id = ${revoked.id}`.execute(t.app.ctx.db);
    await post({ key, meter: 'records', quantity: 5, idempotencyKey: 'already-there-1' });
    const tables = ['license_usage_event', 'license_usage_total', 'license_event', 'mail_message'];
    const before = await Promise.all(tables.map((x) => count(x)));
    const ok = { meter: 'records', quantity: 1 };
    const cases: [unknown, number, string][] = [
      [{ key, meter: 'apps', quantity: 1, idempotencyKey: idem() }, 422, 'USAGE_METER_UNKNOWN'],
      [
        {
          key,
          events: [
            { ...ok, idempotencyKey: idem() },
            { ...ok, meter: 'users', idempotencyKey: idem() },
          ],
        },
        422,
        'USAGE_METER_UNKNOWN',
      ],
      [{ key, meter: 'records', quantity: -1, idempotencyKey: idem() }, 400, 'VALIDATION_FAILED'],
      [{ key, meter: 'records', quantity: 0, idempotencyKey: idem() }, 400, 'VALIDATION_FAILED'],
      [{ key, meter: 'records', quantity: 1.5, idempotencyKey: idem() }, 400, 'VALIDATION_FAILED'],
      [{ key, meter: 'records', quantity: '5', idempotencyKey: idem() }, 400, 'VALIDATION_FAILED'],
      [{ key, meter: 'records', quantity: 1e10, idempotencyKey: idem() }, 400, 'VALIDATION_FAILED'],
      [
        {
          key,
          events: [
            { ...ok, idempotencyKey: idem() },
            { ...ok, quantity: -3, idempotencyKey: idem() },
          ],
        },
        400,
        'VALIDATION_FAILED',
      ],
      [{ key, ...ok, idempotencyKey: 'short' }, 400, 'VALIDATION_FAILED'],
      [{ key, ...ok, idempotencyKey: 'has a space in it' }, 400, 'VALIDATION_FAILED'],
      [{ key, ...ok, idempotencyKey: 'x'.repeat(101) }, 400, 'VALIDATION_FAILED'],
      [{ key, ...ok, meter: 'Records!', idempotencyKey: idem() }, 400, 'VALIDATION_FAILED'],
      [{ key, ...ok, idempotencyKey: idem(), occurredAt: 'yesterday' }, 400, 'VALIDATION_FAILED'],
      [{ key, ...ok, idempotencyKey: idem(), occurredAt: '2026-06-01T13:00:00Z' }, 400, 'VALIDATION_FAILED'],
      [
        { key, ...ok, idempotencyKey: idem(), occurredAt: '2026-05-31T23:00:00Z' },
        422,
        'USAGE_PERIOD_CLOSED',
      ],
      [
        { key, ...ok, idempotencyKey: idem(), events: [{ ...ok, idempotencyKey: idem() }] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        { key, occurredAt: '2026-06-01T11:00:00Z', events: [{ ...ok, idempotencyKey: idem() }] },
        400,
        'VALIDATION_FAILED',
      ],
      [{ key }, 400, 'VALIDATION_FAILED'],
      [{ key, meter: 'records', quantity: 1 }, 400, 'VALIDATION_FAILED'],
      [{ key, events: [] }, 400, 'VALIDATION_FAILED'],
      [
        { key, events: Array.from({ length: 1001 }, () => ({ ...ok, idempotencyKey: idem() })) },
        400,
        'VALIDATION_FAILED',
      ],
      [{ key, ...ok, idempotencyKey: idem(), extra: true }, 400, 'VALIDATION_FAILED'],
      [{ key, events: [{ ...ok, idempotencyKey: idem(), extra: 1 }] }, 400, 'VALIDATION_FAILED'],
      [{ key: 'FHIR-0000-0000-0000-0000-0000', ...ok, idempotencyKey: idem() }, 401, 'LICENSE_KEY_INVALID'],
      [{ key: generateLicenseKey(), ...ok, idempotencyKey: idem() }, 401, 'LICENSE_KEY_INVALID'],
      [{ key: revoked.key, ...ok, idempotencyKey: idem() }, 403, 'LICENSE_NOT_ACTIVE'],
      // One key for two different events, in one batch or against an earlier request.
      [
        {
          key,
          events: [
            { ...ok, idempotencyKey: 'twice-0001' },
            { ...ok, quantity: 2, idempotencyKey: 'twice-0001' },
          ],
        },
        409,
        'IDEMPOTENCY_KEY_REUSED',
      ],
      [
        {
          key,
          events: [
            { ...ok, idempotencyKey: idem() },
            { meter: 'records', quantity: 6, idempotencyKey: 'already-there-1' },
          ],
        },
        409,
        'IDEMPOTENCY_KEY_REUSED',
      ],
    ];
    for (const [body, status, code] of cases) {
      const r = await post(body);
      const label = JSON.stringify(body).slice(0, 120);
      expect([label, r.statusCode, r.json().error?.code]).toEqual([label, status, code]);
      expect(r.headers['fhiriq-signature']).toBeUndefined();
    }
    expect(await Promise.all(tables.map((x) => count(x)))).toEqual(before);
    const unknown = await post({ key, meter: 'apps', quantity: 1, idempotencyKey: idem() });
    expect(unknown.json().error.details).toEqual([
      { path: '/meter', message: 'apps is not metered by this license (its meters: records)' },
    ]);
    const revokedAnswer = await post({ key: revoked.key, ...ok, idempotencyKey: idem() });
    expect(revokedAnswer.json().error).toMatchObject({
      message: 'The license was revoked.',
      details: [{ path: '/key', message: 'REVOKED' }],
    });
    expect(await count('license_usage_event', sql`license_id = ${id}`)).toBe(1);
  });

  it('warns at 80 % and 100 % once each; a block product then refuses the whole request and validation says so', async () => {
    const { key, id } = await issue('warnings');
    const to = 'warnings@hospital.org';
    const records = (quantity: number, ip?: string) =>
      post({ key, meter: 'records', quantity, idempotencyKey: idem() }, ip);
    expect((await records(7_999)).json().totals[0]).toMatchObject({ used: 7_999 });
    expect(await mails(to)).toEqual([]);
    await records(1);
    expect((await mails(to)).map((m) => m.subject)).toEqual([
      'Your FHIR IQ TL-MAPPER-ST-A license has used 80 % of its included records',
    ]);
    await records(1);
    await records(1_000);
    expect(await mails(to)).toHaveLength(1);
    const full = await records(999);
    expect(full.json().totals[0]).toMatchObject({ used: 10_000, remaining: 0, overage: 0 });
    // The manual clock stands still: both mails have the same time, so they are told apart by subject.
    const sent = (await mails(to)).sort((a, b) => a.subject.length - b.subject.length);
    expect(sent.map((m) => m.subject)).toEqual([
      'Your FHIR IQ TL-MAPPER-ST-A license has used its included records',
      'Your FHIR IQ TL-MAPPER-ST-A license has used 80 % of its included records',
    ]);
    expect(sent[0]!.text_body).toContain('10,000 of the 10,000 records');
    expect(sent[0]!.text_body).toContain('refused until the next period starts on 2026-07-01');
    expect(sent[0]!.text_body).not.toContain(key);
    const warnings = await sql<{ code: string | null; detail: { threshold: number } }>`
      SELECT code, detail FROM license_event WHERE license_id = ${id} AND type = 'usage-warning'
      ORDER BY (detail->>'threshold')::int`.execute(t.app.ctx.db);
    expect(warnings.rows.map((w) => [w.detail.threshold, w.code])).toEqual([
      [80, null],
      [100, 'USAGE_LIMIT_EXCEEDED'],
    ]);

    // Above the included quantity: the whole batch is refused, the event in it that fits too.
    const events = await count('license_usage_event', sql`license_id = ${id}`);
    const over = await post({
      key,
      events: [
        { meter: 'records', quantity: 1, idempotencyKey: idem() },
        { meter: 'records', quantity: 1, idempotencyKey: idem() },
      ],
    });
    expect(over.statusCode).toBe(409);
    expect(over.json().error.code).toBe('USAGE_LIMIT_EXCEEDED');
    expect(await count('license_usage_event', sql`license_id = ${id}`)).toBe(events);
    expect(await mails(to)).toHaveLength(2);

    const validate = await t.http.inject({
      method: 'POST',
      url: '/api/v1/licenses/validate',
      payload: { key },
      remoteAddress: nextIp(),
    });
    expect(validate.json()).toMatchObject({ valid: false, code: 'USAGE_LIMIT_EXCEEDED' });
  });

  it('never goes above the included quantity under concurrent requests, and loses no update', async () => {
    const { key, id } = await issue('concurrent');
    const answers = await Promise.all(
      Array.from({ length: 150 }, () =>
        post({ key, meter: 'records', quantity: 100, idempotencyKey: idem() }),
      ),
    );
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(100);
    expect(answers.filter((a) => a.statusCode === 409).map((a) => a.json().error.code)).toEqual(
      Array(50).fill('USAGE_LIMIT_EXCEEDED'),
    );
    expect(await count('license_usage_event', sql`license_id = ${id}`)).toBe(100);
    const total = await sql<{
      used: number;
    }>`SELECT used FROM license_usage_total WHERE license_id = ${id}`.execute(t.app.ctx.db);
    expect(Number(total.rows[0]!.used)).toBe(10_000);

    // Batches in opposite orders, all at once: half report records then apps, half apps then
    // records, and each pair of batches shares two events in opposite key orders. None deadlocks.
    const other = await issue('concurrent-2', { recordsPerMonth: 'unlimited', appsPerMonth: 'unlimited' });
    const batches = await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        const group = Math.floor(i / 2);
        const events = [
          { meter: 'records', quantity: 2, idempotencyKey: `own-event-${i}-r` },
          { meter: 'apps', quantity: 1, idempotencyKey: `own-event-${i}-a` },
          { meter: 'records', quantity: 2, idempotencyKey: `shared-${group}-x` },
          { meter: 'apps', quantity: 1, idempotencyKey: `shared-${group}-y` },
        ];
        return post({ key: other.key, events: i % 2 ? events.reverse() : events });
      }),
    );
    expect(batches.map((b) => b.statusCode)).toEqual(Array(60).fill(200));
    expect(batches.reduce((n, b) => n + b.json().accepted, 0)).toBe(180);
    const totals = await sql<{ meter: string; used: number }>`
      SELECT meter, used FROM license_usage_total WHERE license_id = ${other.id} ORDER BY meter`.execute(
      t.app.ctx.db,
    );
    expect(totals.rows.map((r) => [r.meter, Number(r.used)])).toEqual([
      ['apps', 90],
      ['records', 180],
    ]);
  });

  it(`limits one key to ${USAGE_LIMITS.perKey} requests a minute, from any number of addresses`, async () => {
    const { key } = await issue('rate-limit');
    // Cheap requests (refused after the key lookup): the limit counts every request that gets past the schema.
    const body = { key, meter: 'apps', quantity: 1, idempotencyKey: 'same-event-0001' };
    const answers = await Promise.all(Array.from({ length: USAGE_LIMITS.perKey + 1 }, () => post(body)));
    expect(answers.filter((a) => a.statusCode === 422)).toHaveLength(USAGE_LIMITS.perKey);
    const limited = answers.filter((a) => a.statusCode === 429);
    expect(limited).toHaveLength(1);
    expect(limited[0]!.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('overage products and the period close', () => {
  const limits = {
    recordsPerMonth: 1_000,
    recordsOveragePer1000: 50,
    appsPerMonth: 'unlimited',
    usagePolicy: 'overage',
    overageCurrency: 'EUR',
    users: 1,
  };

  it('records usage above the included quantity, bills it once when the period ends, starts the next from zero', async () => {
    t.clock!.set('2026-06-01T12:00:00Z');
    const { key, id } = await issue('overage', limits);
    const r = await post({
      key,
      events: [
        { meter: 'records', quantity: 1_200, idempotencyKey: 'ovr-0001' },
        { meter: 'records', quantity: 300, idempotencyKey: 'ovr-0002' },
        { meter: 'apps', quantity: 4, idempotencyKey: 'ovr-0003' },
      ],
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      policy: 'overage',
      accepted: 3,
      totals: [
        { meter: 'apps', included: null, used: 4, remaining: null, overage: 0 },
        { meter: 'records', included: 1_000, used: 1_500, remaining: 0, overage: 500 },
      ],
    });
    // Both thresholds crossed by one request: one mail, the 100 % one, with the overage price.
    const sent = await mails('overage@hospital.org');
    expect(sent.map((m) => m.subject)).toEqual([
      'Your FHIR IQ TL-MAPPER-ST-A license has used its included records',
    ]);
    expect(sent[0]!.text_body).toContain('€0.50 per 1,000 records');
    // Overage does not block: the license still validates.
    const v = await t.http.inject({
      method: 'POST',
      url: '/api/v1/licenses/validate',
      payload: { key },
      remoteAddress: nextIp(),
    });
    expect(v.json().code).toBe('VALID');

    const publish = vi.spyOn(t.app.ctx.events, 'publish');
    const job = t.app.ctx.jobs.definitions.find((d) => d.name === USAGE_CLOSE_JOB)!;
    const runJob = () => job.handler({}, { id: 'test', retryCount: 0 });
    // Not yet: the period ends on 1 July at noon.
    t.clock!.set('2026-07-01T11:59:59Z');
    await runJob();
    expect(await count('license_usage_statement', sql`license_id = ${id}`)).toBe(0);

    t.clock!.set('2026-07-01T12:05:00Z');
    for (let i = 0; i < 3; i++) await runJob();
    await t.app.modules.licensing.usage.closeDuePeriods();
    const statement = await sql<{
      meter: string;
      included: number | null;
      used: number;
      overage: number;
      rate_per_1000: number;
      overage_amount: number;
      currency: string;
      status: string;
    }>`SELECT meter, included, used, overage, rate_per_1000, overage_amount, currency, status
       FROM license_usage_statement WHERE license_id = ${id} ORDER BY meter`.execute(t.app.ctx.db);
    expect(statement.rows.map((s) => ({ ...s, used: Number(s.used), overage: Number(s.overage) }))).toEqual([
      {
        meter: 'apps',
        included: null,
        used: 4,
        overage: 0,
        rate_per_1000: 0,
        overage_amount: 0,
        currency: 'EUR',
        status: 'closed',
      },
      {
        meter: 'records',
        included: 1_000,
        used: 1_500,
        overage: 500,
        rate_per_1000: 50,
        // 500 × 50 / 1000
        overage_amount: 25,
        currency: 'EUR',
        status: 'closed',
      },
    ]);
    // Every license that reported usage in June is closed; this one exactly once.
    const closedEvents = publish.mock.calls.filter(
      ([topic, payload]) =>
        topic === 'licensing.usage-period-closed' && 'licenseId' in payload && payload.licenseId === id,
    );
    expect(closedEvents).toHaveLength(1);
    expect(closedEvents[0]![1]).toEqual({
      licenseId: id,
      sku: 'TL-MAPPER-ST-A',
      periodStart: '2026-06-01T12:00:00.000Z',
      periodEnd: '2026-07-01T12:00:00.000Z',
      currency: 'EUR',
      amount: 25,
      meters: [
        { meter: 'apps', included: null, used: 4, overage: 0, ratePer1000: 0, amount: 0 },
        { meter: 'records', included: 1_000, used: 1_500, overage: 500, ratePer1000: 50, amount: 25 },
      ],
      key: `usage-period:${id}:2026-06-01T12:00:00.000Z`,
    });
    publish.mockRestore();
    expect(await count('license_event', sql`license_id = ${id} AND type = 'usage-period-closed'`)).toBe(1);

    // The new period starts from zero.
    const next = await post({ key, meter: 'records', quantity: 10, idempotencyKey: 'ovr-0004' });
    expect(next.json().totals).toEqual([
      {
        meter: 'apps',
        periodStart: '2026-07-01T12:00:00.000Z',
        periodEnd: '2026-08-01T12:00:00.000Z',
        included: null,
        used: 0,
        remaining: null,
        overage: 0,
      },
      {
        meter: 'records',
        periodStart: '2026-07-01T12:00:00.000Z',
        periodEnd: '2026-08-01T12:00:00.000Z',
        included: 1_000,
        used: 10,
        remaining: 990,
        overage: 0,
      },
    ]);
    // A late event for the closed period is refused; a retry of one it counted answers as a duplicate.
    const late = await post({
      key,
      meter: 'records',
      quantity: 5,
      idempotencyKey: 'ovr-late-01',
      occurredAt: '2026-06-30T10:00:00Z',
    });
    expect([late.statusCode, late.json().error.code]).toEqual([422, 'USAGE_PERIOD_CLOSED']);
    const retry = await post({ key, meter: 'records', quantity: 1_200, idempotencyKey: 'ovr-0001' });
    expect(retry.json()).toMatchObject({ accepted: 0, duplicates: 1, totals: [{}, { used: 10 }] });
    // The closed period's totals are untouched.
    const june = await sql<{ used: number }>`
      SELECT used FROM license_usage_total WHERE license_id = ${id} AND meter = 'records'
        AND period_start = ${new Date('2026-06-01T12:00:00Z')}`.execute(t.app.ctx.db);
    expect(Number(june.rows[0]!.used)).toBe(1_500);
  });

  it('refuses to add to a period that was closed while the request was on its way', async () => {
    t.clock!.set('2026-06-01T12:00:00Z');
    const { key, id } = await issue('closing-race', limits);
    await post({ key, meter: 'records', quantity: 1, idempotencyKey: 'race-0001' });
    // The job closes June at the period end, then an event stamped a moment before it arrives.
    t.clock!.set('2026-07-01T12:00:00Z');
    await t.app.modules.licensing.usage.closeDuePeriods();
    const usage = t.app.modules.licensing.usage;
    // A request that read the clock just before the end, and reaches the totals after the close.
    t.clock!.set('2026-07-01T11:59:59Z');
    await expect(
      usage.record(key, [{ meter: 'records', quantity: 2, idempotencyKey: 'race-0002' }], { ip: null }),
    ).rejects.toMatchObject({ code: 'USAGE_PERIOD_CLOSED' });
    await expect(
      usage.record(key, [{ meter: 'apps', quantity: 2, idempotencyKey: 'race-0003' }], { ip: null }),
    ).rejects.toMatchObject({ code: 'USAGE_PERIOD_CLOSED' });
    expect(await count('license_usage_event', sql`license_id = ${id}`)).toBe(1);
    t.clock!.set('2026-06-01T12:00:00Z');
  });

  it('prunes the events of periods closed more than USAGE_EVENT_RETENTION_DAYS ago, and nothing else', async () => {
    t.clock!.set('2026-06-01T12:00:00Z');
    const { key, id } = await issue('retention', limits);
    await post({ key, meter: 'records', quantity: 3, idempotencyKey: 'keep-june-01' });
    await post({ key, meter: 'apps', quantity: 1, idempotencyKey: 'keep-june-02' });
    t.clock!.set('2026-07-02T12:00:00Z');
    await post({ key, meter: 'records', quantity: 4, idempotencyKey: 'keep-july-01' });
    await t.app.modules.licensing.usage.closeDuePeriods();
    const prune = t.app.ctx.jobs.definitions.find((d) => d.name === USAGE_PRUNE_JOB)!;
    const events = async () =>
      (
        await sql<{ idempotency_key: string }>`
          SELECT idempotency_key FROM license_usage_event WHERE license_id = ${id} ORDER BY idempotency_key`.execute(
          t.app.ctx.db,
        )
      ).rows.map((r) => r.idempotency_key);
    const days = t.app.ctx.config.usageEventRetentionDays;
    const juneClosedAt = new Date('2026-07-01T12:00:00Z').getTime();
    // A day short of the retention after June closed: all kept.
    t.clock!.set(new Date(juneClosedAt + (days - 1) * 86_400_000));
    await prune.handler({}, { id: 'prune-1', retryCount: 0 });
    expect(await events()).toEqual(['keep-july-01', 'keep-june-01', 'keep-june-02']);
    // Past it: June's events go (both meters), July's (closed later) stay; the totals and the statement stay.
    t.clock!.set(new Date(juneClosedAt + (days + 1) * 86_400_000));
    await t.app.modules.licensing.usage.closeDuePeriods();
    await prune.handler({}, { id: 'prune-2', retryCount: 0 });
    expect(await events()).toEqual(['keep-july-01']);
    expect(
      await count(
        'license_usage_total',
        sql`license_id = ${id} AND period_start = ${new Date('2026-06-01T12:00:00Z')}`,
      ),
    ).toBe(2);
    expect(
      await count(
        'license_usage_statement',
        sql`license_id = ${id} AND period_start = ${new Date('2026-06-01T12:00:00Z')}`,
      ),
    ).toBe(2);
    t.clock!.set('2026-06-01T12:00:00Z');
  });
});
