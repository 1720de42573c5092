// The default social card (Open Graph / Twitter image) of every page without its own:
// 1200×630 PNG, rendered from HTML with the design tokens into src/web/social-card.png.
// Run: node --import tsx scripts/social-card.ts
import fs from 'node:fs';
import { baseCss, renderShots } from './render-html.ts';

const mark = fs.readFileSync(new URL('../src/web/favicon.svg', import.meta.url), 'utf8');

const html = `<!doctype html><html><head><meta charset="utf-8"><style>${baseCss()}
body { width: 1200px; height: 630px; overflow: hidden; background: linear-gradient(135deg, var(--color-primary-tint) 0%, #fff 55%, var(--color-secondary-tint) 100%); }
.card { position: absolute; inset: 0; padding: 72px 80px; display: grid; grid-template-columns: 1fr 420px; gap: 48px; align-items: center; }
.brand { display: flex; align-items: center; gap: 20px; margin-bottom: 40px; }
.brand svg { width: 72px; height: 72px; }
.brand span { font-size: 44px; font-weight: 800; letter-spacing: -0.02em; }
h1 { margin: 0 0 24px; font-size: 64px; line-height: 1.05; font-weight: 800; letter-spacing: -0.03em; }
p { margin: 0; font-size: 28px; line-height: 1.4; color: var(--color-text-muted); }
.bar { position: absolute; left: 0; right: 0; bottom: 0; height: 14px; background: linear-gradient(90deg, var(--color-primary), var(--color-primary-strong) 60%, var(--color-secondary)); }
pre { margin: 0; padding: 28px; border-radius: 16px; background: var(--color-footer); color: #e2e8f0; font-size: 19px; line-height: 1.55; border-top: 6px solid var(--color-primary); box-shadow: 0 20px 40px -12px rgba(15, 23, 42, 0.35); }
.k { color: #fdba74; } .s { color: #93c5fd; }
</style></head><body><div class="card"><div>
<div class="brand">${mark}<span>FHIR IQ</span></div>
<h1>Put your FHIR data to work</h1>
<p>FHIR R4 tools, training and consulting for healthcare organisations.</p>
</div>
<pre>{
  <span class="k">"resourceType"</span>: <span class="s">"Observation"</span>,
  <span class="k">"status"</span>: <span class="s">"final"</span>,
  <span class="k">"code"</span>: { <span class="k">"coding"</span>: [{
    <span class="k">"system"</span>: <span class="s">"http://loinc.org"</span>,
    <span class="k">"code"</span>: <span class="s">"4548-4"</span>
  }]},
  <span class="k">"valueQuantity"</span>: {
    <span class="k">"value"</span>: 6.1, <span class="k">"unit"</span>: <span class="s">"%"</span>
  }
}</pre>
</div><div class="bar"></div></body></html>`;

await renderShots([
  { file: new URL('../src/web/social-card.png', import.meta.url).pathname, html, width: 1200, height: 630 },
]);
