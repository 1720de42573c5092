import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assetUrl,
  buildAssetManifest,
  createAssetManifest,
  fingerprint,
  getAssetManifest,
} from './assets.ts';

const webDir = dirname(fileURLToPath(import.meta.url));
const temps: string[] = [];

/** A copy of the web folder's asset sources, to edit without touching the repo. */
function copyWebDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fhiriq-web-'));
  temps.push(dir);
  cpSync(join(webDir, 'styles'), join(dir, 'styles'), { recursive: true });
  cpSync(join(webDir, 'islands'), join(dir, 'islands'), { recursive: true });
  cpSync(join(webDir, 'favicon.svg'), join(dir, 'favicon.svg'));
  return dir;
}

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('fingerprint', () => {
  it('names the file by an 8-hex content hash and is stable for the same content', () => {
    const a = fingerprint({ name: 'app.css', body: 'body{color:red}' });
    const b = fingerprint({ name: 'app.css', body: Buffer.from('body{color:red}') });
    expect(a.file).toMatch(/^app\.[0-9a-f]{8}\.css$/);
    expect(a.url).toBe(`/assets/${a.file}`);
    expect(b.url).toBe(a.url);
    expect(b.etag).toBe(a.etag);
  });

  it('changes the URL when the content changes', () => {
    const a = fingerprint({ name: 'app.css', body: 'body{color:red}' });
    const b = fingerprint({ name: 'app.css', body: 'body{color:blue}' });
    expect(b.url).not.toBe(a.url);
    expect(b.etag).not.toBe(a.etag);
  });

  it('precompresses text but not woff2, and drops variants that do not shrink', () => {
    const css = fingerprint({ name: 'big.css', body: 'a{color:red}'.repeat(200) });
    expect(css.gzip?.length).toBeLessThan(css.body.length);
    expect(css.br?.length).toBeLessThan(css.body.length);
    expect(fingerprint({ name: 'f.woff2', body: Buffer.alloc(2000, 7) }).gzip).toBeUndefined();
    expect(fingerprint({ name: 'tiny.js', body: 'x' }).gzip).toBeUndefined();
  });
});

describe('createAssetManifest', () => {
  it('looks up by logical name and by file, and throws on an unknown name', () => {
    const asset = fingerprint({ name: 'x.js', body: 'console.log(1)' });
    const manifest = createAssetManifest([asset]);
    expect(manifest.url('x.js')).toBe(asset.url);
    expect(manifest.byFile.get(asset.file)).toBe(asset);
    expect(() => manifest.url('nope.js')).toThrow(/unknown asset/);
  });

  it('rejects two assets with the same name', () => {
    const a = fingerprint({ name: 'x.js', body: '1' });
    const b = fingerprint({ name: 'x.js', body: '2' });
    expect(() => createAssetManifest([a, b])).toThrow(/duplicate/);
  });
});

describe('buildAssetManifest', () => {
  it('builds the stylesheet, fonts, favicon and islands with fingerprinted URLs', () => {
    const manifest = buildAssetManifest();
    for (const name of [
      'site.css',
      'favicon.svg',
      'inter-var.woff2',
      'jetbrains-mono-400.woff2',
      'jetbrains-mono-500.woff2',
      'password-toggle.js',
    ]) {
      const [stem, ext] = [name.slice(0, name.lastIndexOf('.')), name.slice(name.lastIndexOf('.') + 1)];
      expect(manifest.url(name)).toMatch(new RegExp(`^/assets/${stem}\\.[0-9a-f]{8}\\.${ext}$`));
    }
    expect(manifest.islands).toContain('password-toggle.js');
  });

  it('points the stylesheet at the fingerprinted fonts and never at another host', () => {
    const manifest = buildAssetManifest();
    const css = manifest.byName.get('site.css')?.body.toString('utf8') ?? '';
    expect(css).toContain(manifest.url('inter-var.woff2'));
    expect(css).toContain(manifest.url('jetbrains-mono-500.woff2'));
    expect(css).toContain('font-display:optional');
    expect(css).toMatch(/Inter Fallback/);
    expect(css).not.toMatch(/https?:\/\//);
    expect(css).not.toMatch(/url\(\s*["']?data:/);
  });

  it('is stable across builds of unchanged sources', () => {
    const a = buildAssetManifest();
    const b = buildAssetManifest();
    expect([...b.byName.values()].map((x) => x.url)).toEqual([...a.byName.values()].map((x) => x.url));
  });

  it('changes only the URL of the asset whose source changed', () => {
    const dir = copyWebDir();
    const before = buildAssetManifest({ webDir: dir });
    writeFileSync(join(dir, 'styles', 'pages.css'), '.changed{color:#000}\n', { flag: 'a' });
    writeFileSync(join(dir, 'islands', 'password-toggle.ts'), 'console.log("changed");\n', { flag: 'a' });
    const after = buildAssetManifest({ webDir: dir });
    expect(after.url('site.css')).not.toBe(before.url('site.css'));
    expect(after.url('password-toggle.js')).not.toBe(before.url('password-toggle.js'));
    expect(after.url('favicon.svg')).toBe(before.url('favicon.svg'));
    expect(after.url('inter-var.woff2')).toBe(before.url('inter-var.woff2'));
  });

  it('builds cold from a fresh folder, with what the folder holds', () => {
    // A fresh folder misses every in-memory cache, as a real start-up does. How long that takes is
    // a benchmark's business (`npm run bench`: start → /readyz), not a wall-clock assertion here.
    const dir = copyWebDir();
    const marker = `.cold-${randomUUID()}`;
    writeFileSync(join(dir, 'styles', 'pages.css'), `${marker}{color:#000}\n`, { flag: 'a' });
    const css = buildAssetManifest({ webDir: dir }).byName.get('site.css');
    expect(css?.body.toString('utf8')).toContain(marker);
  });

  it('serves assetUrl from one process-wide manifest', () => {
    expect(assetUrl('site.css')).toBe(getAssetManifest().url('site.css'));
  });
});

describe('size budgets', () => {
  const gz = (b: Buffer): number => gzipSync(b, { level: 9 }).length;

  it('keeps the stylesheet under 20 KB gzipped', () => {
    const css = buildAssetManifest().byName.get('site.css');
    expect(css).toBeDefined();
    expect(gz(css?.body ?? Buffer.alloc(0))).toBeLessThan(20 * 1024);
  });

  it('keeps all client islands together under 20 KB gzipped', () => {
    const manifest = buildAssetManifest();
    const total = manifest.islands.reduce(
      (sum, name) => sum + gz(manifest.byName.get(name)?.body ?? Buffer.alloc(0)),
      0,
    );
    expect(manifest.islands.length).toBeGreaterThan(0);
    expect(total).toBeLessThan(20 * 1024);
  });
});
