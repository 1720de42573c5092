import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import Type from 'typebox';
import { AppError, isAppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { CartService, CartView } from './cart.service.ts';
import { applyCookie, ownerOf } from './checkout.http.ts';
import { type CheckoutService, PaymentPageUnavailableError } from './checkout.service.ts';
import type { BillingInput } from './domain/billing.ts';
import { CartPage } from './views/cart-views.tsx';
import {
  BILLING_FIELDS,
  type BillingForm,
  CheckoutPage,
  type CheckoutPageProps,
} from './views/checkout-views.tsx';

function html(reply: FastifyReply, page: VNode, status = 200) {
  return sendPage(reply, page, { status, private: true });
}

const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
// Forms: unknown fields (a tampered price, a browser's extras) are ignored, never used; lengths bounded.
const form = <P extends Parameters<typeof Type.Object>[0]>(p: P) =>
  Type.Object({ ...p, _csrf: field(200) }, { additionalProperties: true });
const AddForm = form({ sku: field(64), quantity: field(10), currency: field(3) });
const SkuForm = form({ sku: field(64), quantity: field(10) });
const CurrencyForm = form({ currency: field(3) });
const billingProps = Object.fromEntries(BILLING_FIELDS.map((f) => [f, field(254)])) as Record<
  (typeof BILLING_FIELDS)[number],
  ReturnType<typeof field>
>;
const BillingFormSchema = form({ ...billingProps, cartId: field(40), cartVersion: field(12) });

/** A form quantity: digits only ("1.5", "-2", "1e3" are refused, not rounded). */
function quantityOf(raw: string | undefined): number {
  if (raw === undefined || !/^\d{1,7}$/.test(raw.trim())) {
    throw new AppError('QUANTITY_NOT_ALLOWED', 'Enter a whole number of seats between 1 and 1000.');
  }
  return Number(raw.trim());
}

function billingOf(values: BillingForm): BillingInput {
  return {
    name: values.name ?? '',
    organization: values.organization || undefined,
    email: values.email ?? '',
    line1: values.line1 ?? '',
    line2: values.line2 || undefined,
    city: values.city ?? '',
    postalCode: values.postalCode ?? '',
    country: values.country ?? '',
    region: values.region || undefined,
    vatId: values.customerType === 'business' ? values.vatId || undefined : undefined,
    business: values.customerType === 'business',
  };
}

function fieldErrors(err: AppError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of err.details ?? []) {
    const key = d.path?.replace(/^\/billing\//, '').replace(/^\/customer\//, '');
    if (key && (BILLING_FIELDS as readonly string[]).includes(key)) out[key] ??= d.message;
  }
  return out;
}

const PAGE_ERRORS = new Set([
  'VALIDATION_FAILED',
  'SKU_NOT_FOUND',
  'SKU_NOT_BUYABLE',
  'QUANTITY_NOT_ALLOWED',
  'EDITION_SEAT_LIMIT_EXCEEDED',
  'CURRENCY_NOT_AVAILABLE',
  'UNKNOWN_SKU',
  'VAT_ID_INVALID',
  'REGION_REQUIRED',
  'CART_EMPTY',
  'CART_CHANGED',
  'CART_MIXED_INTERVALS',
  'CHECKOUT_DISABLED',
  'NOT_FOUND',
]);

/** Cart and checkout pages. Every step is a plain form; errors re-render the page with the reason. */
export function registerCheckoutPages(
  app: HttpServer,
  deps: { carts: CartService; checkout: CheckoutService; accounts: AccountsModule; secureCookies: boolean },
): void {
  const { carts, checkout, accounts } = deps;
  const chrome = (request: FastifyRequest, reply: FastifyReply) => accounts.pageChrome(request, reply);

  async function cartPage(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { error?: string; status?: string } = {},
    code = 200,
  ) {
    const r = await carts.get(ownerOf(request));
    applyCookie(reply, r.cookie, deps.secureCookies);
    return html(reply, CartPage({ ...chrome(request, reply), cart: r.cart, ...extra }), code);
  }

  /** Runs a cart change; success → 303 /cart, a refusal → the cart page with the reason. */
  async function change(
    request: FastifyRequest,
    reply: FastifyReply,
    fn: () => Promise<{ cookie: Parameters<typeof applyCookie>[1] }>,
  ) {
    try {
      const r = await fn();
      applyCookie(reply, r.cookie, deps.secureCookies);
      return reply.redirect('/cart', 303);
    } catch (err) {
      if (isAppError(err) && PAGE_ERRORS.has(err.code)) {
        const detail = err.details
          ?.map((d) => d.message)
          .filter((m) => m !== err.message)
          .join('; ');
        return cartPage(
          request,
          reply,
          { error: detail ? `${err.message} (${detail})` : err.message },
          err.status,
        );
      }
      throw err;
    }
  }

  app.get('/cart', { schema: { hide: true } }, async (request, reply) => cartPage(request, reply));

  app.post('/cart/items', { schema: { hide: true, body: AddForm } }, async (request, reply) =>
    change(request, reply, () =>
      carts.add(ownerOf(request), {
        sku: request.body.sku ?? '',
        quantity: quantityOf(request.body.quantity ?? '1'),
        currency: request.body.currency || undefined,
      }),
    ),
  );

  app.post('/cart/update', { schema: { hide: true, body: SkuForm } }, async (request, reply) =>
    change(request, reply, () =>
      carts.setQuantity(ownerOf(request), request.body.sku ?? '', quantityOf(request.body.quantity)),
    ),
  );

  app.post('/cart/remove', { schema: { hide: true, body: SkuForm } }, async (request, reply) =>
    change(request, reply, () => carts.remove(ownerOf(request), request.body.sku ?? '')),
  );

  app.post('/cart/currency', { schema: { hide: true, body: CurrencyForm } }, async (request, reply) =>
    change(request, reply, () => carts.setCurrency(ownerOf(request), request.body.currency ?? '')),
  );

  async function checkoutPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: BillingForm,
    extra: Partial<CheckoutPageProps> = {},
    code = 200,
  ) {
    const r = await carts.get(ownerOf(request));
    applyCookie(reply, r.cookie, deps.secureCookies);
    const available = checkout.available();
    const cart: CartView = r.cart;
    return html(
      reply,
      CheckoutPage({
        ...chrome(request, reply),
        cart,
        values,
        disabled: available.ok
          ? null
          : 'Online checkout is not available right now: no payment provider is configured. Please contact us to order.',
        ...extra,
      }),
      available.ok ? code : 503,
    );
  }

  function pageError(err: unknown): { errors: Record<string, string>; error: string; status: number } {
    if (isAppError(err) && PAGE_ERRORS.has(err.code)) {
      const errors = fieldErrors(err);
      if (err.code === 'VAT_ID_INVALID') errors.vatId ??= err.message;
      if (err.code === 'REGION_REQUIRED') errors.region ??= err.message;
      return { errors, error: err.message, status: err.status };
    }
    throw err;
  }

  app.get('/checkout', { schema: { hide: true } }, async (request, reply) => {
    const actor = request.actor;
    return checkoutPage(request, reply, { customerType: 'consumer', name: actor?.name, email: actor?.email });
  });

  app.post(
    '/checkout/review',
    { schema: { hide: true, body: BillingFormSchema } },
    async (request, reply) => {
      const values = request.body as BillingForm;
      try {
        const q = await checkout.quote(ownerOf(request), billingOf(values));
        return checkoutPage(request, reply, values, {
          quote: { cartId: q.cartId, cartVersion: q.cartVersion, quote: q.quote },
        });
      } catch (err) {
        const e = pageError(err);
        return checkoutPage(request, reply, values, { errors: e.errors, error: e.error }, e.status);
      }
    },
  );

  app.post('/checkout/place', { schema: { hide: true, body: BillingFormSchema } }, async (request, reply) => {
    const body = request.body;
    const values = body as BillingForm;
    const version =
      body.cartVersion && /^\d{1,10}$/.test(body.cartVersion) ? Number(body.cartVersion) : undefined;
    try {
      const r = await checkout.checkout(
        ownerOf(request),
        {
          billing: billingOf(values),
          cartId: body.cartId && /^crt_[0-9a-z]{26}$/.test(body.cartId) ? body.cartId : undefined,
          cartVersion: version,
        },
        { ip: request.ip },
      );
      return reply.redirect(r.payUrl ?? r.confirmationUrl, 303);
    } catch (err) {
      // The order exists: its confirmation page says the payment page is down and offers it later.
      if (err instanceof PaymentPageUnavailableError)
        return reply.redirect(checkout.confirmationUrl(err.orderId), 303);
      const e = pageError(err);
      return checkoutPage(request, reply, values, { errors: e.errors, error: e.error }, e.status);
    }
  });
}
