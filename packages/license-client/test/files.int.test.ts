import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FileVerification,
  LicenseClient,
  PublicKeySet,
  type PublishedKeys,
  verifyLicenseFile,
} from '../src/index.ts';
import {
  armor,
  DAY,
  flipPayloadByte,
  payloadOf,
  type Server,
  START,
  startServer,
  Tap,
  unarmor,
} from './support.ts';

/**
 * Machine files and certificates from the real server, verified offline with the published
 * keys: tampered payloads, swapped signatures, wrong key ids, expired TTLs, another machine's
 * file, and RSA-PSS files alongside Ed25519 ones.
 */

let s: Server;
let keys: PublishedKeys;
let machineFile: string;
let certificate: string;
let rsaMachineFile: string;
const MACHINE = `files-test-machine-${process.pid}`;
const at = (ms: number) => new Date(Date.parse(START) + ms);

beforeAll(async () => {
  s = await startServer();
  // TL-ANALYTICS files are signed RSA-PSS/SHA-256 (a product policy), the rest Ed25519.
  await s.t.app.modules.licensing.licenses.setPolicy(
    'TL-ANALYTICS',
    { signingAlg: 'rsa-pss-sha256' },
    { kind: 'system', reason: 'test' },
  );
  const { key } = await s.issue();
  const c = new LicenseClient({
    baseUrl: s.baseUrl,
    key,
    product: 'TL-MAPPER',
    fingerprint: MACHINE,
    now: s.now,
  });
  const activated = await c.activate();
  const cert = await c.certificate();
  if (!activated.ok || !activated.machineFile || !cert.ok) throw new Error('setup failed');
  machineFile = activated.machineFile;
  certificate = cert.certificate;
  keys = (await (await fetch(`${s.baseUrl}/.well-known/fhiriq/keys.json`)).json()) as PublishedKeys;
});
afterAll(async () => s?.close());

const verify = (
  file: string,
  options: { now?: Date; fingerprint?: string; type?: 'machine' | 'license'; product?: string } = {},
) => verifyLicenseFile(file, { keys, now: at(DAY), fingerprint: MACHINE, ...options });

function code(v: FileVerification) {
  return v.ok ? 'OK' : v.code;
}

describe('a machine file from the server', () => {
  it('verifies offline with the published keys: signature, machine, product, window', async () => {
    const v = await verify(machineFile, { type: 'machine', product: 'TL-MAPPER' });
    expect(v).toMatchObject({
      ok: true,
      type: 'machine',
      alg: 'ed25519',
      issuedAt: START,
      expiresAt: at(14 * DAY).toISOString(),
      license: { sku: 'TL-MAPPER-PR-A', productKey: 'TL-MAPPER', status: 'ACTIVE', allowedDomains: [] },
      machine: { fingerprint: MACHINE },
    });
    // With pinned keys and no network at all.
    const down = new Tap();
    down.mode = 'down';
    const pinned = new LicenseClient({
      baseUrl: s.baseUrl,
      key: 'FHIR-AAAA-AAAA-AAAA-AAAA-AAAA',
      product: 'TL-MAPPER',
      fingerprint: MACHINE,
      publicKeys: keys,
      fetch: down.fetch,
      now: () => at(DAY),
    });
    expect(await pinned.verifyMachineFile(machineFile)).toMatchObject({ ok: true });
    expect(down.calls).toEqual([]);
  });

  it('rejects one changed byte in the payload, a swapped signature, a broken armor', async () => {
    expect(code(await verify(flipPayloadByte(machineFile, '1', '9')))).toBe('SIGNATURE_INVALID');
    expect(code(await verify(flipPayloadByte(machineFile, 'A', 'B')))).toBe('SIGNATURE_INVALID');
    const certSig = unarmor(certificate).sig;
    expect(code(await verify(armor({ ...unarmor(machineFile), sig: certSig })))).toBe('SIGNATURE_INVALID');
    expect(code(await verify(armor({ ...unarmor(machineFile), sig: '' })))).toBe('SIGNATURE_INVALID');
    expect(code(await verify(machineFile.replace('BEGIN FHIR IQ', 'BEGIN FHIR')))).toBe('FILE_MALFORMED');
    expect(code(await verify(armor({ ...unarmor(machineFile), payload: '!!' })))).toBe('FILE_MALFORMED');
    expect(code(await verify('not a file'))).toBe('FILE_MALFORMED');
  });

  it('rejects a key id nobody published, and a real key id under another algorithm', async () => {
    const envelope = unarmor(machineFile);
    expect(code(await verify(armor({ ...envelope, kid: '0123456789abcdef' })))).toBe('UNKNOWN_KEY');
    expect(code(await verify(armor({ ...envelope, alg: 'rsa-pss-sha256' })))).toBe('UNKNOWN_KEY');
    expect(code(await verify(armor({ ...envelope, alg: 'none' })))).toBe('UNKNOWN_KEY');
  });

  it('rejects an expired TTL, a file from the future, another machine, the wrong type or product', async () => {
    expect(code(await verify(machineFile, { now: at(14 * DAY - 1) }))).toBe('OK');
    expect(code(await verify(machineFile, { now: at(14 * DAY) }))).toBe('FILE_EXPIRED');
    expect(code(await verify(machineFile, { now: at(-4 * 60_000) }))).toBe('OK');
    expect(code(await verify(machineFile, { now: at(-10 * 60_000) }))).toBe('FILE_NOT_YET_VALID');
    expect(code(await verify(machineFile, { fingerprint: 'another-machine-1' }))).toBe(
      'FINGERPRINT_MISMATCH',
    );
    expect(code(await verifyLicenseFile(machineFile, { keys, now: at(DAY) }))).toBe('FINGERPRINT_MISMATCH');
    expect(code(await verify(machineFile, { type: 'license' }))).toBe('WRONG_FILE_TYPE');
    expect(code(await verify(certificate, { type: 'machine' }))).toBe('WRONG_FILE_TYPE');
    expect(code(await verify(machineFile, { product: 'TL-QUALITY' }))).toBe('PRODUCT_MISMATCH');
    expect(code(await verify(machineFile, { product: 'TL-MAPPER-PR-A' }))).toBe('OK');

    // Through the client, on its own clock.
    const later = new LicenseClient({
      baseUrl: s.baseUrl,
      key: 'FHIR-AAAA-AAAA-AAAA-AAAA-AAAA',
      fingerprint: MACHINE,
      publicKeys: keys,
      now: () => at(14 * DAY),
    });
    expect(await later.verifyMachineFile(machineFile)).toMatchObject({ ok: false, code: 'FILE_EXPIRED' });
    expect(await later.verifyMachineFile()).toMatchObject({ ok: false, code: 'FILE_MISSING' });
  });

  it('rejects a machine file once the license’s term has ended; offline answers stop there too', async () => {
    const { key } = await s.issue('TL-MAPPER-PR-A', { validUntil: at(3 * DAY) });
    const tap = new Tap();
    let now = at(0);
    const c = new LicenseClient({
      baseUrl: s.baseUrl,
      key,
      fingerprint: MACHINE,
      fetch: tap.fetch,
      now: () => now,
    });
    const activated = await c.activate();
    if (!activated.ok || !activated.machineFile) throw new Error('activation failed');
    expect(code(await verify(activated.machineFile, { now: at(3 * DAY - 1) }))).toBe('OK');
    expect(code(await verify(activated.machineFile, { now: at(3 * DAY) }))).toBe('EXPIRED');
    tap.mode = 'down';
    now = at(DAY);
    expect(await c.validate()).toMatchObject({
      valid: true,
      source: 'offline-file',
      graceEndsAt: at(3 * DAY).toISOString(),
    });
    now = at(3 * DAY);
    expect(await c.validate()).toMatchObject({ valid: false, code: 'EXPIRED', source: 'offline-file' });
  });
});

describe('a license certificate', () => {
  it('verifies, carries the terms, and is rejected when altered', async () => {
    expect(payloadOf(certificate)).toMatchObject({ type: 'license', version: 1 });
    expect(await verify(certificate, { type: 'license' })).toMatchObject({
      ok: true,
      type: 'license',
      machine: null,
      license: { sku: 'TL-MAPPER-PR-A' },
    });
    expect(code(await verify(flipPayloadByte(certificate, 'A', 'B')))).toBe('SIGNATURE_INVALID');
    expect(code(await verify(armor({ ...unarmor(certificate), sig: unarmor(machineFile).sig })))).toBe(
      'SIGNATURE_INVALID',
    );
    expect(code(await verify(armor({ ...unarmor(certificate), kid: 'ffffffffffffffff' })))).toBe(
      'UNKNOWN_KEY',
    );
    expect(code(await verify(certificate, { now: at(14 * DAY) }))).toBe('FILE_EXPIRED');
  });
});

describe('RSA-PSS files', () => {
  it('verifies an RSA-PSS/SHA-256 machine file, fetching the new key once', async () => {
    const { key } = await s.issue('TL-ANALYTICS-PR-A');
    const tap = new Tap();
    const c = new LicenseClient({
      baseUrl: s.baseUrl,
      key,
      product: 'TL-ANALYTICS',
      fingerprint: MACHINE,
      fetch: tap.fetch,
      now: s.now,
    });
    // Keys cached before the RSA key existed (the first answer needs them).
    expect(await c.validate()).toMatchObject({ valid: true });
    expect(tap.count('/keys.json')).toBe(1);
    const activated = await c.activate();
    if (!activated.ok || !activated.machineFile) throw new Error(`activation failed: ${activated.code}`);
    rsaMachineFile = activated.machineFile;
    expect(unarmor(rsaMachineFile).alg).toBe('rsa-pss-sha256');
    // The file named an unknown key id: the keys were fetched once more, and it verified.
    expect(tap.count('/keys.json')).toBe(2);
    expect(await c.verifyMachineFile()).toMatchObject({ ok: true, alg: 'rsa-pss-sha256' });

    const published = (await (
      await fetch(`${s.baseUrl}/.well-known/fhiriq/keys.json`)
    ).json()) as PublishedKeys;
    expect(published.keys.map((k) => k.alg).sort()).toEqual(['ed25519', 'rsa-pss-sha256']);
    const set = PublicKeySet.from(published);
    expect(
      code(await verifyLicenseFile(rsaMachineFile, { keys: set, fingerprint: MACHINE, now: at(DAY) })),
    ).toBe('OK');
    expect(
      code(
        await verifyLicenseFile(flipPayloadByte(rsaMachineFile, 'A', 'B'), {
          keys: set,
          fingerprint: MACHINE,
          now: at(DAY),
        }),
      ),
    ).toBe('SIGNATURE_INVALID');
    // An RSA file relabelled Ed25519 (or the reverse) names no published key.
    const rsaKid = unarmor(rsaMachineFile).kid;
    expect(
      code(
        await verifyLicenseFile(armor({ ...unarmor(rsaMachineFile), alg: 'ed25519' }), {
          keys: set,
          fingerprint: MACHINE,
          now: at(DAY),
        }),
      ),
    ).toBe('UNKNOWN_KEY');
    expect(
      code(
        await verifyLicenseFile(armor({ ...unarmor(machineFile), kid: rsaKid, alg: 'rsa-pss-sha256' }), {
          keys: set,
          fingerprint: MACHINE,
          now: at(DAY),
        }),
      ),
    ).toBe('SIGNATURE_INVALID');
    // The old (Ed25519) file still verifies: keys are never removed.
    expect(
      code(await verifyLicenseFile(machineFile, { keys: set, fingerprint: MACHINE, now: at(DAY) })),
    ).toBe('OK');
  });
});
