import { describe, expect, it } from 'vitest';
import { cleanBilling } from './billing.ts';
import { mergeItems, quantityProblem } from './cart-rules.ts';

describe('cart rules', () => {
  it('per-seat items take 1–1000 seats, others exactly 1', () => {
    expect(quantityProblem(1, true)).toBeNull();
    expect(quantityProblem(1000, true)).toBeNull();
    expect(quantityProblem(1001, true)).toMatch(/1000/);
    expect(quantityProblem(0, true)).not.toBeNull();
    expect(quantityProblem(-3, false)).not.toBeNull();
    expect(quantityProblem(1.5, true)).not.toBeNull();
    expect(quantityProblem(1, false)).toBeNull();
    expect(quantityProblem(2, false)).toMatch(/once/);
  });

  it('merges a guest cart: seats add up (capped), other items once, inputs untouched', () => {
    const into = [
      { sku: 'TR-FHIR101-LV-S', quantity: 600 },
      { sku: 'TL-MAPPER-PR-A', quantity: 1 },
    ];
    const from = [
      { sku: 'TR-FHIR101-LV-S', quantity: 600 },
      { sku: 'TL-MAPPER-PR-A', quantity: 1 },
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
    ];
    const merged = mergeItems(into, from, (s) => s.endsWith('-S'));
    expect(merged).toEqual([
      { sku: 'TR-FHIR101-LV-S', quantity: 1000 },
      { sku: 'TL-MAPPER-PR-A', quantity: 1 },
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
    ]);
    expect(into[0]!.quantity).toBe(600);
  });
});

describe('billing details', () => {
  const good = {
    name: ' Ada Lovelace ',
    email: 'ADA@Example.org',
    line1: 'Hauptstraße 1',
    city: 'Berlin',
    postalCode: '10115',
    country: 'de',
    business: false,
  };
  it('cleans a consumer address', () => {
    const r = cleanBilling(good);
    expect(r.problems).toEqual({});
    expect(r.billing).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@example.org',
      country: 'DE',
      vatId: null,
    });
  });
  it('lists every problem by field', () => {
    const r = cleanBilling({
      ...good,
      name: '<script>',
      email: 'nope',
      postalCode: '',
      country: 'Germany',
      business: true,
    });
    expect(Object.keys(r.problems).sort()).toEqual([
      'country',
      'email',
      'name',
      'organization',
      'postalCode',
    ]);
  });
  it('normalizes a VAT ID and refuses junk', () => {
    expect(cleanBilling({ ...good, vatId: 'fr 40 303 265 045' }).billing.vatId).toBe('FR40303265045');
    expect(cleanBilling({ ...good, vatId: "1' OR 1=1" }).problems.vatId).toBeDefined();
  });
});
