import { describe, expect, it } from 'vitest';
import { cleanBilling } from './billing.ts';
import { mergeItems, quantityProblem } from './cart-rules.ts';

describe('cart rules', () => {
  it('per-seat items take 1 seat up to their cap, others exactly 1', () => {
    expect(quantityProblem(1, 1000)).toBeNull();
    expect(quantityProblem(1000, 1000)).toBeNull();
    expect(quantityProblem(1001, 1000)).toMatchObject({ code: 'QUANTITY_NOT_ALLOWED', message: /1000/ });
    expect(quantityProblem(0, 1000)).toMatchObject({ code: 'QUANTITY_NOT_ALLOWED' });
    expect(quantityProblem(-3, null)).toMatchObject({ code: 'QUANTITY_NOT_ALLOWED' });
    expect(quantityProblem(1.5, 1000)).toMatchObject({ code: 'QUANTITY_NOT_ALLOWED' });
    expect(quantityProblem(1, null)).toBeNull();
    expect(quantityProblem(2, null)).toMatchObject({ code: 'QUANTITY_NOT_ALLOWED', message: /once/ });
    // An edition's own cap (Professional: 5 seats) is another refusal: the buyer needs another edition.
    expect(quantityProblem(5, 5)).toBeNull();
    expect(quantityProblem(6, 5)).toEqual({
      code: 'EDITION_SEAT_LIMIT_EXCEEDED',
      message: 'At most 5 seats per purchase of this edition.',
    });
    expect(quantityProblem(2, 1)).toMatchObject({
      code: 'EDITION_SEAT_LIMIT_EXCEEDED',
      message: /At most 1 seat per/,
    });
  });

  it('merges a guest cart: seats add up (capped), other items once, inputs untouched', () => {
    const into = [
      { sku: 'TR-FHIR101-LV-S', quantity: 600 },
      { sku: 'TL-MAPPER-PR-A', quantity: 4 },
      { sku: 'TL-MAPPER-ST-A', quantity: 1 },
    ];
    const from = [
      { sku: 'TR-FHIR101-LV-S', quantity: 600 },
      { sku: 'TL-MAPPER-PR-A', quantity: 3 },
      { sku: 'TL-MAPPER-ST-A', quantity: 1 },
      { sku: 'CS-BLOCKS-10-B', quantity: 1 },
    ];
    const caps: Record<string, number> = {
      'TR-FHIR101-LV-S': 1000,
      'TL-MAPPER-PR-A': 5,
      'TL-MAPPER-ST-A': 1,
    };
    const merged = mergeItems(into, from, (s) => caps[s] ?? null);
    expect(merged).toEqual([
      { sku: 'TR-FHIR101-LV-S', quantity: 1000 },
      { sku: 'TL-MAPPER-PR-A', quantity: 5 },
      { sku: 'TL-MAPPER-ST-A', quantity: 1 },
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
