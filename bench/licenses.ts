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
 * Options (environment): BENCH_DURATION (seconds, default 10), BENCH_CONNECTIONS (default 50).
 */

import { spawn } from 'node:child_process';
import fs from 'node:fs';
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
