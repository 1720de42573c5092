import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import http from 'highlight.js/lib/languages/http';
import ini from 'highlight.js/lib/languages/ini';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

/**
 * Code highlighting at render time, on the server: highlight.js's core with only the languages
 * our content uses (docs/content-format.md names json, http, sql, typescript, bash, yaml, xml), so no
 * highlighter ships to browsers. The output is class names (`hljs-keyword`…) styled by
 * content.css from the design tokens.
 */
const LANGUAGES = {
  bash,
  css,
  diff,
  http,
  ini,
  javascript,
  json,
  plaintext,
  python,
  shell,
  sql,
  typescript,
  xml,
  yaml,
};
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The canonical name of a fence's language (`ts` → `typescript`), or null when we do not highlight it. */
export function languageOf(info: string): string | null {
  const name = info.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!name) return null;
  const language = hljs.getLanguage(name);
  if (!language) return null;
  // `ts` and `sh` are aliases: the class names the canonical language.
  const canonical = Object.keys(LANGUAGES).find((k) => hljs.getLanguage(k) === language);
  return canonical ?? null;
}

/** A fenced block as HTML: highlighted when its language is known, escaped text otherwise. */
export function codeBlock(code: string, info: string): string {
  const language = languageOf(info);
  const inner = language ? hljs.highlight(code, { language, ignoreIllegals: true }).value : escapeHtml(code);
  const cls = language ? `hljs language-${language}` : 'hljs';
  // tabindex: a block wider than the screen scrolls, and a scrolling region must be reachable by keyboard.
  return `<pre class="code-block" tabindex="0"><code class="${cls}">${inner}</code></pre>\n`;
}
