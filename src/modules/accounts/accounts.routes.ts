import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccessService } from './access.service.ts';
import type { Actor, ApiTokenInfo, SessionInfo, UserProfile } from './accounts.contract.ts';
import { appendSetCookies, type Guards, requestMeta } from './accounts.http.ts';
import {
  Accepted,
  BODY_ERRORS,
  ChangePasswordBody,
  CreatedToken,
  CreateTokenBody,
  EmailBody,
  errors,
  IdParams,
  Ok,
  Profile,
  ProfilePatchBody,
  ResetPasswordBody,
  SessionActor,
  SessionSchema,
  SignInBody,
  SignUpBody,
  TokenSchema,
  VerifyEmailBody,
} from './accounts.schema.ts';
import type { IdentityService } from './accounts.service.ts';
import type { ApiTokenService } from './api-tokens.service.ts';
import { permissionsOf } from './domain/permissions.ts';
import type { AccountLimiters } from './limits.ts';

/** The JSON API of sign-up, sign-in and the signed-in account. Thin: parse, call a service, serialize. */

export interface AccountsRouteDeps {
  identity: IdentityService;
  tokens: ApiTokenService;
  access: AccessService;
  guards: Guards;
  limits: AccountLimiters;
}

const iso = (d: Date) => new Date(d).toISOString();
const isoOrNull = (d: Date | null) => (d ? iso(d) : null);

export const profileJson = (p: UserProfile) => ({ ...p, createdAt: iso(p.createdAt) });
const sessionJson = (s: SessionInfo) => ({ ...s, createdAt: iso(s.createdAt), expiresAt: iso(s.expiresAt) });
const tokenJson = (t: ApiTokenInfo) => ({
  ...t,
  createdAt: iso(t.createdAt),
  lastUsedAt: isoOrNull(t.lastUsedAt),
  expiresAt: isoOrNull(t.expiresAt),
});

const ACCEPTED_SIGN_UP =
  'If this email address can be used, we sent a message to it. Follow the link in it to continue.';
const ACCEPTED_RESET = 'If an account exists for this email address, we sent a link to reset its password.';
const ACCEPTED_RESEND = 'If this email address needs verifying, we sent a new link to it.';

function actorOf(request: FastifyRequest): Actor {
  // Every route using this has a guard that already answered 401 without an actor.
  if (!request.actor) throw new AppError('UNAUTHENTICATED');
  return request.actor;
}

export function registerAccountsRoutes(app: HttpServer, deps: AccountsRouteDeps): void {
  const { identity, tokens, access, guards, limits } = deps;
  const auth = { tags: ['accounts'] };
  const sessionSecurity: Record<string, string[]>[] = [{ sessionCookie: [] }];
  const anySecurity: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerToken: [] }];

  const sessionView = async (actor: Actor) => ({
    user: profileJson(await identity.getProfile(actor)),
    via: actor.via,
    mustChangePassword: actor.mustChangePassword,
    permissions: permissionsOf(access.matrix, actor),
    organizations: actor.memberships.map((m) => ({ id: m.orgId, role: m.role })),
  });

  // ---- /api/v1/auth ------------------------------------------------------------------------------------------

  app.post(
    '/api/v1/auth/sign-up',
    {
      preHandler: limits.signUp,
      schema: {
        ...auth,
        summary: 'Create an account',
        description:
          'Sends a verification link. The answer is the same whether or not the address is registered (its owner gets a notice instead). Limited to 5 per 10 minutes per IP.',
        body: SignUpBody,
        response: { 202: Accepted, ...errors(...BODY_ERRORS, 'RATE_LIMITED') },
      },
    },
    async (request, reply) => {
      await identity.signUp(request.body, requestMeta(request));
      return reply.code(202).send({ status: 'accepted' as const, message: ACCEPTED_SIGN_UP });
    },
  );

  app.post(
    '/api/v1/auth/sign-in',
    {
      preHandler: limits.signIn,
      schema: {
        ...auth,
        summary: 'Sign in with email and password',
        description:
          'Sets the session cookie. Every failure is `INVALID_CREDENTIALS`; a correct password on an unverified address is `EMAIL_NOT_VERIFIED` (and the link is sent again, at most every 5 minutes). Limited to 5 per minute per IP and per account.',
        body: SignInBody,
        response: {
          200: SessionActor,
          ...errors(...BODY_ERRORS, 'INVALID_CREDENTIALS', 'EMAIL_NOT_VERIFIED', 'RATE_LIMITED'),
        },
      },
    },
    async (request, reply) => {
      const result = await identity.signIn(request.body, requestMeta(request));
      appendSetCookies(reply, result.setCookies);
      return sessionView(result.actor);
    },
  );

  app.post(
    '/api/v1/auth/sign-out',
    {
      schema: {
        ...auth,
        summary: 'Sign out (end the current session)',
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 200: Ok, ...errors(...BODY_ERRORS) },
      },
    },
    async (request, reply) => {
      appendSetCookies(reply, await identity.signOut(requestMeta(request)));
      return { status: 'ok' as const };
    },
  );

  app.post(
    '/api/v1/auth/verify-email',
    {
      preHandler: limits.verify,
      schema: {
        ...auth,
        summary: 'Verify an email address with the token from the mailed link',
        body: VerifyEmailBody,
        response: { 200: Ok, ...errors(...BODY_ERRORS, 'TOKEN_INVALID', 'RATE_LIMITED') },
      },
    },
    async (request) => {
      await identity.verifyEmail(request.body.token);
      return { status: 'ok' as const };
    },
  );

  app.post(
    '/api/v1/auth/resend-verification',
    {
      preHandler: limits.resend,
      schema: {
        ...auth,
        summary: 'Send the verification link again',
        description: 'Same answer for every address. Limited to 3 per 15 minutes per IP and per account.',
        body: EmailBody,
        response: { 202: Accepted, ...errors(...BODY_ERRORS, 'RATE_LIMITED') },
      },
    },
    async (request, reply) => {
      await identity.resendVerification(request.body.email, requestMeta(request));
      return reply.code(202).send({ status: 'accepted' as const, message: ACCEPTED_RESEND });
    },
  );

  app.post(
    '/api/v1/auth/forgot-password',
    {
      preHandler: limits.forgot,
      schema: {
        ...auth,
        summary: 'Mail a password-reset link',
        description:
          'Always answers "if an account exists we sent a link". Limited to 3 per 15 minutes per IP and per account.',
        body: EmailBody,
        response: { 202: Accepted, ...errors(...BODY_ERRORS, 'RATE_LIMITED') },
      },
    },
    async (request, reply) => {
      await identity.requestPasswordReset(request.body.email, requestMeta(request));
      return reply.code(202).send({ status: 'accepted' as const, message: ACCEPTED_RESET });
    },
  );

  app.post(
    '/api/v1/auth/reset-password',
    {
      preHandler: limits.reset,
      schema: {
        ...auth,
        summary: 'Choose a new password with the token from the mailed link',
        description: 'Ends every session of the account.',
        body: ResetPasswordBody,
        response: { 200: Ok, ...errors(...BODY_ERRORS, 'TOKEN_INVALID', 'RATE_LIMITED') },
      },
    },
    async (request) => {
      await identity.resetPassword(request.body.token, request.body.password);
      return { status: 'ok' as const };
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      preHandler: guards.requireActor(),
      schema: {
        ...auth,
        summary: 'Who is signed in, with their permissions',
        security: anySecurity,
        response: { 200: SessionActor, ...errors('UNAUTHENTICATED') },
      },
    },
    async (request) => sessionView(actorOf(request)),
  );

  // ---- /api/v1/account ---------------------------------------------------------------------------------------

  app.get(
    '/api/v1/account/profile',
    {
      preHandler: guards.requirePermission('account.read'),
      schema: {
        ...auth,
        summary: 'Your profile',
        security: anySecurity,
        response: { 200: Profile, ...errors('UNAUTHENTICATED', 'FORBIDDEN') },
      },
    },
    async (request) => profileJson(await identity.getProfile(actorOf(request))),
  );

  app.patch(
    '/api/v1/account/profile',
    {
      preHandler: guards.requirePermission('account.manage'),
      schema: {
        ...auth,
        summary: 'Change your display name',
        security: anySecurity,
        body: ProfilePatchBody,
        response: {
          200: Profile,
          ...errors(...BODY_ERRORS, 'UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'),
        },
      },
    },
    async (request) => profileJson(await identity.updateProfile(actorOf(request), request.body)),
  );

  app.post(
    '/api/v1/account/password',
    {
      preHandler: [guards.requireActor({ session: true }), guards.requirePermission('account.manage')],
      schema: {
        ...auth,
        summary: 'Change your password',
        description:
          'Needs the current password. Ends every other session; the current one gets a new cookie.',
        security: sessionSecurity,
        body: ChangePasswordBody,
        response: { 200: Ok, ...errors(...BODY_ERRORS, 'UNAUTHENTICATED', 'FORBIDDEN') },
      },
    },
    async (request, reply) => {
      appendSetCookies(
        reply,
        await identity.changePassword(actorOf(request), request.body, requestMeta(request)),
      );
      return { status: 'ok' as const };
    },
  );

  app.get(
    '/api/v1/account/sessions',
    {
      preHandler: guards.requirePermission('account.read'),
      schema: {
        ...auth,
        summary: 'Your signed-in sessions',
        security: anySecurity,
        response: {
          200: Type.Object({ sessions: Type.Array(SessionSchema) }, { additionalProperties: false }),
          ...errors('UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'),
        },
      },
    },
    async (request) => ({ sessions: (await identity.listSessions(actorOf(request))).map(sessionJson) }),
  );

  app.delete(
    '/api/v1/account/sessions/:id',
    {
      preHandler: [guards.requireActor({ session: true }), guards.requirePermission('account.manage')],
      schema: {
        ...auth,
        summary: 'Sign out one of your sessions',
        security: sessionSecurity,
        params: IdParams,
        response: {
          200: Ok,
          ...errors('UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'PASSWORD_CHANGE_REQUIRED'),
        },
      },
    },
    async (request, reply) => {
      const r = await identity.revokeSession(actorOf(request), request.params.id, requestMeta(request));
      appendSetCookies(reply, r.setCookies);
      return { status: 'ok' as const };
    },
  );

  app.post(
    '/api/v1/account/sessions/revoke-others',
    {
      preHandler: [guards.requireActor({ session: true }), guards.requirePermission('account.manage')],
      schema: {
        ...auth,
        summary: 'Sign out every session but this one',
        security: sessionSecurity,
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: {
          200: Ok,
          ...errors(...BODY_ERRORS, 'UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'),
        },
      },
    },
    async (request) => {
      await identity.revokeOtherSessions(requestMeta(request));
      return { status: 'ok' as const };
    },
  );

  app.get(
    '/api/v1/account/tokens',
    {
      preHandler: guards.requirePermission('api_tokens.manage'),
      schema: {
        ...auth,
        summary: 'Your API tokens (never the tokens themselves)',
        security: anySecurity,
        response: {
          200: Type.Object({ tokens: Type.Array(TokenSchema) }, { additionalProperties: false }),
          ...errors('UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'),
        },
      },
    },
    async (request) => ({ tokens: (await tokens.list(actorOf(request))).map(tokenJson) }),
  );

  app.post(
    '/api/v1/account/tokens',
    {
      preHandler: [guards.requireActor({ session: true }), guards.requirePermission('api_tokens.manage')],
      schema: {
        ...auth,
        summary: 'Create an API token',
        description: 'The token is in this response only. Send it as `Authorization: Bearer fiq_…`.',
        security: sessionSecurity,
        body: CreateTokenBody,
        response: {
          201: CreatedToken,
          ...errors(...BODY_ERRORS, 'UNAUTHENTICATED', 'FORBIDDEN', 'CONFLICT', 'PASSWORD_CHANGE_REQUIRED'),
        },
      },
    },
    async (request, reply) => {
      const created = await tokens.create(actorOf(request), request.body);
      return reply.code(201).send({ token: created.token, info: tokenJson(created.info) });
    },
  );

  app.delete(
    '/api/v1/account/tokens/:id',
    {
      preHandler: [guards.requireActor({ session: true }), guards.requirePermission('api_tokens.manage')],
      schema: {
        ...auth,
        summary: 'Revoke an API token',
        security: sessionSecurity,
        params: IdParams,
        response: {
          200: Ok,
          ...errors('UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'PASSWORD_CHANGE_REQUIRED'),
        },
      },
    },
    async (request) => {
      await tokens.revoke(actorOf(request), request.params.id);
      return { status: 'ok' as const };
    },
  );
}
