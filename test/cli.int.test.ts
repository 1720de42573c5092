import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

// The real command line, as a newcomer and an operator use it: child processes,
// real ports, real signals.

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin/fhiriq.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
  };
  return { ...env, ...extra };
}

function run(args: string[], env: Record<string, string>, input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: cleanEnv(env), cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

function startServer(env: Record<string, string>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'serve'], {
      env: cleanEnv({ PORT: '0', ...env }),
      cwd: root,
    });
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // A fresh data directory runs initdb and every migration: on a loaded 2-core machine that
    // can take most of a minute. A server that did not start is killed, so that it does not
    // hold the data directory (and its lock) for the next test.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${out}`));
    }, 90_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/[^\s,)]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

async function stop(server: Server): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  server.child.kill('SIGTERM');
  const code = await server.exited;
  return { code, ms: Date.now() - t0 };
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

// These tests spawn real processes (each boots Node, tsx and the app): on a loaded 2-core
// machine one test can take half a minute, so they get more time than the in-process tests.
describe('fhiriq CLI', { timeout: 120_000 }, () => {
  it('documents every command with --help', async () => {
    const r = await run(['--help'], {});
    expect(r.code).toBe(0);
    for (const c of ['serve', 'worker', 'migrate', 'seed', 'admin', 'license', 'config'])
      expect(r.stdout).toContain(c);
    const serve = await run(['serve', '--help'], {});
    expect(serve.stdout).toContain('--no-worker');
    const admin = await run(['admin', 'create', '--help'], {});
    expect(admin.stdout).toContain('--email');
  });

  it('stops on invalid configuration with one message naming every problem', async () => {
    const r = await run(['serve'], { PORT: 'eighty', DATABASE_URL: 'mysql://db/x', LOG_LEVEL: 'loud' });
    expect(r.code).toBe(1);
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL']) expect(r.stderr).toContain(name);
    noStack(r.stderr);
  });

  it('stops with a clear message when PostgreSQL is unreachable', async () => {
    const r = await run(['migrate'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cannot connect to PostgreSQL at postgres://postgres@127.0.0.1:1/nowhere');
    noStack(r.stderr);
  });

  it('prints the effective configuration with secrets redacted', async () => {
    const r = await run(['config'], {
      DATABASE_URL: 'postgres://app:hunter2hunter2@db.internal/fhiriq',
      APP_SECRET: 'z'.repeat(40),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('db.internal');
    expect(r.stdout).not.toContain('hunter2');
    expect(r.stdout).not.toContain('z'.repeat(40));
  });
});

describe('fhiriq serve', { timeout: 120_000 }, () => {
  let dataDir: string;
  let pg: TestDatabase | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhiriq-cli-'));
    env = { DATA_DIR: dataDir };
    if (process.env.TEST_DATABASE_URL) {
      pg = await createTestDatabase();
      await pg.database.close();
      env.DATABASE_URL = pg.url!;
    }
  });

  afterAll(async () => {
    if (pg) {
      const { default: pgLib } = await import('pg');
      const c = new pgLib.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${new URL(pg.url!).pathname.slice(1)} WITH (FORCE)`);
      await c.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts on a fresh data directory, is ready, and shuts down gracefully with exit 0', async () => {
    const server = await startServer(env);
    expect(server.output()).toContain('admin create --email');
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe('ready');
    const home = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    expect(home.status).toBe(200);
    const { code, ms } = await stop(server);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    if (!pg) expect(fs.existsSync(path.join(dataDir, 'fhiriq.lock'))).toBe(false);
  });

  // One server for the commands run through it (a start costs seconds of CPU; the commands,
  // answered on its control socket, a fraction of one).
  describe('started again on the same data', () => {
    let server: Server | undefined;
    beforeAll(async () => {
      server = await startServer(env);
    });
    afterAll(async () => {
      if (server) expect((await stop(server)).code).toBe(0);
    });

    it('reuses the data on a second start, and runs admin commands through the running server', async () => {
      const server = running();
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const created = await run(['admin', 'create', '--email', 'Admin@Example.com'], env);
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(/One-time password: \S{12,}/);
      const again = await run(
        ['admin', 'create', '--email', 'admin@example.com', '--password-stdin'],
        env,
        'a long chosen passphrase 42\n',
      );
      expect(again.code).toBe(0);
      expect(again.stdout).not.toContain('One-time password');
      const seeded = await run(['seed'], env);
      expect(seeded.code).toBe(0);
      if (!pg) {
        // A second process may not open the embedded database while the server holds it.
        const worker = await run(['worker'], env);
        expect(worker.code).toBe(1);
        expect(worker.stderr).toMatch(/in use by process \d+/);
        noStack(worker.stderr);
      }
    });
    it('issues and manages licenses from the command line, through the running server', async () => {
      const server = running();
      const issued = await run(
        [
          'license',
          'issue',
          '--sku',
          'TL-MAPPER-PR-A',
          '--email',
          'Buyer@Hospital.org',
          '--seats',
          '3',
          '--json',
        ],
        env,
      );
      expect(issued.stderr).toBe('');
      expect(issued.code).toBe(0);
      const license = JSON.parse(issued.stdout) as {
        id: string;
        key: string;
        seats: number;
        maxMachines: number;
      };
      expect(license).toMatchObject({
        seats: 3,
        maxMachines: 3,
        key: expect.stringMatching(/^FHIR(-[0-9A-Z]{4}){5}$/),
      });
      const validate = async () =>
        (
          (await (
            await fetch(`${server.url}/api/v1/licenses/validate`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ key: license.key }),
            })
          ).json()) as { code: string }
        ).code;
      expect(await validate()).toBe('VALID');
      expect((await run(['license', 'suspend', license.key, '--reason', 'unpaid'], env)).stdout).toContain(
        'suspended',
      );
      expect(await validate()).toBe('SUSPENDED');
      expect((await run(['license', 'reinstate', license.id], env)).code).toBe(0);
      expect(await validate()).toBe('VALID');
      expect((await run(['license', 'revoke', license.id, '--reason', 'refund'], env)).code).toBe(0);
      expect(await validate()).toBe('REVOKED');
      const refused = await run(['license', 'reinstate', license.id], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/revoked license cannot become active/);
      noStack(refused.stderr);
      const shown = JSON.parse((await run(['license', 'show', license.id, '--json'], env)).stdout) as {
        status: string;
        events: { type: string }[];
      };
      expect(shown.status).toBe('REVOKED');
      expect(shown.events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['issued', 'suspended', 'reinstated', 'revoked']),
      );
      const bad = await run(['license', 'issue', '--sku', 'NOPE-1', '--email', 'x@y.org'], env);
      expect(bad.code).toBe(1);
      noStack(bad.stderr);
    });

    function running(): Server {
      if (!server) throw new Error('the server did not start');
      return server;
    }
  });
});
