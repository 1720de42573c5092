import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { buildSync, transformSync } from 'esbuild';
import { fontFaceCss, fontFiles } from './fonts.ts';
import { tokensCss } from './tokens.ts';

/**
 * The asset pipeline. At start-up every asset (stylesheet, fonts, favicon,
 * client islands) is read or built once, fingerprinted by content and held in
 * memory with its gzip and brotli variants, so serving is a map lookup and
 * URLs can be cached forever: a change of content is a change of URL.
 */
export interface Asset {
  /** Logical name used by code: `site.css`, `password-toggle.js`. */
  name: string;
  /** Fingerprinted file name: `site.1a2b3c4d.css`. */
  file: string;
  /** `/assets/<file>`. */
  url: string;
  contentType: string;
  /** Strong ETag of the identity body, quoted. */
  etag: string;
  body: Buffer;
  /** Precompressed variants; absent where compressing would not pay (woff2 is already compressed). */
  gzip: Buffer | undefined;
  br: Buffer | undefined;
}

export interface AssetManifest {
  /** By logical name. */
  readonly byName: ReadonlyMap<string, Asset>;
  /** By fingerprinted file name, as requested under /assets/. */
  readonly byFile: ReadonlyMap<string, Asset>;
  /** The URL of a logical asset; throws on an unknown name, which is a programming error. */
  url(name: string): string;
  /** Logical names of the bundled client islands (`password-toggle.js`, …). */
  readonly islands: readonly string[];
}

export interface AssetSource {
  name: string;
  body: Buffer | string;
}

export const ASSET_PREFIX = '/assets/';

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.css', '.js', '.svg', '.txt', '.ico']);

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

// Keyed by content hash: repeated builds (tests, a restart inside one process)
// skip brotli at quality 11, the slowest step of the pipeline.
const compressionCache = new Map<string, { gzip: Buffer; br: Buffer }>();

function compress(hash: string, body: Buffer): { gzip: Buffer; br: Buffer } {
  const hit = compressionCache.get(hash);
  if (hit) return hit;
  const result = {
    gzip: gzipSync(body, { level: 9 }),
    br: brotliCompressSync(body, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  };
  compressionCache.set(hash, result);
  return result;
}

/** Fingerprints one asset and prepares its compressed variants. */
export function fingerprint(source: AssetSource): Asset {
  const body = typeof source.body === 'string' ? Buffer.from(source.body, 'utf8') : source.body;
  const ext = extname(source.name);
  // A logical name may be a path (`images/tools/x.png`); the served file name is flat.
  const stem = basename(source.name.slice(0, source.name.length - ext.length));
  const hash = sha256(body);
  const file = `${stem}.${hash.slice(0, 8)}${ext}`;
  let gzip: Buffer | undefined;
  let br: Buffer | undefined;
  if (COMPRESSIBLE.has(ext)) {
    const variants = compress(hash, body);
    // A variant larger than the original (tiny files) is worse than none.
    gzip = variants.gzip.length < body.length ? variants.gzip : undefined;
    br = variants.br.length < body.length ? variants.br : undefined;
  }
  return {
    name: source.name,
    file,
    url: `${ASSET_PREFIX}${file}`,
    contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream',
    etag: `"${hash.slice(0, 32)}"`,
    body,
    gzip,
    br,
  };
}

/** A manifest over already-prepared assets (the builder below, or tests). */
export function createAssetManifest(assets: Asset[], islands: readonly string[] = []): AssetManifest {
  const byName = new Map<string, Asset>();
  const byFile = new Map<string, Asset>();
  for (const asset of assets) {
    if (byName.has(asset.name)) throw new Error(`duplicate asset name: ${asset.name}`);
    byName.set(asset.name, asset);
    byFile.set(asset.file, asset);
  }
  return {
    byName,
    byFile,
    islands,
    url(name: string): string {
      const asset = byName.get(name);
      if (!asset) throw new Error(`unknown asset: ${name}`);
      return asset.url;
    },
  };
}

const minifiedCss = new Map<string, string>();

function minifyCss(css: string): string {
  const key = sha256(css);
  const hit = minifiedCss.get(key);
  if (hit !== undefined) return hit;
  const out = transformSync(css, { loader: 'css', minify: true, logLevel: 'silent' }).code;
  minifiedCss.set(key, out);
  return out;
}

const islandCache = new Map<string, AssetSource[]>();

/**
 * Bundles every `islands/*.ts` entry (tests excluded) into its own minified
 * ES module. The cache key is the content of every file in the folder, so an
 * edit rebuilds and an unchanged folder costs one read.
 */
function buildIslands(islandsDir: string): AssetSource[] {
  if (!existsSync(islandsDir)) return [];
  const files = readdirSync(islandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .sort();
  if (files.length === 0) return [];
  const keyHash = createHash('sha256').update(islandsDir);
  for (const f of readdirSync(islandsDir).sort()) {
    keyHash.update(f).update(readFileSync(join(islandsDir, f)));
  }
  const key = keyHash.digest('hex');
  const hit = islandCache.get(key);
  if (hit) return hit;
  const result = buildSync({
    entryPoints: files.map((f) => join(islandsDir, f)),
    absWorkingDir: islandsDir,
    outdir: join(islandsDir, 'out'),
    entryNames: '[name]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const sources = result.outputFiles.map((out) => ({
    name: basename(out.path),
    body: Buffer.from(out.contents),
  }));
  islandCache.set(key, sources);
  return sources;
}

/** The hand-written stylesheets, in cascade order. */
const STYLESHEETS = [
  'base.css',
  'chrome.css',
  'components.css',
  'pages.css',
  'app.css',
  'catalog.css',
  'commerce.css',
  'content.css',
  'marketing.css',
];

export interface BuildAssetOptions {
  /** Folder holding styles/, favicon.svg, social-card.png and islands/; defaults to this module's folder. */
  webDir?: string;
}

const DEFAULT_WEB_DIR = dirname(fileURLToPath(import.meta.url));

/** Reads, bundles and fingerprints every asset. Synchronous: it runs once, before the server listens. */
export function buildAssetManifest(options: BuildAssetOptions = {}): AssetManifest {
  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  const fonts = fontFiles().map((f) => fingerprint({ name: f.name, body: readFileSync(f.path) }));
  const fontUrl = (name: string): string => {
    const font = fonts.find((f) => f.name === name);
    if (!font) throw new Error(`unknown font: ${name}`);
    return font.url;
  };
  // One stylesheet, one request: tokens, font faces and the hand-written rules.
  const handWritten = STYLESHEETS.map((f) => readFileSync(join(webDir, 'styles', f), 'utf8')).join('\n');
  const css = minifyCss(`${tokensCss()}${fontFaceCss(fontUrl)}${handWritten}`);
  const islands = buildIslands(join(webDir, 'islands'));
  const socialCard = join(webDir, 'social-card.png');
  const assets = [
    fingerprint({ name: 'site.css', body: css }),
    fingerprint({ name: 'favicon.svg', body: readFileSync(join(webDir, 'favicon.svg')) }),
    ...(existsSync(socialCard)
      ? [fingerprint({ name: 'social-card.png', body: readFileSync(socialCard) })]
      : []),
    ...fonts,
    ...islands.map(fingerprint),
  ];
  return createAssetManifest(
    assets,
    islands.map((i) => i.name),
  );
}

let active: AssetManifest | undefined;

/** The process-wide manifest, built on first use. */
export function getAssetManifest(): AssetManifest {
  active ??= buildAssetManifest();
  return active;
}

/** `/assets/site.1a2b3c4d.css` for `site.css`. */
export function assetUrl(name: string): string {
  return getAssetManifest().url(name);
}
