import type { preHandlerAsyncHookHandler } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { QuoteBody, QuoteResponse } from './tax.schema.ts';
import type { TaxQuoteService } from './tax.service.ts';

/** Quotes are cheap but anonymous: bound them per IP (a checkout page re-quotes as the form changes). */
export const QUOTE_LIMIT = { max: 120, windowMs: 60_000 };

function quoteLimiter(app: HttpServer): preHandlerAsyncHookHandler {
  const limit = app.createRateLimit({
    max: QUOTE_LIMIT.max,
    timeWindow: QUOTE_LIMIT.windowMs,
    keyGenerator: (req) => `tax-quote:ip:${req.ip}`,
  });
  return async (request, reply) => {
    const result = await limit(request);
    if (!result.isAllowed && result.isExceeded) {
      const retryAfter = String(Math.max(1, result.ttlInSeconds));
      reply.header('retry-after', retryAfter);
      throw new AppError('RATE_LIMITED', undefined, { headers: { 'retry-after': retryAfter } });
    }
  };
}

export function registerTaxRoutes(app: HttpServer, deps: { quotes: TaxQuoteService }): void {
  const rateLimit = quoteLimiter(app);
  app.post(
    '/api/v1/tax/quote',
    {
      preHandler: rateLimit,
      schema: {
        tags: ['tax'],
        summary: 'Quote tax for a basket',
        description:
          'Prices come from the catalog; tax per line and per tax component (half-up, minor units) by the customer’s jurisdiction: EU VAT (reverse charge for a business with a verified VAT ID in another member state), UK VAT (reverse charge for a UK business with a GB VAT number, unless the seller is in the UK), Canadian GST/HST by province with Quebec QST and BC/SK/MB PST beside the GST (a business giving its GST/HST number self-assesses the GST/HST: `self_assessed`), US state rules where configured. A VAT ID awaiting VIES is reported as `vat_pending_verification`, never guessed.',
        body: QuoteBody,
        response: {
          200: QuoteResponse,
          ...errorResponses(
            'VALIDATION_FAILED',
            'MALFORMED_JSON',
            'UNKNOWN_SKU',
            'VAT_ID_INVALID',
            'REGION_REQUIRED',
            'RATE_LIMITED',
            'TAX_RATE_MISSING',
          ),
        },
      },
    },
    async (request) => deps.quotes.quote(request.body),
  );
}
