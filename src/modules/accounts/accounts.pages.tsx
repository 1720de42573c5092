import Type from 'typebox';
import type { HttpServer } from '../../platform/http/server.ts';
import { ID_PATTERN } from '../../platform/ids.ts';
import {
  appendSetCookies,
  CHANGE_PASSWORD_PATH,
  type Guards,
  pageChrome,
  requestMeta,
} from './accounts.http.ts';
import type { IdentityService } from './accounts.service.ts';
import type { ApiTokenService } from './api-tokens.service.ts';
import { safeNextPath } from './domain/safe-redirect.ts';
import type { AccountLimiters } from './limits.ts';
import type { OrganizationBillingService } from './organization-billing.service.ts';
import { registerOrganizationPages } from './organizations.pages.tsx';
import type { OrganizationService } from './organizations.service.ts';
import { actorOf, field, formBody, formError, html, noticeOf } from './pages-support.ts';
import { AccountPage, ChangePasswordPage } from './views/account-views.tsx';
import {
  CheckEmailPage,
  ForgotPasswordPage,
  ForgotPasswordSentPage,
  ResetPasswordPage,
  SignInPage,
  SignUpPage,
  VerifyEmailPage,
} from './views/auth-views.tsx';
import type { FormState } from './views/shared.tsx';

/**
 * The HTML pages of accounts: forms POST with a CSRF token, failures
 * re-render the form with field messages (passwords never echoed), successes
 * redirect with 303. All of it works without JavaScript.
 */

export interface PageDeps {
  identity: IdentityService;
  tokens: ApiTokenService;
  orgs: OrganizationService;
  billing: OrganizationBillingService;
  guards: Guards;
  limits: AccountLimiters;
  publicUrl: string;
}

// Page URLs may carry tracking or other harmless parameters: unknown ones are ignored, not refused.
const pageQuery = <P extends Parameters<typeof Type.Object>[0]>(p: P) =>
  Type.Object(p, { additionalProperties: true });
const hidden = { hide: true } as const;

export function registerAccountPages(app: HttpServer, deps: PageDeps): void {
  const { identity, tokens, guards, limits } = deps;
  const chrome = (
    request: Parameters<typeof requestMeta>[0],
    reply: Parameters<typeof appendSetCookies>[0],
  ) => pageChrome(request, reply, deps.publicUrl);
  const signedIn = guards.requirePermission('account.read');

  // ---- sign up and verification ------------------------------------------------------------------------------

  app.get('/sign-up', { schema: hidden }, async (request, reply) =>
    html(reply, SignUpPage(chrome(request, reply))),
  );

  app.post(
    '/sign-up',
    {
      preHandler: limits.signUp,
      schema: { ...hidden, body: formBody({ name: field(1000), email: field(1000), password: field(1000) }) },
    },
    async (request, reply) => {
      const { name = '', email = '', password = '' } = request.body;
      try {
        await identity.signUp({ name, email, password }, requestMeta(request));
      } catch (err) {
        const { state, status } = formError(err, { name, email });
        return html(reply, SignUpPage({ ...chrome(request, reply), form: state }), status);
      }
      return reply.redirect('/sign-up/check-email', 303);
    },
  );

  app.get(
    '/sign-up/check-email',
    {
      schema: {
        ...hidden,
        querystring: pageQuery({ resent: Type.Optional(Type.String({ maxLength: 10 })) }),
      },
    },
    async (request, reply) =>
      html(reply, CheckEmailPage({ ...chrome(request, reply), resent: request.query.resent === '1' })),
  );

  app.post(
    '/verify-email/resend',
    { preHandler: limits.resend, schema: { ...hidden, body: formBody({ email: field(1000) }) } },
    async (request, reply) => {
      const email = request.body.email ?? '';
      try {
        await identity.resendVerification(email, requestMeta(request));
      } catch (err) {
        const { state, status } = formError(err, { email });
        return html(reply, CheckEmailPage({ ...chrome(request, reply), form: state }), status);
      }
      return reply.redirect('/sign-up/check-email?resent=1', 303);
    },
  );

  app.get(
    '/verify-email',
    {
      schema: {
        ...hidden,
        querystring: pageQuery({ token: Type.Optional(Type.String({ maxLength: 2048 })) }),
      },
    },
    async (request, reply) =>
      html(reply, VerifyEmailPage({ ...chrome(request, reply), token: request.query.token ?? '' })),
  );

  app.post(
    '/verify-email',
    { preHandler: limits.verify, schema: { ...hidden, body: formBody({ token: field(2048) }) } },
    async (request, reply) => {
      const token = request.body.token ?? '';
      try {
        await identity.verifyEmail(token);
      } catch (err) {
        const { state, status } = formError(err, {});
        return html(reply, VerifyEmailPage({ ...chrome(request, reply), token: '', form: state }), status);
      }
      return reply.redirect('/sign-in?verified=1', 303);
    },
  );

  // ---- sign in and out ---------------------------------------------------------------------------------------

  app.get(
    '/sign-in',
    {
      schema: {
        ...hidden,
        querystring: pageQuery({
          next: Type.Optional(Type.String({ maxLength: 1024 })),
          verified: Type.Optional(Type.String({ maxLength: 10 })),
          reset: Type.Optional(Type.String({ maxLength: 10 })),
        }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const next = q.next ? safeNextPath(q.next, '') : '';
      const notice = q.verified === '1' ? 'verified' : q.reset === '1' ? 'reset' : null;
      return html(reply, SignInPage({ ...chrome(request, reply), next, notice }));
    },
  );

  app.post(
    '/sign-in',
    {
      preHandler: limits.signIn,
      schema: { ...hidden, body: formBody({ email: field(1000), password: field(1000), next: field(1024) }) },
    },
    async (request, reply) => {
      const { email = '', password = '', next } = request.body;
      try {
        const result = await identity.signIn({ email, password }, requestMeta(request));
        appendSetCookies(reply, result.setCookies);
        const target = result.actor.mustChangePassword ? CHANGE_PASSWORD_PATH : safeNextPath(next);
        return reply.redirect(target, 303);
      } catch (err) {
        const { state, status } = formError(err, { email });
        const safeNext = next ? safeNextPath(next, '') : '';
        return html(reply, SignInPage({ ...chrome(request, reply), next: safeNext, form: state }), status);
      }
    },
  );

  app.post('/sign-out', { schema: { ...hidden, body: formBody({}) } }, async (request, reply) => {
    appendSetCookies(reply, await identity.signOut(requestMeta(request)));
    return reply.redirect('/', 303);
  });

  // ---- forgotten password ------------------------------------------------------------------------------------

  app.get('/forgot-password', { schema: hidden }, async (request, reply) =>
    html(reply, ForgotPasswordPage(chrome(request, reply))),
  );

  app.post(
    '/forgot-password',
    { preHandler: limits.forgot, schema: { ...hidden, body: formBody({ email: field(1000) }) } },
    async (request, reply) => {
      const email = request.body.email ?? '';
      try {
        await identity.requestPasswordReset(email, requestMeta(request));
      } catch (err) {
        const { state, status } = formError(err, { email });
        return html(reply, ForgotPasswordPage({ ...chrome(request, reply), form: state }), status);
      }
      return reply.redirect('/forgot-password/sent', 303);
    },
  );

  app.get('/forgot-password/sent', { schema: hidden }, async (request, reply) =>
    html(reply, ForgotPasswordSentPage(chrome(request, reply))),
  );

  app.get(
    '/reset-password',
    {
      schema: {
        ...hidden,
        querystring: pageQuery({ token: Type.Optional(Type.String({ maxLength: 1024 })) }),
      },
    },
    async (request, reply) =>
      html(reply, ResetPasswordPage({ ...chrome(request, reply), token: request.query.token ?? '' })),
  );

  app.post(
    '/reset-password',
    {
      preHandler: limits.reset,
      schema: { ...hidden, body: formBody({ token: field(1024), password: field(1000) }) },
    },
    async (request, reply) => {
      const { token = '', password = '' } = request.body;
      try {
        await identity.resetPassword(token, password);
      } catch (err) {
        const { state, status } = formError(err, {});
        // A bad token cannot be fixed on this form; a weak password can, with the same token.
        const keepToken = state.errors && Object.keys(state.errors).length > 0 ? token : '';
        return html(
          reply,
          ResetPasswordPage({ ...chrome(request, reply), token: keepToken, form: state }),
          status,
        );
      }
      return reply.redirect('/sign-in?reset=1', 303);
    },
  );

  // ---- the account -------------------------------------------------------------------------------------------

  const renderAccount = async (
    request: Parameters<typeof requestMeta>[0],
    reply: Parameters<typeof appendSetCookies>[0],
    extra: {
      form?: FormState;
      formId?: 'profile' | 'password' | 'token';
      newToken?: { token: string; name: string };
      status?: number;
    } = {},
  ) => {
    const actor = actorOf(request);
    const [profile, sessions, tokenList] = await Promise.all([
      identity.getProfile(actor),
      identity.listSessions(actor),
      tokens.list(actor),
    ]);
    const page = AccountPage({
      ...chrome(request, reply),
      profile,
      sessions,
      tokens: tokenList,
      notice: noticeOf(request.query),
      ...extra,
    });
    return html(reply, page, extra.status ?? 200);
  };

  app.get(
    '/account/settings',
    {
      preHandler: signedIn,
      schema: { ...hidden, querystring: pageQuery({ done: Type.Optional(Type.String({ maxLength: 40 })) }) },
    },
    async (request, reply) => renderAccount(request, reply),
  );

  app.post(
    '/account/profile',
    {
      preHandler: guards.requirePermission('account.manage'),
      schema: { ...hidden, body: formBody({ name: field(1000) }) },
    },
    async (request, reply) => {
      const name = request.body.name ?? '';
      try {
        await identity.updateProfile(actorOf(request), { name });
      } catch (err) {
        const { state, status } = formError(err, { name });
        return renderAccount(request, reply, { form: state, formId: 'profile', status });
      }
      return reply.redirect('/account/settings?done=profile', 303);
    },
  );

  app.get(
    '/account/password',
    { preHandler: guards.requireActor({ session: true }), schema: hidden },
    async (request, reply) =>
      html(
        reply,
        ChangePasswordPage({ ...chrome(request, reply), forced: actorOf(request).mustChangePassword }),
      ),
  );

  app.post(
    '/account/password',
    {
      preHandler: [guards.requireActor({ session: true }), guards.requirePermission('account.manage')],
      schema: { ...hidden, body: formBody({ currentPassword: field(1000), newPassword: field(1000) }) },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { currentPassword = '', newPassword = '' } = request.body;
      try {
        appendSetCookies(
          reply,
          await identity.changePassword(actor, { currentPassword, newPassword }, requestMeta(request)),
        );
      } catch (err) {
        const { state, status } = formError(err, {});
        if (actor.mustChangePassword) {
          return html(
            reply,
            ChangePasswordPage({ ...chrome(request, reply), forced: true, form: state }),
            status,
          );
        }
        return renderAccount(request, reply, { form: state, formId: 'password', status });
      }
      return reply.redirect('/account/settings?done=password', 303);
    },
  );

  app.post(
    '/account/sessions/:id/revoke',
    {
      preHandler: [guards.requireActor({ session: true }), guards.requirePermission('account.manage')],
      schema: {
        ...hidden,
        params: Type.Object(
          { id: Type.String({ pattern: ID_PATTERN, maxLength: 40 }) },
          { additionalProperties: false },
        ),
        body: formBody({}),
      },
    },
    async (request, reply) => {
      const r = await identity.revokeSession(actorOf(request), request.params.id, requestMeta(request));
      appendSetCookies(reply, r.setCookies);
      return reply.redirect(r.revokedCurrent ? '/' : '/account/settings?done=session-revoked', 303);
    },
  );

  app.post(
    '/account/sessions/revoke-others',
    {
      preHandler: [guards.requireActor({ session: true }), guards.requirePermission('account.manage')],
      schema: { ...hidden, body: formBody({}) },
    },
    async (request, reply) => {
      await identity.revokeOtherSessions(requestMeta(request));
      return reply.redirect('/account/settings?done=sessions-revoked', 303);
    },
  );

  app.post(
    '/account/tokens',
    {
      preHandler: [guards.requireActor({ session: true }), guards.requirePermission('api_tokens.manage')],
      schema: { ...hidden, body: formBody({ name: field(1000), expiresInDays: field(10) }) },
    },
    async (request, reply) => {
      const { name = '', expiresInDays = '' } = request.body;
      const days = /^\d{1,4}$/.test(expiresInDays) ? Number(expiresInDays) : null;
      try {
        const created = await tokens.create(actorOf(request), { name, expiresInDays: days });
        // Rendered, not redirected: the token must appear exactly once and never in a URL.
        return renderAccount(request, reply, { newToken: { token: created.token, name: created.info.name } });
      } catch (err) {
        const { state, status } = formError(err, { name, expiresInDays });
        return renderAccount(request, reply, { form: state, formId: 'token', status });
      }
    },
  );

  app.post(
    '/account/tokens/:id/revoke',
    {
      preHandler: [guards.requireActor({ session: true }), guards.requirePermission('api_tokens.manage')],
      schema: {
        ...hidden,
        params: Type.Object(
          { id: Type.String({ pattern: ID_PATTERN, maxLength: 40 }) },
          { additionalProperties: false },
        ),
        body: formBody({}),
      },
    },
    async (request, reply) => {
      await tokens.revoke(actorOf(request), request.params.id);
      return reply.redirect('/account/settings?done=token-revoked', 303);
    },
  );

  registerOrganizationPages(app, {
    orgs: deps.orgs,
    billing: deps.billing,
    guards,
    publicUrl: deps.publicUrl,
  });
}
