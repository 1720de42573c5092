import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { handle, inTransaction } from '../../platform/db/transaction.ts';
import { type FakeVies, startFakeVies } from './fake-vies.ts';
import { VERIFY_VAT_JOB, VERIFY_VAT_SWEEP_JOB } from './index.ts';
import { createTaxHarness, type TaxHarness } from './test-support.ts';

const until = async (check: () => Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
};

// Retries wait a minute (the default), so none fires on its own during a test: `retryDue` says
// when that time has passed, and the queue then runs the retry as it would have. Nothing hangs
// on pg-boss's randomized backoff or the machine's load. The timeout leaves a loaded machine
// time to answer from the fake registry in this same process; the "hang" test waits it out.
const VIES_ENV = { VIES_RETRY_DELAY_SECONDS: '60', VIES_TIMEOUT_MS: '2000' };

let h: TaxHarness;
let vies: FakeVies;

/** The retry delay of every VAT check waiting for its retry has passed. */
const retryDue = (t: TaxHarness) =>
  sql`UPDATE pgboss.job SET start_after = now() WHERE name = ${VERIFY_VAT_JOB} AND state = 'retry'`.execute(
    t.ctx.db,
  );

beforeAll(async () => {
  vies = await startFakeVies({ kind: 'error', code: 'MS_UNAVAILABLE', httpStatus: 200 });
  h = await createTaxHarness({ env: { VIES_URL: vies.url, ...VIES_ENV }, work: true });
});
afterAll(async () => {
  await h?.close();
  await vies?.close();
});

const frBusiness = (vatId: string) => ({
  items: [{ sku: 'TL-MAPPER-PR-A', quantity: 1 }],
  currency: 'USD',
  customer: { country: 'FR', business: true, vatId },
});
const quote = (body: object) => h.http.inject({ method: 'POST', url: '/api/v1/tax/quote', payload: body });

describe('VAT ID verification with VIES (asynchronous, retried, never guessed)', () => {
  it('holds a VAT ID pending while VIES is down, retries, then records the registry answer', async () => {
    const first = (await quote(frBusiness('FR40303265045'))).json();
    expect(first.lines[0]).toMatchObject({
      reason: 'vat_pending_verification',
      taxRate: 2000,
      taxAmount: 19_800,
    });
    expect(first.vat).toEqual({ status: 'pending', vatId: 'FR40303265045' });
    expect(first.notes.join(' ')).toMatch(/awaiting verification/);

    // The job runs and fails: still pending (never silently valid or invalid), the attempts counted.
    await until(async () => ((await h.tax.verificationStatus('FR40303265045'))?.attempts ?? 0) >= 1);
    await until(async () => {
      await retryDue(h);
      return ((await h.tax.verificationStatus('FR40303265045'))?.attempts ?? 0) >= 2;
    });
    const down = await h.tax.verificationStatus('FR40303265045');
    expect(down).toMatchObject({
      status: 'pending',
      lastError: 'MS_UNAVAILABLE',
      source: null,
      checkedAt: null,
    });
    expect((await quote(frBusiness('FR40303265045'))).json().lines[0].reason).toBe(
      'vat_pending_verification',
    );

    // A second quote while pending queued no second job: the record is the dedupe.
    const jobs = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${VERIFY_VAT_JOB}`.execute(h.ctx.db);
    expect(jobs.rows[0]!.n).toBe(1);

    vies.mode = { kind: 'up', registered: new Set(['FR40303265045']) };
    await until(async () => {
      await retryDue(h);
      return (await h.tax.verificationStatus('FR40303265045'))?.status === 'valid';
    });
    const up = await h.tax.verificationStatus('FR40303265045');
    expect(up).toMatchObject({
      status: 'valid',
      source: 'vies',
      registeredName: 'ACME SAS',
      lastError: null,
    });
    // No SELLER_VAT_ID here: VIES gives no consultation number (see the requester tests below).
    expect(up).toMatchObject({ requestIdentifier: null, requesterVatId: null });
    expect(up?.checkedAt).toBeInstanceOf(Date);
    expect(up!.attempts).toBeGreaterThanOrEqual(3);

    const after = (await quote(frBusiness('FR40303265045'))).json();
    expect(after.lines[0]).toMatchObject({ reason: 'reverse_charge', taxRate: 0, taxAmount: 0 });
    expect(after.vat).toEqual({ status: 'valid', vatId: 'FR40303265045', source: 'vies' });
  });

  it('records a VIES "not registered" as invalid, and the quote then refuses the ID', async () => {
    vies.mode = { kind: 'up', registered: new Set() };
    expect((await h.tax.requestVerification('DE136695976')).status).toBe('pending');
    await until(async () => (await h.tax.verificationStatus('DE136695976'))?.status === 'invalid');
    const res = await h.http.inject({
      method: 'POST',
      url: '/api/v1/tax/quote',
      payload: {
        ...frBusiness('DE136695976'),
        customer: { country: 'DE', business: true, vatId: 'DE136695976' },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'VAT_ID_INVALID',
      message: expect.stringMatching(/not registered/),
    });
  });

  it('treats a VIES timeout as unavailable: the ID stays pending', async () => {
    vies.mode = { kind: 'hang' };
    await h.tax.requestVerification('ATU13585627');
    await until(async () => ((await h.tax.verificationStatus('ATU13585627'))?.attempts ?? 0) >= 1);
    expect(await h.tax.verificationStatus('ATU13585627')).toMatchObject({
      status: 'pending',
      lastError: 'TIMEOUT after 2000 ms',
    });
  });

  it("joins the caller's transaction: a rolled-back checkout leaves no record and no job", async () => {
    const jobsBefore = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${VERIFY_VAT_JOB}`.execute(h.ctx.db);
    await expect(
      inTransaction(h.ctx.db, async (trx) => {
        const s = await h.tax.requestVerification('BE0411905847', handle(trx));
        expect(s.status).toBe('pending');
        throw new Error('checkout failed later');
      }),
    ).rejects.toThrow('checkout failed later');
    expect(await h.tax.verificationStatus('BE0411905847')).toBeUndefined();
    const jobsAfter = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${VERIFY_VAT_JOB}`.execute(h.ctx.db);
    expect(jobsAfter.rows[0]!.n).toBe(jobsBefore.rows[0]!.n);
  });

  it('asks VIES about an ID only checked locally before VIES was configured', async () => {
    vies.mode = { kind: 'up', registered: new Set(['IE6388047V', 'CZ25123891']) };
    const at = new Date('2026-01-01T00:00:00Z');
    await sql`INSERT INTO vat_verification (vat_id, country, status, source, checked_at, attempts, created_at, updated_at)
              VALUES ('IE6388047V', 'IE', 'valid', 'local-format', ${at}, 1, ${at}, ${at})`.execute(h.ctx.db);
    expect((await h.tax.requestVerification('IE6388047V')).status).toBe('pending');
    await until(async () => (await h.tax.verificationStatus('IE6388047V'))?.source === 'vies');
    expect(await h.tax.verificationStatus('IE6388047V')).toMatchObject({ status: 'valid', source: 'vies' });
  });

  it('queues again a pending check whose job was lost', async () => {
    const old = new Date(Date.now() - 7 * 3600_000);
    await sql`INSERT INTO vat_verification (vat_id, country, status, attempts, created_at, updated_at)
              VALUES ('CZ25123891', 'CZ', 'pending', 10, ${old}, ${old})`.execute(h.ctx.db);
    await h.ctx.jobs.send(VERIFY_VAT_SWEEP_JOB, {});
    await until(async () => (await h.tax.verificationStatus('CZ25123891'))?.status === 'valid');
  });

  it('checks a UK VAT number locally even with VIES configured (VIES does not cover GB)', async () => {
    const asked = vies.requests.length;
    const status = await h.tax.requestVerification('GB980780684');
    expect(status).toMatchObject({ status: 'valid', source: 'local-format', attempts: 1 });
    // Asking again neither re-checks nor tries to "upgrade" it to a VIES answer.
    expect(await h.tax.requestVerification('GB980780684')).toMatchObject({ status: 'valid', attempts: 1 });
    expect(vies.requests.length).toBe(asked);
    const res = await quote({
      ...frBusiness('GB980780684'),
      customer: { country: 'GB', business: true, vatId: 'GB980780684' },
    });
    expect(res.json().lines[0]).toMatchObject({ reason: 'reverse_charge', taxAmount: 0 });
  });

  it('rejects a malformed VAT ID before recording anything', async () => {
    await expect(h.tax.requestVerification('FR00000000000')).rejects.toMatchObject({
      code: 'VAT_ID_INVALID',
    });
    expect(await h.tax.verificationStatus('FR00000000000')).toBeUndefined();
  });
});

describe('VIES checks as the seller (SELLER_VAT_ID): consultation numbers kept as evidence', () => {
  let seller: TaxHarness;
  let registry: FakeVies;
  beforeAll(async () => {
    registry = await startFakeVies({ kind: 'up', registered: new Set(['FR40303265045', 'IE6388047V']) });
    seller = await createTaxHarness({
      env: {
        VIES_URL: registry.url,
        SELLER_VAT_ID: 'ie 6388047v',
        SELLER_COUNTRY: 'IE',
        ...VIES_ENV,
      },
      work: true,
    });
  });
  afterAll(async () => {
    await seller?.close();
    await registry?.close();
  });

  it('sends the requester and stores the consultation number with the verification record', async () => {
    expect(seller.ctx.config.sellerVatId).toBe('IE6388047V');
    expect((await seller.tax.requestVerification('FR40303265045')).status).toBe('pending');
    await until(async () => (await seller.tax.verificationStatus('FR40303265045'))?.status === 'valid');
    expect(registry.requests.at(-1)).toEqual({
      countryCode: 'FR',
      vatNumber: '40303265045',
      requesterMemberStateCode: 'IE',
      requesterNumber: '6388047V',
    });
    const consultation = registry.issued.at(-1);
    expect(consultation).toMatch(/^WAPI/);
    expect(await seller.tax.verificationStatus('FR40303265045')).toMatchObject({
      status: 'valid',
      source: 'vies',
      requestIdentifier: consultation,
      requesterVatId: 'IE6388047V',
    });
    const row = await sql<{ request_identifier: string; requester_vat_id: string }>`
      SELECT request_identifier, requester_vat_id FROM vat_verification WHERE vat_id = 'FR40303265045'`.execute(
      seller.ctx.db,
    );
    expect(row.rows).toEqual([{ request_identifier: consultation, requester_vat_id: 'IE6388047V' }]);
  });

  it('keeps an ID pending, with the reason, while VIES refuses the requester', async () => {
    registry.mode = { kind: 'up', registered: new Set(['DE136695976']) };
    await seller.tax.requestVerification('DE136695976');
    await until(async () => ((await seller.tax.verificationStatus('DE136695976'))?.attempts ?? 0) >= 1);
    expect(await seller.tax.verificationStatus('DE136695976')).toMatchObject({
      status: 'pending',
      requestIdentifier: null,
      lastError: expect.stringMatching(/^INVALID_REQUESTER_INFO/),
    });
  });

  it('refuses to start with a SELLER_VAT_ID that cannot exist', () => {
    expect(() => loadConfig({ SELLER_VAT_ID: 'IE6388047W' })).toThrow(
      /SELLER_VAT_ID is not a valid EU VAT number/,
    );
    expect(() => loadConfig({ SELLER_VAT_ID: 'EU372012345' })).toThrow(/SELLER_VAT_ID/);
    expect(loadConfig({ SELLER_VAT_ID: '' }).sellerVatId).toBeUndefined();
  });
});
