import markdownIt, { type MarkdownIt, type Token } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { codeBlock, escapeHtml } from './highlight.ts';

/**
 * Markdown to HTML for content bodies. markdown-it with raw HTML off (anything that looks like a
 * tag is escaped text), linkify, links limited to http(s), mailto and site paths, ids on headings
 * (a body's `#` becomes an h2: the page's title is its only h1), `rel="noopener"` on links to
 * other sites, tables aligned by class (the CSP forbids style attributes) and fenced code
 * highlighted on the server. The HTML then goes through sanitize-html with an explicit allow-list:
 * a second line of defence should a rule above ever let something through.
 */

export interface RenderOptions {
  /** The site's origin: absolute links to it are internal (no `rel`). */
  siteOrigin?: string;
  /** `<picture>` markup for an image source, or null when it cannot be shown (then its alt text is). */
  picture?: (src: string, alt: string) => string | null;
  /** Ids the page itself uses (`main`…): a heading never takes one. */
  reservedIds?: readonly string[];
}

const SAFE_URL = /^(https?:|mailto:)/i;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** http(s), mailto, and scheme-less references (site paths, `#anchors`, content-relative images); never `//host`. */
export function isSafeUrl(url: string): boolean {
  const u = url.trim();
  if (u.startsWith('//') || u.startsWith('\\')) return false;
  return SAFE_URL.test(u) || !HAS_SCHEME.test(u);
}

export function slugify(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  // An id starting with a digit needs escaping in CSS selectors (and validators flag it).
  return !s ? 'section' : /^[0-9]/.test(s) ? `section-${s}` : s;
}

/** markdown-it types attribute values as `string | number`; ours are strings. */
const attr = (token: Token, name: string): string => String(token.attrGet(name) ?? '');

const inlineText = (token: Token): string =>
  (token.children ?? [])
    .map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : ''))
    .join('');

function createParser(): MarkdownIt {
  const md = new markdownIt({ html: false, linkify: true, typographer: true, highlight: null });
  md.validateLink = isSafeUrl;

  // Heading levels and ids, table alignment: one pass over the block tokens.
  md.core.ruler.push('fhiriq_blocks', (state) => {
    const env = state.env as { reservedIds?: readonly string[] };
    const used = new Set<string>(env.reservedIds ?? []);
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if ((t.type === 'heading_open' || t.type === 'heading_close') && t.tag === 'h1') t.tag = 'h2';
      if (t.type === 'heading_open') {
        const base = slugify(inlineText(tokens[i + 1]!));
        let id = base;
        for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
        used.add(id);
        t.attrSet('id', id);
      }
      if (t.type === 'th_open' || t.type === 'td_open') {
        const align = /text-align:\s*(left|center|right)/.exec(attr(t, 'style'))?.[1];
        t.attrs = (t.attrs ?? []).filter(([name]) => name !== 'style');
        if (align) t.attrSet('class', `align-${align}`);
      }
    }
  });

  // A table may be wider than a phone: it scrolls inside a labelled region keyboard users can reach.
  md.renderer.rules.table_open = (_tokens, _idx, _options, env) => {
    const e = env as { tables?: number };
    e.tables = (e.tables ?? 0) + 1;
    return `<section class="table-scroll" aria-label="Table ${e.tables}" tabindex="0"><table>\n`;
  };
  md.renderer.rules.table_close = () => '</table></section>\n';
  md.renderer.rules.fence = (tokens, idx) => codeBlock(tokens[idx]!.content, tokens[idx]!.info);
  md.renderer.rules.code_block = (tokens, idx) => codeBlock(tokens[idx]!.content, '');

  const defaultLinkOpen =
    md.renderer.rules.link_open ??
    ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const href = attr(token, 'href');
    const origin = (env as RenderOptions).siteOrigin;
    if (/^https?:/i.test(href)) {
      let external = true;
      try {
        external = !origin || new URL(href).origin !== new URL(origin).origin;
      } catch {
        external = true;
      }
      if (external) token.attrSet('rel', 'noopener');
    }
    return defaultLinkOpen(tokens, idx, options, env, self);
  };

  md.renderer.rules.image = (tokens, idx, _options, env) => {
    const token = tokens[idx]!;
    const src = attr(token, 'src');
    const alt = token.content;
    const picture = (env as RenderOptions).picture?.(src, alt) ?? null;
    if (picture) return picture;
    // The CSP allows only our own images: another site's picture becomes a link to it.
    if (/^https?:/i.test(src))
      return `<a href="${escapeHtml(src)}" rel="noopener">${escapeHtml(alt || src)}</a>`;
    return escapeHtml(alt);
  };
  return md;
}

const parser = createParser();

const HEADINGS = ['h2', 'h3', 'h4', 'h5', 'h6'];
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    ...HEADINGS,
    'p',
    'a',
    'ul',
    'ol',
    'li',
    'blockquote',
    'pre',
    'code',
    'span',
    'em',
    'strong',
    'del',
    's',
    'hr',
    'br',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'picture',
    'source',
    'img',
    'section',
  ],
  allowedAttributes: {
    ...Object.fromEntries(HEADINGS.map((h) => [h, ['id']])),
    a: ['href', 'title', 'rel'],
    pre: ['class', 'tabindex'],
    code: ['class'],
    span: ['class'],
    ol: ['start'],
    th: ['class'],
    td: ['class'],
    picture: ['class'],
    section: ['class', 'tabindex', 'aria-label'],
    source: ['type', 'srcset', 'sizes'],
    img: ['src', 'srcset', 'sizes', 'alt', 'width', 'height', 'loading', 'decoding', 'class'],
  },
  allowedClasses: {
    pre: ['code-block'],
    code: ['hljs', 'language-*'],
    // highlight.js 11 writes sub-scopes as a trailing underscore: `hljs-title function_`.
    span: ['hljs-*', '*_'],
    th: ['align-left', 'align-center', 'align-right'],
    td: ['align-left', 'align-center', 'align-right'],
    picture: ['content-picture'],
    img: ['content-image'],
    section: ['table-scroll'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  // Images come from this site only (/media/…): no scheme at all.
  allowedSchemesByTag: { img: [], source: [] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Void elements: `<source>` must not get a closing tag.
  selfClosing: ['img', 'br', 'hr', 'source'],
};

/** Sanitizes rendered HTML with the content allow-list (exported for the tests that attack it directly). */
export function sanitizeContentHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE);
}

/** The body as safe HTML. */
export function renderMarkdown(markdown: string, options: RenderOptions = {}): string {
  return sanitizeContentHtml(parser.render(markdown, { ...options }));
}

// What the seeder and staff edits need of a body (its words, its image sources), by body: both
// are asked for each save, and a test process starts many apps on the same files. Small
// results are kept, not the token trees.
const facts = new Map<string, { text: string; images: string[] }>();

function factsOf(markdown: string): { text: string; images: string[] } {
  const hit = facts.get(markdown);
  if (hit) return hit;
  const parts: string[] = [];
  const images = new Set<string>();
  const walk = (tokens: Token[]) => {
    for (const t of tokens) {
      if (t.type === 'text' || t.type === 'code_inline') parts.push(t.content);
      else if (t.type === 'fence' || t.type === 'code_block') parts.push(t.content);
      else if (t.type === 'softbreak' || t.type === 'hardbreak') parts.push(' ');
      else if (t.type === 'image') images.add(attr(t, 'src'));
      if (t.children) walk(t.children);
      if (t.block && t.nesting === -1) parts.push('\n');
    }
  };
  walk(parser.parse(markdown, {}));
  images.delete('');
  const text = parts
    .join('')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
  const result = { text, images: [...images] };
  if (facts.size >= 500) facts.delete(facts.keys().next().value ?? '');
  facts.set(markdown, result);
  return result;
}

/** Every image source a body references, to resolve them (asynchronously) before rendering. */
export function imageSources(markdown: string): string[] {
  return factsOf(markdown).images;
}

/** The words of a body: text, code and image descriptions, without markup (for search and reading time). */
export function plainText(markdown: string): string {
  return factsOf(markdown).text;
}

/** An episode's body: the show notes, then the part from a `## Transcript` heading on (without it). */
export function splitTranscript(markdown: string): { notes: string; transcript: string | null } {
  const m = /^##[ \t]+Transcript[ \t]*#*[ \t]*$/im.exec(markdown);
  if (!m) return { notes: markdown, transcript: null };
  return {
    notes: markdown.slice(0, m.index).trimEnd(),
    transcript: markdown.slice(m.index + m[0].length).trim(),
  };
}
