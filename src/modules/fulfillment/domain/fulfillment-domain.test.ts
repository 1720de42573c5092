import { describe, expect, it } from 'vitest';
import type { BundleItem } from '../../catalog/index.ts';
import { parseWorkDate } from '../consulting.service.ts';
import { generateAccessKey, maskAccessKey } from './access-key.ts';
import { balanceOf, canceledAfterRefund, entryRefusal, hoursOf, minutesFromHours } from './consulting.ts';
import {
  PlanError,
  type PlanSku,
  planSteps,
  refundEffect,
  refundedOfLine,
  remainingAfter,
  stepKey,
} from './plan.ts';

const SKUS: Record<string, PlanSku> = {
  'TL-MAPPER-PR-M': {
    code: 'TL-MAPPER-PR-M',
    name: 'Mapper Professional',
    recurring: true,
    perSeat: true,
    fulfillment: { kind: 'license', licenseType: 'SEAT', limits: { users: 5, projects: 'unlimited' } },
  },
  // An edition sold with its users included (before per-seat pricing, or a fixed team pack).
  'TL-LEGACY-PR-M': {
    code: 'TL-LEGACY-PR-M',
    name: 'Legacy Professional',
    recurring: true,
    perSeat: false,
    fulfillment: { kind: 'license', licenseType: 'SEAT', limits: { users: 5 } },
  },
  'TL-MAPPER-EN': {
    code: 'TL-MAPPER-EN',
    name: 'Mapper Enterprise',
    recurring: true,
    perSeat: false,
    fulfillment: { kind: 'license', licenseType: 'ORGANIZATION', limits: { users: 'unlimited' } },
  },
  'TR-LV': {
    code: 'TR-LV',
    name: 'Live workshop',
    recurring: false,
    perSeat: true,
    fulfillment: { kind: 'training', format: 'live', hours: 21, seatsPerUnit: 1, accessMonths: 12 },
  },
  'CS-10': {
    code: 'CS-10',
    name: '10 hours',
    recurring: false,
    perSeat: false,
    fulfillment: { kind: 'consulting', engagement: 'hours', hours: 10, expiryMonths: 6 },
  },
  'CS-F': {
    code: 'CS-F',
    name: 'Assessment',
    recurring: false,
    perSeat: false,
    fulfillment: { kind: 'consulting', engagement: 'fixed_scope', hours: null, expiryMonths: null },
  },
  'BN-A': { code: 'BN-A', name: 'Bundle', recurring: true, perSeat: false, fulfillment: { kind: 'bundle' } },
  'BN-NESTED': {
    code: 'BN-NESTED',
    name: 'Nested',
    recurring: false,
    perSeat: false,
    fulfillment: { kind: 'bundle' },
  },
  'BN-EMPTY': {
    code: 'BN-EMPTY',
    name: 'Empty',
    recurring: false,
    perSeat: false,
    fulfillment: { kind: 'bundle' },
  },
};
const ITEMS: BundleItem[] = [
  { bundleSku: 'BN-A', componentSku: 'CS-10', quantity: 2, position: 2 },
  { bundleSku: 'BN-A', componentSku: 'TL-MAPPER-PR-M', quantity: 1, position: 1 },
  { bundleSku: 'BN-NESTED', componentSku: 'BN-A', quantity: 1, position: 1 },
];
const skuOf = (code: string) => SKUS[code]!;
const componentsOf = (b: string) => ITEMS.filter((i) => i.bundleSku === b);
const line = (position: number, sku: string, quantity = 1) => ({
  id: `orl_${position}`,
  position,
  sku,
  name: `line ${position}`,
  quantity,
  gross: 10_000,
});

describe('planning an order', () => {
  it('gives one step per line and per bundle component, keyed by the order line', () => {
    const steps = planSteps(
      [line(2, 'BN-A', 3), line(1, 'TL-MAPPER-PR-M', 2), line(3, 'TR-LV', 4), line(4, 'CS-F')],
      skuOf,
      componentsOf,
    );
    expect(steps.map((s) => [s.position, s.key, s.kind, s.delivered, s.recurring, s.perUnit])).toEqual([
      // Sold per seat: 2 units are 2 named seats.
      [1, 'order-line:orl_1', 'license', 2, true, 1],
      // The bundle's components in the bundle's order: one seat per bundle; 3 bundles of 2 blocks of 10 hours.
      [2, 'order-line:orl_2:TL-MAPPER-PR-M', 'license', 3, true, 1],
      [3, 'order-line:orl_2:CS-10', 'allocation', 3 * 2 * 10 * 60, true, 2],
      // Live: one seat per unit.
      [4, 'order-line:orl_3', 'enrollment', 4, false, 1],
      // Fixed scope: nothing to count.
      [5, 'order-line:orl_4', 'allocation', null, false, 1],
    ]);
    expect(stepKey('orl_9')).toBe('order-line:orl_9');
  });

  it('gives an organization license (users unlimited) one seat per unit', () => {
    expect(planSteps([line(1, 'TL-MAPPER-EN')], skuOf, componentsOf)[0]!.delivered).toBe(1);
  });

  it('gives an edition sold with its users included its users per unit', () => {
    expect(planSteps([line(1, 'TL-LEGACY-PR-M', 2)], skuOf, componentsOf)[0]!.delivered).toBe(10);
  });

  it('refuses a bundle it cannot deliver instead of delivering nothing', () => {
    expect(() => planSteps([line(1, 'BN-EMPTY')], skuOf, componentsOf)).toThrow(PlanError);
    expect(() => planSteps([line(1, 'BN-NESTED')], skuOf, componentsOf)).toThrow(/bundle inside bundle/);
  });
});

describe('refunds of a line', () => {
  const refunds = [
    {
      status: 'succeeded',
      allocation: [
        { lineId: 'a', net: 3000, tax: 570 },
        { lineId: 'b', net: 100, tax: 0 },
      ],
    },
    { status: 'failed', allocation: [{ lineId: 'a', net: 5000, tax: 950 }] },
    { status: 'succeeded', allocation: [{ lineId: 'a', net: 1000, tax: 190 }] },
  ];

  it('adds up the succeeded refunds of the line only', () => {
    expect(refundedOfLine('a', refunds)).toBe(4760);
    expect(refundedOfLine('c', refunds)).toBe(0);
  });

  it('takes back whole units of what the refunded share paid for', () => {
    expect(refundEffect(0, 11781, 5)).toEqual({ full: false, units: 0 });
    // 2/5 of 117.81 is 47.124: 47.12 is one seat, 47.13 two.
    expect(refundEffect(4712, 11781, 5)).toEqual({ full: false, units: 1 });
    expect(refundEffect(4713, 11781, 5)).toEqual({ full: false, units: 2 });
    expect(refundEffect(11781, 11781, 5)).toEqual({ full: true, units: 5 });
    // Exact with amounts whose product passes 2^53.
    expect(refundEffect(99_999_999_999, 100_000_000_000, 100_000)).toEqual({ full: false, units: 99_999 });
    // A line sold for nothing cannot be refunded.
    expect(refundEffect(10, 0, 5)).toEqual({ full: false, units: 0 });
  });

  it('keeps at least one while part of the line is unrefunded', () => {
    expect(remainingAfter(5, { full: false, units: 2 })).toBe(3);
    expect(remainingAfter(5, { full: false, units: 5 })).toBe(1);
    expect(remainingAfter(5, { full: true, units: 5 })).toBe(0);
  });

  it('cancels whole unused hours, never used ones, and never gives any back', () => {
    const a = { minutes_allocated: 600, minutes_used: 150, minutes_canceled: 0 };
    // 4.5 hours' worth refunded: 4 whole hours.
    expect(canceledAfterRefund(a, { full: false, units: 270 })).toBe(240);
    // More than is unused: only the unused.
    expect(canceledAfterRefund(a, { full: false, units: 590 })).toBe(450);
    expect(canceledAfterRefund(a, { full: true, units: 600 })).toBe(450);
    // A stale, smaller refund total does not undo a larger one.
    expect(canceledAfterRefund({ ...a, minutes_canceled: 240 }, { full: false, units: 60 })).toBe(240);
    expect(
      canceledAfterRefund(
        { minutes_allocated: null, minutes_used: 0, minutes_canceled: 0 },
        { full: true, units: 0 },
      ),
    ).toBe(0);
  });
});

describe('consulting time', () => {
  it('takes hours in whole minutes, from one minute to 24 hours', () => {
    expect(minutesFromHours(1.5)).toBe(90);
    expect(minutesFromHours(0.25)).toBe(15);
    expect(minutesFromHours(0.1)).toBe(6);
    expect(minutesFromHours(24)).toBe(1440);
    for (const bad of [0, -1, 0.005, 24.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(minutesFromHours(bad)).toBeNull();
    expect(hoursOf(90)).toBe(1.5);
    expect(hoursOf(10)).toBe(0.17);
  });

  it('refuses entries on canceled, expired or exhausted allocations', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const a = {
      status: 'active' as const,
      expires_at: new Date('2026-09-01T00:00:00Z'),
      minutes_allocated: 600,
      minutes_used: 500,
      minutes_canceled: 40,
    };
    expect(balanceOf(a).remaining).toBe(60);
    expect(entryRefusal(a, 60, now)).toBeNull();
    expect(entryRefusal(a, 61, now)).toBe('exceeded');
    expect(entryRefusal({ ...a, status: 'canceled' }, 1, now)).toBe('canceled');
    expect(entryRefusal(a, 1, new Date('2026-09-01T00:00:00Z'))).toBe('expired');
    // A fixed-scope engagement has no balance to exhaust.
    expect(entryRefusal({ ...a, minutes_allocated: null }, 1440, now)).toBeNull();
  });

  it('reads real calendar dates only', () => {
    expect(parseWorkDate('2026-02-28')).toBe('2026-02-28');
    expect(parseWorkDate('2026-02-29')).toBeNull();
    expect(parseWorkDate('2026-2-1')).toBeNull();
    expect(parseWorkDate('')).toBeNull();
  });
});

describe('training access keys', () => {
  it('are 80 random bits in four groups, masked outside their owner’s screen', () => {
    const key = generateAccessKey(new Uint8Array(10).fill(255));
    expect(key).toBe('TRN-ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    expect(generateAccessKey()).toMatch(/^TRN(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    expect(generateAccessKey()).not.toBe(generateAccessKey());
    expect(maskAccessKey('AB12')).toBe('TRN-****-****-****-AB12');
    expect(() => generateAccessKey(new Uint8Array(4))).toThrow(RangeError);
  });
});
