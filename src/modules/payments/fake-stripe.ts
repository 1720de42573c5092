import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking the part of Stripe's REST API the payment adapter
 * uses — `POST /v1/customers`, `POST /v1/checkout/sessions`, `POST /v1/refunds`,
 * `GET /v1/refunds?payment_intent=…`, `GET /v1/payment_intents/:id` (the ones
 * listed in `paymentIntents`), `GET`, `POST` (cancel_at_period_end or items) and `DELETE
 * /v1/subscriptions/:id` (the ones listed in `subscriptions`), `POST /v1/products` —
 * form-encoded bodies, Bearer key, `Idempotency-Key` replay like Stripe's — for offline tests.
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
  /**
   * Payment intents and their charged amounts: a refund beyond what is left is refused like
   * Stripe refuses it (400). Refunds of a payment intent not listed here are not limited.
   */
  paymentIntents: Map<string, { amount: number; currency: string; orderId?: string }>;
  /** Subscriptions `GET /v1/subscriptions/:id` answers and item updates change (tests register them). */
  subscriptions: Map<string, FakeStripeSubscription>;
  /** Item updates answer 402 card_declined, as with `payment_behavior: error_if_incomplete`. */
  declineSubscriptionUpdates: boolean;
  /** Every refund, made through the API or with `dashboardRefund`. */
  refunds: FakeStripeRefund[];
  /** The status new API refunds get (Stripe: `succeeded` for cards, `pending` for some methods). */
  refundStatus: 'succeeded' | 'pending';
  /** A refund made in the Stripe Dashboard: no metadata, unknown to FHIR IQ until an event says so. */
  dashboardRefund(paymentIntent: string, amount: number): FakeStripeRefund;
  /** Stops listening (new connections are refused) until `resume`, like Stripe being unreachable. */
  stop(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export interface FakeStripeSubscription {
  currency: string;
  interval: 'month' | 'year';
  items: {
    id: string;
    productId: string;
    name: string;
    metadata: Record<string, string>;
    unitAmount: number;
    quantity: number;
  }[];
}

export interface FakeStripeRefund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  charge: string;
  status: string;
  reason: string | null;
  failure_reason: string | null;
  metadata: Record<string, string>;
  created: number;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const replays = new Map<string, { status: number; body: string }>();
  let seq = 0;
  const newRefund = (
    paymentIntent: string,
    amount: number,
    status: string,
    metadata: Record<string, string>,
  ): FakeStripeRefund => {
    const pi = state.paymentIntents.get(paymentIntent);
    const refund: FakeStripeRefund = {
      id: `re_fake${++seq}`,
      object: 'refund',
      amount,
      currency: pi?.currency ?? 'usd',
      payment_intent: paymentIntent,
      charge: `ch_${paymentIntent.replace(/^pi_/, '')}`,
      status,
      reason: null,
      failure_reason: null,
      metadata,
      created: Math.floor(Date.now() / 1000),
    };
    state.refunds.push(refund);
    return refund;
  };
  const refundedOf = (paymentIntent: string) =>
    state.refunds
      .filter((r) => r.payment_intent === paymentIntent && r.status !== 'failed' && r.status !== 'canceled')
      .reduce((s, r) => s + r.amount, 0);
  const products = new Map<
    string,
    { id: string; object: string; name: string; metadata: Record<string, string> }
  >();
  const subscriptionBody = (id: string, sub: FakeStripeSubscription) => ({
    id,
    object: 'subscription',
    status: 'active',
    currency: sub.currency,
    cancel_at_period_end: false,
    livemode: false,
    items: {
      object: 'list',
      has_more: false,
      data: sub.items.map((it) => ({
        id: it.id,
        object: 'subscription_item',
        quantity: it.quantity,
        price: {
          id: `price_${it.id}`,
          object: 'price',
          currency: sub.currency,
          unit_amount: it.unitAmount,
          recurring: { interval: sub.interval },
          product: { id: it.productId, object: 'product', name: it.name, metadata: it.metadata },
        },
      })),
    },
  });
  const state: FakeStripe = {
    url: '',
    requests: [],
    failNext: 0,
    subscriptions: new Map(),
    declineSubscriptionUpdates: false,
    paymentIntents: new Map(),
    refunds: [],
    refundStatus: 'succeeded',
    dashboardRefund: (paymentIntent, amount) => newRefund(paymentIntent, amount, 'succeeded', {}),
    stop: async () => {},
    resume: async () => {},
    close: async () => {},
  };
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
      const [path = '', query = ''] = (req.url ?? '').split('?');
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
      } else if (req.method === 'POST' && path === '/v1/products') {
        const metadata: Record<string, string> = {};
        for (const [k, v] of Object.entries(form)) {
          const m = /^metadata\[(.+)\]$/.exec(k);
          if (m) metadata[m[1]!] = v;
        }
        const product = { id: `prod_fake${++seq}`, object: 'product', name: form.name ?? '', metadata };
        products.set(product.id, product);
        body = product;
      } else if (req.method === 'GET' && /^\/v1\/subscriptions\/[\w-]+$/.test(path)) {
        const id = path.split('/').pop() ?? '';
        const sub = state.subscriptions.get(id);
        if (!sub) {
          send(404, {
            error: {
              type: 'invalid_request_error',
              code: 'resource_missing',
              message: `No such subscription: '${id}'`,
            },
          });
          return;
        }
        body = subscriptionBody(id, sub);
      } else if (
        req.method === 'POST' &&
        /^\/v1\/subscriptions\/[\w-]+$/.test(path) &&
        form['items[0][id]'] !== undefined
      ) {
        // Item changes (a plan change): prorated and invoiced at once; a declined card refuses it.
        const id = path.split('/').pop() ?? '';
        const sub = state.subscriptions.get(id);
        if (!sub) {
          send(404, {
            error: {
              type: 'invalid_request_error',
              code: 'resource_missing',
              message: `No such subscription: '${id}'`,
            },
          });
          return;
        }
        if (state.declineSubscriptionUpdates) {
          send(402, {
            error: {
              type: 'card_error',
              code: 'card_declined',
              decline_code: 'generic_decline',
              message: 'Your card was declined.',
            },
          });
          return;
        }
        for (let i = 0; form[`items[${i}][id]`] !== undefined; i++) {
          const item = sub.items.find((it) => it.id === form[`items[${i}][id]`]);
          if (!item) continue;
          if (form[`items[${i}][deleted]`] === 'true') {
            sub.items = sub.items.filter((it) => it !== item);
            continue;
          }
          const product = products.get(form[`items[${i}][price_data][product]`] ?? '');
          if (product) {
            item.productId = product.id;
            item.name = product.name;
            item.metadata = product.metadata;
          }
          item.unitAmount = Number(form[`items[${i}][price_data][unit_amount]`] ?? item.unitAmount);
          item.quantity = Number(form[`items[${i}][quantity]`] ?? item.quantity);
        }
        body = subscriptionBody(id, sub);
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
      } else if (req.method === 'POST' && path === '/v1/refunds') {
        const paymentIntent = form.payment_intent ?? '';
        const amount = Number(form.amount);
        const pi = state.paymentIntents.get(paymentIntent);
        if (!paymentIntent.startsWith('pi_') || !Number.isSafeInteger(amount) || amount < 1) {
          send(400, { error: { type: 'invalid_request_error', message: 'Invalid refund request' } });
          return;
        }
        if (pi && refundedOf(paymentIntent) >= pi.amount) {
          send(400, {
            error: {
              type: 'invalid_request_error',
              code: 'charge_already_refunded',
              message: `Charge ch_${paymentIntent.slice(3)} has already been refunded.`,
            },
          });
          return;
        }
        if (pi && refundedOf(paymentIntent) + amount > pi.amount) {
          send(400, {
            error: {
              type: 'invalid_request_error',
              code: 'amount_too_large',
              message: `Refund amount (${amount}) is greater than unrefunded amount on charge.`,
            },
          });
          return;
        }
        const metadata: Record<string, string> = {};
        for (const [k, v] of Object.entries(form)) {
          const m = /^metadata\[(.+)\]$/.exec(k);
          if (m) metadata[m[1]!] = v;
        }
        body = newRefund(paymentIntent, amount, state.refundStatus, metadata);
      } else if (req.method === 'GET' && path.startsWith('/v1/payment_intents/')) {
        const id = decodeURIComponent(path.slice('/v1/payment_intents/'.length));
        const pi = state.paymentIntents.get(id);
        if (!pi) {
          send(404, {
            error: {
              type: 'invalid_request_error',
              code: 'resource_missing',
              message: `No such payment_intent: '${id}'`,
            },
          });
          return;
        }
        body = {
          id,
          object: 'payment_intent',
          amount: pi.amount,
          amount_received: pi.amount,
          currency: pi.currency,
          status: 'succeeded',
          metadata: pi.orderId ? { order_id: pi.orderId } : {},
          created: now,
          livemode: false,
        };
      } else if (req.method === 'GET' && path === '/v1/refunds') {
        const paymentIntent = new URLSearchParams(query).get('payment_intent');
        body = {
          object: 'list',
          url: '/v1/refunds',
          has_more: false,
          data: state.refunds.filter((r) => !paymentIntent || r.payment_intent === paymentIntent).reverse(),
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
  const port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${port}`;
  state.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  state.resume = () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
