import fs from 'node:fs';
import path from 'node:path';
import markdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { readContentFiles } from './content-files.ts';
import { DEFAULT_CONTENT_DIR } from './index.ts';
import { FIXTURES } from './test-support.ts';

/**
 * Every content folder the site ships (content/ at the repository root) and the test fixtures
 * follow docs/content-format.md: each Markdown file is a valid item of its kind, what it points at
 * exists (authors, images, audio), code fences name their language and images have alt text.
 * A file failing here would be skipped by the seeder at start; this says which and why.
 */

const TOOLS = ['mapper-to-fhir', 'data-quality-assessments', 'fhir-analytics', 'fhir-app-builder'];
const md = markdownIt();

function problemsOf(root: string): string[] {
  const { items, problems } = readContentFiles(root);
  const out = problems.map(
    (p) => `${p.sourcePath}: ${p.problems.map((d) => `${d.path} ${d.message}`).join('; ')}`,
  );
  const authors = new Set(items.filter((f) => f.item.kind === 'author').map((f) => f.item.slug));
  const exists = (rel: string) => fs.existsSync(path.join(root, rel));
  for (const { sourcePath, item } of items) {
    const fm = item.frontMatter as Record<string, unknown>;
    if (item.kind === 'post' && !authors.has(String(fm.author)))
      out.push(`${sourcePath}: no author ${String(fm.author)}`);
    const image = fm.image as { src: string } | undefined;
    if (image && !exists(image.src)) out.push(`${sourcePath}: no image ${image.src}`);
    if (item.kind === 'episode' && !exists(String(fm.audio)))
      out.push(`${sourcePath}: no audio ${String(fm.audio)}`);
    if (item.kind === 'doc' && root !== FIXTURES && !TOOLS.includes(item.slug.split('/')[0]!)) {
      out.push(`${sourcePath}: not a tool of the catalog`);
    }
    const walk = (tokens: ReturnType<typeof md.parse>) => {
      for (const t of tokens) {
        if (t.type === 'fence' && !t.info.trim()) out.push(`${sourcePath}: a code block without a language`);
        if (t.type === 'image') {
          const src = String(t.attrGet('src') ?? '');
          if (!t.content.trim()) out.push(`${sourcePath}: an image without alt text (${src})`);
          if (!/^https?:/.test(src) && !exists(src)) out.push(`${sourcePath}: no image ${src}`);
        }
        if (t.children) walk(t.children);
      }
    };
    walk(md.parse(item.body, {}));
  }
  return out;
}

describe('content folders', () => {
  it('the test fixtures follow the content format', () => {
    expect(problemsOf(FIXTURES)).toEqual([]);
    expect(readContentFiles(FIXTURES).items).toHaveLength(14);
  });

  it.skipIf(!fs.existsSync(DEFAULT_CONTENT_DIR))('content/ follows the content format', () => {
    expect(problemsOf(DEFAULT_CONTENT_DIR)).toEqual([]);
  });
});
