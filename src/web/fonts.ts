import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Self-hosted fonts: woff2 files from the @fontsource packages, served from
 * /assets like any other asset, so no page ever asks a third-party host.
 */
export interface FontFile {
  /** Logical asset name, e.g. `inter-var.woff2`. */
  name: string;
  path: string;
}

const require = createRequire(import.meta.url);

// The packages' `exports` map only exposes CSS, so resolve the package entry
// and walk to its files/ folder instead of resolving the woff2 directly.
const packageDir = (pkg: string): string => dirname(require.resolve(pkg));

export function fontFiles(): FontFile[] {
  const inter = join(packageDir('@fontsource-variable/inter'), 'files');
  const mono = join(packageDir('@fontsource/jetbrains-mono'), 'files');
  return [
    { name: 'inter-var.woff2', path: join(inter, 'inter-latin-wght-normal.woff2') },
    { name: 'jetbrains-mono-400.woff2', path: join(mono, 'jetbrains-mono-latin-400-normal.woff2') },
    { name: 'jetbrains-mono-500.woff2', path: join(mono, 'jetbrains-mono-latin-500-normal.woff2') },
  ];
}

/** The font preloaded by the layout: body text needs it before first paint. */
export const PRELOADED_FONT = 'inter-var.woff2';

// The latin subset's coverage, copied from @fontsource's CSS, so a page with
// characters outside it falls back per glyph instead of showing tofu.
const LATIN_RANGE =
  'U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, U+0329, ' +
  'U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD';

/**
 * `@font-face` rules, including metric-matched fallback faces: Arial / Courier
 * New scaled and given Inter's / JetBrains Mono's vertical metrics, so text set
 * in the fallback takes the same room as in the web font.
 *
 * `font-display: optional`: the preloaded Inter is almost always there for the
 * first layout; when it is not (a first visit on a slow phone), the page keeps
 * the metric-matched fallback instead of swapping later. A swap re-lays out the
 * whole page after the first paint: a long main-thread task on a phone, counted
 * in Total Blocking Time, and a possible shift. The next page gets the font
 * from the cache.
 *
 * The overrides were computed from the shipped woff2 files and Arial's metrics
 * (Liberation Sans, which is metric-identical): size-adjust is the ratio of
 * the two fonts' average advance widths weighted by English letter frequency
 * (the method Capsize and Next.js use); the ascent / descent / line-gap
 * overrides are the web font's hhea metrics divided by that size-adjust.
 *   Inter 4 (upm 2048, ascent 1984, descent 494, avg width 969.7) on Arial
 *   (avg width 903.5): size-adjust 107.34%, ascent 90.25%, descent 22.47%.
 *   JetBrains Mono (upm 1000, ascent 1020, descent 300, width 600) on
 *   Courier New (width 1229/2048): size-adjust 99.98%, ascent 102.02%, descent 30%.
 */
export function fontFaceCss(urlOf: (name: string) => string): string {
  const face = (family: string, weight: string, file: string, format: string): string =>
    `@font-face {
  font-family: '${family}';
  font-style: normal;
  font-weight: ${weight};
  font-display: optional;
  src: url('${urlOf(file)}') format('${format}');
  unicode-range: ${LATIN_RANGE};
}
`;
  return `${face('Inter', '100 900', 'inter-var.woff2', 'woff2')}${face('JetBrains Mono', '400', 'jetbrains-mono-400.woff2', 'woff2')}${face('JetBrains Mono', '500', 'jetbrains-mono-500.woff2', 'woff2')}@font-face {
  font-family: 'Inter Fallback';
  src: local('Arial'), local('ArialMT'), local('Liberation Sans'), local('Arimo');
  size-adjust: 107.34%;
  ascent-override: 90.25%;
  descent-override: 22.47%;
  line-gap-override: 0%;
}
@font-face {
  font-family: 'JetBrains Mono Fallback';
  src: local('Courier New'), local('CourierNewPSMT'), local('Liberation Mono'), local('Cousine');
  size-adjust: 99.98%;
  ascent-override: 102.02%;
  descent-override: 30%;
  line-gap-override: 0%;
}
`;
}
