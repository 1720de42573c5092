import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LicenseClient,
  type MachineResult,
  MemoryStorage,
  machineFingerprint,
  type NodeLicenseClientOptions,
  type ValidateResult,
} from '../src/index.ts';
import { DAY, HOUR, removeTempDirs, type Server, START, startServer, Tap, tempDir } from './support.ts';

/**
 * The client against the real server, in process and listening: activation limits, signed and
 * nonce-checked validation, the cache and its revalidation, offline answers within the grace
 * period, clock rollback, answers altered in transit, floating licenses' heartbeats.
 */

let s: Server;

beforeAll(async () => {
  s = await startServer();
  // TL-QUALITY is sold floating in these tests: machines must beat every 10 minutes.
  await s.t.app.modules.licensing.licenses.setPolicy(
    'TL-QUALITY',
    { heartbeatWindowSeconds: 600 },
    { kind: 'system', reason: 'test' },
  );
});
afterAll(async () => {
  removeTempDirs();
  await s?.close();
});

let fp = 0;
const fingerprint = () => `test-machine-${process.pid}-${++fp}`;

/** A client on the server's clock, shifted by `shift.ms` (a machine whose clock differs). */
function client(key: string, options: Partial<NodeLicenseClientOptions> & { shift?: { ms: number } } = {}) {
  const { shift, ...rest } = options;
  return new LicenseClient({
    baseUrl: s.baseUrl,
    key,
    product: 'TL-MAPPER',
    now: () => new Date(s.now().getTime() + (shift?.ms ?? 0)),
    ...rest,
  });
}

/** Narrowing helpers: the tests read the fields of the variant they expect. */
function valid(r: ValidateResult) {
  if (!r.valid) throw new Error(`expected VALID, got ${r.code} (${r.source}): ${r.detail}`);
  return r;
}
function machineOk(r: MachineResult) {
  if (!r.ok) throw new Error(`expected ok, got ${r.code}: ${r.detail}`);
  return r;
}

describe('online', () => {
  it('validates VALID with a signed, nonce-checked answer, then from the cache until 24 hours have passed', async () => {
    const { key } = await s.issue();
    const tap = new Tap();
    const c = client(key, { fetch: tap.fetch });
    const first = valid(await c.validate());
    expect(first).toMatchObject({
      code: 'VALID',
      source: 'online',
      checkedAt: START,
      graceEndsAt: null,
      nextCheckAt: new Date(Date.parse(START) + DAY).toISOString(),
      license: { sku: 'TL-MAPPER-PR-A', status: 'ACTIVE', seats: 1, maxMachines: 1, machines: 0 },
    });
    // The keys are fetched when the first answer needs checking.
    expect(tap.calls).toEqual(['/api/v1/licenses/validate', '/.well-known/fhiriq/keys.json']);
    // The nonce this client sent, echoed in the signed answer.
    const answer = JSON.parse(String(tap.last?.body)) as { meta: { nonce: string } };
    expect(answer.meta.nonce).toMatch(/^[A-Za-z0-9_-]{24}$/);

    // Fresh: answered from the cache, no request.
    expect(await c.validate()).toMatchObject({ valid: true, source: 'cache', checkedAt: START });
    expect(tap.calls).toHaveLength(2);
    // Forced: online again, with a new nonce.
    expect(await c.validate({ force: true })).toMatchObject({ valid: true, source: 'online' });
    expect((JSON.parse(String(tap.last?.body)) as { meta: { nonce: string } }).meta.nonce).not.toBe(
      answer.meta.nonce,
    );
    expect(tap.count('/keys.json')).toBe(1);

    try {
      s.t.clock!.advance(DAY - 60_000);
      expect(await c.validate()).toMatchObject({ source: 'cache' });
      s.t.clock!.advance(2 * 60_000);
      expect(await c.validate()).toMatchObject({ valid: true, source: 'online' });
      expect(tap.count('/validate')).toBe(3);
    } finally {
      s.t.clock!.set(START);
    }
  });

  it('a fresh process validates VALID, activates up to the limit, refuses the next with TOO_MANY_MACHINES', async () => {
    const { key } = await s.issue('TL-MAPPER-PR-A', { seats: 2 });
    const [a, b, c] = [fingerprint(), fingerprint(), fingerprint()].map((f) =>
      client(key, { fingerprint: f }),
    );
    expect(await a!.validate()).toMatchObject({ valid: true, source: 'online', license: { maxMachines: 2 } });

    const first = machineOk(await a!.activate({ name: 'Lab PC' }));
    expect(first).toMatchObject({
      code: 'VALID',
      created: true,
      license: { machines: 1, maxMachines: 2 },
      machine: { name: 'Lab PC', platform: `${process.platform}-${process.arch}` },
    });
    expect(first.machineFile).toContain('-----BEGIN FHIR IQ LICENSE FILE-----');
    expect(await a!.machineFile()).toBe(first.machineFile);
    // Activating again answers the same activation.
    expect(await a!.activate()).toMatchObject({
      ok: true,
      created: false,
      machine: { id: first.machine.id },
    });
    machineOk(await b!.activate());
    expect(await c!.activate()).toMatchObject({
      ok: false,
      valid: false,
      code: 'TOO_MANY_MACHINES',
      source: 'online',
      license: { machines: 2, maxMachines: 2 },
    });
    expect(await c!.machineFile()).toBeNull();

    // An activated client validates its machine by default; another checks the license unless asked.
    expect(await a!.validate()).toMatchObject({ valid: true, source: 'online' });
    expect(await c!.validate()).toMatchObject({ valid: true });
    expect(await c!.validate({ scope: 'machine' })).toMatchObject({ valid: false, code: 'NO_MACHINE' });

    // Deactivating frees a place.
    expect(await b!.deactivate()).toMatchObject({ ok: true, machineFile: null, license: { machines: 1 } });
    expect(await b!.machineFile()).toBeNull();
    expect(await b!.deactivate()).toMatchObject({ ok: false, code: 'NO_MACHINE' });
    machineOk(await c!.activate());
    expect(await c!.validate({ scope: 'machine', force: true })).toMatchObject({
      valid: true,
      source: 'online',
    });
  });

  it('uses the hashed Node fingerprint, namespaced by product, when none is given', async () => {
    const { key } = await s.issue();
    const c = client(key);
    const expected = machineFingerprint({ product: 'TL-MAPPER' });
    expect(await c.fingerprint()).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
    expect(expected).not.toBe(machineFingerprint({ product: 'TL-QUALITY' }));
    expect(machineOk(await c.activate()).machine.fingerprint).toBe(expected);
  });

  it('answers the refusals: product mismatch, unknown and malformed keys, bad input', async () => {
    const { key } = await s.issue();
    expect(await client(key, { product: 'TL-QUALITY' }).validate()).toMatchObject({
      valid: false,
      code: 'PRODUCT_MISMATCH',
      source: 'online',
    });
    expect(await client(key, { product: 'TL-QUALITY', fingerprint: fingerprint() }).activate()).toMatchObject(
      {
        ok: false,
        code: 'PRODUCT_MISMATCH',
      },
    );
    expect(await client('FHIR-0000-0000-0000-0000-0000').validate()).toMatchObject({
      valid: false,
      code: 'INVALID_KEY_FORMAT',
    });
    // A fingerprint the server's schema refuses: a 400, which the client reports (never VALID).
    expect(await client(key, { fingerprint: 'short' }).activate()).toMatchObject({
      ok: false,
      source: 'client',
      code: 'REQUEST_REJECTED',
      errorCode: 'VALIDATION_FAILED',
    });
  });

  it('after a refund: REVOKED online, the machine file dropped, no offline VALID afterwards', async () => {
    const { key, id } = await s.issue();
    const tap = new Tap();
    const c = client(key, { fingerprint: fingerprint(), fetch: tap.fetch, cacheDir: tempDir() });
    machineOk(await c.activate());
    expect(await c.validate()).toMatchObject({ valid: true, source: 'online' });
    await s.t.app.modules.licensing.licenses.setStatus(id, 'REVOKED', { kind: 'system', reason: 'refund' });
    // Within 24 hours the cached VALID stands unless the application forces a check.
    expect(await c.validate()).toMatchObject({ valid: true, source: 'cache' });
    expect(await c.validate({ force: true })).toMatchObject({
      valid: false,
      code: 'REVOKED',
      source: 'online',
    });
    expect(await c.machineFile()).toBeNull();
    tap.mode = 'down';
    expect(await c.validate()).toMatchObject({ valid: false, code: 'REVOKED', source: 'cache' });
    expect(await c.validate({ scope: 'machine' })).toMatchObject({
      valid: false,
      code: 'REVOKED',
      source: 'cache',
    });
    tap.mode = 'pass';
    expect(await c.heartbeat()).toMatchObject({ ok: false, code: 'REVOKED' });
  });

  it('fetches the certificate and verifies it (its status inside)', async () => {
    const { key, id } = await s.issue();
    const c = client(key);
    const cert = await c.certificate();
    if (!cert.ok) throw new Error(cert.code);
    expect(cert.file).toMatchObject({ type: 'license', machine: null, license: { id, status: 'ACTIVE' } });
    expect(await c.verifyCertificate(cert.certificate)).toMatchObject({ ok: true, type: 'license' });
    await s.t.app.modules.licensing.licenses.setStatus(id, 'SUSPENDED', { kind: 'system', reason: 'test' });
    expect(await c.certificate()).toMatchObject({ ok: true, file: { license: { status: 'SUSPENDED' } } });
    expect(await client('FHIR-0000-0000-0000-0000-0000').certificate()).toMatchObject({
      ok: false,
      code: 'INVALID_KEY_FORMAT',
    });
  });
});

describe('offline', () => {
  it('answers from the machine file in a fresh process while the server is down, until the grace period ends', async () => {
    const { key } = await s.issue();
    const dir = tempDir();
    const machine = fingerprint();
    const activated = machineOk(await client(key, { fingerprint: machine, cacheDir: dir }).activate());

    // Owner-only files, written atomically (no temporary files left behind).
    const files = fs.readdirSync(dir);
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.every((f) => f.startsWith('fhiriq-') && f.endsWith('.json'))).toBe(true);
    if (process.platform !== 'win32') {
      for (const f of files) expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    }
    expect(fs.readFileSync(path.join(dir, files.find((f) => f.includes('license'))!), 'utf8')).not.toContain(
      key,
    );

    const shift = { ms: 0 };
    const down = new Tap();
    down.mode = 'down';
    const later = client(key, { fingerprint: machine, cacheDir: dir, fetch: down.fetch, shift });
    expect(await later.verifyMachineFile()).toMatchObject({
      ok: true,
      type: 'machine',
      machine: { fingerprint: machine },
    });
    expect(await later.machineFile()).toBe(activated.machineFile);

    const graceEnd = new Date(Date.parse(START) + 7 * DAY).toISOString();
    shift.ms = 3 * DAY;
    expect(await later.validate()).toMatchObject({
      valid: true,
      code: 'VALID',
      source: 'offline-file',
      checkedAt: START,
      graceEndsAt: graceEnd,
      license: { sku: 'TL-MAPPER-PR-A', machines: null },
      file: { type: 'machine' },
    });
    expect(down.count('/validate')).toBe(1);
    shift.ms = 7 * DAY - 1;
    expect(await later.validate()).toMatchObject({ valid: true, graceEndsAt: graceEnd });
    shift.ms = 7 * DAY;
    expect(await later.validate()).toMatchObject({ valid: false, source: 'client', code: 'GRACE_EXPIRED' });

    // A longer grace period still ends with the machine file's TTL (14 days).
    const patient = client(key, {
      fingerprint: machine,
      cacheDir: dir,
      fetch: down.fetch,
      shift,
      gracePeriodMs: 30 * DAY,
    });
    shift.ms = 13 * DAY;
    expect(await patient.validate()).toMatchObject({
      valid: true,
      graceEndsAt: new Date(Date.parse(START) + 14 * DAY).toISOString(),
    });
    shift.ms = 14 * DAY;
    expect(await patient.validate()).toMatchObject({ valid: false, code: 'GRACE_EXPIRED' });

    // Back online (the server's clock moved on too): VALID online again.
    down.mode = 'pass';
    shift.ms = 0;
    try {
      s.t.clock!.advance(14 * DAY);
      expect(await patient.validate()).toMatchObject({ valid: true, source: 'online' });
    } finally {
      s.t.clock!.set(START);
    }
  });

  it('answers from the last validation (no machine file) within the grace period, after trying the server', async () => {
    const { key } = await s.issue();
    const tap = new Tap();
    const shift = { ms: 0 };
    const c = client(key, { fetch: tap.fetch, shift, storage: new MemoryStorage() });
    expect(await c.validate()).toMatchObject({ valid: true, source: 'online' });
    tap.mode = 'down';
    shift.ms = 23 * HOUR;
    expect(await c.validate()).toMatchObject({ valid: true, source: 'cache', graceEndsAt: null });
    expect(tap.count('/validate')).toBe(1);
    shift.ms = 25 * HOUR;
    expect(await c.validate()).toMatchObject({
      valid: true,
      source: 'cache',
      checkedAt: START,
      graceEndsAt: new Date(Date.parse(START) + 7 * DAY).toISOString(),
    });
    expect(tap.count('/validate')).toBe(2);
    tap.mode = '503';
    expect(await c.validate()).toMatchObject({ valid: true, source: 'cache' });
    tap.mode = '429';
    expect(await c.validate()).toMatchObject({ valid: true, source: 'cache' });
    tap.mode = 'down';
    shift.ms = 7 * DAY;
    expect(await c.validate()).toMatchObject({ valid: false, code: 'GRACE_EXPIRED' });

    // Nothing cached: OFFLINE, or RATE_LIMITED with the server's Retry-After.
    const fresh = client(key, { fetch: tap.fetch });
    expect(await fresh.validate()).toMatchObject({ valid: false, source: 'client', code: 'OFFLINE' });
    tap.mode = '429';
    expect(await fresh.validate()).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 42 });
    expect(await fresh.activate()).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
  });

  it('classifies a server that refuses connections as offline (a real socket error)', async () => {
    const { key } = await s.issue();
    // A port that was free a moment ago: nothing listens there.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const closed = new LicenseClient({
      baseUrl: `http://127.0.0.1:${port}`,
      key,
      fingerprint: fingerprint(),
      now: s.now,
      timeoutMs: 2000,
    });
    const r = await closed.validate();
    expect(r).toMatchObject({ valid: false, source: 'client', code: 'OFFLINE' });
    expect(r.valid === false && r.source === 'client' && r.cause).toBeInstanceOf(Error);
    expect(await closed.activate()).toMatchObject({ ok: false, code: 'OFFLINE' });
  });

  it('refuses offline answers when the clock was set back, and recovers once the server is reached', async () => {
    const { key } = await s.issue();
    const dir = tempDir();
    const machine = fingerprint();
    machineOk(await client(key, { fingerprint: machine, cacheDir: dir }).activate());
    const tap = new Tap();
    tap.mode = 'down';
    const shift = { ms: 0 };
    const c = client(key, { fingerprint: machine, cacheDir: dir, fetch: tap.fetch, shift });

    shift.ms = 3 * DAY;
    expect(await c.validate()).toMatchObject({ valid: true, source: 'offline-file' });
    // Within the tolerance (5 minutes) is not a rollback.
    shift.ms = 3 * DAY - 4 * 60_000;
    expect(await c.validate()).toMatchObject({ valid: true, source: 'offline-file' });
    // Set back two days: earlier than a time this machine has already seen.
    shift.ms = DAY;
    expect(await c.validate()).toMatchObject({ valid: false, source: 'client', code: 'CLOCK_ROLLBACK' });
    // Remembered across processes (the trusted time is in the cache).
    const other = client(key, { fingerprint: machine, cacheDir: dir, fetch: tap.fetch, shift });
    expect(await other.validate()).toMatchObject({ code: 'CLOCK_ROLLBACK' });

    // Online, the server's signed time resets the trusted time: a corrected clock works again.
    tap.mode = 'pass';
    shift.ms = 0;
    expect(await c.validate()).toMatchObject({ valid: true, source: 'online' });
    tap.mode = 'down';
    shift.ms = HOUR;
    expect(await c.validate()).toMatchObject({ valid: true, source: 'cache' });
    expect(await c.validate({ force: true })).toMatchObject({ valid: true, source: 'offline-file' });

    // The remembered time erased from the cache, a clock set before the machine file was issued
    // is still caught: by the file's own signed issue time.
    const stateFile = path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith('fhiriq-license-'))!);
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { trustedTime: number | null };
    state.trustedTime = null;
    fs.writeFileSync(stateFile, JSON.stringify(state));
    shift.ms = -HOUR;
    expect(await c.validate({ force: true })).toMatchObject({ valid: false, code: 'CLOCK_ROLLBACK' });
  });

  it('does not trust a cache edited on disk', async () => {
    const { key } = await s.issue();
    const dir = tempDir();
    const tap = new Tap();
    const c = client(key, { cacheDir: dir, fetch: tap.fetch });
    await c.validate();
    const file = path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith('fhiriq-license-'))!);
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as { validation: { body: string } };
    // Move the last check a week forward, to stretch the grace period.
    state.validation.body = state.validation.body.replaceAll(START, '2026-06-08T12:00:00.000Z');
    fs.writeFileSync(file, JSON.stringify(state));
    tap.mode = 'down';
    const shift = { ms: 8 * DAY };
    const edited = client(key, { cacheDir: dir, fetch: tap.fetch, shift });
    expect(await edited.validate()).toMatchObject({ valid: false, code: 'OFFLINE' });
  });
});

describe('answers altered in transit', () => {
  it('refuses an altered body (SIGNATURE_INVALID), even with a good answer cached', async () => {
    const { key } = await s.issue();
    const tap = new Tap();
    const c = client(key, { fingerprint: fingerprint(), fetch: tap.fetch });
    expect(await c.validate()).toMatchObject({ valid: true, source: 'online' });
    tap.alter = (a) => ({
      ...a,
      body: a.body.replace('"valid":false', '"valid":true').replace('"code":"NO_MACHINE"', '"code":"VALID"'),
    });
    const r = await c.validate({ scope: 'machine', force: true });
    expect(r).toMatchObject({ valid: false, source: 'client', code: 'SIGNATURE_INVALID' });
    expect(tap.last?.body).toContain('"code":"NO_MACHINE"');
    // The server's own answer, unaltered, is a refusal.
    tap.alter = undefined;
    expect(await c.validate({ scope: 'machine' })).toMatchObject({ valid: false, code: 'NO_MACHINE' });
  });

  it('refuses an answer without a signature or with a garbled one', async () => {
    const { key } = await s.issue();
    const tap = new Tap();
    const c = client(key, { fetch: tap.fetch });
    tap.alter = (a) => {
      const headers = new Headers(a.headers);
      headers.delete('fhiriq-signature');
      return { ...a, headers };
    };
    expect(await c.validate()).toMatchObject({
      code: 'SIGNATURE_INVALID',
      detail: expect.stringMatching(/no signature/),
    });
    tap.alter = (a) => {
      const headers = new Headers(a.headers);
      headers.set(
        'fhiriq-signature',
        String(a.headers.get('fhiriq-signature')).replace(/signature="[^"]{4}/, 'signature="AAAA'),
      );
      return { ...a, headers };
    };
    expect(await c.validate()).toMatchObject({ code: 'SIGNATURE_INVALID' });
    tap.alter = (a) => {
      const headers = new Headers(a.headers);
      headers.set('fhiriq-signature', 'garbage');
      return { ...a, headers };
    };
    expect(await c.validate()).toMatchObject({ code: 'SIGNATURE_INVALID' });
    // An activation whose machine file was swapped inside the signed body: the body's signature fails.
    tap.alter = (a, p) =>
      p.endsWith('/activate')
        ? { ...a, body: a.body.replace(/"machineFile":"-----BEGIN[^"]*"/, '"machineFile":"x"') }
        : a;
    expect(await client(key, { fingerprint: fingerprint(), fetch: tap.fetch }).activate()).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
  });

  it('refuses a key id nobody published (UNKNOWN_KEY), after fetching the keys once more', async () => {
    const { key } = await s.issue();
    const tap = new Tap();
    const c = client(key, { fetch: tap.fetch });
    expect(await c.validate()).toMatchObject({ valid: true });
    expect(tap.count('/keys.json')).toBe(1);
    tap.alter = (a, p) => {
      if (p.endsWith('/keys.json')) return a;
      const headers = new Headers(a.headers);
      headers.set(
        'fhiriq-signature',
        String(a.headers.get('fhiriq-signature')).replace(/keyid="[^"]+"/, 'keyid="0123456789abcdef"'),
      );
      return { ...a, headers };
    };
    expect(await c.validate({ force: true })).toMatchObject({ valid: false, code: 'UNKNOWN_KEY' });
    expect(tap.count('/keys.json')).toBe(2);
    // The algorithm must match the key too: the right key id under another algorithm is unknown.
    tap.alter = (a, p) => {
      if (p.endsWith('/keys.json')) return a;
      const headers = new Headers(a.headers);
      headers.set(
        'fhiriq-signature',
        String(a.headers.get('fhiriq-signature')).replace(
          'algorithm="ed25519"',
          'algorithm="rsa-pss-sha256"',
        ),
      );
      return { ...a, headers };
    };
    expect(await c.validate({ force: true })).toMatchObject({ valid: false, code: 'UNKNOWN_KEY' });
  });

  it('refuses a replayed answer (NONCE_MISMATCH)', async () => {
    const { key } = await s.issue();
    const tap = new Tap();
    const c = client(key, { fetch: tap.fetch });
    expect(await c.validate()).toMatchObject({ valid: true });
    const captured = tap.last!;
    // The genuine, signed answer to the earlier request, served again.
    tap.alter = (a, p) => (p.endsWith('/validate') ? captured : a);
    expect(await c.validate({ force: true })).toMatchObject({
      valid: false,
      source: 'client',
      code: 'NONCE_MISMATCH',
    });
    // A machine call too.
    const m = client(key, { fingerprint: fingerprint(), fetch: tap.fetch });
    tap.alter = undefined;
    machineOk(await m.activate());
    const activation = tap.last!;
    tap.alter = (a, p) => (p.endsWith('/activate') ? activation : a);
    expect(await m.activate()).toMatchObject({ ok: false, code: 'NONCE_MISMATCH' });
  });

  it('refuses an answer dated outside the replay window (RESPONSE_STALE), in either direction', async () => {
    const { key } = await s.issue();
    const shift = { ms: 10 * 60_000 };
    const c = client(key, { shift });
    expect(await c.validate()).toMatchObject({
      valid: false,
      code: 'RESPONSE_STALE',
      detail: expect.stringMatching(/before/),
    });
    shift.ms = -10 * 60_000;
    expect(await c.validate()).toMatchObject({
      valid: false,
      code: 'RESPONSE_STALE',
      detail: expect.stringMatching(/after/),
    });
    shift.ms = 4 * 60_000;
    expect(await c.validate()).toMatchObject({ valid: true, source: 'online' });
    // A wider tolerance, for machines whose clocks drift.
    expect(
      await client(key, { shift: { ms: 10 * 60_000 }, clockToleranceMs: 15 * 60_000 }).validate(),
    ).toMatchObject({
      valid: true,
    });
  });
});

describe('floating licenses', () => {
  it('sends heartbeats, is released after missing its window, and the loop activates it again', async () => {
    const { key } = await s.issue('TL-QUALITY-PR-A');
    const c = client(key, { product: 'TL-QUALITY', fingerprint: fingerprint() });
    try {
      const activated = machineOk(await c.activate());
      expect(activated.machine.heartbeatDueBy).toBe(new Date(Date.parse(START) + 10 * 60_000).toISOString());
      s.t.clock!.advance(5 * 60_000);
      const beat = machineOk(await c.heartbeat());
      expect(beat.machine.heartbeatDueBy).toBe(new Date(Date.parse(START) + 15 * 60_000).toISOString());
      expect(beat.machineFile).not.toBe(activated.machineFile);
      expect(await c.machineFile()).toBe(beat.machineFile);

      s.t.clock!.advance(11 * 60_000);
      expect(await c.validate({ force: true })).toMatchObject({ valid: false, code: 'HEARTBEAT_DEAD' });
      expect(await c.machineFile()).toBeNull();
      expect(await c.heartbeat()).toMatchObject({ ok: false, code: 'HEARTBEAT_DEAD' });

      const results: MachineResult[] = [];
      const loop = c.startHeartbeat({ intervalMs: 20, onResult: (r) => results.push(r) });
      await expect.poll(() => results.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
      loop.stop();
      expect(loop.running).toBe(false);
      // The first beat found the machine released and activated it again; the next one beat.
      expect(results[0]).toMatchObject({ ok: true, created: true });
      expect(results[1]).toMatchObject({ ok: true, detail: 'Heartbeat received.' });
      expect(await c.validate({ scope: 'machine', force: true })).toMatchObject({ valid: true });
    } finally {
      s.t.clock!.set(START);
    }
  });

  it('renews an ageing machine file on an online validation', async () => {
    const { key } = await s.issue();
    const c = client(key, { fingerprint: fingerprint() });
    const first = machineOk(await c.activate());
    try {
      s.t.clock!.advance(8 * DAY);
      expect(await c.validate({ force: true })).toMatchObject({ valid: true, source: 'online' });
      const renewed = await c.machineFile();
      expect(renewed).not.toBe(first.machineFile);
      expect(await c.verifyMachineFile()).toMatchObject({
        ok: true,
        issuedAt: new Date(Date.parse(START) + 8 * DAY).toISOString(),
      });
    } finally {
      s.t.clock!.set(START);
    }
  });
});
