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

type FakeRate = { percent: string; type: string; name: string };
/** Each jurisdiction's taxes: one, or several side by side (Quebec: GST and QST). */
const RATES: Record<string, FakeRate[]> = {
  DE: [{ percent: '19.0', type: 'vat', name: 'VAT' }],
  FR: [{ percent: '20.0', type: 'vat', name: 'VAT' }],
  GB: [{ percent: '20.0', type: 'vat', name: 'VAT' }],
  'CA-ON': [{ percent: '13.0', type: 'hst', name: 'HST' }],
  'CA-QC': [
    { percent: '5.0', type: 'gst', name: 'GST' },
    { percent: '9.975', type: 'qst', name: 'QST' },
  ],
};

/** Tax of one rate on an amount, exact and half-up (the fake's own integer arithmetic, not ours). */
const taxOf = (amount: number, percent: string) => {
  const [whole = '0', frac = ''] = percent.split('.');
  const ppm = Number(whole) * 10_000 + Number(frac.padEnd(4, '0').slice(0, 4));
  return Math.floor((amount * ppm + 500_000) / 1_000_000);
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
      const rates = RATES[region ? `${country}-${region}` : country] ?? RATES[country];
      // A GST/HST registrant in Canada: Stripe does not charge the GST/HST (our fake: only that).
      const registrant = form['customer_details[tax_ids][0][type]'] === 'ca_gst_hst';
      const charged = (rates ?? []).filter((r) => !(registrant && (r.type === 'gst' || r.type === 'hst')));
      const lines = [];
      for (let i = 0; form[`line_items[${i}][amount]`] !== undefined; i++) {
        const amount = Number(form[`line_items[${i}][amount]`]);
        const jurisdiction = {
          country,
          display_name: country,
          level: region ? 'state' : 'country',
          state: region ?? null,
        };
        const breakdown =
          rates && !reverse && charged.length > 0
            ? charged.map((rate) => ({
                amount: taxOf(amount, rate.percent),
                jurisdiction,
                sourcing: 'destination',
                tax_rate_details: {
                  display_name: rate.name,
                  percentage_decimal: rate.percent,
                  tax_type: rate.type,
                },
                taxability_reason: 'standard_rated',
                taxable_amount: amount,
              }))
            : [
                {
                  amount: 0,
                  jurisdiction,
                  sourcing: 'destination',
                  tax_rate_details: rates
                    ? { display_name: rates[0]!.name, percentage_decimal: '0.0', tax_type: rates[0]!.type }
                    : null,
                  taxability_reason: reverse || registrant ? 'reverse_charge' : 'not_collecting',
                  taxable_amount: 0,
                },
              ];
        const tax = breakdown.reduce((a, b) => a + b.amount, 0);
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
          tax_breakdown: breakdown,
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
