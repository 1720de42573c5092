import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canMove, nextStatuses, QUOTE_STATUSES } from './quote-status.ts';

describe('quote request statuses', () => {
  it('go new → contacted → won or lost, and may skip the contact', () => {
    expect(nextStatuses('new')).toEqual(['contacted', 'won', 'lost']);
    expect(nextStatuses('contacted')).toEqual(['won', 'lost']);
    expect([canMove('new', 'contacted'), canMove('contacted', 'won'), canMove('new', 'lost')]).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('never go back, stay put, or leave a final status', () => {
    for (const [from, to] of [
      ['contacted', 'new'],
      ['won', 'lost'],
      ['lost', 'contacted'],
      ['won', 'won'],
      ['new', 'new'],
      ['new', 'answered'],
      ['closed', 'won'],
    ]) {
      expect(canMove(from!, to!), `${from} → ${to}`).toBe(false);
    }
  });

  it('every path ends in won or lost within three steps', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 10 }), (choices) => {
        let status: string = 'new';
        let steps = 0;
        for (const c of choices) {
          const next = nextStatuses(status);
          if (next.length === 0) break;
          status = next[c % next.length]!;
          steps++;
        }
        expect(QUOTE_STATUSES).toContain(status);
        expect(steps).toBeLessThanOrEqual(2);
        if (choices.length >= 2) expect(['won', 'lost']).toContain(status);
      }),
    );
  });
});
