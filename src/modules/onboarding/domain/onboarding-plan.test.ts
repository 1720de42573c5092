import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProductType as CatalogProductType } from '../../catalog/index.ts';
import {
  determineOnboardingPlan,
  fullyRefundedLines,
  type OrderItem,
  orderItems,
  type ProductType,
  productTypeOf,
  STEP_DEFINITIONS,
  stepsToCancel,
} from './onboarding-plan.ts';

const TYPES: ProductType[] = ['desktop_software', 'web_service', 'training_course', 'consulting'];
const templates = (types: ProductType[]) =>
  determineOnboardingPlan(types.map((productType) => ({ productType }))).map(
    (s) => `${s.template}@${s.delayHours}`,
  );

describe('determineOnboardingPlan', () => {
  it('gives each mix of product types exactly 002’s mails, in time order', () => {
    expect(templates([])).toEqual(['onboarding.welcome@0', 'onboarding.success-checkin@168']);
    expect(templates(['desktop_software'])).toEqual([
      'onboarding.welcome@0',
      'onboarding.software-activation@24',
      'onboarding.software-tips@72',
      'onboarding.success-checkin@168',
    ]);
    expect(templates(['web_service'])).toEqual(templates(['desktop_software']));
    expect(templates(['training_course'])).toEqual([
      'onboarding.welcome@0',
      'onboarding.training-access@2',
      'onboarding.learning-path@48',
      'onboarding.success-checkin@168',
    ]);
    expect(templates(['consulting'])).toEqual([
      'onboarding.welcome@0',
      'onboarding.consultation-scheduling@4',
      'onboarding.success-checkin@168',
    ]);
    expect(templates(['consulting', 'training_course', 'web_service', 'desktop_software'])).toEqual([
      'onboarding.welcome@0',
      'onboarding.training-access@2',
      'onboarding.consultation-scheduling@4',
      'onboarding.software-activation@24',
      'onboarding.learning-path@48',
      'onboarding.software-tips@72',
      'onboarding.success-checkin@168',
    ]);
  });

  it('for every mix: welcome and check-in always, each family’s mails iff it is present, once each', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TYPES), { maxLength: 12 }), (types) => {
        const input = types.map((productType) => ({ productType }));
        const frozen = JSON.stringify(input);
        const plan = determineOnboardingPlan(input);
        const names = plan.map((s) => s.template);
        expect(JSON.stringify(input)).toBe(frozen);
        expect(new Set(names).size).toBe(names.length);
        const has = (t: ProductType[]) => types.some((x) => t.includes(x));
        const software = has(['desktop_software', 'web_service']);
        const training = has(['training_course']);
        const consulting = has(['consulting']);
        expect(names.includes('onboarding.welcome')).toBe(true);
        expect(names.includes('onboarding.success-checkin')).toBe(true);
        expect(names.includes('onboarding.software-activation')).toBe(software);
        expect(names.includes('onboarding.software-tips')).toBe(software);
        expect(names.includes('onboarding.training-access')).toBe(training);
        expect(names.includes('onboarding.learning-path')).toBe(training);
        expect(names.includes('onboarding.consultation-scheduling')).toBe(consulting);
        expect(plan.length).toBe(2 + (software ? 2 : 0) + (training ? 2 : 0) + (consulting ? 1 : 0));
        for (const [i, s] of plan.entries()) {
          expect(s).toEqual(STEP_DEFINITIONS[s.template]);
          if (i > 0) expect(s.delayHours).toBeGreaterThanOrEqual(plan[i - 1]!.delayHours);
        }
      }),
    );
  });

  it('marks the instructions transactional and the advice marketing', () => {
    const marketing = Object.values(STEP_DEFINITIONS)
      .filter((s) => s.category === 'marketing')
      .map((s) => s.template)
      .sort();
    expect(marketing).toEqual([
      'onboarding.learning-path',
      'onboarding.software-tips',
      'onboarding.success-checkin',
    ]);
  });
});

const CATALOG: Record<string, { name: string; productType: CatalogProductType }> = {
  'TL-MAPPER-ST-M': { name: 'Mapper', productType: 'desktop_software' },
  'TL-ANALYTICS-ST-M': { name: 'Analytics', productType: 'web_service' },
  'TR-FHIR101-SP-P': { name: 'FHIR 101', productType: 'training_course' },
  'CS-BLOCKS-10-B': { name: '10 hours', productType: 'consulting' },
  'BN-STARTER-A': { name: 'Starter', productType: 'bundle' },
};
const COMPONENTS: Record<string, { componentSku: string }[]> = {
  'BN-STARTER-A': [{ componentSku: 'TL-MAPPER-ST-M' }, { componentSku: 'TR-FHIR101-SP-P' }],
};
const line = (id: string, sku: string, gross = 1000) => ({ id, sku, name: `${sku} line`, gross });

describe('the catalog’s SKUs as product types', () => {
  it('takes each product’s type from the catalog; a bundle counts as its components', () => {
    expect(productTypeOf('desktop_software')).toBe('desktop_software');
    expect(productTypeOf('web_service')).toBe('web_service');
    expect(productTypeOf('bundle')).toBeNull();
    const items = orderItems(
      [
        line('l1', 'BN-STARTER-A'),
        line('l2', 'CS-BLOCKS-10-B'),
        line('l3', 'NOPE-X-Y'),
        line('l4', 'TL-ANALYTICS-ST-M'),
      ],
      (code) => CATALOG[code],
      (b) => COMPONENTS[b] ?? [],
    );
    expect(items.map((i) => [i.lineId, i.sku, i.productType])).toEqual([
      ['l1', 'TL-MAPPER-ST-M', 'desktop_software'],
      ['l1', 'TR-FHIR101-SP-P', 'training_course'],
      ['l2', 'CS-BLOCKS-10-B', 'consulting'],
      // A hosted tool is a web service, whatever its license type.
      ['l4', 'TL-ANALYTICS-ST-M', 'web_service'],
    ]);
  });
});

describe('refunds', () => {
  const lines = [line('sw', 'TL-MAPPER-ST-M', 1190), line('tr', 'TR-FHIR101-SP-P', 595)];
  const items: OrderItem[] = [
    { lineId: 'sw', sku: 'TL-MAPPER-ST-M', name: 'Mapper', productType: 'desktop_software' },
    { lineId: 'tr', sku: 'TR-FHIR101-SP-P', name: 'FHIR 101', productType: 'training_course' },
  ];
  const scheduled = determineOnboardingPlan(items).map((s) => s.template);

  it('a line counts as refunded only once its whole gross came back, over several refunds', () => {
    expect(fullyRefundedLines(lines, [[{ lineId: 'tr', net: 300, tax: 57 }]])).toEqual(new Set());
    expect(
      fullyRefundedLines(lines, [
        [{ lineId: 'tr', net: 300, tax: 57 }],
        [{ lineId: 'tr', net: 200, tax: 38 }],
      ]),
    ).toEqual(new Set(['tr']));
  });

  it('refunding the only course cancels the training mails and keeps the rest', () => {
    expect(stepsToCancel(scheduled, items, new Set(['tr']), false)).toEqual([
      'onboarding.training-access',
      'onboarding.learning-path',
    ]);
    expect(stepsToCancel(scheduled, items, new Set(), false)).toEqual([]);
  });

  it('a full refund, or every line refunded, cancels everything', () => {
    expect(stepsToCancel(scheduled, items, new Set(), true)).toEqual(scheduled);
    expect(stepsToCancel(scheduled, items, new Set(['sw', 'tr']), false)).toEqual(scheduled);
  });

  it('for any refunded subset, what stays is exactly the plan of what is left', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ lineId: fc.constantFrom('a', 'b', 'c', 'd'), productType: fc.constantFrom(...TYPES) }),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        fc.subarray(['a', 'b', 'c', 'd']),
        (raw, refunded) => {
          const its = raw.map((r) => ({ ...r, sku: 'X', name: 'X' }));
          const planned = determineOnboardingPlan(its).map((s) => s.template);
          const cancelled = stepsToCancel(planned, its, new Set(refunded), false);
          const left = its.filter((i) => !refunded.includes(i.lineId));
          const kept = planned.filter((t) => !cancelled.includes(t));
          expect(kept).toEqual(left.length ? determineOnboardingPlan(left).map((s) => s.template) : []);
        },
      ),
    );
  });
});
