import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { normalizeEmail } from './domain/email.ts';

/**
 * Rate limits of the anonymous auth actions, built on @fastify/rate-limit's
 * store (Redis when REDIS_URL is set, so every web process shares the budget;
 * process memory otherwise). Each limiter
 * is created once and used by both the JSON route and the HTML form of the
 * same action, so switching between them buys no extra attempts; and each
 * checks two budgets, per IP and per account (the normalised email of the
 * parsed body — these run as preHandlers, after body parsing).
 *
 * Why not the routes' `config.rateLimit`: the plugin gives each route its own
 * store (the form and the JSON route would count separately) and runs only one
 * limiter per request (a second one on the same route is skipped).
 */
export interface LimitRule {
  name: string;
  max: number;
  windowMs: number;
  perAccount: boolean;
}

export type AccountLimiters = Record<
  'signIn' | 'signUp' | 'forgot' | 'resend' | 'reset' | 'verify',
  preHandlerAsyncHookHandler
>;

export const LIMIT_RULES: Record<keyof AccountLimiters, LimitRule> = {
  signIn: { name: 'sign-in', max: 5, windowMs: 60_000, perAccount: true },
  signUp: { name: 'sign-up', max: 5, windowMs: 10 * 60_000, perAccount: false },
  forgot: { name: 'forgot-password', max: 3, windowMs: 15 * 60_000, perAccount: true },
  resend: { name: 'resend-verification', max: 3, windowMs: 15 * 60_000, perAccount: true },
  // Token guessing is hopeless (the tokens are long and random), but a bound costs nothing.
  reset: { name: 'reset-password', max: 10, windowMs: 15 * 60_000, perAccount: false },
  verify: { name: 'verify-email', max: 10, windowMs: 15 * 60_000, perAccount: false },
};

function accountKey(request: FastifyRequest): string | null {
  const body = request.body as { email?: unknown } | null | undefined;
  if (!body || typeof body.email !== 'string') return null;
  const email = normalizeEmail(body.email);
  return email ? email.slice(0, 254) : null;
}

export function createLimiter(app: HttpServer, rule: LimitRule): preHandlerAsyncHookHandler {
  const perIp = app.createRateLimit({
    max: rule.max,
    timeWindow: rule.windowMs,
    keyGenerator: (req) => `${rule.name}:ip:${req.ip}`,
  });
  const perAccount = app.createRateLimit({
    max: rule.max,
    timeWindow: rule.windowMs,
    keyGenerator: (req) => `${rule.name}:account:${accountKey(req) ?? ''}`,
  });
  return async function rateLimit(request, reply) {
    const checks = [perIp(request)];
    if (rule.perAccount && accountKey(request)) checks.push(perAccount(request));
    for (const result of await Promise.all(checks)) {
      if (!result.isAllowed && result.isExceeded) {
        const retryAfter = String(Math.max(1, result.ttlInSeconds));
        reply.header('retry-after', retryAfter);
        throw new AppError('RATE_LIMITED', undefined, { headers: { 'retry-after': retryAfter } });
      }
    }
  };
}

export function createAccountLimiters(app: HttpServer): AccountLimiters {
  const entries = Object.entries(LIMIT_RULES).map(([k, rule]) => [k, createLimiter(app, rule)] as const);
  return Object.fromEntries(entries) as AccountLimiters;
}
