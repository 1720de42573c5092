import type { preHandlerAsyncHookHandler } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';

/**
 * Quote requests are anonymous and each one mails staff: bounded per client
 * address, with one counter shared by the JSON route and the page form (the
 * accounts limiters' pattern: @fastify/rate-limit's store, in memory or Redis).
 */
export const QUOTE_LIMIT = { max: 5, windowMs: 10 * 60_000 };

export function createQuoteLimiter(app: HttpServer): preHandlerAsyncHookHandler {
  const perIp = app.createRateLimit({
    max: QUOTE_LIMIT.max,
    timeWindow: QUOTE_LIMIT.windowMs,
    keyGenerator: (req) => `quote-request:ip:${req.ip}`,
  });
  return async function quoteRateLimit(request, reply) {
    const result = await perIp(request);
    if (!result.isAllowed && result.isExceeded) {
      const retryAfter = String(Math.max(1, result.ttlInSeconds));
      reply.header('retry-after', retryAfter);
      throw new AppError('RATE_LIMITED', undefined, { headers: { 'retry-after': retryAfter } });
    }
  };
}
