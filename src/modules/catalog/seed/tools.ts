import type { Limits, ProductDef } from '../domain/types.ts';
import type { SeedSku } from './types.ts';

/**
 * 002 "Software Tools & Applications": four tools, their editions, terms and limits. Each tool's
 * product type says how it reaches the buyer (the delivery mail's activation steps follow it).
 */

export const TOOL_PRODUCTS: ProductDef[] = [
  {
    key: 'TL-MAPPER',
    slug: 'mapper-to-fhir',
    category: 'TL',
    kind: 'tool',
    // A download: it transforms the customer's own exports (patient data) where they are, so
    // nothing leaves their network; activated per machine with the key.
    type: 'desktop_software',
    name: 'Mapper to FHIR',
    description:
      'AI-powered data transformation tool: turn CSV, HL7 v2 and vendor exports into valid FHIR R4 resources.',
    position: 1,
  },
  {
    key: 'TL-QUALITY',
    slug: 'data-quality-assessments',
    category: 'TL',
    kind: 'tool',
    // A download: it reads the customer's FHIR server and data behind their firewall.
    type: 'desktop_software',
    name: 'Data Quality Assessments',
    description:
      'Comprehensive FHIR data quality monitoring: find broken references, missing identifiers and profile violations.',
    position: 2,
  },
  {
    key: 'TL-ANALYTICS',
    slug: 'fhir-analytics',
    category: 'TL',
    kind: 'tool',
    // Hosted: dashboards are shared in the browser by everyone on the team.
    type: 'web_service',
    name: 'FHIR Analytics',
    description: 'SQL-on-FHIR analytics and dashboards over your FHIR data.',
    position: 3,
  },
  {
    key: 'TL-BUILDER',
    slug: 'fhir-app-builder',
    category: 'TL',
    kind: 'tool',
    // Hosted: the generator runs the AI models and the GitHub App on FHIR IQ's side.
    type: 'web_service',
    name: 'Build a FHIR App with AI',
    description: 'AI-powered FHIR application generator with GitHub integration.',
    position: 4,
  },
];

const EDITION_NAMES: Record<string, string> = { ST: 'Starter', PR: 'Professional', IN: 'Individual' };

/** A tool edition sold monthly and annually: two SKUs with the same limits. */
function plan(
  product: string,
  productName: string,
  edition: string,
  limits: Limits,
  position: number,
): SeedSku[] {
  const name = `${productName} ${EDITION_NAMES[edition]}`;
  const base = {
    productKey: `TL-${product}`,
    editionCode: edition,
    description: '',
    purchase: 'buyable' as const,
    billing: 'recurring' as const,
    // Sold per seat: the line's quantity is the number of named seats, the price is per seat and
    // per period, and the edition's `users` limit is the most seats one purchase carries (beyond
    // it: the next edition, or a quote for Enterprise).
    perSeat: true,
    fulfillment: { kind: 'license' as const, licenseType: 'SEAT' as const, limits },
    features: [],
  };
  return [
    {
      ...base,
      code: `TL-${product}-${edition}-M`,
      termCode: 'M',
      name: `${name} (monthly)`,
      interval: 'month',
      position,
    },
    {
      ...base,
      code: `TL-${product}-${edition}-A`,
      termCode: 'A',
      name: `${name} (annual)`,
      interval: 'year',
      position: position + 1,
    },
  ];
}

export const TOOL_SKUS: SeedSku[] = [
  ...plan(
    'MAPPER',
    'Mapper to FHIR',
    'ST',
    { recordsPerMonth: 10_000, users: 1, projects: 5, support: 'email' },
    10,
  ),
  ...plan(
    'MAPPER',
    'Mapper to FHIR',
    'PR',
    { recordsPerMonth: 100_000, users: 5, projects: 'unlimited', support: 'priority' },
    20,
  ),
  {
    code: 'TL-MAPPER-EN',
    productKey: 'TL-MAPPER',
    editionCode: 'EN',
    termCode: null,
    name: 'Mapper to FHIR Enterprise',
    description:
      'Unlimited records and users, dedicated support. Priced per organization: ask us for a quote.',
    purchase: 'contact_sales',
    billing: 'recurring',
    interval: 'year',
    perSeat: false,
    fulfillment: {
      kind: 'license',
      licenseType: 'ORGANIZATION',
      limits: {
        recordsPerMonth: 'unlimited',
        users: 'unlimited',
        projects: 'unlimited',
        support: 'dedicated',
      },
    },
    features: [],
    position: 30,
  },
  ...plan(
    'QUALITY',
    'Data Quality Assessments',
    'ST',
    { recordsPerMonth: 50_000, users: 1, customRules: false },
    10,
  ),
  ...plan(
    'QUALITY',
    'Data Quality Assessments',
    'PR',
    { recordsPerMonth: 500_000, users: 10, customRules: true },
    20,
  ),
  ...plan('ANALYTICS', 'FHIR Analytics', 'ST', { patients: 100_000, users: 1, dashboards: 10 }, 10),
  ...plan(
    'ANALYTICS',
    'FHIR Analytics',
    'PR',
    { patients: 1_000_000, users: 10, dashboards: 'unlimited' },
    20,
  ),
  ...plan(
    'BUILDER',
    'Build a FHIR App with AI',
    'IN',
    { appsPerMonth: 3, users: 1, githubIntegration: true },
    10,
  ),
  ...plan(
    'BUILDER',
    'Build a FHIR App with AI',
    'PR',
    { appsPerMonth: 25, users: 5, githubIntegration: true, customProfiles: true },
    20,
  ),
];
