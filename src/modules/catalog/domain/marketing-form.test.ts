import { describe, expect, it } from 'vitest';
import { PageBody } from '../marketing.schema.ts';
import {
  checked,
  faqFromForm,
  formErrors,
  keyFrom,
  outlineFromForm,
  outlineToForm,
  pageFromForm,
  pageToForm,
  rowField,
} from './marketing-form.ts';

const PAGE = {
  tagline: 'Map to FHIR',
  overview: ['One.', 'Two.'],
  highlights: [{ title: 'Fast', text: 'It is: really' }],
  audience: 'Engineers.',
  screenshots: [{ src: 'images/tools/a.png', width: 1280, height: 800, alt: 'The editor', caption: '' }],
  docsPath: '/docs/mapper-to-fhir',
  instructorKey: null,
  prerequisites: '',
};

describe('the console’s product page form', () => {
  it('gives back what it showed: page, outline', () => {
    expect(pageFromForm(pageToForm(PAGE))).toEqual(PAGE);
    const modules = [{ title: 'A', hours: 2, summary: 'S', topics: ['x', 'y'] }];
    expect(outlineFromForm(outlineToForm(modules))).toEqual({ modules, rows: [0] });
  });

  it('keeps a number that is not one as text, so the schema names the field', () => {
    const page = pageFromForm({ ...pageToForm(PAGE), screenshots: 'images/tools/a.png | wide | 800 | Alt' });
    const check = checked(PageBody, page);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems).toContainEqual({ path: '/screenshots/0/width', message: 'Use a whole number.' });
    expect(formErrors(check.problems, (p) => p.split('/')[1] ?? '')).toEqual({
      screenshots: 'Entry 1: Use a whole number.',
    });
  });

  it('skips empty rows and maps each problem back to the row it came from', () => {
    const { entries, rows } = faqFromForm({
      'q0-question': '',
      'q0-answer': '',
      'q1-question': 'Can I pay by invoice?',
      'q1-answer': 'Yes.',
    });
    expect(entries).toEqual([
      { key: 'can-i-pay-by-invoice', question: 'Can I pay by invoice?', answer: 'Yes.' },
    ]);
    expect(rowField('/entries/0/answer', 'entries', 'q', rows)).toBe('q1-answer');
    expect(rowField('/entries', 'entries', 'q', rows)).toBe('entries');
  });

  it('makes keys of lowercase letters, digits and hyphens, at most 80 long', () => {
    expect(keyFrom('  Ça coûte combien ?  ')).toBe('ca-coute-combien');
    expect(keyFrom('x'.repeat(100))).toHaveLength(80);
    expect(keyFrom('?!')).toBe('');
  });
});
