import Type, { type TSchema } from 'typebox';
import { ERROR_CATALOG, type ErrorCode } from '../errors.ts';

/** The error envelope every route answers with (built by error-mapper.ts). */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(
        Type.Array(Type.Object({ path: Type.Optional(Type.String()), message: Type.String() })),
      ),
      requestId: Type.String(),
    }),
  },
  { description: 'The error envelope; `code` is from the error catalog (docs/errors.md).' },
);

/**
 * Documented error responses for a route: one entry per HTTP status, its
 * description listing the catalog codes the route can answer with at that
 * status (INTERNAL always included).
 */
export function errorResponses(...codes: ErrorCode[]): Record<number, TSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...codes, 'INTERNAL' as const]) {
    const status = ERROR_CATALOG[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<number, TSchema> = {};
  for (const [status, list] of byStatus) {
    out[status] = Type.Object(ErrorBody.properties, {
      description: list.map((c) => `\`${c}\`: ${ERROR_CATALOG[c].description}`).join(' '),
    });
  }
  return out;
}

/** The errors every JSON body route can answer with before reaching its handler. */
export const BODY_ERRORS: ErrorCode[] = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'CSRF_INVALID',
];
