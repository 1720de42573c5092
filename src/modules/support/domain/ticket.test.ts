import { describe, expect, it } from 'vitest';
import {
  BODY_MAX,
  checkBody,
  checkSubject,
  statusAfterCustomerReply,
  statusAfterStaffReply,
} from './ticket.ts';

describe('ticket rules', () => {
  it('keeps a body as written, line breaks normalised, and refuses empty, too long or control characters', () => {
    expect(checkBody('  a <b>\r\nb\rc  ')).toEqual({ value: 'a <b>\nb\nc' });
    expect(checkBody('x'.repeat(BODY_MAX))).toEqual({ value: 'x'.repeat(BODY_MAX) });
    for (const bad of ['', ' \n ', 'x'.repeat(BODY_MAX + 1), 'a\u0000b', 'bell\u0007'])
      expect(checkBody(bad), JSON.stringify(bad.slice(0, 10))).toHaveProperty('problem');
    expect(checkBody('tab\tok')).toEqual({ value: 'tab\tok' });
  });

  it('makes a subject one trimmed line of 3 to 200 characters', () => {
    expect(checkSubject('  Mapper\n crashes  ')).toEqual({ value: 'Mapper crashes' });
    expect(checkSubject('ab')).toHaveProperty('problem');
    expect(checkSubject('x'.repeat(201))).toHaveProperty('problem');
  });

  it('moves the status: a customer reply reopens all but a closed ticket; a staff reply waits on the customer', () => {
    expect(statusAfterCustomerReply('open')).toBe('open');
    expect(statusAfterCustomerReply('waiting_on_customer')).toBe('open');
    expect(statusAfterCustomerReply('resolved')).toBe('open');
    expect(statusAfterCustomerReply('closed')).toBeNull();
    expect(statusAfterStaffReply('open', undefined)).toBe('waiting_on_customer');
    expect(statusAfterStaffReply('open', 'resolved')).toBe('resolved');
    expect(statusAfterStaffReply('closed', undefined)).toBe('closed');
  });
});
