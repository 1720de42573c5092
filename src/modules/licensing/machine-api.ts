import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { type KeyParse, parseLicenseKey } from './domain/license-key.ts';
import { type SigningKeyStore, signBody } from './signing-keys.ts';

/** The rate limits' window. */
const WINDOW_MS = 60_000;

/**
 * What every machine-facing license route shares (validate, activate, deactivate, heartbeat,
 * certificate, usage): rate limits per key and per client address, answers signed over their
 * exact bytes, `no-store`, and CORS for browser apps.
 *
 * The key in the body is the only credential (no cookie is read), so a cross-site caller gains
 * nothing a direct client lacks: browser apps (SMART on FHIR apps, our hosted tools) may call
 * these routes, with CORS and outside the CSRF/Origin policy that protects cookie sessions.
 */
const parsedKeys = new WeakMap<FastifyRequest, KeyParse>();

/**
 * The key of a request's body, parsed once per request: the rate limit and the route both need
 * it, and its check group is a SHA-256.
 */
export function requestKey(request: FastifyRequest): KeyParse {
  let parsed = parsedKeys.get(request);
  if (!parsed) {
    const key = (request.body as { key?: unknown } | undefined)?.key;
    parsed = typeof key === 'string' ? parseLicenseKey(key) : { ok: false, reason: 'empty' };
    parsedKeys.set(request, parsed);
  }
  return parsed;
}

export function machineApi(
  app: HttpServer,
  options: {
    /** Counter namespace (`license`, `usage`): each family of routes has its own budget. */
    name: string;
    signingKeys: SigningKeyStore;
    /** Requests a minute per key and per client address. */
    limits: { perKey: number; perIp: number };
  },
) {
  const counters = app.windowCounters;
  const refuse = (reply: FastifyReply, retryAfterSeconds: number) => {
    const retryAfter = String(retryAfterSeconds);
    reply.header('retry-after', retryAfter);
    return new AppError('RATE_LIMITED', undefined, { headers: { 'retry-after': retryAfter } });
  };
  return {
    config: { csrf: false },
    // Answers are small JSON (under 1 KB, below the compression threshold): the compression
    // plugin's three per-request hooks would cost time for nothing on the hottest routes.
    compress: false as const,
    // Both budgets (per client address: a wall for key guessing; per key) in one check: one map
    // lookup each in memory, one round trip with Redis.
    preHandler: (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
      const parsed = requestKey(request);
      const budgets = [
        { key: `${options.name}:ip:${request.ip}`, max: options.limits.perIp },
        { key: `${options.name}:key:${parsed.ok ? parsed.body : 'malformed'}`, max: options.limits.perKey },
      ];
      const verdict = counters.hit(budgets, WINDOW_MS);
      if (!(verdict instanceof Promise))
        return verdict.allowed ? done() : done(refuse(reply, verdict.retryAfterSeconds));
      verdict.then(
        (v) => (v.allowed ? done() : done(refuse(reply, v.retryAfterSeconds))),
        (err: Error) => done(err),
      );
    },
    // Signed after serialization: the signature covers the exact bytes sent.
    onSend: (
      _request: FastifyRequest,
      reply: FastifyReply,
      payload: unknown,
      done: (err: Error | null, payload?: unknown) => void,
    ) => {
      reply.header('cache-control', 'no-store');
      reply.header('access-control-allow-origin', '*');
      reply.header('access-control-expose-headers', 'fhiriq-signature, retry-after');
      if (typeof payload !== 'string' || reply.statusCode !== 200) return done(null, payload);
      signBody(options.signingKeys, payload).then(
        (signature) => {
          reply.header('fhiriq-signature', signature);
          done(null, payload);
        },
        (err: Error) => done(err),
      );
    },
  };
}

/** CORS preflight answers for machine-facing routes (POST with a JSON body, no credentials). */
export function allowBrowsers(app: HttpServer, paths: readonly string[]): void {
  for (const path of paths)
    app.options(
      path,
      {
        schema: {
          tags: ['licensing'],
          summary: 'CORS preflight: browser apps on any origin may POST here (JSON, no credentials)',
          response: {
            204: Type.Null({ description: 'Allowed: POST with `content-type`, cached 10 minutes.' }),
          },
        },
      },
      async (_request, reply) => {
        reply
          .header('access-control-allow-origin', '*')
          .header('access-control-allow-methods', 'POST')
          .header('access-control-allow-headers', 'content-type')
          .header('access-control-max-age', '600')
          .code(204);
        return reply.send(null);
      },
    );
}
