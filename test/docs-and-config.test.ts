import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARS, ConfigError, describeConfig, loadConfig } from '../src/config.ts';
import { renderErrorDoc, withConfigTable } from '../src/platform/docs.ts';
import { ERROR_CATALOG } from '../src/platform/errors.ts';

const root = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('error catalog', () => {
  it('contains every code thrown in src/', () => {
    const thrown = new Set<string>();
    for (const file of sourceFiles(path.join(root, 'src'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/AppError\(\s*'([A-Z_]+)'/g)) thrown.add(m[1]!);
    }
    expect(thrown.size).toBeGreaterThan(0);
    const missing = [...thrown].filter((c) => !(c in ERROR_CATALOG));
    expect(missing).toEqual([]);
  });

  it('is documented in docs/errors.md exactly as generated (run `npm run docs` after a change)', () => {
    expect(fs.readFileSync(path.join(root, 'docs/errors.md'), 'utf8')).toBe(renderErrorDoc());
  });

  it('gives each code a 4xx or 5xx status and a description', () => {
    for (const [code, e] of Object.entries(ERROR_CATALOG)) {
      expect(e.status, code).toBeGreaterThanOrEqual(400);
      expect(e.description.length, code).toBeGreaterThan(10);
    }
  });
});

describe('configuration', () => {
  it('works with no environment at all', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe('/srv/app/data');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.secureCookies).toBe(false);
  });

  it('names every problem at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', SMTP_URL: 'not a url' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'SMTP_URL']) expect(problems).toContain(name);
    }
  });

  it('requires APP_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/APP_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', APP_SECRET: 'short' })).toThrow(/at least 32/);
  });

  it('turns on Secure cookies for an https PUBLIC_URL', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://fhiriq.example/' }).secureCookies).toBe(true);
  });

  it('redacts secrets in `fhiriq config`', () => {
    const rows = describeConfig({
      DATABASE_URL: 'postgres://app:hunter2hunter2@db.internal:5432/fhiriq',
      APP_SECRET: 's'.repeat(40),
    });
    const text = JSON.stringify(rows);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s'.repeat(40));
    expect(text).toContain('db.internal');
  });

  it('is listed in the README table exactly as generated', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(withConfigTable(readme)).toBe(readme);
    for (const name of Object.keys(CONFIG_VARS)) expect(readme).toContain(`\`${name}\``);
  });

  it('is the only place that reads process.env', () => {
    const offenders = sourceFiles(path.join(root, 'src'))
      .filter((f) => !f.endsWith(`${path.sep}config.ts`) && !f.endsWith(`${path.sep}main.ts`))
      .filter((f) => /process\.env\b/.test(fs.readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
