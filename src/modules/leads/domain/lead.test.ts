import { describe, expect, it } from 'vitest';
import { canMoveLead, checkStamp, formStamp, leadProblems, MIN_FILL_MS, STAMP_MAX_AGE_MS } from './lead.ts';

const key = Buffer.alloc(32, 7);
const at = (ms: number) => new Date(Date.UTC(2026, 5, 1) + ms);

describe('the form stamp', () => {
  const stamp = formStamp(key, at(0));

  it('accepts a form sent after a person’s few seconds, within a day', () => {
    expect(checkStamp(key, stamp, at(MIN_FILL_MS))).toEqual({ ok: true });
    expect(checkStamp(key, stamp, at(STAMP_MAX_AGE_MS))).toEqual({ ok: true });
  });

  it('calls a form sent at once too fast', () => {
    expect(checkStamp(key, stamp, at(MIN_FILL_MS - 1))).toEqual({ ok: false, reason: 'too-fast' });
    expect(checkStamp(key, stamp, at(0))).toEqual({ ok: false, reason: 'too-fast' });
  });

  it('refuses a missing, malformed, backdated, foreign-key or stale stamp', () => {
    const [issued, mac] = stamp.split('.');
    for (const bad of [
      undefined,
      '',
      'x',
      `${issued}.`,
      `${Number(issued) - 10_000}.${mac}`,
      `${issued}.${mac!.replace(/^./, 'A')}A`.slice(0, stamp.length),
    ]) {
      if (bad === stamp) continue;
      expect(checkStamp(key, bad, at(60_000)).ok, String(bad)).toBe(false);
    }
    expect(checkStamp(Buffer.alloc(32, 8), stamp, at(60_000))).toEqual({ ok: false, reason: 'invalid' });
    expect(checkStamp(key, stamp, at(STAMP_MAX_AGE_MS + 1))).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('a contact request', () => {
  const ok = { name: 'Dana', email: 'dana@example.org', organization: '', topic: 'tools', message: 'Hello' };
  it('needs a name, an email, a known topic and a message', () => {
    expect(leadProblems(ok)).toEqual([]);
    expect(
      leadProblems({ ...ok, name: '  ', email: 'dana', topic: 'x', message: '' }).map((p) => p.path),
    ).toEqual(['/name', '/email', '/topic', '/message']);
    expect(leadProblems({ ...ok, message: 'x'.repeat(5001) })[0]?.path).toBe('/message');
  });

  it('moves new → contacted → closed, never back, and closed is final', () => {
    expect(canMoveLead('new', 'contacted')).toBe(true);
    expect(canMoveLead('new', 'closed')).toBe(true);
    expect(canMoveLead('contacted', 'closed')).toBe(true);
    expect(canMoveLead('contacted', 'new')).toBe(false);
    expect(canMoveLead('closed', 'contacted')).toBe(false);
    expect(canMoveLead('new', 'new')).toBe(false);
    expect(canMoveLead('new', 'won')).toBe(false);
  });
});
