import { describe, expect, it } from 'vitest';
import { codeBlock, languageOf } from './highlight.ts';
import {
  imageSources,
  isSafeUrl,
  plainText,
  renderMarkdown,
  sanitizeContentHtml,
  slugify,
  splitTranscript,
} from './render.ts';

const SITE = 'https://fhiriq.example';
const render = (md: string) =>
  renderMarkdown(md, {
    siteOrigin: SITE,
    reservedIds: ['main'],
    picture: (src, alt) =>
      src === 'images/ok.png'
        ? `<picture class="content-picture"><source type="image/avif" srcset="/media/images/ok.png/0123456789abcdef-480.avif 480w"><img class="content-image" src="/media/images/ok.png/0123456789abcdef-480.png" alt="${alt}" width="480" height="270" loading="lazy" decoding="async"></picture>`
        : null,
  });

const ALLOWED = new Set(
  'h2 h3 h4 h5 h6 p a ul ol li blockquote pre code span em strong del s hr br table thead tbody tr th td picture source img section'.split(
    ' ',
  ),
);

/** The real tags of an HTML string (escaped text is not a tag), with their attributes. */
function tagsOf(html: string) {
  const tags = [...html.matchAll(/<([a-z][a-z0-9]*)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*\/?>/gi)];
  const rest = html
    .replace(/<([a-z][a-z0-9]*)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*\/?>/gi, '')
    .replace(/<\/[a-z0-9]+>/gi, '');
  // Every `<` left is a tag the pattern could not read: fail rather than miss it.
  expect(rest).not.toContain('<');
  return tags.map((m) => ({
    name: m[1]!.toLowerCase(),
    attrs: [...(m[2] ?? '').matchAll(/([a-z-]+)(?:="([^"]*)")?/gi)].map(
      (a) => [a[1]!.toLowerCase(), a[2] ?? ''] as const,
    ),
  }));
}

const decode = (v: string) =>
  v
    .replace(/&#x([0-9a-f]+);?/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_m, d: string) => String.fromCharCode(Number(d)))
    .replace(/&colon;/gi, ':')
    .replace(/&amp;/g, '&')
    // Browsers drop tabs and newlines inside URLs.
    .replace(/[\t\n\r]/g, '');

/** Every element is on the allow-list, and no attribute can run script or style the page. */
function expectInert(html: string) {
  for (const tag of tagsOf(html)) {
    expect(ALLOWED.has(tag.name), `<${tag.name}>`).toBe(true);
    for (const [name, value] of tag.attrs) {
      expect(name.startsWith('on'), `${tag.name} ${name}`).toBe(false);
      expect(name).not.toBe('style');
      if (['href', 'src', 'srcset'].includes(name)) {
        expect(decode(value).trim(), `${tag.name} ${name}`).not.toMatch(/^(javascript|vbscript|data):/i);
        expect(decode(value).trim()).not.toMatch(/^\/\//);
      }
    }
  }
}

describe('Markdown rendering', () => {
  it.each([
    ['a script element', '<script>alert(1)</script>'],
    ['an inline handler', '<img src=x onerror=alert(1)>'],
    ['a javascript: link', '[click](javascript:alert(1))'],
    ['a mixed-case, encoded javascript: link', '[click](JaVaScRiPt&#58;alert(1))'],
    ['a tab inside the scheme', '[click](java\tscript:alert(1))'],
    ['a vbscript: link', '[click](vbscript:msgbox(1))'],
    ['a data: link', '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['a javascript: image', '![x](javascript:alert(1))'],
    ['a data: image', '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
    ['an autolink with a script scheme', '<javascript:alert(1)>'],
    ['a reference-style link', '[x][1]\n\n[1]: javascript:alert(1)'],
    ['an iframe', '<iframe src="https://evil.example"></iframe>'],
    ['an svg with onload', '<svg onload=alert(1)>'],
    ['a style element', '<style>body{display:none}</style>'],
    ['HTML inside a link title', '[x](/a "<img src=x onerror=alert(1)>")'],
    ['a link label with markup', '[<b onclick=alert(1)>x</b>](/a)'],
    ['a protocol-relative link', '[x](//evil.example/a)'],
  ])('neutralises %s', (_name, md) => {
    expectInert(render(md));
  });

  it('shows raw HTML as text instead of dropping it silently', () => {
    const html = render('Use <b>bold</b> carefully');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
  });

  it('keeps safe links: http(s), mailto, site paths and anchors', () => {
    const html = render('[a](https://hl7.org/fhir) [b](mailto:team@fhiriq.example) [c](/docs/x) [d](#part)');
    expect(html).toContain('href="https://hl7.org/fhir"');
    expect(html).toContain('href="mailto:team@fhiriq.example"');
    expect(html).toContain('href="/docs/x"');
    expect(html).toContain('href="#part"');
  });

  it('marks links to other sites rel="noopener" and leaves ours alone', () => {
    const html = render(`[ext](https://hl7.org/fhir) [own](${SITE}/blog/a) [rel](/blog/b)`);
    expect(html).toContain('<a href="https://hl7.org/fhir" rel="noopener">ext</a>');
    expect(html).toContain(`<a href="${SITE}/blog/a">own</a>`);
    expect(html).toContain('<a href="/blog/b">rel</a>');
  });

  it('links bare URLs (linkify) and makes them noopener too', () => {
    expect(render('See https://build.fhir.org today')).toContain(
      '<a href="https://build.fhir.org" rel="noopener">https://build.fhir.org</a>',
    );
  });

  it('gives headings unique ids, never one the page uses, and turns a body h1 into h2', () => {
    const html = render('# Main\n\n## Setup\n\n## Setup\n\n### Über café');
    expect(html).toContain('<h2 id="main-2">Main</h2>');
    expect(html).toContain('<h2 id="setup">Setup</h2>');
    expect(html).toContain('<h2 id="setup-2">Setup</h2>');
    expect(html).toContain('<h3 id="uber-cafe">Über café</h3>');
    expect(html).not.toContain('<h1');
  });

  it('aligns table cells with classes, not style attributes (the CSP forbids them)', () => {
    const html = render('| a | b |\n|:-:|--:|\n| 1 | 2 |');
    expect(html).toContain('<section class="table-scroll" aria-label="Table 1" tabindex="0"><table>');
    expect(html).toContain('<th class="align-center">a</th>');
    expect(html).toContain('<td class="align-right">2</td>');
    expect(html).not.toContain('style=');
  });

  it('renders resolved images as <picture>, unknown ones as their alt text, other sites’ as a link', () => {
    const html = render(
      '![Diagram](images/ok.png) ![Missing](images/nope.png) ![Far](https://evil.example/x.png)',
    );
    expect(html).toContain('<picture class="content-picture">');
    expect(html).toContain('alt="Diagram"');
    expect(html).toContain('loading="lazy"');
    expect(html).toContain('Missing');
    expect(html).not.toContain('images/nope.png');
    expect(html).toContain('<a href="https://evil.example/x.png" rel="noopener">Far</a>');
    expect(html).not.toContain('src="https://evil.example');
  });

  it('escapes an image’s alt text', () => {
    const html = render('![a "quoted" <b>alt</b>](images/ok.png)');
    expectInert(html);
    expect(html).not.toContain('<b>');
  });
});

describe('the sanitizer, as a second line of defence', () => {
  it('drops what markdown-it could never produce', () => {
    const html = sanitizeContentHtml(
      '<p onclick="x()">t</p><a href="javascript:alert(1)">a</a><img src="https://evil.example/x.png" onerror="x()"><div style="color:red" role="button" class="x">d</div><script>x()</script><h2 id="ok" class="x">h</h2>',
    );
    expect(html).toBe('<p>t</p><a>a</a><img />d<h2 id="ok">h</h2>');
  });

  it('keeps highlight.js classes and picture sources, and closes no void element', () => {
    const html = sanitizeContentHtml(
      '<pre class="code-block" tabindex="0"><code class="hljs language-json"><span class="hljs-title function_">f</span></code></pre><picture class="content-picture"><source type="image/webp" srcset="/media/a 480w"><img src="/media/a" alt="a"></picture>',
    );
    expect(html).toContain('<span class="hljs-title function_">f</span>');
    expect(html).toContain('<source type="image/webp" srcset="/media/a 480w" />');
    expect(html).not.toContain('</source>');
  });
});

describe('code highlighting', () => {
  it('highlights the content format’s languages on the server, with class names', () => {
    for (const lang of ['json', 'http', 'sql', 'typescript', 'bash', 'yaml', 'xml', 'ts', 'sh']) {
      expect(languageOf(lang), lang).not.toBeNull();
    }
    const html = render("```sql\nSELECT id FROM patient WHERE birth_date < '1950-01-01';\n```");
    expect(html).toContain('<code class="hljs language-sql">');
    expect(html).toContain('<span class="hljs-keyword">SELECT</span>');
    expect(html).toContain('<pre class="code-block" tabindex="0">');
  });

  it('names the canonical language for an alias', () => {
    expect(render('```ts\nconst a = 1;\n```')).toContain('language-typescript');
  });

  it('escapes code in an unknown language and in no language at all', () => {
    expect(codeBlock('<script>alert(1)</script>', 'cobol')).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;',
    );
    const html = render('```\n<img src=x onerror=alert(1)>\n```\n\n    <script>indented</script>');
    expectInert(html);
    expect(html).toContain('&lt;script&gt;indented&lt;/script&gt;');
  });

  it('escapes markup inside highlighted strings', () => {
    const html = render('```json\n{"div": "</code><script>alert(1)</script>"}\n```');
    expectInert(html);
    expect(html).toContain('&lt;/code&gt;&lt;script&gt;');
  });
});

describe('text of a body', () => {
  it('is the words without markup, code included', () => {
    const text = plainText('# Title\n\nSome *bold* [link](/x) and `code`.\n\n```json\n{"a": 1}\n```');
    expect(text).toContain('Title');
    expect(text).toContain('Some bold link and code.');
    expect(text).toContain('{"a": 1}');
    expect(text).not.toContain('*');
    expect(text).not.toContain('](');
  });

  it('lists image sources to resolve before rendering', () => {
    expect(imageSources('![a](images/a.png) text ![b](uploads/med_x.png) ![a](images/a.png)')).toEqual([
      'images/a.png',
      'uploads/med_x.png',
    ]);
  });

  it('splits an episode at its Transcript heading', () => {
    expect(splitTranscript('Notes\n\n## Transcript\n\nHello')).toEqual({
      notes: 'Notes',
      transcript: 'Hello',
    });
    expect(splitTranscript('Only notes')).toEqual({ notes: 'Only notes', transcript: null });
  });

  it('slugifies headings and accepts only safe URLs', () => {
    expect(slugify('  SMART on FHIR: Launch!  ')).toBe('smart-on-fhir-launch');
    expect(slugify('***')).toBe('section');
    expect(slugify('1. Broken references')).toBe('section-1-broken-references');
    expect(isSafeUrl('javascript:alert(1)')).toBe(false);
    expect(isSafeUrl('//evil.example')).toBe(false);
    expect(isSafeUrl('/blog/a')).toBe(true);
    expect(isSafeUrl('images/a.png')).toBe(true);
  });
});
