/**
 * Makes the starter content's images from SVG with sharp: blog and case-study covers
 * (1600×900), author avatars (512×512, initials — no photos of anyone) and the podcast's
 * cover art (3000×3000). Deterministic: the same code writes the same files.
 *
 *   node --import tsx scripts/content-images/index.ts
 *
 * Writes under content/images/ (not content/images/tools/, which the product screenshots own).
 * PNGs are palette-quantized: flat artwork keeps its look at a fraction of the bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { BLOG_COVERS } from './blog-covers.ts';
import { arrow, C, cover, esc, FONT, node, text } from './svg-kit.ts';

const OUT = path.resolve('content/images');

/** Authors: key, initials, background. Illustrated initials on a brand colour. */
const AUTHORS: [string, string, string][] = [
  ['daniel-reyes', 'DR', C.secondaryStrong],
  ['priya-raman', 'PR', C.primaryStrong],
  ['tomas-lindqvist', 'TL', C.text],
  ['grace-adeyemi', 'GA', C.success],
];

function avatar(initials: string, bg: string): string {
  // Concentric arcs in the corner echo the brand's "signal" motif without being a logo.
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">',
    `<rect width="512" height="512" fill="${bg}"/>`,
    `<circle cx="512" cy="0" r="170" fill="none" stroke="${C.surface}" stroke-opacity="0.16" stroke-width="28"/>`,
    `<circle cx="512" cy="0" r="250" fill="none" stroke="${C.surface}" stroke-opacity="0.10" stroke-width="28"/>`,
    `<circle cx="0" cy="512" r="120" fill="${C.primary}" fill-opacity="0.9"/>`,
    `<text x="256" y="318" font-family="${FONT}" font-size="176" font-weight="700" fill="${C.surface}" text-anchor="middle" letter-spacing="4">${esc(initials)}</text>`,
    '</svg>',
  ].join('');
}

function podcastCover(): string {
  const bars = [0.35, 0.6, 0.9, 0.55, 1, 0.7, 0.4, 0.8, 0.5, 0.3];
  const barSvg = bars
    .map((h, i) => {
      const height = Math.round(520 * h);
      const x = 310 + i * 124;
      return `<rect x="${x}" y="${1860 - height / 2}" width="72" height="${height}" rx="36" fill="${i % 3 === 1 ? C.surface : C.primary}"/>`;
    })
    .join('');
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="3000" height="3000" viewBox="0 0 3000 3000">',
    `<rect width="3000" height="3000" fill="${C.text}"/>`,
    `<circle cx="3000" cy="0" r="1100" fill="none" stroke="${C.secondary}" stroke-width="90" stroke-opacity="0.6"/>`,
    `<circle cx="3000" cy="0" r="1400" fill="none" stroke="${C.secondary}" stroke-width="90" stroke-opacity="0.35"/>`,
    `<rect x="300" y="360" width="420" height="420" rx="96" fill="${C.primary}"/>`,
    text(510, 660, 'IQ', { size: 240, weight: 700, fill: C.surface, anchor: 'middle' }),
    text(300, 1180, 'FHIR IQ', { size: 330, weight: 700, fill: C.surface }),
    text(310, 1380, 'PODCAST', { size: 150, weight: 700, fill: C.primary, spacing: 30 }),
    barSvg,
    text(300, 2420, 'Practical FHIR for', { size: 150, weight: 700, fill: C.footerText }),
    text(300, 2610, 'implementers, in minutes', { size: 150, weight: 700, fill: C.footerText }),
    `<rect x="0" y="2920" width="3000" height="80" fill="${C.primary}"/>`,
    '</svg>',
  ].join('');
}

/** Case-study covers: the client's shape of the problem as a three-step flow. */
function caseCover(
  title: string[],
  steps: [string, string[], 'plain' | 'blue' | 'orange' | 'green'][],
): string {
  const xs = [300, 800, 1300];
  const body = steps
    .map(([name, lines, tone], i) => {
      const x = xs[i] ?? 0;
      const link = i < steps.length - 1 ? arrow(x + 200, 620, x + 300, 620) : '';
      return node({ x, y: 620, w: 390, h: 200 }, name, lines, tone, 30) + link;
    })
    .join('');
  return cover('Case study', title, body);
}

const CASE_COVERS: Record<string, () => string> = {
  'case-studies/regional-health-system-us-core-api.png': () =>
    caseCover(
      ['US Core APIs for a regional health system'],
      [
        ['EHR + lab + HIE', ['HL7 v2 feeds', 'flat-file extracts'], 'plain'],
        ['Mapper to FHIR', ['US Core 6.1.0', 'mapping rules'], 'orange'],
        ['Patient access API', ['SMART 2.0 apps', '(g)(10) testing'], 'green'],
      ],
    ),
  'case-studies/health-plan-bulk-data-provider-access.png': () =>
    caseCover(
      ['Bulk Data for a regional health plan'],
      [
        ['Claims + clinical', ['attributed members', 'nightly refresh'], 'plain'],
        ['Group $export', ['_type · _since', 'NDJSON'], 'blue'],
        ['Provider Access', ['quality-checked', 'CMS-0057-F'], 'green'],
      ],
    ),
  'case-studies/digital-health-startup-smart-app.png': () =>
    caseCover(
      ['Shipping a SMART app to two EHRs'],
      [
        ['SMART app', ['React + TypeScript', 'public client, PKCE'], 'orange'],
        ['EHR launch', ['launch · patient', 'patient/*.rs scopes'], 'blue'],
        ['Two EHR sandboxes', ['one code path', 'pilot clinics'], 'green'],
      ],
    ),
};

async function write(rel: string, svg: string, size: [number, number]): Promise<void> {
  const file = path.join(OUT, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const info = await sharp(Buffer.from(svg))
    .png({ palette: true, colours: 128, compressionLevel: 9, effort: 10 })
    .toFile(file);
  if (info.width !== size[0] || info.height !== size[1])
    throw new Error(`${rel}: ${info.width}×${info.height}`);
  process.stdout.write(`${rel}  ${info.width}×${info.height}  ${(info.size / 1024).toFixed(0)} KB\n`);
}

for (const [rel, make] of Object.entries(BLOG_COVERS)) await write(rel, make(), [1600, 900]);
for (const [rel, make] of Object.entries(CASE_COVERS)) await write(rel, make(), [1600, 900]);
for (const [key, initials, bg] of AUTHORS)
  await write(`authors/${key}.png`, avatar(initials, bg), [512, 512]);
await write('podcast/cover.png', podcastCover(), [3000, 3000]);
