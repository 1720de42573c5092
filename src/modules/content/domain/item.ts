import type { ErrorDetail } from '../../../platform/errors.ts';
import { checkFrontMatter, DESCRIPTION_MAX, type FieldsOf, type Kind, slugProblem } from './front-matter.ts';

/** What an item is made of, whoever writes it (a file or staff): checked the same way. */
export interface ItemInput {
  kind: Kind;
  slug: string;
  title: string;
  description: string;
  frontMatter: unknown;
  body: string;
}

export interface CheckedItem<K extends Kind = Kind> {
  kind: K;
  slug: string;
  title: string;
  description: string;
  frontMatter: FieldsOf[K];
  body: string;
}

export const BODY_MAX = 200_000;
export const TITLE_MAX = 200;

/**
 * Checks an item: slug, title, description (its kind's limit), body size, front matter. Problems
 * of the front matter are reported apart (`CONTENT_INVALID_FRONT_MATTER`) from the others
 * (`VALIDATION_FAILED`), so a form can tell which field to fix.
 */
export function checkItem(
  input: ItemInput,
): { ok: true; item: CheckedItem } | { ok: false; problems: ErrorDetail[]; frontMatter: boolean } {
  const problems: ErrorDetail[] = [];
  const slug = slugProblem(input.kind, input.slug);
  if (slug) problems.push({ path: '/slug', message: slug });
  const title = input.title.trim();
  if (!title || title.length > TITLE_MAX) {
    problems.push({ path: '/title', message: `must be 1 to ${TITLE_MAX} characters` });
  }
  const description = input.description.trim();
  const max = DESCRIPTION_MAX[input.kind];
  if (description.length > max)
    problems.push({ path: '/description', message: `must be at most ${max} characters` });
  if (input.body.length > BODY_MAX)
    problems.push({ path: '/body', message: `must be at most ${BODY_MAX} characters` });
  if (problems.length) return { ok: false, problems, frontMatter: false };
  const fm = checkFrontMatter(input.kind, input.frontMatter);
  if (!fm.ok) return { ok: false, problems: fm.problems, frontMatter: true };
  return {
    ok: true,
    item: {
      kind: input.kind,
      slug: input.slug,
      title,
      description,
      frontMatter: fm.fields,
      body: input.body,
    },
  };
}

/** Splits a file's front matter into the item's columns and its kind's own fields. */
export function fromFileFrontMatter(
  kind: Kind,
  data: Record<string, unknown>,
): { title: string; description: string; rest: Record<string, unknown> } {
  const { title, description, name, role, ...rest } = data;
  const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
  if (kind === 'author')
    return { title: str(name), description: str(role), rest: { ...rest, ...(title ? { title } : {}) } };
  return {
    title: str(title),
    description: str(description),
    rest: { ...rest, ...(name !== undefined ? { name } : {}), ...(role !== undefined ? { role } : {}) },
  };
}
