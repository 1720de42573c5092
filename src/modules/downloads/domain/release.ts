import { createHmac } from 'node:crypto';

/**
 * The rules of product releases, as pure functions: what a version, a platform and a file name
 * may be, how releases sort, how a size reads, and the signed download link.
 */

export const PLATFORMS = ['windows', 'macos', 'linux', 'any'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const PLATFORM_LABELS: Record<Platform, string> = {
  windows: 'Windows',
  macos: 'macOS',
  linux: 'Linux',
  any: 'Any platform',
};

export const NOTES_MAX = 20_000;

/** `1.2`, `1.2.3`, `1.2.3-beta.1`, `2.0.0+build.5`: semantic versioning, the patch optional. */
const VERSION =
  /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})(?:\.(0|[1-9]\d{0,8}))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function isVersion(raw: string): boolean {
  return raw.length <= 64 && VERSION.test(raw);
}

/** Semantic-version order (build metadata ignored, a pre-release before its release). */
export function compareVersions(a: string, b: string): number {
  const pa = VERSION.exec(a);
  const pb = VERSION.exec(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  for (const i of [1, 2, 3]) {
    const d = Number(pa[i] ?? 0) - Number(pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  const [ra, rb] = [pa[4], pb[4]];
  if (ra === rb) return 0;
  if (ra === undefined) return 1;
  if (rb === undefined) return -1;
  const xa = ra.split('.');
  const xb = rb.split('.');
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const [x, y] = [xa[i], xb[i]];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const [nx, ny] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    if (nx && ny && Number(x) !== Number(y)) return Math.sign(Number(x) - Number(y));
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Newest first: the highest version, then the latest upload. */
export function newestFirst<T extends { version: string; createdAt: Date }>(releases: readonly T[]): T[] {
  return [...releases].sort(
    (a, b) => compareVersions(b.version, a.version) || b.createdAt.getTime() - a.createdAt.getTime(),
  );
}

/**
 * The file name customers get (Content-Disposition): the uploaded name's last path segment,
 * limited to letters, digits, dot, dash and underscore; never empty, never hidden.
 */
export function safeFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 200);
  return cleaned || 'release.bin';
}

/** 1536 → "1.5 KiB": binary units, one decimal above bytes. */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = 'B';
  for (const u of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  return `${value.toFixed(1)} ${unit}`;
}

/** How long a download link works. */
export const LINK_TTL_SECONDS = 5 * 60;

/** The HMAC of a download link: bound to the release, the user it was issued to and its expiry. */
export function linkSignature(key: Buffer, releaseId: string, userId: string, exp: number): string {
  return createHmac('sha256', key)
    .update(`download\n${releaseId}\n${userId}\n${exp}`, 'utf8')
    .digest('base64url');
}
