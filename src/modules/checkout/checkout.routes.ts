import type { HttpServer } from '../../platform/http/server.ts';
import type { TaxQuote } from '../tax/index.ts';
import type { CartService } from './cart.service.ts';
import { applyCookie, ownerOf } from './checkout.http.ts';
import {
  AddItemBody,
  BODY_ERRORS,
  CartJson,
  CheckoutBody,
  CheckoutJson,
  CurrencyBody,
  errors,
  QuantityBody,
  QuoteBody,
  QuoteJson,
  SkuParams,
} from './checkout.schema.ts';
import type { CheckoutService } from './checkout.service.ts';

export const quoteJson = (cartId: string, cartVersion: number, q: TaxQuote) => ({
  cartId,
  cartVersion,
  currency: q.currency,
  lines: q.lines.map((l) => ({
    sku: l.sku,
    name: l.name,
    quantity: l.quantity,
    unitAmount: l.unitAmount,
    net: l.net,
    taxRate: l.taxRate,
    taxAmount: l.taxAmount,
    reason: l.reason,
    jurisdiction: l.jurisdiction,
  })),
  totals: q.totals,
  notes: q.notes,
  vat: { status: q.vat.status, ...(q.vat.vatId ? { vatId: q.vat.vatId } : {}) },
});

/** JSON: the caller's cart (guest cookie or signed-in user) and checkout. */
export function registerCheckoutRoutes(
  app: HttpServer,
  deps: { carts: CartService; checkout: CheckoutService; secureCookies: boolean },
): void {
  const { carts, checkout } = deps;
  const tags = ['cart'];
  const cartErrors = errors(
    ...BODY_ERRORS,
    'SKU_NOT_FOUND',
    'SKU_NOT_BUYABLE',
    'QUANTITY_NOT_ALLOWED',
    'EDITION_SEAT_LIMIT_EXCEEDED',
    'CURRENCY_NOT_AVAILABLE',
    'NOT_FOUND',
  );

  app.get(
    '/api/v1/cart',
    { schema: { tags, summary: 'The caller’s cart at today’s catalog prices', response: { 200: CartJson } } },
    async (request, reply) => {
      const r = await carts.get(ownerOf(request));
      applyCookie(reply, r.cookie, deps.secureCookies);
      return r.cart;
    },
  );

  app.post(
    '/api/v1/cart/items',
    {
      schema: {
        tags,
        summary: 'Add an item (or seats) to the cart',
        description:
          'Per-seat SKUs add seats (1–1000 in all); other SKUs are bought once (quantity 1). Contact-sales SKUs are refused. With `currency`, the cart switches to it if everything in it is sold there. A guest gets an HttpOnly cart cookie.',
        body: AddItemBody,
        response: { 200: CartJson, ...cartErrors },
      },
    },
    async (request, reply) => {
      const r = await carts.add(ownerOf(request), request.body);
      applyCookie(reply, r.cookie, deps.secureCookies);
      return r.cart;
    },
  );

  app.patch(
    '/api/v1/cart/items/:sku',
    {
      schema: {
        tags,
        summary: 'Change the quantity of a line',
        params: SkuParams,
        body: QuantityBody,
        response: { 200: CartJson, ...cartErrors },
      },
    },
    async (request, reply) => {
      const r = await carts.setQuantity(ownerOf(request), request.params.sku, request.body.quantity);
      applyCookie(reply, r.cookie, deps.secureCookies);
      return r.cart;
    },
  );

  app.delete(
    '/api/v1/cart/items/:sku',
    {
      schema: {
        tags,
        summary: 'Remove a line',
        params: SkuParams,
        response: { 200: CartJson, ...errors(...BODY_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const r = await carts.remove(ownerOf(request), request.params.sku);
      applyCookie(reply, r.cookie, deps.secureCookies);
      return r.cart;
    },
  );

  app.patch(
    '/api/v1/cart',
    {
      schema: {
        tags,
        summary: 'Change the cart’s currency',
        description:
          'Every line is re-priced from the catalog; refused (`CURRENCY_NOT_AVAILABLE`, nothing changed) if an item is not sold in it.',
        body: CurrencyBody,
        response: { 200: CartJson, ...errors(...BODY_ERRORS, 'CURRENCY_NOT_AVAILABLE') },
      },
    },
    async (request, reply) => {
      const r = await carts.setCurrency(ownerOf(request), request.body.currency);
      applyCookie(reply, r.cookie, deps.secureCookies);
      return r.cart;
    },
  );

  app.post(
    '/api/v1/checkout/quote',
    {
      schema: {
        tags: ['checkout'],
        summary: 'Tax and total for the cart and billing details, before paying',
        body: QuoteBody,
        response: {
          200: QuoteJson,
          ...errors(
            ...BODY_ERRORS,
            'UNKNOWN_SKU',
            'VAT_ID_INVALID',
            'REGION_REQUIRED',
            'CART_EMPTY',
            'EDITION_SEAT_LIMIT_EXCEEDED',
          ),
        },
      },
    },
    async (request) => {
      const r = await checkout.quote(ownerOf(request), request.body.billing);
      return quoteJson(r.cartId, r.cartVersion, r.quote);
    },
  );

  app.post(
    '/api/v1/checkout',
    {
      schema: {
        tags: ['checkout'],
        summary: 'Place the order: one order and one payment per cart version',
        description:
          'Idempotent by cart id + version: repeating it (or sending it 50 times at once) answers the same order (`created: false` for the repeats). A guest checkout creates or links the account of the billing email without saying which. Pay at `payUrl`. When the payment provider cannot be reached, the order is still placed and the answer is 503 `PAYMENT_PAGE_UNAVAILABLE`: repeat the same request later to get its `payUrl`.',
        body: CheckoutBody,
        response: {
          200: CheckoutJson,
          201: CheckoutJson,
          ...errors(
            ...BODY_ERRORS,
            'UNKNOWN_SKU',
            'VAT_ID_INVALID',
            'REGION_REQUIRED',
            'CART_EMPTY',
            'CART_CHANGED',
            'CART_MIXED_INTERVALS',
            'EDITION_SEAT_LIMIT_EXCEEDED',
            'CHECKOUT_DISABLED',
            'PAYMENT_PAGE_UNAVAILABLE',
          ),
        },
      },
    },
    async (request, reply) => {
      const r = await checkout.checkout(ownerOf(request), request.body, { ip: request.ip });
      return reply.code(r.created ? 201 : 200).send(r);
    },
  );
}
