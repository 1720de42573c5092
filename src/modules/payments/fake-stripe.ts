import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking the part of Stripe's REST API the payment adapter
 * uses — `POST /v1/customers`, `POST /v1/checkout/sessions`, `POST` and `DELETE
 * /v1/subscriptions/:id` (form-encoded
 * bodies, Bearer key, `Idempotency-Key` replay like Stripe's) — for offline tests.
 */
export interface FakeStripeRequest {
  path: string;
  idempotencyKey: string | undefined;
  form: Record<string, string>;
}

export interface FakeStripe {
  url: string;
  requests: FakeStripeRequest[];
  /** The next N requests answer 500 (Stripe's SDK retries them with the same Idempotency-Key). */
  failNext: number;
  /** Only requests to this path fail (any path when unset). */
  failPath?: string | undefined;
  close(): Promise<void>;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const state: FakeStripe = { url: '', requests: [], failNext: 0, close: async () => {} };
  const replays = new Map<string, { status: number; body: string }>();
  let seq = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      const send = (status: number, body: unknown, extra: Record<string, string> = {}) =>
        res
          .writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${++seq}`, ...extra })
          .end(typeof body === 'string' ? body : JSON.stringify(body));
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (!req.headers.authorization?.startsWith('Bearer sk_test_')) {
        send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
        return;
      }
      const key = req.headers['idempotency-key'] as string | undefined;
      const form = Object.fromEntries(new URLSearchParams(raw));
      state.requests.push({ path, idempotencyKey: key, form });
      if (state.failNext > 0 && (!state.failPath || state.failPath === path)) {
        state.failNext--;
        send(
          500,
          { error: { type: 'api_error', message: 'An unknown error occurred' } },
          {
            'stripe-should-retry': 'true',
          },
        );
        return;
      }
      const replayKey = key ? `${path} ${key}` : undefined;
      const replay = replayKey ? replays.get(replayKey) : undefined;
      if (replay) {
        send(replay.status, replay.body, { 'idempotent-replayed': 'true' });
        return;
      }
      const now = Math.floor(Date.now() / 1000);
      let body: unknown;
      if (req.method === 'POST' && path === '/v1/customers') {
        body = {
          id: `cus_fake${++seq}`,
          object: 'customer',
          email: form.email ?? null,
          name: form.name ?? null,
          created: now,
          livemode: false,
          metadata: { user_id: form['metadata[user_id]'] },
        };
      } else if (req.method === 'POST' && path === '/v1/checkout/sessions') {
        let total = 0;
        for (let i = 0; form[`line_items[${i}][quantity]`] !== undefined; i++)
          total +=
            Number(form[`line_items[${i}][quantity]`]) *
            Number(form[`line_items[${i}][price_data][unit_amount]`]);
        const id = `cs_test_fake${++seq}`;
        body = {
          id,
          object: 'checkout.session',
          mode: form.mode,
          customer: form.customer ?? null,
          client_reference_id: form.client_reference_id ?? null,
          currency: form['line_items[0][price_data][currency]'] ?? null,
          amount_total: total,
          metadata: { order_id: form['metadata[order_id]'], payment_id: form['metadata[payment_id]'] },
          payment_status: 'unpaid',
          status: 'open',
          success_url: form.success_url,
          cancel_url: form.cancel_url,
          url: `https://checkout.stripe.test/c/pay/${id}`,
          created: now,
          expires_at: now + 24 * 3600,
          livemode: false,
        };
      } else if (
        /^\/v1\/subscriptions\/[\w-]+$/.test(path) &&
        (req.method === 'POST' || req.method === 'DELETE')
      ) {
        // Update (cancel_at_period_end) or cancel now, answering the subscription as Stripe does.
        const canceled = req.method === 'DELETE';
        body = {
          id: path.split('/').pop(),
          object: 'subscription',
          status: canceled ? 'canceled' : 'active',
          cancel_at_period_end: canceled ? false : form.cancel_at_period_end === 'true',
          canceled_at: canceled ? now : null,
          livemode: false,
        };
      } else {
        send(404, { error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } });
        return;
      }
      const text = JSON.stringify(body);
      if (replayKey) replays.set(replayKey, { status: 200, body: text });
      send(200, text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
