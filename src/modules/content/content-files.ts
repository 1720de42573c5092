import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import type { ErrorDetail } from '../../platform/errors.ts';
import { type CheckedItem, checkItem, fromFileFrontMatter } from './domain/item.ts';
import { itemOfFile } from './domain/rules.ts';

/**
 * Reading content/: every Markdown file that is an item (docs/content-format.md) is parsed with
 * gray-matter and checked like a staff edit. A file that fails the check is reported and left
 * out; it never stops the server from starting.
 */

export interface FileItem {
  /** Relative to content/, with forward slashes. */
  sourcePath: string;
  /** SHA-256 of the file's bytes: the seeder applies a file again only when it changed. */
  sourceHash: string;
  item: CheckedItem;
}

export interface FileProblem {
  sourcePath: string;
  problems: ErrorDetail[];
}

const refuse = (): never => {
  throw new Error('only YAML front matter is read');
};
/**
 * gray-matter would evaluate `---js` front matter as JavaScript: only YAML (js-yaml's safe
 * schema) is accepted. Passing options also keeps gray-matter from caching every file it parsed.
 */
const MATTER_OPTIONS = { language: 'yaml', engines: { js: refuse, javascript: refuse, coffee: refuse } };

function markdownFiles(root: string, dir = ''): string[] {
  const here = path.join(root, dir);
  const out: string[] = [];
  for (const entry of fs
    .readdirSync(here, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...markdownFiles(root, rel));
    else if (entry.isFile() && entry.name.endsWith('.md')) out.push(rel);
  }
  return out;
}

export function readContentFiles(root: string): { items: FileItem[]; problems: FileProblem[] } {
  const items: FileItem[] = [];
  const problems: FileProblem[] = [];
  if (!fs.existsSync(root)) return { items, problems };
  for (const rel of markdownFiles(root)) {
    const target = itemOfFile(rel);
    if (!target) continue;
    const bytes = fs.readFileSync(path.join(root, rel));
    let parsed: { data: Record<string, unknown>; content: string };
    try {
      parsed = matter(bytes.toString('utf8'), MATTER_OPTIONS);
    } catch (err) {
      problems.push({
        sourcePath: rel,
        problems: [{ path: '/', message: `front matter: ${(err as Error).message}` }],
      });
      continue;
    }
    const { title, description, rest } = fromFileFrontMatter(target.kind, parsed.data);
    const checked = checkItem({
      kind: target.kind,
      slug: target.slug,
      title,
      description,
      frontMatter: rest,
      body: parsed.content.replace(/^\s*\n/, ''),
    });
    if (!checked.ok) {
      problems.push({ sourcePath: rel, problems: checked.problems });
      continue;
    }
    items.push({
      sourcePath: rel,
      sourceHash: createHash('sha256').update(bytes).digest('hex'),
      item: checked.item,
    });
  }
  return { items, problems };
}
