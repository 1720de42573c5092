import Type from 'typebox';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { priceJson, quoteJson, skuAdminJson, staffOf } from './catalog.http.ts';
import {
  BODY_ERRORS,
  BundleItemsBody,
  BundleItemsSchema,
  ChangePriceBody,
  CreatePriceBody,
  EmptyBody,
  errors,
  IssuesSchema,
  PriceParams,
  PriceSchema,
  ProductAdminSchema,
  ProductParams,
  ProductPatchBody,
  QuoteListQuery,
  QuoteParams,
  QuoteSchema,
  QuoteStatusBody,
  SkuAdminSchema,
  SkuParams,
  SkuPatchBody,
} from './catalog.schema.ts';
import type { CatalogService } from './catalog.service.ts';
import type { QuoteService } from './quotes.service.ts';

/**
 * Staff JSON API of the catalog. Every edit is checked (an edit that would
 * introduce an error-level issue is `CATALOG_INVALID` and changes nothing)
 * and audited with the state before and after.
 */
export function registerCatalogAdminRoutes(
  app: HttpServer,
  deps: { catalog: CatalogService; quotes: QuoteService; accounts: AccountsModule },
): void {
  const { catalog, quotes, accounts } = deps;
  const tags = ['catalog admin'];
  const manage = { preHandler: accounts.requirePermission('admin.catalog.manage') };
  const security: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerToken: [] }];
  const staffErrors = ['UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'] as const;
  const editErrors = errors(
    ...BODY_ERRORS,
    ...staffErrors,
    'SKU_NOT_FOUND',
    'NOT_FOUND',
    'CONFLICT',
    'CATALOG_INVALID',
  );

  app.get(
    '/api/v1/admin/catalog/issues',
    {
      ...manage,
      schema: {
        tags,
        summary: 'The catalog checker\u2019s report',
        description:
          'Errors, warnings and notes about the catalog as it is now (e.g. a bundle dearer than its parts).',
        security,
        response: { 200: IssuesSchema, ...errors(...staffErrors) },
      },
    },
    async () => ({ issues: await catalog.issues() }),
  );

  app.patch(
    '/api/v1/admin/catalog/products/:key',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Change how a product is delivered (its type)',
        description:
          'The type decides the activation steps of the delivery mail and the onboarding mails. It must fit the product: a tool is `desktop_software` or `web_service`, a course `training_course`, consulting `consulting`, a bundle `bundle`. Audited.',
        security,
        params: ProductParams,
        body: ProductPatchBody,
        response: { 200: ProductAdminSchema, ...editErrors },
      },
    },
    async (request) => {
      const p = await catalog.updateProduct(staffOf(request), request.params.key, request.body);
      return { key: p.key, slug: p.slug, name: p.name, kind: p.kind, type: p.type };
    },
  );

  app.get(
    '/api/v1/admin/catalog/skus/:sku',
    {
      ...manage,
      schema: {
        tags,
        summary: 'A SKU with its whole price history',
        security,
        params: SkuParams,
        response: { 200: SkuAdminSchema, ...errors(...staffErrors, 'VALIDATION_FAILED', 'SKU_NOT_FOUND') },
      },
    },
    async (request) => {
      const { sku, prices } = await catalog.skuWithPrices(request.params.sku);
      return skuAdminJson(sku, prices);
    },
  );

  app.patch(
    '/api/v1/admin/catalog/skus/:sku',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Edit a SKU\u2019s name, limits (licenses) or status',
        security,
        params: SkuParams,
        body: SkuPatchBody,
        response: { 200: SkuAdminSchema, ...editErrors },
      },
    },
    async (request) => {
      const sku = await catalog.updateSku(staffOf(request), request.params.sku, request.body);
      return skuAdminJson(sku, (await catalog.skuWithPrices(sku.code)).prices);
    },
  );

  app.put(
    '/api/v1/admin/catalog/skus/:sku/items',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Replace the contents of a bundle',
        security,
        params: SkuParams,
        body: BundleItemsBody,
        response: { 200: BundleItemsSchema, ...editErrors },
      },
    },
    async (request) => {
      const items = await catalog.setBundleItems(staffOf(request), request.params.sku, request.body.items);
      return { items: items.map((i) => ({ sku: i.componentSku, quantity: i.quantity })) };
    },
  );

  app.post(
    '/api/v1/admin/catalog/prices',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Add a price for a SKU in a currency that has no active price',
        security,
        body: CreatePriceBody,
        response: { 201: PriceSchema, ...editErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(priceJson(await catalog.createPrice(staffOf(request), request.body))),
  );

  app.patch(
    '/api/v1/admin/catalog/prices/:id',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Change a price\u2019s amount',
        description:
          'Archives the price and adds a new active one with the new amount: subscriptions and orders on the old price keep reading it.',
        security,
        params: PriceParams,
        body: ChangePriceBody,
        response: {
          200: Type.Object({ archived: PriceSchema, price: PriceSchema }, { additionalProperties: false }),
          ...editErrors,
        },
      },
    },
    async (request) => {
      const { archived, price } = await catalog.changePrice(
        staffOf(request),
        request.params.id,
        request.body.amount,
      );
      return { archived: priceJson(archived), price: priceJson(price) };
    },
  );

  app.post(
    '/api/v1/admin/catalog/prices/:id/archive',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Archive a price (it stays readable by id)',
        security,
        params: PriceParams,
        body: EmptyBody,
        response: { 200: PriceSchema, ...editErrors },
      },
    },
    async (request) => priceJson(await catalog.archivePrice(staffOf(request), request.params.id)),
  );

  app.get(
    '/api/v1/admin/quotes',
    {
      preHandler: accounts.requirePermission('admin.quotes.read'),
      schema: {
        tags,
        summary: 'Quote requests, newest first',
        security,
        querystring: QuoteListQuery,
        response: {
          200: Type.Object({ quotes: Type.Array(QuoteSchema) }, { additionalProperties: false }),
          ...errors(...staffErrors, 'VALIDATION_FAILED'),
        },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0 } = request.query;
      return { quotes: (await quotes.list({ limit, offset })).map(quoteJson) };
    },
  );

  app.post(
    '/api/v1/admin/quotes/:id/status',
    {
      preHandler: accounts.requirePermission('admin.quotes.manage'),
      schema: {
        tags,
        summary: 'Move a quote request to its next status, with a note (audited)',
        description:
          'new → contacted → won or lost; new may go straight to won or lost; won and lost are final. Any other move is 409 `QUOTE_STATUS_CONFLICT` and changes nothing.',
        security,
        params: QuoteParams,
        body: QuoteStatusBody,
        response: {
          200: QuoteSchema,
          ...errors(...BODY_ERRORS, ...staffErrors, 'NOT_FOUND', 'QUOTE_STATUS_CONFLICT'),
        },
      },
    },
    async (request) =>
      quoteJson(await quotes.changeStatus(staffOf(request), request.params.id, request.body)),
  );
}
