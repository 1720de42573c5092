// Renders HTML mock-ups to PNG in headless Debian Chromium: the social card
// (scripts/social-card.ts) and the tools' screenshots (scripts/tool-screenshots.ts).
// Offline: fonts come from the @fontsource packages as file:// URLs, nothing is fetched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { fontFiles } from '../src/web/fonts.ts';
import { tokensCss } from '../src/web/tokens.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The design tokens and the self-hosted fonts, for a mock-up's <style>. */
export function baseCss(): string {
  const url = (name: string) => {
    const f = fontFiles().find((x) => x.name === name);
    if (!f) throw new Error(`no font ${name}`);
    return `file://${f.path}`;
  };
  return `${tokensCss()}
@font-face { font-family: 'Inter'; font-weight: 100 900; src: url('${url('inter-var.woff2')}') format('woff2'); }
@font-face { font-family: 'JetBrains Mono'; font-weight: 400; src: url('${url('jetbrains-mono-400.woff2')}') format('woff2'); }
*, *::before, *::after { box-sizing: border-box; }
html, body { margin: 0; }
body { font-family: var(--font-sans); color: var(--color-text); -webkit-font-smoothing: antialiased; }
code, pre, .mono { font-family: var(--font-mono); }
`;
}

export interface Shot {
  /** Output PNG path. */
  file: string;
  html: string;
  width: number;
  height: number;
}

/** Renders each page at its size (device scale 1) and writes the PNGs. */
export async function renderShots(shots: readonly Shot[]): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  // A file:// page may load the file:// fonts; about:blank may not.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhiriq-render-'));
  try {
    for (const shot of shots) {
      const page = await browser.newPage({ viewport: { width: shot.width, height: shot.height } });
      // Any request leaving the machine fails the render: mock-ups use local files only.
      await page.route(/^https?:/, (route) => route.abort());
      const htmlFile = path.join(dir, 'page.html');
      fs.writeFileSync(htmlFile, shot.html);
      await page.goto(`file://${htmlFile}`, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      fs.writeFileSync(shot.file, await page.screenshot({ type: 'png' }));
      await page.close();
      process.stdout.write(`wrote ${shot.file}\n`);
    }
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
