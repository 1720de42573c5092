/** One mock-up screen of a tool: the app shell's navigation, and the main area's HTML. */
export interface Screen {
  /** File name under content/images/tools/ (matches the catalog's product-page seed). */
  file: string;
  tool: string;
  project: string;
  status?: string;
  nav: string[];
  active: number;
  body: string;
  css?: string;
}

/** A small SVG line chart of values 0–100. */
export function lineChart(values: number[], labels: string[], width = 1000, height = 300): string {
  const pad = 40;
  const x = (i: number) => pad + (i * (width - 2 * pad)) / (values.length - 1);
  const y = (v: number) => height - pad - ((v - 60) / 40) * (height - 2 * pad);
  const points = values.map((v, i) => `${x(i)},${y(v)}`).join(' ');
  const grid = [60, 70, 80, 90, 100]
    .map(
      (v) =>
        `<line x1="${pad}" x2="${width - pad}" y1="${y(v)}" y2="${y(v)}" stroke="#E2E8F0"/><text x="8" y="${y(v) + 4}" font-size="12" fill="#475569">${v}</text>`,
    )
    .join('');
  const dots = values
    .map(
      (v, i) =>
        `<circle cx="${x(i)}" cy="${y(v)}" r="5" fill="#1E40AF"/><text x="${x(i) - 14}" y="${height - 12}" font-size="12" fill="#475569">${labels[i]}</text>`,
    )
    .join('');
  return `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${grid}<polyline points="${points}" fill="none" stroke="#1E40AF" stroke-width="3"/>${dots}</svg>`;
}

/** A small SVG bar chart. */
export function barChart(values: number[], labels: string[], width = 640, height = 260): string {
  const pad = 30;
  const max = Math.max(...values);
  const w = (width - 2 * pad) / values.length;
  return `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${values
    .map((v, i) => {
      const h = ((height - 2 * pad) * v) / max;
      return `<rect x="${pad + i * w + 6}" y="${height - pad - h}" width="${w - 12}" height="${h}" rx="4" fill="${i === values.length - 1 ? '#F97316' : '#1E40AF'}"/><text x="${pad + i * w + w / 2 - 12}" y="${height - 8}" font-size="12" fill="#475569">${labels[i]}</text>`;
    })
    .join(
      '',
    )}<line x1="${pad}" x2="${width - pad}" y1="${height - pad}" y2="${height - pad}" stroke="#94A3B8"/></svg>`;
}

/** A ring gauge with a score. */
export function ring(score: number, label: string, colour: string): string {
  const r = 46;
  const c = 2 * Math.PI * r;
  return `<div style="display:flex;align-items:center;gap:16px"><svg width="112" height="112" viewBox="0 0 112 112"><circle cx="56" cy="56" r="${r}" fill="none" stroke="#E2E8F0" stroke-width="12"/><circle cx="56" cy="56" r="${r}" fill="none" stroke="${colour}" stroke-width="12" stroke-linecap="round" stroke-dasharray="${(c * score) / 100} ${c}" transform="rotate(-90 56 56)"/><text x="56" y="64" text-anchor="middle" font-size="26" font-weight="800" fill="#0F172A" font-family="Inter">${score}</text></svg><div><div style="font-weight:700;font-size:17px">${label}</div><div class="muted" style="font-size:13px">out of 100</div></div></div>`;
}
