import type { ProductDef } from '../domain/types.ts';
import type { SeedSku } from './types.ts';

/** 002 "Consulting Services": blocks of hours that expire, a fixed-scope assessment, implementation by quote. */

export const CONSULTING_PRODUCTS: ProductDef[] = [
  {
    key: 'CS-BLOCKS',
    slug: 'consulting-blocks',
    category: 'CS',
    kind: 'service',
    type: 'consulting',
    name: 'Consulting Time Blocks',
    description: 'Pre-purchased consulting hours with FHIR experts, used when your project needs them.',
    position: 1,
  },
  {
    key: 'CS-ASSESSMENT',
    slug: 'fhir-readiness-assessment',
    category: 'CS',
    kind: 'service',
    type: 'consulting',
    name: 'FHIR Readiness Assessment',
    description: 'Comprehensive evaluation of your FHIR implementation readiness, delivered in 2–3 weeks.',
    position: 2,
  },
  {
    key: 'CS-IMPLEMENTATION',
    slug: 'implementation-support',
    category: 'CS',
    kind: 'service',
    type: 'consulting',
    name: 'Implementation Support',
    description: 'End-to-end FHIR implementation guidance.',
    position: 3,
  },
];

/** 002: 10 hours expire after 6 months, 25 after 12, 50 after 18. */
const block = (hours: 10 | 25 | 50, expiryMonths: number, position: number): SeedSku => ({
  code: `CS-BLOCKS-${hours}-B`,
  productKey: 'CS-BLOCKS',
  editionCode: String(hours),
  termCode: 'B',
  name: `${hours}-Hour Consulting Block`,
  description: `${hours} hours with a FHIR expert, to use within ${expiryMonths} months.`,
  purchase: 'buyable',
  billing: 'one_time',
  interval: null,
  perSeat: false,
  fulfillment: { kind: 'consulting', engagement: 'hours', hours, expiryMonths },
  features: [`${hours} consulting hours`, `Use within ${expiryMonths} months`],
  position,
});

export const CONSULTING_SKUS: SeedSku[] = [
  block(10, 6, 10),
  block(25, 12, 20),
  block(50, 18, 30),
  {
    code: 'CS-ASSESSMENT-F',
    productKey: 'CS-ASSESSMENT',
    editionCode: null,
    termCode: 'F',
    name: 'FHIR Readiness Assessment',
    description: 'A fixed-scope engagement: we assess where you are and hand you a roadmap.',
    purchase: 'buyable',
    billing: 'one_time',
    interval: null,
    perSeat: false,
    fulfillment: { kind: 'consulting', engagement: 'fixed_scope', hours: null, expiryMonths: null },
    features: [
      'Current state analysis',
      'Gap assessment',
      'Implementation roadmap',
      'Resource requirements',
      'Risk mitigation plan',
    ],
    position: 10,
  },
  {
    code: 'CS-IMPLEMENTATION-P',
    productKey: 'CS-IMPLEMENTATION',
    editionCode: null,
    termCode: 'P',
    name: 'Implementation Support',
    description: 'A project scoped with you. Starts from the price shown; ask us for a quote.',
    purchase: 'contact_sales',
    billing: 'one_time',
    interval: null,
    perSeat: false,
    fulfillment: { kind: 'consulting', engagement: 'project', hours: null, expiryMonths: null },
    features: ['Architecture and interface design', 'Hands-on implementation', 'Go-live support'],
    position: 10,
  },
];
