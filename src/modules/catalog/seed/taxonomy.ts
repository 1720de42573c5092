import type { CategoryDef, EditionDef, TermDef } from '../domain/types.ts';

/** The codes of 002's SKU taxonomy, plus the terms its catalog uses beyond M/A/P/B (S, F, C, ORG). */

export const CATEGORIES: CategoryDef[] = [
  { code: 'TL', name: 'Tools', description: 'Software tools and applications', position: 1 },
  { code: 'TR', name: 'Training', description: 'Training courses and certification programs', position: 2 },
  { code: 'CS', name: 'Consulting', description: 'Professional services and consulting', position: 3 },
  { code: 'BN', name: 'Bundles', description: 'Combined product packages', position: 4 },
];

export const EDITIONS: EditionDef[] = [
  { code: 'ST', name: 'Starter', description: 'For individuals and small teams (1–5 seats).' },
  { code: 'PR', name: 'Professional', description: 'For growing teams (6–50 seats), advanced features.' },
  { code: 'EN', name: 'Enterprise', description: 'Unlimited users, premium support; sold by quote.' },
  { code: 'IN', name: 'Individual', description: 'One person.' },
  { code: 'SP', name: 'Self-paced', description: 'Video course, learn at your own pace.' },
  { code: 'LV', name: 'Live workshop', description: 'Instructor-led, online.' },
  { code: '10', name: '10 hours', description: 'A block of 10 consulting hours.' },
  { code: '25', name: '25 hours', description: 'A block of 25 consulting hours.' },
  { code: '50', name: '50 hours', description: 'A block of 50 consulting hours.' },
];

export const TERMS: TermDef[] = [
  { code: 'M', name: 'Monthly', description: 'Billed every month.', billing: 'recurring', interval: 'month' },
  {
    code: 'A',
    name: 'Annual',
    description: 'Billed every 12 months.',
    billing: 'recurring',
    interval: 'year',
  },
  {
    code: 'P',
    name: 'One-time',
    description: 'Paid once; lifetime access.',
    billing: 'one_time',
    interval: null,
  },
  {
    code: 'B',
    name: 'Block',
    description: 'A block of hours, paid once.',
    billing: 'one_time',
    interval: null,
  },
  {
    code: 'S',
    name: 'Per seat',
    description: 'Paid once per participant.',
    billing: 'one_time',
    interval: null,
  },
  {
    code: 'F',
    name: 'Fixed price',
    description: 'A fixed-scope engagement, paid once.',
    billing: 'one_time',
    interval: null,
  },
  {
    code: 'C',
    name: 'Custom contract',
    description: 'Terms agreed in a quote.',
    billing: 'quoted',
    interval: null,
  },
  {
    code: 'ORG',
    name: 'Organization',
    description: 'Scoped and priced for one organization, by quote.',
    billing: 'quoted',
    interval: null,
  },
];
