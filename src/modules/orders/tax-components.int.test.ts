import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { checkoutAs, guestWithCart } from '../checkout/test-support.ts';

/** A Quebec sale keeps GST and QST on the order line, each rounded on its own, and the exact rate. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-11-21T10:00:00Z' });
});
afterAll(async () => t?.close());

describe('order lines keep every tax', () => {
  it('Quebec: 14.975 % as GST 5 % + QST 9.975 %, shown exactly on the order', async () => {
    const jar = await guestWithCart(t, [{ sku: 'TL-MAPPER-PR-M', quantity: 1 }]);
    const { orderId, confirmationUrl } = await checkoutAs(t, jar, {
      name: 'Marie Tremblay',
      email: 'marie@example.ca',
      line1: '1 rue Sainte-Catherine',
      city: 'Montréal',
      postalCode: 'H2X 1Y4',
      country: 'CA',
      region: 'QC',
      business: false,
    });
    const order = (await t.app.modules.orders.service.get(orderId))!;
    const line = order.lines[0]!;
    expect(line.tax_rate_percent).toBe('14.975');
    expect(line.tax_components.map((c) => [c.ratePercent, c.amount])).toEqual([
      ['5', 495],
      ['9.975', 988],
    ]);
    expect(Number(line.tax_amount)).toBe(495 + 988);
    const page = await t.http.inject({
      method: 'GET',
      url: confirmationUrl,
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('14.975 %');
    expect(page.body).toContain('9.975 %');
  });
});
