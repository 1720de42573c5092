import { describe, expect, it } from 'vitest';
import { seedCatalog } from '../seed/index.ts';
import { CatalogView } from './catalog-view.ts';
import { licenseSeats, MAX_SEATS_PER_LINE, seatCap, usersLimit } from './seats.ts';
import type { SkuDef } from './types.ts';

const seat = (perSeat: boolean, users?: number | string): Pick<SkuDef, 'perSeat' | 'fulfillment'> => ({
  perSeat,
  fulfillment: { kind: 'license', licenseType: 'SEAT', limits: users === undefined ? {} : { users } },
});

describe('seats a SKU sells', () => {
  it('caps a per-seat edition at its users, unlimited at the cart’s cap, and sells other SKUs once', () => {
    expect(seatCap(seat(true, 5))).toBe(5);
    expect(seatCap(seat(true, 1))).toBe(1);
    expect(seatCap(seat(true, 'unlimited'))).toBe(MAX_SEATS_PER_LINE);
    expect(seatCap(seat(true, 5000))).toBe(MAX_SEATS_PER_LINE);
    // No usable cap (the checker reports it): a single seat, never more.
    expect(seatCap(seat(true))).toBe(1);
    expect(seatCap(seat(false, 5))).toBeNull();
    expect(
      seatCap({
        perSeat: true,
        fulfillment: { kind: 'training', format: 'live', hours: 8, seatsPerUnit: 1, accessMonths: 12 },
      }),
    ).toBe(MAX_SEATS_PER_LINE);
    expect(usersLimit(2.5)).toBeNull();
  });

  it('gives a seat per unit sold per seat; an edition with its users included gives them per unit', () => {
    expect(licenseSeats(seat(true, 5), 3)).toBe(3);
    expect(licenseSeats(seat(false, 5), 2)).toBe(10);
    expect(licenseSeats(seat(false, 'unlimited'), 2)).toBe(2);
    expect(
      licenseSeats({ perSeat: false, fulfillment: { kind: 'license', licenseType: 'USAGE', limits: {} } }, 4),
    ).toBe(4);
  });

  it('points a buyer who needs more seats at the next edition, then at the quote', () => {
    const s = seedCatalog();
    const view = new CatalogView(
      {
        ...s,
        skus: s.skus,
        prices: s.prices.map((p, i) => ({
          id: `prc_${i}`,
          ...p,
          status: 'active' as const,
          createdAt: new Date(0),
          archivedAt: null,
        })),
      },
      1,
    );
    const entry = (sku: string) => view.bySku.get(sku)!;
    expect(entry('TL-MAPPER-PR-A')).toMatchObject({ perSeat: true, maxSeats: 5 });
    expect(view.beyondSeats(entry('TL-MAPPER-ST-A'))?.sku).toBe('TL-MAPPER-PR-A');
    expect(view.beyondSeats(entry('TL-MAPPER-ST-M'))?.sku).toBe('TL-MAPPER-PR-M');
    expect(view.beyondSeats(entry('TL-MAPPER-PR-A'))?.sku).toBe('TL-MAPPER-EN');
    // No enterprise edition to quote: the buyer asks us.
    expect(view.beyondSeats(entry('TL-QUALITY-PR-A'))).toBeNull();
    expect(view.beyondSeats(entry('CS-BLOCKS-10-B'))).toBeNull();
  });
});
