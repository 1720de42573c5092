import type { Static, TSchema } from 'typebox';
import Value from 'typebox/value';
import type {
  CourseModuleDef,
  CourseSessionDef,
  FaqDef,
  InstructorDef,
  Problem,
  ProductPageDef,
} from './marketing.ts';

/**
 * The console's forms over the product pages' data (marketing-admin.pages.tsx): conversions
 * between form fields (strings) and the staff API's inputs, and back. Lists the JSON API takes
 * as arrays are one entry per line (or per blank-line-separated paragraph), like the content
 * editor's fields; repeated groups (outline modules, FAQ entries) are numbered fields, an empty
 * group meaning "none". Conversions are lenient — a number that is not one stays a string — so
 * the schema check names the field. No I/O.
 */

export type FormValues = Record<string, string>;
/** Form field name → message, for the page to show beside each field. */
export type FormErrors = Record<string, string>;

const lines = (v: string | undefined) =>
  (v ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
const paragraphs = (v: string | undefined) =>
  (v ?? '')
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.replace(/\s*\r?\n\s*/g, ' ').trim())
    .filter((p) => p !== '');
const numberOr = (v: string | undefined): number | string => {
  const s = (v ?? '').trim();
  return /^\d{1,6}$/.test(s) ? Number(s) : s;
};
const nullable = (v: string | undefined) => ((v ?? '').trim() === '' ? null : (v ?? '').trim());

/** Empty rows the page offers for adding outline modules or questions. */
export const BLANK_ROWS = 2;
/** The most numbered groups a form is read for (the API's own limit is 40). */
const MAX_ROWS = 60;

// ---- product page ---------------------------------------------------------------------------------------------

export function pageToForm(p: Omit<ProductPageDef, 'productKey'>): FormValues {
  return {
    tagline: p.tagline,
    overview: p.overview.join('\n\n'),
    highlights: p.highlights.map((h) => `${h.title}: ${h.text}`).join('\n'),
    audience: p.audience,
    screenshots: p.screenshots
      .map((s) => [s.src, s.width, s.height, s.alt, s.caption].join(' | ').replace(/ \| $/, ''))
      .join('\n'),
    docsPath: p.docsPath ?? '',
    instructorKey: p.instructorKey ?? '',
    prerequisites: p.prerequisites,
  };
}

export function pageFromForm(f: FormValues) {
  return {
    tagline: (f.tagline ?? '').trim(),
    overview: paragraphs(f.overview),
    highlights: lines(f.highlights).map((l) => {
      const at = l.indexOf(':');
      return at < 0 ? { title: l, text: '' } : { title: l.slice(0, at).trim(), text: l.slice(at + 1).trim() };
    }),
    audience: (f.audience ?? '').trim(),
    screenshots: lines(f.screenshots).map((l) => {
      const [src = '', width, height, alt = '', ...caption] = l.split('|').map((p) => p.trim());
      return { src, width: numberOr(width), height: numberOr(height), alt, caption: caption.join(' | ') };
    }),
    docsPath: nullable(f.docsPath),
    instructorKey: nullable(f.instructorKey),
    prerequisites: (f.prerequisites ?? '').trim(),
  };
}

/** Which form field a problem at an API path belongs to (`/highlights/2/text` → `highlights`). */
export function pageField(path: string): string {
  return path.split('/')[1] ?? '';
}

// ---- outline --------------------------------------------------------------------------------------------------

export function outlineToForm(modules: readonly Omit<CourseModuleDef, 'productKey' | 'position'>[]) {
  const out: FormValues = {};
  modules.forEach((m, i) => {
    out[`m${i}-title`] = m.title;
    out[`m${i}-hours`] = String(m.hours);
    out[`m${i}-summary`] = m.summary;
    out[`m${i}-topics`] = m.topics.join('\n');
  });
  return out;
}

/** How many numbered groups (`<prefix><n>-…`) a form holds. */
export function rowCount(f: FormValues, prefix: string): number {
  let n = 0;
  for (const key of Object.keys(f)) {
    const m = new RegExp(`^${prefix}(\\d+)-`).exec(key);
    if (m) n = Math.max(n, Math.min(MAX_ROWS, Number(m[1]) + 1));
  }
  return n;
}

/** The modules in form order, skipping wholly empty rows; `rows[i]` is the form row of module i. */
export function outlineFromForm(f: FormValues) {
  const modules: { title: string; hours: number | string; summary: string; topics: string[] }[] = [];
  const rows: number[] = [];
  for (let i = 0; i < rowCount(f, 'm'); i++) {
    const get = (k: string) => (f[`m${i}-${k}`] ?? '').trim();
    if (!get('title') && !get('hours') && !get('summary') && !get('topics')) continue;
    modules.push({
      title: get('title'),
      hours: numberOr(get('hours')),
      summary: get('summary'),
      topics: lines(f[`m${i}-topics`]),
    });
    rows.push(i);
  }
  return { modules, rows };
}

// ---- FAQ ------------------------------------------------------------------------------------------------------

export function faqToForm(entries: readonly Pick<FaqDef, 'key' | 'question' | 'answer'>[]): FormValues {
  const out: FormValues = {};
  entries.forEach((q, i) => {
    out[`q${i}-key`] = q.key;
    out[`q${i}-question`] = q.question;
    out[`q${i}-answer`] = q.answer;
  });
  return out;
}

/** A key from a question when staff leave it empty: "Can I pay by invoice?" → `can-i-pay-by-invoice`. */
export function keyFrom(question: string): string {
  return question
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

export function faqFromForm(f: FormValues) {
  const entries: { key: string; question: string; answer: string }[] = [];
  const rows: number[] = [];
  for (let i = 0; i < rowCount(f, 'q'); i++) {
    const get = (k: string) => (f[`q${i}-${k}`] ?? '').trim();
    if (!get('key') && !get('question') && !get('answer')) continue;
    entries.push({
      key: get('key') || keyFrom(get('question')),
      question: get('question'),
      answer: get('answer'),
    });
    rows.push(i);
  }
  return { entries, rows };
}

/** `/modules/1/hours` (API) → `m<row>-hours` (form), `rows` mapping list positions to form rows. */
export function rowField(path: string, list: string, prefix: string, rows: readonly number[]): string {
  const parts = path.split('/');
  if (parts[1] !== list) return '';
  const index = Number(parts[2]);
  if (!Number.isInteger(index) || rows[index] === undefined) return list;
  return `${prefix}${rows[index]}-${parts[3] ?? 'title'}`;
}

// ---- instructors and sessions ---------------------------------------------------------------------------------

export function instructorFromForm(f: FormValues): Omit<InstructorDef, 'key'> {
  return { name: (f.name ?? '').trim(), role: (f.role ?? '').trim(), bio: (f.bio ?? '').trim() };
}

export function sessionToForm(s: Omit<CourseSessionDef, 'id'>): FormValues {
  return {
    sku: s.sku,
    startsOn: s.startsOn,
    endsOn: s.endsOn,
    dailyStart: s.dailyStart,
    dailyEnd: s.dailyEnd,
    timeZone: s.timeZone,
    location: s.location,
    capacity: s.capacity === null ? '' : String(s.capacity),
    seatsTaken: String(s.seatsTaken),
    instructorKey: s.instructorKey ?? '',
    status: s.status,
  };
}

/** A session's fields as the API takes them (without the SKU: only a new session names it). */
export function sessionFromForm(f: FormValues) {
  const get = (k: string) => (f[k] ?? '').trim();
  return {
    startsOn: get('startsOn'),
    endsOn: get('endsOn'),
    dailyStart: get('dailyStart'),
    dailyEnd: get('dailyEnd'),
    timeZone: get('timeZone'),
    location: get('location'),
    capacity: get('capacity') === '' ? null : numberOr(get('capacity')),
    seatsTaken: numberOr(get('seatsTaken') || '0'),
    instructorKey: nullable(f.instructorKey),
    status: get('status') || 'scheduled',
  };
}

// ---- checks ---------------------------------------------------------------------------------------------------

/** What the API's schema says about a value built from a form, as problems (none: it is valid). */
export function schemaProblems(schema: TSchema, value: unknown): Problem[] {
  if (Value.Check(schema, value)) return [];
  const out: Problem[] = [];
  for (const e of Value.Errors(schema, value)) {
    if (e.keyword === 'boolean') continue;
    out.push({ path: e.instancePath || '/', message: plainMessage(e.keyword, e.params, e.message) });
  }
  return out.length ? out : [{ path: '/', message: 'is not valid' }];
}

/** The schema's wording in the words of a form (staff see it beside the field). */
function plainMessage(keyword: string, params: unknown, fallback: string): string {
  const p = (params ?? {}) as { limit?: number };
  switch (keyword) {
    case 'minLength':
      return p.limit === 1 ? 'Required.' : `Use at least ${p.limit} characters.`;
    case 'maxLength':
      return `Use at most ${p.limit?.toLocaleString('en-US')} characters.`;
    case 'minItems':
      return p.limit === 1 ? 'Write at least one.' : `Write at least ${p.limit}.`;
    case 'maxItems':
      return `At most ${p.limit}.`;
    case 'pattern':
      return 'Not in the expected form: see the hint.';
    case 'type':
      return 'Use a whole number.';
    case 'minimum':
      return `Use ${p.limit} or more.`;
    case 'maximum':
      return `Use ${p.limit} or less.`;
    case 'enum':
      return 'Choose one of the options.';
    default:
      return fallback;
  }
}

/** A value built from a form, checked against the API's schema: typed when valid. */
export function checked<T extends TSchema>(
  schema: T,
  value: unknown,
): { ok: true; value: Static<T> } | { ok: false; problems: Problem[] } {
  return Value.Check(schema, value)
    ? { ok: true, value }
    : { ok: false, problems: schemaProblems(schema, value) };
}

/** Problems → form errors, the first message per field, `fieldOf` naming the field of a path. */
export function formErrors(problems: readonly Problem[], fieldOf: (path: string) => string): FormErrors {
  const out: FormErrors = {};
  for (const p of problems) {
    const field = fieldOf(p.path) || '_form';
    const where = /\/(\d+)(\/|$)/.exec(p.path);
    const line = where && !/^[mq]\d+-/.test(field) ? `Entry ${Number(where[1]) + 1}: ` : '';
    out[field] ??= `${line}${p.message}`;
  }
  return out;
}
