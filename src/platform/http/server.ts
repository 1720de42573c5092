import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawServerDefault,
} from 'fastify';
import helmet from 'helmet';
import { Redis } from 'ioredis';
import type { Config } from '../../config.ts';
import type { Secrets } from '../crypto/secrets.ts';
import { AppError } from '../errors.ts';
import { type Logger, lazyChildLogger } from '../log.ts';
import { CSRF_COOKIE, installCsrfPolicy } from './csrf.ts';
import { type HtmlErrorRenderer, installErrorHandling, sendError } from './error-mapper.ts';
import type { Metrics } from './metrics.ts';
import { compileSerializer } from './serializer.ts';
import { MemoryWindowCounters, RedisWindowCounters, type WindowCounters } from './window-counters.ts';

export type HttpServer = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface HttpServerOptions {
  config: Config;
  log: Logger;
  secrets: Secrets;
  metrics: Metrics;
  renderErrorPage?: HtmlErrorRenderer;
  /** Key prefix of rate-limit counters in Redis (tests isolate themselves with it). */
  rateLimitNamespace?: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,100}$/;

export interface RouteRecord {
  method: string;
  url: string;
  schema: Record<string, unknown> | undefined;
}

const routeRecords = new WeakMap<object, RouteRecord[]>();

/**
 * Every route registered on a server, for the tests that hold all routes to the same rules.
 * Given a scope (an encapsulated instance inherits from its parent), the whole server's.
 */
export function registeredRoutes(app: object): readonly RouteRecord[] {
  for (let o: object | null = app; o; o = Object.getPrototypeOf(o)) {
    const found = routeRecords.get(o);
    if (found) return found;
  }
  return [];
}

function ajvFor(coerce: boolean): Ajv {
  // Bodies are never coerced ("12" is not a number) and never silently
  // stripped: an unknown field is a 400, not a quiet success.
  const ajv = new Ajv({
    allErrors: false,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    strict: false,
  });
  addFormats.default(ajv, ['email', 'uri', 'date-time', 'date', 'uuid', 'hostname']);
  return ajv;
}

/**
 * Compiled validators and serializers, shared by the servers of one process and keyed by the
 * schema's content: the compiled functions depend on nothing but the schema and the Ajv
 * options above. Production builds one server per process, so this changes nothing there;
 * the test suite builds one per test app, and compiling every route's schemas again was
 * about a third of each build's CPU time.
 */
const compiled = new Map<string, unknown>();
let sharedBodyAjv: Ajv | undefined;
let sharedOtherAjv: Ajv | undefined;
const bodyAjv = () => (sharedBodyAjv ??= ajvFor(false));
const otherAjv = () => (sharedOtherAjv ??= ajvFor(true));

function compiledOnce<T>(kind: string, schema: unknown, compile: () => T): T {
  const key = `${kind}\0${JSON.stringify(schema)}`;
  if (compiled.has(key)) return compiled.get(key) as T;
  const fn = compile();
  compiled.set(key, fn);
  return fn;
}

/**
 * The security headers helmet sets (CSP, HSTS, nosniff…), computed once. They are the same on
 * every answer, and @fastify/helmet rebuilt helmet's middleware, CSP parsing included, on every
 * request: about a tenth of a small JSON answer's CPU time (bench:licenses profile).
 */
function precomputedHeaders(middleware: ReturnType<typeof helmet>): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader() {},
  };
  let failure: unknown;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure;
  return headers;
}

/**
 * The server's core, shared by every route: request ids, security headers, error mapping,
 * metrics, compiled schemas, the rate-limit counters and the API documentation. Routes that
 * machines call (the license API) are registered in a scope on this core alone
 * (`App.buildHttp`); everything else in a sibling scope with the web stack (`installWebStack`).
 */
export async function createHttpRoot(options: HttpServerOptions): Promise<HttpServer> {
  const { config, log, metrics } = options;
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    childLoggerFactory: (logger, bindings, childOptions) =>
      lazyChildLogger(logger as Logger, bindings, childOptions) as FastifyBaseLogger,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Errors the router raises before any route runs (bad URL encoding, an
    // over-long path segment) go through the same mapper as everything else.
    frameworkErrors: (error, request, reply) => sendError(request, reply, error, options.renderErrorPage),
  }).withTypeProvider<TypeBoxTypeProvider>();

  const records: RouteRecord[] = [];
  routeRecords.set(app, records);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      records.push({ method, url: route.url, schema: route.schema as Record<string, unknown> | undefined });
    }
  });

  app.setValidatorCompiler(({ schema, httpPart }) =>
    compiledOnce(httpPart === 'body' ? 'body' : 'other', schema, () =>
      (httpPart === 'body' ? bodyAjv() : otherAjv()).compile(schema),
    ),
  );
  app.setSerializerCompiler((route) =>
    compiledOnce('response', route.schema, () => compileSerializer(route)),
  );

  installErrorHandling(app, options.renderErrorPage);
  metrics.install(app);

  // Hooks every request runs are callback-style: an async hook costs a promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // While closing, answers to in-flight requests end their connection, so a
  // keep-alive client does not hold the shutdown open until its idle timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    // Nothing is cacheable unless a route says so (public pages and assets do).
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  const securityHeaders = precomputedHeaders(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          mediaSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: config.secureCookies ? [] : null,
        },
      },
      // HSTS only makes sense (and is only honoured) over TLS.
      strictTransportSecurity: config.secureCookies ? { maxAge: 31536000, includeSubDomains: true } : false,
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    }),
  );
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(securityHeaders);
    done();
  });
  // With several web processes the counters must be shared, or each process
  // would grant the full allowance: Redis when configured, memory otherwise.
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000, enableOfflineQueue: true })
    : undefined;
  if (redis) {
    redis.on('error', (err) => log.warn({ err: { message: err.message } }, 'redis error'));
    app.addHook('onClose', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
  }
  const counters: WindowCounters = redis
    ? new RedisWindowCounters(redis, options.rateLimitNamespace ?? 'fhiriq:rl:', log)
    : new MemoryWindowCounters();
  app.decorate('windowCounters', counters);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'FHIR IQ API',
        version: '1',
        description:
          'Every JSON route of FHIR IQ. Errors share one shape: `{ "error": { "code", "message", "details"?, "requestId" } }`; the codes are listed in docs/errors.md.',
      },
      components: {
        securitySchemes: {
          bearerToken: { type: 'http', scheme: 'bearer', description: 'A personal API token (`fiq_…`).' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'fhiriq.session_token' },
        },
      },
    },
  });
  // Under /api: /docs is the products' documentation (the content module).
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    uiConfig: { docExpansion: 'list' },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  return app;
}

/**
 * What pages and browser-facing APIs need on top of the core: compression, cookies, form
 * bodies, the CSRF policy, Cache-Control for answers that set cookies, and the rate-limit
 * plugin (its counters in Redis when configured). Installed in the scope the web routes live in;
 * machine-facing routes stay outside it and pay for none of its hooks.
 */
export async function installWebStack(app: HttpServer, options: HttpServerOptions): Promise<void> {
  const { config, secrets } = options;
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await app.register(cookie, { secret: secrets.key('cookie').toString('base64url') });
  await app.register(formbody, { bodyLimit: config.bodyLimit });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, signed: true },
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
      const header = req.headers['x-csrf-token'];
      return fromBody ?? (typeof header === 'string' ? header : undefined);
    },
  });
  installCsrfPolicy(app, config);
  // Registered after @fastify/cookie's onSend, so it sees the Set-Cookie header: an answer that
  // sets a cookie (a CSRF secret, a session) belongs to one visitor, and a shared cache must
  // never hand it to another, whatever Cache-Control the route chose.
  app.addHook('onSend', async (_request, reply, payload) => {
    const cacheControl = reply.getHeader('cache-control');
    if (
      typeof cacheControl === 'string' &&
      /\bpublic\b/.test(cacheControl) &&
      reply.hasHeader('set-cookie')
    ) {
      reply.header('cache-control', cacheControl.replace(/\bpublic\b/, 'private'));
    }
    return payload;
  });
  const redis = app.windowCounters instanceof RedisWindowCounters ? app.windowCounters.redis : undefined;
  await app.register(rateLimit, {
    global: false,
    ...(redis ? { redis, nameSpace: options.rateLimitNamespace ?? 'fhiriq:rl:', skipOnError: true } : {}),
    errorResponseBuilder: (_req, ctx) =>
      new AppError('RATE_LIMITED', undefined, {
        headers: { 'retry-after': String(Math.ceil(ctx.ttl / 1000)) },
      }),
  });
}

/** A server with the core and the web stack in one scope (tests, and servers without machine routes). */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const app = await createHttpRoot(options);
  await installWebStack(app, options);
  return app;
}
