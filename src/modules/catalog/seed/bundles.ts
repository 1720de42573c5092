import type { BundleItem, ProductDef } from '../domain/types.ts';
import type { SeedSku } from './types.ts';

/**
 * 002 "Product Bundles". Their list prices are kept as 002 states them, but
 * 002's "individualPrice" and "savings" are not: both bundles cost more than
 * their items bought separately (see ../shared/spec/README.md). The checker
 * reports that, and the pages advertise no saving that does not exist.
 */

export const BUNDLE_PRODUCTS: ProductDef[] = [
  {
    key: 'BN-STARTER',
    slug: 'starter-bundle',
    category: 'BN',
    kind: 'bundle',
    type: 'bundle',
    name: 'FHIR IQ Starter Bundle',
    description: 'Complete FHIR toolkit for small teams.',
    position: 1,
  },
  {
    key: 'BN-PROFESSIONAL',
    slug: 'professional-bundle',
    category: 'BN',
    kind: 'bundle',
    type: 'bundle',
    name: 'FHIR IQ Professional Bundle',
    description: 'Advanced FHIR toolkit for growing organizations.',
    position: 2,
  },
  {
    key: 'BN-ENTERPRISE',
    slug: 'enterprise-bundle',
    category: 'BN',
    kind: 'bundle',
    type: 'bundle',
    name: 'FHIR IQ Enterprise Bundle',
    description:
      'Complete enterprise FHIR solution, with an assessment, consulting hours and dedicated support.',
    position: 3,
  },
];

const bundle = (
  code: string,
  productKey: string,
  name: string,
  termCode: 'A' | 'C',
  purchase: SeedSku['purchase'],
): SeedSku => ({
  code,
  productKey,
  editionCode: null,
  termCode,
  name,
  description: '',
  purchase,
  billing: 'recurring',
  interval: 'year',
  perSeat: false,
  fulfillment: { kind: 'bundle' },
  features: [],
  position: 10,
});

export const BUNDLE_SKUS: SeedSku[] = [
  bundle('BN-STARTER-A', 'BN-STARTER', 'FHIR IQ Starter Bundle (annual)', 'A', 'buyable'),
  bundle('BN-PROFESSIONAL-A', 'BN-PROFESSIONAL', 'FHIR IQ Professional Bundle (annual)', 'A', 'buyable'),
  {
    ...bundle('BN-ENTERPRISE-C', 'BN-ENTERPRISE', 'FHIR IQ Enterprise Bundle', 'C', 'contact_sales'),
    features: ['Dedicated support'],
  },
];

const items = (bundleSku: string, components: string[]): BundleItem[] =>
  components.map((componentSku, i) => ({ bundleSku, componentSku, quantity: 1, position: i + 1 }));

const PROFESSIONAL = [
  'TL-BUILDER-PR-A',
  'TL-MAPPER-PR-A',
  'TL-QUALITY-ST-A',
  'TL-ANALYTICS-ST-A',
  'TR-FHIR101-SP-P',
  'TR-USCORE-SP-P',
];

export const BUNDLE_ITEMS: BundleItem[] = [
  ...items('BN-STARTER-A', ['TL-BUILDER-IN-A', 'TL-MAPPER-ST-A', 'TR-FHIR101-SP-P']),
  ...items('BN-PROFESSIONAL-A', PROFESSIONAL),
  // "All Professional Bundle items" + the assessment + 25 consulting hours.
  ...items('BN-ENTERPRISE-C', [...PROFESSIONAL, 'CS-ASSESSMENT-F', 'CS-BLOCKS-25-B']),
];
