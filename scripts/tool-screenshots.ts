// The tools' screenshots for their product pages: HTML mock-ups of each tool's screens,
// styled with the design tokens, rendered at 1600×1000 in headless Chromium and written as
// palette PNGs (the sources the content image pipeline resizes) to content/images/tools/.
// Their file names, alt texts and captions are the catalog's product-page seed
// (src/modules/catalog/seed/product-pages.ts). Run: node --import tsx scripts/tool-screenshots.ts
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { baseCss, escapeHtml as e, renderShots } from './render-html.ts';
import { analyticsScreens } from './tool-screens/analytics.ts';
import { builderScreens } from './tool-screens/builder.ts';
import { mapperScreens } from './tool-screens/mapper.ts';
import { qualityScreens } from './tool-screens/quality.ts';
import type { Screen } from './tool-screens/shell.ts';

const outDir = path.resolve(import.meta.dirname, '../content/images/tools');
const mark = fs.readFileSync(path.resolve(import.meta.dirname, '../src/web/favicon.svg'), 'utf8');

const SHELL_CSS = `
body { width: 1600px; height: 1000px; overflow: hidden; background: var(--color-surface-muted); font-size: 15px; }
.app { display: grid; grid-template-columns: 232px 1fr; grid-template-rows: 60px 1fr; height: 1000px; }
.top { grid-column: 1 / 3; display: flex; align-items: center; gap: 16px; padding: 0 24px; background: #fff; border-bottom: 1px solid var(--color-border); }
.top svg { width: 30px; height: 30px; }
.top .brand { font-weight: 800; font-size: 18px; }
.top .tool { color: var(--color-text-muted); font-weight: 600; padding-left: 16px; border-left: 1px solid var(--color-border); }
.top .project { margin-left: 24px; padding: 6px 12px; border: 1px solid var(--color-border-strong); border-radius: 8px; font-size: 14px; }
.top .spacer { flex: 1; }
.top .avatar { width: 34px; height: 34px; border-radius: 50%; background: var(--color-secondary); color: #fff; display: grid; place-items: center; font-weight: 700; font-size: 14px; }
.side { background: #fff; border-right: 1px solid var(--color-border); padding: 20px 12px; }
.side a { display: flex; align-items: center; gap: 10px; padding: 9px 12px; border-radius: 8px; color: var(--color-text-muted); text-decoration: none; font-weight: 500; margin-bottom: 2px; }
.side a.on { background: var(--color-primary-tint); color: var(--color-primary-stronger); font-weight: 700; }
.side .dot { width: 8px; height: 8px; border-radius: 2px; background: currentColor; opacity: .5; }
.main { padding: 28px 32px; overflow: hidden; }
h1 { margin: 0 0 4px; font-size: 26px; letter-spacing: -0.02em; }
.sub { color: var(--color-text-muted); margin: 0 0 22px; }
.card { background: #fff; border: 1px solid var(--color-border); border-radius: 12px; box-shadow: var(--shadow-card); padding: 18px 20px; }
.row { display: flex; gap: 20px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; }
.grid3 { display: grid; grid-template-columns: repeat(3, 1fr); gap: 20px; }
.grid4 { display: grid; grid-template-columns: repeat(4, 1fr); gap: 20px; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--color-text-muted); padding: 8px 10px; border-bottom: 1px solid var(--color-border); }
td { padding: 9px 10px; border-bottom: 1px solid var(--color-border); vertical-align: top; }
.mono { font-family: var(--font-mono); font-size: 13px; }
.badge { display: inline-block; padding: 2px 8px; border-radius: 999px; font-size: 12px; font-weight: 700; }
.ok { background: var(--color-success-tint); color: var(--color-success); }
.warn { background: #FEF3C7; color: #92400E; }
.err { background: var(--color-danger-tint); color: var(--color-danger); }
.info { background: var(--color-secondary-tint); color: var(--color-secondary-strong); }
.btn { display: inline-block; padding: 9px 16px; border-radius: 8px; font-weight: 600; font-size: 14px; }
.btn-p { background: var(--color-primary-strong); color: #fff; }
.btn-s { border: 1px solid var(--color-primary-strong); color: var(--color-primary-strong); background: #fff; }
.kpi { font-size: 34px; font-weight: 800; letter-spacing: -0.02em; }
.muted { color: var(--color-text-muted); }
.code { background: var(--color-footer); color: #e2e8f0; border-radius: 10px; padding: 16px 18px; font-family: var(--font-mono); font-size: 13px; line-height: 1.6; white-space: pre; overflow: hidden; }
.code .k { color: #fdba74; } .code .s { color: #93c5fd; } .code .n { color: #86efac; } .code .c { color: #94a3b8; }
.hl { background: rgba(248, 113, 113, .22); border-radius: 3px; }
`;

function page(screen: Screen): string {
  const nav = screen.nav
    .map((item, i) => `<a class="${i === screen.active ? 'on' : ''}"><span class="dot"></span>${e(item)}</a>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>${baseCss()}${SHELL_CSS}${screen.css ?? ''}</style></head>
<body><div class="app">
<div class="top">${mark}<span class="brand">FHIR IQ</span><span class="tool">${e(screen.tool)}</span><span class="project">${e(screen.project)} ▾</span><span class="spacer"></span><span class="muted">${e(screen.status ?? '')}</span><span class="avatar">MR</span></div>
<nav class="side">${nav}</nav>
<main class="main">${screen.body}</main>
</div></body></html>`;
}

const screens = [...mapperScreens, ...qualityScreens, ...analyticsScreens, ...builderScreens];
fs.mkdirSync(outDir, { recursive: true });
const raw = screens.map((s) => ({
  file: path.join(outDir, s.file),
  html: page(s),
  width: 1600,
  height: 1000,
}));
await renderShots(raw);
// Flat UI colours: a palette PNG is a third of the size and looks the same.
for (const r of raw) {
  const buf = await sharp(r.file)
    .png({ palette: true, quality: 95, compressionLevel: 9, effort: 10 })
    .toBuffer();
  fs.writeFileSync(r.file, buf);
}
process.stdout.write(`${raw.length} screenshots in ${path.relative(process.cwd(), outDir)}\n`);
