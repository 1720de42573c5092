import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LicenseClient } from '../../../packages/license-client/src/index.ts';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, signedInUser } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import { FULFILLMENT_JOBS } from './index.ts';
import { afterPayment, buy, runQueued } from './test-support.ts';

/**
 * Issue 4, "Done means": a license bought with the test card (three seats) validates VALID through the SDK
 * on a fresh process, activates up to its limit, refuses the next with TOO_MANY_MACHINES,
 * verifies offline from its machine file, and validates REVOKED after a refund. Real time (the
 * SDK checks the server's signed timestamps against its own clock), a real listening server.
 */

const root = path.resolve(import.meta.dirname, '../../..');
let t: TestApp;
let jars: Record<Who, CookieJar>;
let baseUrl: string;

beforeAll(async () => {
  t = await createTestApp();
  jars = await staffJars(t, 'done');
  baseUrl = await t.http.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);
afterAll(async () => t?.close());

/** Validates in a separate Node process through the SDK (nothing shared with this one). */
function validateInFreshProcess(key: string): Promise<{ valid: boolean; code: string; source: string }> {
  const script = `
    import { LicenseClient } from './packages/license-client/src/index.ts';
    const client = new LicenseClient({ baseUrl: process.env.BASE_URL, key: process.env.LICENSE_KEY, product: 'TL-MAPPER' });
    const r = await client.validate();
    process.stdout.write(JSON.stringify({ valid: r.valid, code: r.code, source: r.source }));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, BASE_URL: baseUrl, LICENSE_KEY: key },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`child exited ${code}: ${out}\n${err}`));
      }
    });
  });
}

describe('a license bought with the test card, end to end', { timeout: 120_000 }, () => {
  it('validates VALID through the SDK in a fresh process, activates up to its limit, verifies offline, and is REVOKED after a refund', async () => {
    const jar = await signedInUser(t, 'done@hospital.de');
    // Each seat may run on two machines (a laptop and a workstation).
    await t.app.modules.licensing.licenses.setPolicy('TL-MAPPER', { machinesPerSeat: 2 }, { kind: 'cli' });
    // Three seats of the Professional edition (sold per seat, up to five).
    const orderId = await buy(t, jar, 'done@hospital.de', [{ sku: 'TL-MAPPER-PR-A', quantity: 3 }]);
    await afterPayment(t);

    // The customer finds the license and its key in their account.
    const list = await api(t, 'GET', '/api/v1/account/licenses', { jar });
    expect(list.statusCode).toBe(200);
    const [summary] = list.json().items as { id: string; sku: string }[];
    expect(summary).toMatchObject({ sku: 'TL-MAPPER-PR-A' });
    const detail = (await api(t, 'GET', `/api/v1/account/licenses/${summary!.id}`, { jar })).json();
    const key: string = detail.key;
    const maxMachines: number = detail.maxMachines;
    // Activation stops at seats × machines per seat.
    expect(detail.seats).toBe(3);
    expect(maxMachines).toBe(3 * 2);

    expect(await validateInFreshProcess(key)).toEqual({ valid: true, code: 'VALID', source: 'online' });

    const client = (n: number) =>
      new LicenseClient({ baseUrl, key, product: 'TL-MAPPER', fingerprint: `done-machine-${n}` });
    const machines = Array.from({ length: maxMachines }, (_, i) => client(i));
    for (const m of machines) expect(await m.activate()).toMatchObject({ ok: true, code: 'VALID' });
    expect(await client(maxMachines).activate()).toMatchObject({ ok: false, code: 'TOO_MANY_MACHINES' });

    // Offline: the machine file verifies with the published keys, no server needed.
    const file = await machines[0]!.machineFile();
    expect(file).toBeTruthy();
    const keys = await (await fetch(`${baseUrl}/.well-known/fhiriq/keys.json`)).json();
    const offline = new LicenseClient({
      baseUrl: 'http://127.0.0.1:9',
      key,
      fingerprint: 'done-machine-0',
      publicKeys: keys,
      fetch: async () => {
        throw new Error('offline');
      },
    });
    expect(await offline.verifyMachineFile(file!)).toMatchObject({ ok: true });

    // A full refund revokes it.
    const gross = Number(
      (
        await sql<{ g: number }>`SELECT gross_total AS g FROM sales_order WHERE id = ${orderId}`.execute(
          t.app.ctx.db,
        )
      ).rows[0]!.g,
    );
    const refund = await api(t, 'POST', `/api/v1/admin/orders/${orderId}/refunds`, {
      jar: jars.admin,
      body: { amount: gross, reason: 'customer asked' },
      headers: { 'idempotency-key': `done-${randomUUID()}` },
    });
    expect(refund.statusCode, refund.body).toBe(201);
    await runQueued(t, FULFILLMENT_JOBS.orderRefunded);
    expect(await machines[0]!.validate({ force: true })).toMatchObject({ valid: false, code: 'REVOKED' });
    expect(await validateInFreshProcess(key)).toMatchObject({ valid: false, code: 'REVOKED' });
  });
});
