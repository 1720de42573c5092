import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { ONBOARDING_PERMISSIONS } from './onboarding.routes.ts';
import { type OnboardingService, unsubscribePaths } from './onboarding.service.ts';
import type { MailPreferences } from './preferences.service.ts';
import { AdminOnboardingPage } from './views/admin-views.tsx';
import { NotificationsPage, UnsubscribePage } from './views/preference-views.tsx';

export interface OnboardingPageDeps {
  onboarding: OnboardingService;
  preferences: MailPreferences;
  accounts: AccountsModule;
}

const hidden = { hide: true } as const;
const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const TokenQuery = Type.Object({ token: field(600), done: field(20) }, { additionalProperties: true });
// `_csrf` optional so that a missing token reaches the CSRF check (403), not schema validation.
const UnsubscribeForm = Type.Object(
  { _csrf: field(512), token: field(600), choice: Type.Optional(Type.Enum(['unsubscribe', 'subscribe'])) },
  { additionalProperties: false },
);
const NotificationsForm = Type.Object(
  { _csrf: field(512), marketing: Type.Optional(Type.Enum(['on', 'off'])) },
  { additionalProperties: false },
);

/**
 * Unsubscribe (no sign-in: the signed token in the link is the authority), the account's mail
 * settings, and staff's view of onboarding mails.
 */
export function registerOnboardingPages(app: HttpServer, deps: OnboardingPageDeps): void {
  const { onboarding, preferences, accounts } = deps;
  const chrome = accounts.pageChrome;
  const page = (reply: FastifyReply, vnode: Parameters<typeof sendPage>[1], status = 200) =>
    sendPage(reply, vnode, { status, private: true });
  const done = (v: string | undefined) => (v === 'unsubscribed' || v === 'subscribed' ? v : null);

  // The footer link, and the List-Unsubscribe URL opened in a browser: a confirmation page, never
  // a change on GET (link scanners and previews follow every link in a mail).
  for (const path of [unsubscribePaths.page, unsubscribePaths.oneClick])
    app.get(path, { schema: { ...hidden, querystring: TokenQuery } }, async (request, reply) => {
      const view = await preferences.ofToken(request.query.token);
      return page(
        reply,
        UnsubscribePage({
          ...chrome(request, reply),
          ...view,
          token: request.query.token!,
          done: done(request.query.done),
        }),
      );
    });

  app.post(
    unsubscribePaths.page,
    { schema: { ...hidden, body: UnsubscribeForm } },
    async (request, reply) => {
      const { token } = request.body;
      const marketing = request.body.choice === 'subscribe';
      await preferences.setByToken(token, marketing, 'link');
      return reply.redirect(
        `${unsubscribePaths.page}?token=${encodeURIComponent(token!)}&done=${marketing ? 'subscribed' : 'unsubscribed'}`,
        303,
      );
    },
  );

  // RFC 8058 one-click: the recipient's mail provider POSTs `List-Unsubscribe=One-Click` to the
  // URL of the List-Unsubscribe header, from its own servers, with no cookie and so no CSRF token.
  // Exempting this one route from the CSRF policy is safe: CSRF abuses a victim's ambient
  // credentials (a session cookie), and this route uses none — its only authority is the signed
  // token in the URL, which only the recipient's mail contains, and all it can do is stop
  // marketing mail to that one address. A forged or edited token is refused (400).
  void app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    // Providers send the one field urlencoded or as multipart: read any body as text and ignore
    // it (the token decides); nothing in it is needed.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, finish) =>
      finish(null, { raw: body }),
    );
    scope.post(
      unsubscribePaths.oneClick,
      {
        config: { csrf: false },
        schema: {
          ...hidden,
          querystring: TokenQuery,
          body: Type.Unknown({ description: 'RFC 8058: `List-Unsubscribe=One-Click` (not checked).' }),
        },
      },
      async (request, reply) => {
        await preferences.setByToken(request.query.token, false, 'one_click');
        // RFC 8058: a plain success, no redirect.
        return reply.code(200).type('text/plain; charset=utf-8').send('Unsubscribed.\n');
      },
    );
  });

  app.get(
    '/account/notifications',
    {
      preHandler: accounts.requireActor({ session: true }),
      schema: { ...hidden, querystring: Type.Object({ saved: field(5) }, { additionalProperties: true }) },
    },
    async (request, reply) => {
      const view = await preferences.ofAddress(request.actor!.email);
      return page(
        reply,
        NotificationsPage({ ...chrome(request, reply), ...view, saved: request.query.saved === '1' }),
      );
    },
  );

  app.post(
    '/account/notifications',
    { preHandler: accounts.requireActor({ session: true }), schema: { ...hidden, body: NotificationsForm } },
    async (request, reply) => {
      if (!request.body.marketing)
        throw new AppError('VALIDATION_FAILED', undefined, {
          details: [{ path: '/marketing', message: 'choose on or off' }],
        });
      // The signed-in user's own address: never an address from the form.
      await preferences.setForAccount(request.actor!.email, request.body.marketing === 'on');
      return reply.redirect('/account/notifications?saved=1', 303);
    },
  );

  app.get(
    '/admin/onboarding',
    {
      preHandler: accounts.requirePermission(ONBOARDING_PERMISSIONS.read),
      schema: { ...hidden, querystring: Type.Object({ order: field(100) }, { additionalProperties: true }) },
    },
    async (request, reply) => {
      const query = (request.query.order ?? '').trim();
      return page(
        reply,
        AdminOnboardingPage({
          ...chrome(request, reply),
          query,
          view: query ? await onboarding.view(query) : undefined,
          recent: await onboarding.recent(50),
        }),
      );
    },
  );
}
