import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking Stripe's `POST /v1/tax/calculations` (form-encoded
 * request, JSON calculation with expanded line items and breakdowns), with a
 * small rate table of its own, for offline tests of the Stripe Tax adapter.
 */
export interface FakeStripeTax {
  host: string;
  port: number;
  /** The decoded form fields of each request (`line_items[0][amount]` → "99000"). */
  requests: Record<string, string>[];
  failNext: number;
  close(): Promise<void>;
}

const RATES: Record<string, { percent: string; type: string; name: string }> = {
  DE: { percent: '19.0', type: 'vat', name: 'VAT' },
  FR: { percent: '20.0', type: 'vat', name: 'VAT' },
  'CA-ON': { percent: '13.0', type: 'hst', name: 'HST' },
};

export async function startFakeStripeTax(): Promise<FakeStripeTax> {
  const state: FakeStripeTax = {
    host: '127.0.0.1',
    port: 0,
    requests: [],
    failNext: 0,
    close: async () => {},
  };
  let seq = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      const send = (status: number, body: unknown) =>
        res
          .writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${++seq}` })
          .end(JSON.stringify(body));
      if (req.method !== 'POST' || req.url !== '/v1/tax/calculations') {
        send(404, { error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } });
        return;
      }
      if (!req.headers.authorization?.startsWith('Bearer sk_test_')) {
        send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
        return;
      }
      const form = Object.fromEntries(new URLSearchParams(raw));
      state.requests.push(form);
      if (state.failNext > 0) {
        state.failNext--;
        send(500, { error: { type: 'api_error', message: 'An unknown error occurred' } });
        return;
      }
      const country = form['customer_details[address][country]'] ?? '';
      const region = form['customer_details[address][state]'];
      const reverse = form['customer_details[taxability_override]'] === 'reverse_charge';
      const rate = RATES[region ? `${country}-${region}` : country] ?? RATES[country];
      const lines = [];
      for (let i = 0; form[`line_items[${i}][amount]`] !== undefined; i++) {
        const amount = Number(form[`line_items[${i}][amount]`]);
        const bp = rate && !reverse ? Math.round(Number(rate.percent) * 100) : 0;
        const tax = Math.round((amount * bp) / 10_000);
        lines.push({
          id: `tax_li_${i}`,
          object: 'tax.calculation_line_item',
          amount,
          amount_tax: tax,
          livemode: false,
          quantity: Number(form[`line_items[${i}][quantity]`] ?? 1),
          reference: form[`line_items[${i}][reference]`],
          tax_behavior: form[`line_items[${i}][tax_behavior]`],
          tax_code: form[`line_items[${i}][tax_code]`],
          tax_breakdown: [
            {
              amount: tax,
              jurisdiction: {
                country,
                display_name: country,
                level: region ? 'state' : 'country',
                state: region ?? null,
              },
              sourcing: 'destination',
              tax_rate_details: rate
                ? {
                    display_name: rate.name,
                    percentage_decimal: reverse ? '0.0' : rate.percent,
                    tax_type: rate.type,
                  }
                : null,
              taxability_reason: reverse ? 'reverse_charge' : rate ? 'standard_rated' : 'not_collecting',
              taxable_amount: rate && !reverse ? amount : 0,
            },
          ],
        });
      }
      const taxTotal = lines.reduce((a, l) => a + l.amount_tax, 0);
      send(200, {
        id: `taxcalc_${seq + 1}`,
        object: 'tax.calculation',
        amount_total: lines.reduce((a, l) => a + l.amount, 0) + taxTotal,
        currency: form.currency,
        customer: null,
        livemode: false,
        tax_amount_exclusive: taxTotal,
        tax_amount_inclusive: 0,
        tax_breakdown: [],
        tax_date: Math.floor(Date.now() / 1000),
        line_items: {
          object: 'list',
          data: lines,
          has_more: false,
          url: '/v1/tax/calculations/x/line_items',
        },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
