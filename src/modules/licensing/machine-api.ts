import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { parseLicenseKey } from './domain/license-key.ts';
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
  const perIp = app.createRateLimit({
    max: options.limits.perIp,
    timeWindow: WINDOW_MS,
    keyGenerator: (req) => `${options.name}:ip:${req.ip}`,
  });
  const perKey = app.createRateLimit({
    max: options.limits.perKey,
    timeWindow: WINDOW_MS,
    keyGenerator: (req) => {
      const key = (req.body as { key?: unknown } | undefined)?.key;
      const parsed = typeof key === 'string' ? parseLicenseKey(key) : undefined;
      return `${options.name}:key:${parsed?.ok ? parsed.body : 'malformed'}`;
    },
  });
  return {
    config: { csrf: false },
    // Answers are small JSON (under 1 KB, below the compression threshold): the compression
    // plugin's three per-request hooks would cost time for nothing on the hottest routes.
    compress: false as const,
    preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
      for (const check of [perIp, perKey]) {
        const r = await check(request);
        if (!r.isAllowed && r.isExceeded) {
          const retryAfter = String(Math.max(1, r.ttlInSeconds));
          reply.header('retry-after', retryAfter);
          throw new AppError('RATE_LIMITED', undefined, { headers: { 'retry-after': retryAfter } });
        }
      }
    },
    // Signed after serialization: the signature covers the exact bytes sent.
    onSend: async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (typeof payload === 'string' && reply.statusCode === 200)
        reply.header('fhiriq-signature', await signBody(options.signingKeys, payload));
      reply.header('cache-control', 'no-store');
      reply.header('access-control-allow-origin', '*');
      reply.header('access-control-expose-headers', 'fhiriq-signature, retry-after');
      return payload;
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
