import type { preHandlerAsyncHookHandler } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';

/**
 * The contact form is anonymous and each message mails staff: at most 5 posts per client
 * address in 10 minutes (the quote limiter's pattern: @fastify/rate-limit's store, in memory
 * or Redis), on top of the service's per-email limit. Counted before the body is looked at,
 * so a bot's refused posts count too.
 */
export const CONTACT_LIMIT = { max: 5, windowMs: 10 * 60_000 };

export function createContactLimiter(app: HttpServer): preHandlerAsyncHookHandler {
  const perIp = app.createRateLimit({
    max: CONTACT_LIMIT.max,
    timeWindow: CONTACT_LIMIT.windowMs,
    keyGenerator: (req) => `contact:ip:${req.ip}`,
  });
  return async function contactRateLimit(request, reply) {
    const result = await perIp(request);
    if (!result.isAllowed && result.isExceeded) {
      const retryAfter = String(Math.max(1, result.ttlInSeconds));
      reply.header('retry-after', retryAfter);
      throw new AppError('RATE_LIMITED', undefined, { headers: { 'retry-after': retryAfter } });
    }
  };
}
