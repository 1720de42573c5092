import type { Kind } from './front-matter.ts';

/**
 * The admin editor's front matter fields per kind, and the conversion between those form fields
 * (strings) and front matter (typed values). The conversion is lenient — a number field that is
 * not a number stays a string — so that checkFrontMatter reports the problem on the field.
 * Lists are one entry per line: `label: value` pairs, `name | role` pairs, or plain values.
 */

export type FieldType =
  | 'text'
  | 'date'
  | 'number'
  | 'checkbox'
  | 'email'
  | 'tags'
  | 'pairs'
  | 'image'
  | 'select';

export interface FieldDef {
  /** Front matter key; an `image` field is `<key>.src` and `<key>.alt`. */
  key: string;
  label: string;
  type: FieldType;
  required?: boolean;
  hint?: string;
  /** `pairs`: the property names of each line's two parts and the separator shown in the hint. */
  pair?: { first: string; second: string; separator: ':' | '|' };
}

const image: FieldDef = {
  key: 'image',
  label: 'Image',
  type: 'image',
  hint: 'images/… under content/, or an upload (uploads/med_….png)',
};
const date: FieldDef = { key: 'date', label: 'Date', type: 'date', required: true };

export const FORM_FIELDS: Record<Kind, FieldDef[]> = {
  post: [
    date,
    { key: 'author', label: 'Author', type: 'select', required: true },
    {
      key: 'tags',
      label: 'Tags',
      type: 'tags',
      hint: 'Lowercase, separated by commas: us-core, smart-on-fhir',
    },
    image,
    { key: 'updated', label: 'Updated on', type: 'date' },
  ],
  case_study: [
    date,
    {
      key: 'client',
      label: 'Client',
      type: 'text',
      required: true,
      hint: 'Anonymised, e.g. “A regional health system in the US Midwest”',
    },
    { key: 'industry', label: 'Industry', type: 'text', required: true },
    {
      key: 'products',
      label: 'Products',
      type: 'tags',
      hint: 'Catalog product keys, separated by commas: TL-MAPPER, TR-FHIR101',
    },
    {
      key: 'results',
      label: 'Results',
      type: 'pairs',
      required: true,
      hint: 'One per line: label: value',
      pair: { first: 'label', second: 'value', separator: ':' },
    },
    image,
  ],
  episode: [
    date,
    { key: 'episode', label: 'Episode number', type: 'number', required: true },
    { key: 'season', label: 'Season', type: 'number', required: true },
    { key: 'duration', label: 'Duration (seconds)', type: 'number', required: true },
    {
      key: 'audio',
      label: 'Audio file',
      type: 'text',
      required: true,
      hint: 'podcast/audio/<slug>.mp3 under content/',
    },
    {
      key: 'guests',
      label: 'Guests',
      type: 'pairs',
      hint: 'One per line: name | role',
      pair: { first: 'name', second: 'role', separator: '|' },
    },
    { key: 'tags', label: 'Tags', type: 'tags' },
    { key: 'explicit', label: 'Explicit content', type: 'checkbox' },
    image,
  ],
  show: [
    { key: 'author', label: 'Author', type: 'text', required: true },
    { key: 'email', label: 'Owner email', type: 'email', required: true },
    {
      key: 'category',
      label: 'Apple Podcasts category',
      type: 'text',
      required: true,
      hint: 'e.g. Technology',
    },
    { key: 'language', label: 'Language', type: 'text', required: true, hint: 'en' },
    { ...image, required: true, hint: 'Square, 3000×3000 PNG' },
  ],
  doc: [{ key: 'order', label: 'Order in the navigation', type: 'number', required: true }],
  page: [
    {
      key: 'values',
      label: 'Values',
      type: 'pairs',
      hint: 'About page, one per line: title: text',
      pair: { first: 'title', second: 'text', separator: ':' },
    },
  ],
  author: [
    { ...image, hint: 'Square, at least 400 px' },
    {
      key: 'links',
      label: 'Links',
      type: 'pairs',
      hint: 'One per line: label | https://…',
      pair: { first: 'label', second: 'href', separator: '|' },
    },
  ],
};

/** The form field name of a front matter key (`fm.date`, `fm.image.src`). */
export const fieldName = (key: string, part?: 'src' | 'alt') => (part ? `fm.${key}.${part}` : `fm.${key}`);

function splitPair(line: string, separator: string): [string, string] {
  const at = line.indexOf(separator);
  return at < 0 ? [line.trim(), ''] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
}

/** Front matter from the editor's fields; empty optional fields are left out. */
export function formToFrontMatter(
  kind: Kind,
  form: Record<string, string | undefined>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FORM_FIELDS[kind]) {
    const raw = (form[fieldName(f.key)] ?? '').trim();
    switch (f.type) {
      case 'checkbox':
        out[f.key] = raw !== '';
        break;
      case 'number':
        if (raw !== '') out[f.key] = /^-?\d+$/.test(raw) ? Number(raw) : raw;
        break;
      case 'tags': {
        const list = raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (list.length || f.key === 'tags' || f.key === 'products') out[f.key] = list;
        break;
      }
      case 'pairs': {
        const p = f.pair!;
        const lines = raw
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean);
        if (lines.length || f.required) {
          out[f.key] = lines.map((l) => {
            const [a, b] = splitPair(l, p.separator);
            return { [p.first]: a, [p.second]: b };
          });
        }
        break;
      }
      case 'image': {
        const src = (form[fieldName(f.key, 'src')] ?? '').trim();
        const alt = (form[fieldName(f.key, 'alt')] ?? '').trim();
        if (src || alt) out[f.key] = { src, alt };
        break;
      }
      default:
        if (raw !== '') out[f.key] = raw;
    }
  }
  return out;
}

/** The editor's fields of stored front matter. */
export function frontMatterToForm(kind: Kind, fm: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of FORM_FIELDS[kind]) {
    const v = fm[f.key];
    if (v === undefined || v === null) continue;
    switch (f.type) {
      case 'checkbox':
        if (v === true) out[fieldName(f.key)] = 'on';
        break;
      case 'tags':
        out[fieldName(f.key)] = Array.isArray(v) ? v.join(', ') : String(v);
        break;
      case 'pairs': {
        const p = f.pair!;
        const sep = p.separator === ':' ? ': ' : ' | ';
        out[fieldName(f.key)] = Array.isArray(v)
          ? v
              .map(
                (e: Record<string, unknown>) =>
                  `${String(e[p.first] ?? '')}${sep}${String(e[p.second] ?? '')}`,
              )
              .join('\n')
          : '';
        break;
      }
      case 'image': {
        const img = v as { src?: unknown; alt?: unknown };
        out[fieldName(f.key, 'src')] = String(img.src ?? '');
        out[fieldName(f.key, 'alt')] = String(img.alt ?? '');
        break;
      }
      default:
        out[fieldName(f.key)] = String(v);
    }
  }
  return out;
}

/** The form field an error path points at: `/frontMatter/results/0/value` → `fm.results`. */
export function fieldOfPath(path: string | undefined): string {
  if (!path) return '';
  const parts = path.split('/').filter(Boolean);
  if (parts[0] !== 'frontMatter') return parts[0] ?? '';
  if (parts[1] === 'image' && (parts[2] === 'src' || parts[2] === 'alt')) return fieldName('image', parts[2]);
  return parts[1] ? fieldName(parts[1]) : 'frontMatter';
}
