import type { ProductDef } from '../domain/types.ts';
import type { SeedSku } from './types.ts';

/** 002 "Training & Certification Programs": self-paced courses, live workshops per seat, custom programmes. */

export const TRAINING_PRODUCTS: ProductDef[] = [
  {
    key: 'TR-FHIR101',
    slug: 'fhir-fundamentals',
    category: 'TR',
    kind: 'course',
    type: 'training_course',
    name: 'FHIR Fundamentals',
    description: 'Complete introduction to FHIR for healthcare professionals.',
    position: 1,
  },
  {
    key: 'TR-USCORE',
    slug: 'us-core-implementation',
    category: 'TR',
    kind: 'course',
    type: 'training_course',
    name: 'US Core Implementation Guide',
    description: 'Deep dive into US Core profiles and requirements.',
    position: 2,
  },
  {
    key: 'TR-ADVANCED',
    slug: 'advanced-fhir-implementation',
    category: 'TR',
    kind: 'course',
    type: 'training_course',
    name: 'Advanced FHIR Implementation',
    description: 'Enterprise-level FHIR implementation strategies.',
    position: 3,
  },
  {
    key: 'TR-CUSTOM',
    slug: 'custom-training',
    category: 'TR',
    kind: 'course',
    type: 'training_course',
    name: 'Custom Training Program',
    description: 'Tailored training for your organization.',
    position: 4,
  },
];

const selfPaced = (product: string, name: string, hours: number, features: string[]): SeedSku => ({
  code: `TR-${product}-SP-P`,
  productKey: `TR-${product}`,
  editionCode: 'SP',
  termCode: 'P',
  name: `${name} Self-Paced`,
  description: '',
  purchase: 'buyable',
  billing: 'one_time',
  interval: null,
  perSeat: false,
  fulfillment: { kind: 'training', format: 'self_paced', hours, seatsPerUnit: 1, accessMonths: null },
  features,
  position: 10,
});

const live = (product: string, name: string, hours: number, features: string[]): SeedSku => ({
  code: `TR-${product}-LV-S`,
  productKey: `TR-${product}`,
  editionCode: 'LV',
  termCode: 'S',
  name: `${name} Live Workshop`,
  description: '',
  purchase: 'buyable',
  billing: 'one_time',
  interval: null,
  // One unit is one participant: the quantity bought is the number of seats.
  perSeat: true,
  fulfillment: { kind: 'training', format: 'live', hours, seatsPerUnit: 1, accessMonths: 12 },
  features,
  position: 20,
});

export const TRAINING_SKUS: SeedSku[] = [
  selfPaced('FHIR101', 'FHIR Fundamentals', 20, [
    '20 hours of video content',
    'Interactive exercises',
    'Certificate of completion',
    'Lifetime access',
  ]),
  live('FHIR101', 'FHIR Fundamentals', 21, [
    '3-day instructor-led workshop',
    'Hands-on labs',
    'Expert Q&A sessions',
    'Certificate of completion',
    'Post-workshop support',
  ]),
  selfPaced('USCORE', 'US Core Implementation Guide', 16, [
    'Every US Core profile, with exercises',
    'Certificate of completion',
    'Lifetime access',
  ]),
  live('USCORE', 'US Core Implementation Guide', 14, [
    '2-day instructor-led workshop',
    'Hands-on labs',
    'Certificate of completion',
  ]),
  live('ADVANCED', 'Advanced FHIR Implementation', 21, [
    '3-day instructor-led workshop',
    'Architecture and scaling labs',
    'Certificate of completion',
  ]),
  {
    code: 'TR-CUSTOM-ORG',
    productKey: 'TR-CUSTOM',
    editionCode: null,
    termCode: 'ORG',
    name: 'Custom Training Program',
    description:
      'A programme designed for your team, on your data and systems. Starts from the price shown; ask us for a quote.',
    purchase: 'contact_sales',
    billing: 'one_time',
    interval: null,
    perSeat: false,
    fulfillment: { kind: 'training', format: 'live', hours: null, seatsPerUnit: 1, accessMonths: 12 },
    features: ['Curriculum tailored to your organization', 'On-site or online', 'Your data, your systems'],
    position: 10,
  },
];
