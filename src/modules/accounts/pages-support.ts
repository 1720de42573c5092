import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import Type, { type TProperties } from 'typebox';
import { AppError, type ErrorCode } from '../../platform/errors.ts';
import { sendPage } from '../../web/index.ts';
import type { Actor } from './accounts.contract.ts';
import type { FormState } from './views/shared.tsx';

/** Helpers the HTML page handlers share: form schemas, rendering, and turning errors into form state. */

/**
 * A form body: every field an optional bounded string, `_csrf` included but optional so that a
 * missing token reaches the CSRF check (403 CSRF_INVALID) instead of failing validation first.
 * Fields are validated by the services, whose messages then sit beside the fields.
 */
export function formBody<P extends TProperties>(fields: P) {
  return Type.Object(
    { _csrf: Type.Optional(Type.String({ maxLength: 512 })), ...fields },
    { additionalProperties: false },
  );
}

export const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

export function html(reply: FastifyReply, page: VNode, status = 200) {
  return sendPage(reply, page, { status });
}

/** Codes a form shows above itself instead of answering with an error page. */
const FORM_CODES = new Set<ErrorCode>([
  'VALIDATION_FAILED',
  'INVALID_CREDENTIALS',
  'EMAIL_NOT_VERIFIED',
  'TOKEN_INVALID',
  'CONFLICT',
  'FORBIDDEN',
  'NOT_FOUND',
]);

/**
 * The form state for a service error, or rethrows what a form cannot show (the error mapper then
 * renders the error page). Entered values are kept except passwords and tokens.
 */
export function formError(
  err: unknown,
  values: Record<string, string | undefined>,
): { state: FormState; status: number } {
  if (!(err instanceof AppError) || !FORM_CODES.has(err.code)) throw err;
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined && !/password|token|_csrf/i.test(k)) kept[k] = v;
  }
  const errors: Record<string, string> = {};
  for (const d of err.details ?? []) {
    const name = d.path?.replace(/^\//, '').split('/')[0];
    if (name) errors[name] = d.message;
  }
  const hasFieldErrors = Object.keys(errors).length > 0;
  return {
    state: {
      values: kept,
      errors,
      message: hasFieldErrors
        ? { kind: 'error', text: 'Please correct the marked fields.' }
        : { kind: 'error', text: err.message },
    },
    status: err.status,
  };
}

export function actorOf(request: FastifyRequest): Actor {
  // Page routes using this are guarded: without an actor the guard already redirected to sign-in.
  if (!request.actor) throw new AppError('UNAUTHENTICATED');
  return request.actor;
}

/** Success notices a redirect may ask for (`?done=…`); anything else shows nothing. */
export const NOTICES: Record<string, string> = {
  profile: 'Your profile is saved.',
  password: 'Your password is changed. Your other sessions were signed out.',
  'session-revoked': 'The session is signed out.',
  'sessions-revoked': 'Every other session is signed out.',
  'token-revoked': 'The token is revoked: it no longer works.',
  invited: 'The invitation is sent.',
  'role-changed': 'The role is changed.',
  removed: 'The member is removed.',
  created: 'The organization is created.',
  joined: 'Welcome: you are now a member.',
  'billing-saved': 'The billing details are saved.',
};

export function noticeOf(query: unknown): string | null {
  const done = (query as { done?: unknown } | undefined)?.done;
  return typeof done === 'string' ? (NOTICES[done] ?? null) : null;
}
