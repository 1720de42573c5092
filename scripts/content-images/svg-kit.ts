/**
 * A small SVG vocabulary for the starter content's images: boxes, arrows, labels and the cover
 * frame, all in the design tokens' colours so the images match the site. Text is set in DejaVu
 * Sans (Debian's fonts-dejavu, which librsvg inside sharp finds through fontconfig): the PNGs
 * are committed, so the font only matters on the machine that regenerates them.
 */
import { tokens } from '../../src/web/tokens.ts';

export const C = tokens.color;
export const FONT = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";
export const MONO = "'DejaVu Sans Mono', 'Liberation Mono', monospace";

export const W = 1600;
export const H = 900;

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface TextOptions {
  size?: number;
  weight?: 400 | 700;
  fill?: string;
  anchor?: 'start' | 'middle' | 'end';
  mono?: boolean;
  /** A halo in the background colour keeps labels legible where they cross lines. */
  halo?: string;
  spacing?: number;
}

export function text(x: number, y: number, s: string, o: TextOptions = {}): string {
  const halo = o.halo
    ? ` stroke="${o.halo}" stroke-width="8" stroke-linejoin="round" paint-order="stroke"`
    : '';
  const spacing = o.spacing ? ` letter-spacing="${o.spacing}"` : '';
  return `<text x="${x}" y="${y}" font-family="${o.mono ? MONO : FONT}" font-size="${o.size ?? 24}" font-weight="${o.weight ?? 400}" fill="${o.fill ?? C.text}" text-anchor="${o.anchor ?? 'start'}"${halo}${spacing} xml:space="preserve">${esc(s)}</text>`;
}

export type Tone = 'plain' | 'orange' | 'blue' | 'green' | 'red' | 'dark';

const TONES: Record<Tone, { fill: string; stroke: string; title: string; sub: string }> = {
  plain: { fill: C.surface, stroke: C.borderStrong, title: C.text, sub: C.textMuted },
  orange: { fill: C.primaryTint, stroke: C.primary, title: C.primaryStronger, sub: C.textMuted },
  blue: { fill: C.secondaryTint, stroke: C.secondary, title: C.secondaryStrong, sub: C.textMuted },
  green: { fill: C.successTint, stroke: C.success, title: C.success, sub: C.textMuted },
  red: { fill: C.dangerTint, stroke: C.danger, title: C.danger, sub: C.textMuted },
  dark: { fill: C.text, stroke: C.text, title: C.surface, sub: C.footerText },
};

export interface Box {
  /** Centre and size. */
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A rounded box with a bold title and up to two lines below it, centred on (x, y). */
export function node(
  b: Box,
  title: string,
  lines: string[] = [],
  tone: Tone = 'plain',
  titleSize = 28,
): string {
  const t = TONES[tone];
  const left = b.x - b.w / 2;
  const top = b.y - b.h / 2;
  const total = titleSize + lines.length * 26;
  let y = b.y - total / 2 + titleSize * 0.85;
  const parts = [
    `<rect x="${left}" y="${top}" width="${b.w}" height="${b.h}" rx="14" fill="${t.fill}" stroke="${t.stroke}" stroke-width="3"/>`,
    text(b.x, y, title, { size: titleSize, weight: 700, fill: t.title, anchor: 'middle' }),
  ];
  for (const line of lines) {
    y += 28;
    parts.push(
      text(b.x, y, line, {
        size: 21,
        fill: t.sub,
        anchor: 'middle',
        mono: line.includes('/') || line.includes('$'),
      }),
    );
  }
  return parts.join('');
}

/** Arrowhead markers, referenced by `arrow()`. */
export function defs(): string {
  const marker = (id: string, colour: string) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`;
  return `<defs>${marker('arrow-blue', C.secondary)}${marker('arrow-orange', C.primaryStrong)}${marker('arrow-grey', C.neutral)}</defs>`;
}

export interface ArrowOptions {
  colour?: 'blue' | 'orange' | 'grey';
  label?: string;
  /** Where the label sits relative to the midpoint. */
  dx?: number;
  dy?: number;
  dashed?: boolean;
  both?: boolean;
  labelAnchor?: 'start' | 'middle' | 'end';
}

const COLOURS = { blue: C.secondary, orange: C.primaryStrong, grey: C.neutral };

export function arrow(x1: number, y1: number, x2: number, y2: number, o: ArrowOptions = {}): string {
  const colour = o.colour ?? 'blue';
  const dash = o.dashed ? ' stroke-dasharray="10 8"' : '';
  const start = o.both ? ` marker-start="url(#arrow-${colour})"` : '';
  const line = `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${COLOURS[colour]}" stroke-width="3"${dash} marker-end="url(#arrow-${colour})"${start}/>`;
  if (!o.label) return line;
  const label = text((x1 + x2) / 2 + (o.dx ?? 0), (y1 + y2) / 2 + (o.dy ?? -10), o.label, {
    size: 21,
    weight: 700,
    fill: COLOURS[colour],
    anchor: o.labelAnchor ?? 'middle',
    halo: C.surfaceMuted,
    mono: true,
  });
  return line + label;
}

/** The FHIR IQ mark: an orange rounded square with "IQ", and the name beside it. */
export function brand(x: number, y: number, scale = 1, onDark = false): string {
  const s = (n: number) => n * scale;
  return [
    `<rect x="${x}" y="${y}" width="${s(52)}" height="${s(52)}" rx="${s(12)}" fill="${C.primary}"/>`,
    text(x + s(26), y + s(36), 'IQ', { size: s(26), weight: 700, fill: C.surface, anchor: 'middle' }),
    text(x + s(66), y + s(37), 'FHIR IQ', { size: s(30), weight: 700, fill: onDark ? C.surface : C.text }),
  ].join('');
}

/** The 1600×900 cover frame: brand, kicker, a title of one or two lines, the diagram below. */
export function cover(kicker: string, title: string[], body: string): string {
  const titleSvg = title
    .map((line, i) => text(96, 236 + i * 64, line, { size: 54, weight: 700, fill: C.text }))
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    defs(),
    `<rect width="${W}" height="${H}" fill="${C.surfaceMuted}"/>`,
    `<rect x="0" y="0" width="16" height="${H}" fill="${C.primary}"/>`,
    brand(96, 56),
    text(96, 160, kicker.toUpperCase(), { size: 26, weight: 700, fill: C.primaryStrong, spacing: 3 }),
    titleSvg,
    body,
    `<rect x="0" y="${H - 10}" width="${W}" height="10" fill="${C.secondary}"/>`,
    '</svg>',
  ].join('');
}
