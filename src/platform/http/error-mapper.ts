import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseUnavailableError } from '../db/client.ts';
import { AppError, ERROR_CATALOG, type ErrorCode, type ErrorDetail, isAppError } from '../errors.ts';

/**
 * The one place that turns an error into an HTTP response. Everything else
 * throws `AppError` (or lets a library error bubble up); this file decides the
 * status, hides internals, and picks JSON or an HTML page.
 */

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[]; requestId: string };
}

export type HtmlErrorRenderer = (input: {
  status: number;
  code: ErrorCode;
  message: string;
  requestId: string;
}) => string;

/** PostgreSQL SQLSTATE → catalog code. Anything else is INTERNAL. */
const PG_CODES: Record<string, ErrorCode> = {
  '23505': 'CONFLICT', // unique_violation
  '23503': 'CONFLICT', // foreign_key_violation
  '23P01': 'CONFLICT', // exclusion_violation
  '40001': 'CONFLICT', // serialization_failure: the client may retry
  '40P01': 'CONFLICT', // deadlock_detected
  '23514': 'VALIDATION_FAILED', // check_violation
  '23502': 'VALIDATION_FAILED', // not_null_violation
  '22001': 'VALIDATION_FAILED', // string_data_right_truncation
  '22P02': 'VALIDATION_FAILED', // invalid_text_representation
  '22021': 'VALIDATION_FAILED', // character_not_in_repertoire (a NUL byte in text)
  '22003': 'VALIDATION_FAILED', // numeric_value_out_of_range
  '57P01': 'SERVICE_UNAVAILABLE', // admin_shutdown
  '57P03': 'SERVICE_UNAVAILABLE', // cannot_connect_now
  '53300': 'SERVICE_UNAVAILABLE', // too_many_connections
};

const POOL_WAIT_TIMEOUT = 'timeout exceeded when trying to connect';
const POOL_CONNECT_TIMEOUT = 'Connection terminated due to connection timeout';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_BAD_URL: 'NOT_FOUND',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
  FST_CSRF_INVALID_TOKEN: 'CSRF_INVALID',
  FST_CSRF_MISSING_SECRET: 'CSRF_INVALID',
};

interface Classified {
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
  headers?: Record<string, string>;
  /** Unexpected errors are logged with their stack; expected ones are not noise. */
  unexpected: boolean;
}

export function classifyError(err: unknown): Classified {
  if (isAppError(err)) {
    return {
      code: err.code,
      message: err.message,
      details: err.details,
      headers: err.headers,
      unexpected: err.status >= 500,
    };
  }
  const e = err as Partial<FastifyError> & { code?: string; validation?: ValidationIssue[]; name?: string };
  if (Array.isArray(e.validation)) {
    return {
      code: 'VALIDATION_FAILED',
      message: ERROR_CATALOG.VALIDATION_FAILED.message,
      details: e.validation.map(toDetail),
      unexpected: false,
    };
  }
  if (err instanceof DatabaseUnavailableError) return catalogued('SERVICE_UNAVAILABLE', true);
  // pg-pool's own errors carry no code: every connection in use for the whole wait (overload,
  // answered at once with a retry time, not as an internal error), or a new connection timing out.
  if (err instanceof Error && err.message === POOL_WAIT_TIMEOUT)
    return { ...catalogued('SERVICE_BUSY', false), headers: { 'retry-after': '1' } };
  if (err instanceof Error && err.message === POOL_CONNECT_TIMEOUT)
    return catalogued('SERVICE_UNAVAILABLE', true);
  if (typeof e.code === 'string') {
    const fastify = FASTIFY_CODES[e.code];
    if (fastify) return catalogued(fastify, false);
    // Only a real driver error has a five-character SQLSTATE.
    const pg = /^[0-9A-Z]{5}$/.test(e.code) ? PG_CODES[e.code] : undefined;
    if (pg) return catalogued(pg, pg === 'SERVICE_UNAVAILABLE');
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(e.code)) {
      return catalogued('SERVICE_UNAVAILABLE', true);
    }
  }
  if (e.statusCode === 429) return catalogued('RATE_LIMITED', false);
  if (e.name === 'SyntaxError' && e.statusCode === 400) return catalogued('MALFORMED_JSON', false);
  if (e.statusCode === 404) return catalogued('NOT_FOUND', false);
  return catalogued('INTERNAL', true);
}

function catalogued(code: ErrorCode, unexpected: boolean): Classified {
  return { code, message: ERROR_CATALOG[code].message, unexpected };
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

function toDetail(v: ValidationIssue): ErrorDetail {
  let path = v.instancePath || '';
  if (v.keyword === 'required' && typeof v.params?.missingProperty === 'string') {
    path = `${path}/${v.params.missingProperty}`;
  }
  if (v.keyword === 'additionalProperties' && typeof v.params?.additionalProperty === 'string') {
    return { path: `${path}/${v.params.additionalProperty}`, message: 'is not an accepted field' };
  }
  return { path: path || '/', message: v.message ?? 'is not valid' };
}

/** Browsers navigating to pages get HTML; API clients (and anything under /api) get JSON. */
export function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return false;
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
  renderHtml?: HtmlErrorRenderer,
) {
  const c = classifyError(err);
  const status = ERROR_CATALOG[c.code].status;
  if (c.unexpected) request.log.error({ err }, 'request failed');
  else request.log.info({ code: c.code, status }, 'request rejected');

  for (const [k, v] of Object.entries(c.headers ?? {})) reply.header(k, v);
  // Rate-limit plugins set Retry-After themselves; keep theirs.
  reply.code(status);
  if (renderHtml && wantsHtml(request)) {
    return reply
      .type('text/html; charset=utf-8')
      .send(renderHtml({ status, code: c.code, message: c.message, requestId: request.id }));
  }
  const body: ErrorBody = { error: { code: c.code, message: c.message, requestId: request.id } };
  if (c.details?.length) body.error.details = c.details;
  return reply.type('application/json; charset=utf-8').send(body);
}

export function installErrorHandling(app: FastifyInstance, renderHtml?: HtmlErrorRenderer): void {
  app.setErrorHandler((err, request, reply) => sendError(request, reply, err, renderHtml));
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new AppError('NOT_FOUND'), renderHtml),
  );
}
