import { describe, expect, it } from 'vitest';
import { VALIDATION_CODES as SERVER_CODES } from '../../../src/modules/licensing/domain/validation.ts';
import { VALIDATION_CODES } from '../src/index.ts';

// The SDK has no dependency on the server, so it keeps its own copy of the codes: this keeps the
// two the same list in the same (documented) order.
describe('validation codes', () => {
  it('are the server’s, in the server’s order', () => {
    expect([...VALIDATION_CODES]).toEqual([...SERVER_CODES]);
  });
});
