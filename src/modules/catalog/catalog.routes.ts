import type { preHandlerAsyncHookHandler } from 'fastify';
import type { HttpServer } from '../../platform/http/server.ts';
import { notModified } from './catalog.http.ts';
import {
  BODY_ERRORS,
  CatalogEntrySchema,
  CatalogList,
  CatalogQuery,
  errors,
  QuoteAccepted,
  QuoteBody,
  SkuParams,
  SkuQuery,
} from './catalog.schema.ts';
import type { CatalogService } from './catalog.service.ts';
import type { QuoteService } from './quotes.service.ts';

/** The public JSON API: the catalog (cacheable, with ETags) and quote requests. */
export function registerCatalogRoutes(
  app: HttpServer,
  deps: { catalog: CatalogService; quotes: QuoteService; quoteLimit: preHandlerAsyncHookHandler },
): void {
  const { catalog, quotes } = deps;
  const tags = ['catalog'];

  app.get(
    '/api/v1/catalog',
    {
      schema: {
        tags,
        summary: 'Every buyable SKU with its prices, limits and bundle contents',
        description:
          'Contact-sales items are not listed (they lead to a quote request). With `currency`, only SKUs sold in it, with only that price. Cacheable: `ETag` from the catalog version, `Cache-Control: public, max-age=60`; `If-None-Match` answers 304.',
        querystring: CatalogQuery,
        response: { 200: CatalogList, ...errors('VALIDATION_FAILED') },
      },
    },
    async (request, reply) => {
      const view = await catalog.view();
      if (notModified(request, reply, view.version)) return reply;
      return { version: view.version, items: await catalog.list(request.query, view) };
    },
  );

  app.get(
    '/api/v1/catalog/:sku',
    {
      schema: {
        tags,
        summary: 'One SKU (buyable or contact-sales)',
        description:
          'A malformed code is `VALIDATION_FAILED` with the reason (e.g. `term "Q" is not defined`); a well-formed unknown one is `SKU_NOT_FOUND`.',
        params: SkuParams,
        querystring: SkuQuery,
        response: { 200: CatalogEntrySchema, ...errors('VALIDATION_FAILED', 'SKU_NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const view = await catalog.view();
      const entry = await catalog.get(request.params.sku, request.query.currency, view);
      if (notModified(request, reply, view.version)) return reply;
      return entry;
    },
  );

  app.post(
    '/api/v1/quotes',
    {
      preHandler: deps.quoteLimit,
      schema: {
        tags,
        summary: 'Ask for a quote on a contact-sales item',
        description:
          'Stores the request, mails staff and sends the requester a confirmation. Rate limited per client address. `website` is a honeypot: leave it out or empty.',
        body: QuoteBody,
        response: {
          202: QuoteAccepted,
          ...errors(...BODY_ERRORS, 'SKU_NOT_FOUND', 'RATE_LIMITED'),
        },
      },
    },
    async (request, reply) => {
      await quotes.request(request.body);
      return reply
        .code(202)
        .send({ status: 'accepted' as const, message: 'Thank you: we will get back to you shortly.' });
    },
  );
}
