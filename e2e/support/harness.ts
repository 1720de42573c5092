import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { pgliteDataDirFromTemplate } from '../../test/support/template.ts';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/fhiriq.js');

export interface E2EServer {
  url: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** Runs a CLI command against the same data (through the server's control socket). */
  cli(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }>;
  stop(): Promise<number | null>;
  /** Everything the server printed (its logs). */
  output(): string;
}

/**
 * Starts `fhiriq serve` on a fresh data directory and a free port. The embedded database
 * starts from the run's migrated template (built once by the global setup, see
 * test/support/template.ts) instead of running initdb and every migration in each file's
 * server; the server still migrates (nothing to apply) and seeds as on any start. That a
 * server starts on a truly empty data directory is the CLI test's business.
 */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<E2EServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhiriq-e2e-'));
  if (!extraEnv.DATABASE_URL) pgliteDataDirFromTemplate(dataDir);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    PORT: '0',
    // Debug level: the tests grep the logs for secrets, so log as much as possible.
    LOG_LEVEL: 'debug',
    // Image variants are made when a page asks for them: a throwaway server's warm-up would
    // only take CPU from the browser.
    WARM_UP: 'false',
    ...extraEnv,
  };
  const child: ChildProcess = spawn(process.execPath, [bin, 'serve'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/[^\s,)]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return {
    url,
    dataDir,
    env,
    cli: (args, input) =>
      new Promise((resolve) => {
        const c = spawn(process.execPath, [bin, ...args], { cwd: root, env });
        let stdout = '';
        let stderr = '';
        c.stdout.on('data', (d) => {
          stdout += d;
        });
        c.stderr.on('data', (d) => {
          stderr += d;
        });
        c.stdin.end(input ?? '');
        c.on('close', (code) => resolve({ code, stdout, stderr }));
      }),
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      const code = await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Debian's Chromium, headless, with the flags this offline machine needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A browser context signed in as a new staff admin (created through the CLI, as an operator would). */
export async function signedInAdmin(
  server: E2EServer,
  browser: Browser,
  email: string,
  password: string,
): Promise<BrowserContext> {
  const created = await server.cli(
    ['admin', 'create', '--email', email, '--password-stdin'],
    `${password}\n`,
  );
  if (created.code !== 0) throw new Error(`admin create failed: ${created.stderr}`);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([
    page.waitForURL(/\/account/),
    page.locator('main form button[type="submit"]').first().click(),
  ]);
  await page.close();
  return context;
}
