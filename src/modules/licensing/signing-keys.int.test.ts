import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { App } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../platform/log.ts';
import { signFile } from './domain/certificate.ts';
import { verifyFile } from './index.ts';

/** Signing keys: generated once, published with their ids, rotated by configuration without breaking old files. */

let t: TestApp;
afterEach(async () => t?.close());

async function keysJson() {
  const r = await t.http.inject({ method: 'GET', url: '/.well-known/fhiriq/keys.json' });
  expect(r.statusCode).toBe(200);
  return r.json().keys as { kid: string; alg: string; kty: string; use: string; x?: string }[];
}

/** The same database, started again with other settings (a restart, a rotation). */
async function restart(env: Record<string, string>): Promise<App> {
  const app = await App.create({
    config: loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: t.config.dataDir,
      APP_SECRET: 'test-secret-test-secret-test-secret-0123',
      LOG_LEVEL: 'silent',
      PORT: '0',
      ...env,
    }),
    database: t.testDb.database,
    log: createLogger('silent'),
  });
  return app;
}

describe('license signing keys', () => {
  it('are generated once on first start, encrypted at rest, and published with their id', async () => {
    t = await createTestApp();
    const keys = await keysJson();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ alg: 'ed25519', kty: 'OKP', use: 'sig' });
    const row = (
      await sql<{
        private_key_enc: string;
        source: string;
      }>`SELECT private_key_enc, source FROM license_signing_key`.execute(t.app.ctx.db)
    ).rows[0]!;
    expect(row.source).toBe('generated');
    expect(row.private_key_enc).not.toContain('PRIVATE KEY');
    // Seeding again (a restart) keeps the same key.
    const again = await restart({});
    expect((await again.modules.licensing.signingKeys.published()).map((k) => k.kid)).toEqual([keys[0]!.kid]);
    await again.stop();
    // A file signed now verifies with what keys.json publishes.
    const current = await t.app.modules.licensing.signingKeys.current();
    expect(current.kid).toBe(keys[0]!.kid);
    const file = signFile(current, { licenseId: 'lic_1', issuedAt: new Date().toISOString() });
    expect(verifyFile(file, await t.app.modules.licensing.signingKeys.published(), new Date()).ok).toBe(true);
  });

  it('rotate to a configured key (RSA-PSS too); files signed by the old key still verify', async () => {
    t = await createTestApp();
    const old = await t.app.modules.licensing.signingKeys.current();
    const oldFile = signFile(old, { licenseId: 'lic_old', issuedAt: new Date().toISOString() });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().replace(/\n/g, '\\n');
    const rotated = await restart({ LICENSE_SIGNING_KEY: pem });
    const store = rotated.modules.licensing.signingKeys;
    const current = await store.current();
    expect(current.alg).toBe('rsa-pss-sha256');
    expect(current.kid).not.toBe(old.kid);
    const published = await store.published();
    expect(published.map((k) => k.kid)).toEqual([old.kid, current.kid]);
    expect(verifyFile(oldFile, published, new Date()).ok).toBe(true);
    expect(
      verifyFile(
        signFile(current, { licenseId: 'lic_new', issuedAt: new Date().toISOString() }),
        published,
        new Date(),
      ).ok,
    ).toBe(true);
    await rotated.stop();
  });

  it('refuses a configured key that is not a usable private key', () => {
    expect(() => loadConfig({ LICENSE_SIGNING_KEY: 'not a key' })).toThrow(/LICENSE_SIGNING_KEY/);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() =>
      loadConfig({ LICENSE_SIGNING_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() }),
    ).toThrow(/Ed25519 or an RSA/);
  });
});
