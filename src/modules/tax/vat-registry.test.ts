import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVatId, type VatId } from './domain/vat-id.ts';
import { type FakeVies, startFakeVies } from './fake-vies.ts';
import { localFormatRegistry, ViesRestRegistry } from './vat-registry.ts';

const id = (raw: string): VatId => {
  const r = parseVatId(raw);
  if (!r.ok) throw new Error(r.reason);
  return r.vatId;
};

describe('VIES REST adapter (against a local server speaking its protocol)', () => {
  let vies: FakeVies;
  let registry: ViesRestRegistry;

  beforeAll(async () => {
    vies = await startFakeVies({ kind: 'up', registered: new Set(['FR40303265045', 'EL094259216']) });
    registry = new ViesRestRegistry(`${vies.url}/`, 300);
  });
  afterAll(() => vies.close());

  it('sends the prefix and number, and returns the verdict with its evidence', async () => {
    expect(await registry.check(id('FR40303265045'))).toEqual({
      status: 'valid',
      source: 'vies',
      name: 'ACME SAS',
      address: '1 RUE DE LA PAIX\n75002 PARIS',
      // No requester named, so no consultation number (VIES answers an empty one).
      requestIdentifier: null,
      requester: null,
    });
    expect(vies.requests.at(-1)).toEqual({ countryCode: 'FR', vatNumber: '40303265045' });
    expect(await registry.check(id('DE136695976'))).toMatchObject({
      status: 'invalid',
      source: 'vies',
      name: null,
    });
  });

  it('asks for Greece with EL', async () => {
    expect(await registry.check(id('GR094259216'))).toMatchObject({ status: 'valid' });
    expect(vies.requests.at(-1)).toEqual({ countryCode: 'EL', vatNumber: '094259216' });
  });

  it.each([
    'MS_UNAVAILABLE',
    'MS_MAX_CONCURRENT_REQ',
    'TIMEOUT',
    'SERVICE_UNAVAILABLE',
    'GLOBAL_MAX_CONCURRENT_REQ',
  ])('answers unavailable on %s', async (code) => {
    vies.mode = { kind: 'error', code, httpStatus: code === 'SERVICE_UNAVAILABLE' ? 503 : 200 };
    expect(await registry.check(id('FR40303265045'))).toEqual({ status: 'unavailable', error: code });
  });

  it('takes INVALID_INPUT as a verdict', async () => {
    vies.mode = { kind: 'error', code: 'INVALID_INPUT', httpStatus: 400 };
    expect(await registry.check(id('FR40303265045'))).toMatchObject({ status: 'invalid', source: 'vies' });
  });

  it('answers unavailable on a timeout, a non-JSON answer or no server at all', async () => {
    vies.mode = { kind: 'hang' };
    const started = Date.now();
    expect(await registry.check(id('FR40303265045'))).toEqual({
      status: 'unavailable',
      error: 'TIMEOUT after 300 ms',
    });
    expect(Date.now() - started).toBeLessThan(3000);
    vies.mode = { kind: 'garbage' };
    expect(await registry.check(id('FR40303265045'))).toMatchObject({ status: 'unavailable' });
    const nobody = new ViesRestRegistry('http://127.0.0.1:9', 300);
    expect(await nobody.check(id('FR40303265045'))).toMatchObject({
      status: 'unavailable',
      error: expect.stringMatching(/^NETWORK/),
    });
  });

  it('names SELLER_VAT_ID as the requester and keeps the consultation number VIES issues', async () => {
    vies.mode = { kind: 'up', registered: new Set(['FR40303265045', 'IE6388047V']) };
    const withRequester = new ViesRestRegistry(vies.url, 300, { requester: id('IE6388047V') });
    const valid = await withRequester.check(id('FR40303265045'));
    expect(vies.requests.at(-1)).toEqual({
      countryCode: 'FR',
      vatNumber: '40303265045',
      requesterMemberStateCode: 'IE',
      requesterNumber: '6388047V',
    });
    expect(valid).toMatchObject({
      status: 'valid',
      requestIdentifier: vies.issued.at(-1),
      requester: 'IE6388047V',
    });
    // A "not registered" answer is a consultation too.
    const invalid = await withRequester.check(id('DE136695976'));
    expect(invalid).toMatchObject({ status: 'invalid', requester: 'IE6388047V' });
    expect(invalid).toMatchObject({ requestIdentifier: vies.issued.at(-1) });
    // Greece's requester prefix is EL too.
    const greek = new ViesRestRegistry(vies.url, 300, { requester: id('EL094259216') });
    vies.mode = { kind: 'up', registered: new Set(['FR40303265045']), requesters: new Set(['EL094259216']) };
    await greek.check(id('FR40303265045'));
    expect(vies.requests.at(-1)).toMatchObject({
      requesterMemberStateCode: 'EL',
      requesterNumber: '094259216',
    });
  });

  it('keeps the ID pending when VIES refuses the requester: our configuration, not the customer', async () => {
    vies.mode = { kind: 'up', registered: new Set(['FR40303265045']) };
    const wrong = new ViesRestRegistry(vies.url, 300, { requester: id('DE136695976') });
    expect(await wrong.check(id('FR40303265045'))).toEqual({
      status: 'unavailable',
      error: 'INVALID_REQUESTER_INFO: VIES refused the requester DE136695976 (SELLER_VAT_ID)',
    });
  });

  it('the local registry says what it is: a format check, not a registry answer', async () => {
    expect(localFormatRegistry.source).toBe('local-format');
    expect(await localFormatRegistry.check(id('FR40303265045'))).toMatchObject({
      status: 'valid',
      source: 'local-format',
    });
  });
});
