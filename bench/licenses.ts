/**
 * `npm run bench:licenses`: license validations per second and their latency
 * over real HTTP (autocannon in its own process, 50 connections, a valid key with an activated
 * machine's fingerprint), on an in-memory PGlite or on PostgreSQL
 * (TEST_DATABASE_URL). Every validation is recorded on the license's trail,
 * as in production; the per-key rate limit is lifted for the run.
 * Prints a table and saves the figures under bench/results/.
 *
 * Targets (issue 4): at least 5,000 validations/s with p99 ≤ 10 ms on
 * PostgreSQL on a 2-core machine.
 *
 * Two reference servers run after them, for scale: what this machine answers with the same
 * autocannon when the server does nothing (bare node:http, a constant answer of the same size)
 * and when it does only the one thing every answer must (the same, plus its Ed25519 signature).
 * They bound from below what any validation server can reach here.
 *
 * Options (environment): BENCH_DURATION (seconds, default 10), BENCH_CONNECTIONS (default 50).
 */

import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generateLicenseKey } from '../src/modules/licensing/index.ts';
import { createTestApp } from '../test/support/test-app.ts';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const dbKind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

const t = await createTestApp({
  env: { LICENSE_RATE_LIMIT_PER_KEY: '10000000', LICENSE_RATE_LIMIT_PER_IP: '10000000', LOG_LEVEL: 'warn' },
});

interface Row {
  scenario: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
}

/**
 * autocannon in its own process: in this one it would share the event loop with the server and
 * measure half of each.
 */
async function cannon(scenario: string, url: string, body: unknown): Promise<Row> {
  const bin = path.join(import.meta.dirname, '..', 'node_modules', 'autocannon', 'autocannon.js');
  const args = [bin, '--json', '-c', String(connections), '-d', String(duration), '-m', 'POST'];
  args.push('-H', 'content-type=application/json', '-b', JSON.stringify(body), url);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`autocannon exited ${code}`)),
    );
  });
  const r = JSON.parse(out) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
  };
  return {
    scenario,
    requestsPerSecond: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
  };
}

/** A bare node:http server answering a constant validation-sized JSON body, signed or not. */
async function reference(signed: boolean): Promise<{ url: string; close: () => Promise<void> }> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const answer = JSON.stringify({
    valid: true,
    code: 'VALID',
    detail: 'The license is valid.',
    license: {
      id: 'lic_01JREFERENCE0000000000000',
      sku: 'TL-MAPPER-PR-A',
      type: 'SEAT',
      status: 'ACTIVE',
      seats: 3,
      maxMachines: 3,
      machines: 1,
      limits: { recordsPerMonth: 100000, users: 5, projects: 'unlimited', support: 'priority' },
      validFrom: '2026-01-01T00:00:00.000Z',
      validUntil: '2027-01-01T00:00:00.000Z',
    },
    meta: { nonce: 'bench-nonce-0001', ts: '' },
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const body = answer.replace('"ts":""', `"ts":"${new Date().toISOString()}"`);
      const headers: Record<string, string | number> = {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      };
      if (signed)
        headers['fhiriq-signature'] = sign(null, Buffer.from(body), privateKey).toString('base64url');
      res.writeHead(200, headers).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

try {
  const { key } = await t.app.modules.licensing.licenses.issue({
    sku: 'TL-MAPPER-PR-A',
    email: 'bench@hospital.org',
    source: 'staff',
    sourceRef: 'bench:validate',
    seats: 3,
  });
  const base = await t.app.listen();
  const activated = await fetch(`${base}/api/v1/licenses/activate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key, fingerprint: 'bench-machine-0001' }),
  });
  if ((await activated.json()).code !== 'VALID') throw new Error('activation failed');
  const validate = `${base}/api/v1/licenses/validate`;
  // Warm-up: JIT, connection pools, the signing key cache.
  await cannon('warm-up', validate, { key, fingerprint: 'bench-machine-0001' }).catch(() => undefined);
  const rows = [
    await cannon('validate (key + fingerprint + nonce) → VALID', validate, {
      key,
      fingerprint: 'bench-machine-0001',
      nonce: 'bench-nonce-0001',
    }),
    await cannon('validate (unknown well-formed key) → NOT_FOUND', validate, {
      key: generateLicenseKey(),
    }),
  ];
  for (const signed of [false, true]) {
    const ref = await reference(signed);
    const body = { key, fingerprint: 'bench-machine-0001', nonce: 'bench-nonce-0001' };
    await cannon('warm-up', ref.url, body).catch(() => undefined);
    rows.push(
      await cannon(
        signed
          ? 'reference: bare node:http + Ed25519 signature'
          : 'reference: bare node:http, constant answer',
        ref.url,
        body,
      ),
    );
    await ref.close();
  }
  console.log(
    `\nLicense validation over HTTP (${dbKind}, ${connections} connections, ${duration} s each, Node ${process.version}, ${os.cpus().length} CPUs)\n`,
  );
  console.table(rows);
  const stamp = new Date().toISOString().replace(/[:T]/g, '-').slice(0, 19);
  const out = path.join(import.meta.dirname, 'results', `${stamp}-licenses-${dbKind}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ db: dbKind, connections, duration, rows }, null, 2)}\n`);
  console.log(`saved ${path.relative(process.cwd(), out)}`);
} finally {
  await t.close();
}
