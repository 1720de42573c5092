/**
 * `npm run bench`: start-to-ready time on a fresh and on an existing data
 * directory, then requests/s and latency of /healthz and of a rendered page
 * (autocannon, from this process against a real server process). Prints a
 * table and saves the figures under bench/results/.
 *
 * Options (environment): BENCH_DURATION (seconds per load test, default 10),
 * BENCH_CONNECTIONS (default 50), DATABASE_URL (bench PostgreSQL instead of PGlite).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const root = path.resolve(import.meta.dirname, '..');
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

interface Started {
  child: ChildProcess;
  url: string;
  readyMs: number;
}

async function start(dataDir: string): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(root, 'bin/fhiriq.js'), 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      APP_SECRET: 'b'.repeat(40),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/[^\s,)]+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  // Ready means /readyz says so, not merely listening.
  for (;;) {
    const r = await fetch(`${url}/readyz`).catch(() => undefined);
    if (r?.status === 200) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  return { child, url, readyMs: Math.round(performance.now() - t0) };
}

async function stop(s: Started): Promise<void> {
  const exited = new Promise((r) => s.child.on('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

async function load(url: string, accept: string) {
  const result = await autocannon({ url, connections, duration, headers: { accept } });
  return {
    requestsPerSec: Math.round(result.requests.average),
    latencyP50ms: result.latency.p50,
    latencyP99ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhiriq-bench-'));
try {
  const fresh = await start(dataDir);
  await stop(fresh);
  const existing = await start(dataDir);
  const healthz = await load(`${existing.url}/healthz`, 'application/json');
  const page = await load(`${existing.url}/`, 'text/html');
  await stop(existing);

  const results = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    settings: { durationSeconds: duration, connections },
    startToReadyMs: { freshDataDir: fresh.readyMs, existingDataDir: existing.readyMs },
    healthz,
    renderedHomePage: page,
  };
  const rows = [
    ['start → ready, fresh data dir', `${fresh.readyMs} ms`],
    ['start → ready, existing data dir', `${existing.readyMs} ms`],
    ['/healthz requests/s', String(healthz.requestsPerSec)],
    ['/healthz p50 / p99 latency', `${healthz.latencyP50ms} / ${healthz.latencyP99ms} ms`],
    ['home page requests/s', String(page.requestsPerSec)],
    ['home page p50 / p99 latency', `${page.latencyP50ms} / ${page.latencyP99ms} ms`],
    ['non-2xx / errors', `${healthz.non2xx + page.non2xx} / ${healthz.errors + page.errors}`],
  ];
  const w = Math.max(...rows.map((r) => r[0]!.length));
  process.stdout.write(
    `\nFHIR IQ benchmarks (${results.database}, ${connections} connections, ${duration} s each)\n`,
  );
  for (const [k, v] of rows) process.stdout.write(`  ${k!.padEnd(w)}  ${v}\n`);
  const dir = path.join(root, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${results.date.slice(0, 19).replace(/[:T]/g, '-')}-${results.database}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nSaved ${path.relative(root, file)}\n`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
