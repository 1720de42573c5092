import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkNewRate, type NewRateInput, planAddition, type StoredRate } from './rate-schedule.ts';
import { rateIn, type TaxRate } from './rates.ts';

const TODAY = '2026-11-21';
const input = (over: Partial<NewRateInput> = {}): NewRateInput => ({
  country: 'CA',
  region: 'QC',
  kind: 'qst',
  rate: '9.975',
  validFrom: '2027-01-01',
  validTo: null,
  label: 'Quebec QST',
  ...over,
});
const paths = (i: NewRateInput) => {
  const r = checkNewRate(i, TODAY);
  return r.ok ? [] : r.problems.map((p) => p.path);
};

describe('checking a new rate', () => {
  it('normalises what staff type', () => {
    expect(
      checkNewRate(
        input({ country: ' ca ', region: 'qc', kind: 'QST', rate: ' 9.975 ', label: ' Quebec QST ' }),
        TODAY,
      ),
    ).toEqual({
      ok: true,
      rate: {
        country: 'CA',
        region: 'QC',
        kind: 'qst',
        ratePpm: 99_750,
        validFrom: '2027-01-01',
        validTo: null,
        label: 'Quebec QST',
      },
    });
    expect(checkNewRate(input({ country: 'DE', region: '', kind: 'vat', rate: '19' }), TODAY)).toMatchObject({
      ok: true,
      rate: { region: null, ratePpm: 190_000 },
    });
    // Today is allowed: only the days before it are the past.
    expect(checkNewRate(input({ validFrom: TODAY }), TODAY).ok).toBe(true);
  });

  it.each([
    ['an unknown country', { country: 'UK' }, ['/country']],
    ['a country that is not a code', { country: 'Germany' }, ['/country']],
    ['a region in a VAT country', { country: 'DE', region: 'BY', kind: 'vat' }, ['/region']],
    ['an unknown province', { region: 'XX' }, ['/region']],
    ['a malformed region', { region: 'Q-C' }, ['/region']],
    ['a kind the jurisdiction does not have', { kind: 'vat' }, ['/kind']],
    ['a GST row for a province', { kind: 'gst' }, ['/kind']],
    ['an unknown kind', { kind: 'excise' }, ['/kind']],
    ['a rate above 100 %', { rate: '100.5' }, ['/rate']],
    ['a negative rate', { rate: '-5' }, ['/rate']],
    ['a rate with 5 decimals', { rate: '9.97501' }, ['/rate']],
    ['a rate in words', { rate: 'ten' }, ['/rate']],
    ['a rate with a comma', { rate: '9,975' }, ['/rate']],
    ['a start in the past', { validFrom: '2026-11-20' }, ['/validFrom']],
    ['a start that is not a day', { validFrom: '2027-02-30' }, ['/validFrom']],
    ['a start in another format', { validFrom: '01/01/2027' }, ['/validFrom']],
    ['an end before the start', { validTo: '2026-12-31' }, ['/validTo']],
    ['an end on the start', { validTo: '2027-01-01' }, ['/validTo']],
    ['a malformed end', { validTo: '2027-13-01' }, ['/validTo']],
    ['an empty label', { label: '  ' }, ['/label']],
    ['a label too long', { label: 'x'.repeat(101) }, ['/label']],
    [
      'everything at once',
      { country: 'XX', rate: '200', validFrom: 'soon', label: '' },
      ['/country', '/rate', '/validFrom', '/label'],
    ],
  ] as const)('refuses %s, naming the field', (_name, over, expected) => {
    expect(paths(input(over as Partial<NewRateInput>))).toEqual(expected);
  });

  it('allows each jurisdiction its own kinds only', () => {
    expect(checkNewRate(input({ region: 'ON', kind: 'hst', rate: '13' }), TODAY).ok).toBe(true);
    expect(checkNewRate(input({ region: null, kind: 'gst', rate: '5' }), TODAY).ok).toBe(true);
    expect(checkNewRate(input({ country: 'US', region: 'WA', kind: 'sales', rate: '6.5' }), TODAY).ok).toBe(
      true,
    );
    expect(checkNewRate(input({ country: 'NO', region: null, kind: 'vat', rate: '25' }), TODAY).ok).toBe(
      true,
    );
    expect(checkNewRate(input({ country: 'GB', region: null, kind: 'sales', rate: '20' }), TODAY).ok).toBe(
      false,
    );
  });
});

// ---- planning --------------------------------------------------------------------------------------------------

const row = (id: string, percent: number, validFrom: string, validTo: string | null): StoredRate => ({
  id,
  country: 'CA',
  region: 'QC',
  kind: 'qst',
  ratePpm: percent * 10_000,
  validFrom,
  validTo,
  label: 'Quebec QST',
});
const rate = (percent: number, validFrom: string, validTo: string | null): TaxRate => {
  const { id: _id, ...r } = row('new', percent, validFrom, validTo);
  return r;
};

describe('planning an addition', () => {
  it('ends the open period at the new start', () => {
    const plan = planAddition([row('a', 9.975, '2021-01-01', null)], rate(10, '2027-01-01', null));
    expect(plan).toEqual({
      ok: true,
      closed: { row: row('a', 9.975, '2021-01-01', null), validTo: '2027-01-01' },
      resumed: null,
    });
  });

  it('resumes the superseded period after a temporary rate', () => {
    const plan = planAddition([row('a', 9.975, '2021-01-01', null)], rate(8, '2027-01-01', '2027-07-01'));
    expect(plan).toMatchObject({
      ok: true,
      closed: { validTo: '2027-01-01' },
      resumed: { ratePpm: 99_750, validFrom: '2027-07-01', validTo: null },
    });
  });

  it('starts a first period where there is none', () => {
    expect(planAddition([], rate(7, '2027-01-01', null))).toEqual({ ok: true, closed: null, resumed: null });
  });

  it('refuses to overlap a period already scheduled, or one starting the same day', () => {
    const scheduled = [row('a', 9.975, '2021-01-01', '2027-03-01'), row('b', 11, '2027-03-01', null)];
    expect(planAddition(scheduled, rate(10, '2027-01-01', null))).toEqual({
      ok: false,
      overlaps: [scheduled[1]],
    });
    expect(planAddition(scheduled, rate(10, '2027-03-01', null))).toEqual({
      ok: false,
      overlaps: [scheduled[1]],
    });
    // Within the scheduled row's span, it is that row that gets split.
    expect(planAddition(scheduled, rate(10, '2027-04-01', '2027-05-01'))).toMatchObject({
      ok: true,
      closed: { row: { id: 'b' } },
      resumed: { validFrom: '2027-05-01', validTo: null },
    });
  });

  it('ignores other jurisdictions', () => {
    const other = { ...row('z', 5, '2021-01-01', null), region: null, kind: 'gst' as const };
    expect(planAddition([other], rate(10, '2027-01-01', null))).toEqual({
      ok: true,
      closed: null,
      resumed: null,
    });
  });

  // Days as numbers from 0, written as dates, so that fast-check can shrink them.
  const BASE = Date.UTC(2026, 0, 1);
  const day = (n: number) => new Date(BASE + n * 86_400_000).toISOString().slice(0, 10);

  /** A history without overlaps: sorted boundaries, each period possibly followed by a gap. */
  const history = fc
    .uniqueArray(fc.integer({ min: 0, max: 120 }), { minLength: 0, maxLength: 8 })
    .chain((bounds) =>
      fc.tuple(
        fc.constant([...bounds].sort((a, b) => a - b)),
        fc.array(fc.boolean(), { minLength: bounds.length, maxLength: bounds.length }),
        fc.boolean(),
      ),
    )
    .map(([bounds, gaps, openEnd]) => {
      const rows: StoredRate[] = [];
      for (let i = 0; i + 1 < bounds.length; i += gaps[i] ? 2 : 1) {
        rows.push(row(`r${i}`, i + 1, day(bounds[i]!), day(bounds[i + 1]!)));
      }
      const last = rows.at(-1);
      if (openEnd && last) rows[rows.length - 1] = { ...last, validTo: null };
      return rows;
    });

  it('never changes a day outside the new period, and leaves no overlap', () => {
    fc.assert(
      fc.property(
        history,
        fc.integer({ min: 0, max: 130 }),
        fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
        (rows, from, length) => {
          const added = rate(99, day(from), length === null ? null : day(from + length));
          const plan = planAddition(rows, added);
          const before = (d: string) => rateIn(rows, 'CA', 'QC', d)?.ratePpm;
          if (!plan.ok) {
            // Refused only for a real overlap with a row other than the one in force on the start day.
            for (const o of plan.overlaps) {
              expect(o.validFrom < (added.validTo ?? '9999-12-31')).toBe(true);
              expect((o.validTo ?? '9999-12-31') > added.validFrom).toBe(true);
            }
            return;
          }
          const after: TaxRate[] = rows.map((r) =>
            plan.closed && r.id === plan.closed.row.id ? { ...r, validTo: plan.closed.validTo } : r,
          );
          after.push(added);
          if (plan.resumed) after.push(plan.resumed);
          for (let n = 0; n <= 200; n++) {
            const d = day(n);
            const inNew = d >= added.validFrom && (added.validTo === null || d < added.validTo);
            const covering = after.filter((r) => r.validFrom <= d && (r.validTo === null || d < r.validTo));
            expect(covering.length, d).toBeLessThanOrEqual(1);
            expect(covering[0]?.ratePpm, d).toBe(inNew ? 990_000 : before(d));
          }
        },
      ),
      { numRuns: 600 },
    );
  });
});
