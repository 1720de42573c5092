import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { staffOf } from '../audit/index.ts';
import type { PaymentsModule } from '../payments/index.ts';
import { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from './domain/dunning.ts';
import { SubscriptionIdParams } from './subscriptions.schema.ts';
import type { SubscriptionService } from './subscriptions.service.ts';
import {
  AccountSubscriptionPage,
  AccountSubscriptionsPage,
  AdminSubscriptionPage,
  AdminSubscriptionsPage,
  ChangePreviewPage,
} from './views/subscription-views.tsx';

function html(reply: FastifyReply, page: VNode, status = 200) {
  return sendPage(reply, page, { status, private: true });
}

const hidden = { hide: true } as const;
const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
// Form bodies: bounded strings; `_csrf` optional so a missing token reaches the CSRF check (403).
const ChangeForm = Type.Object(
  { _csrf: field(512), sku: field(64), quantity: field(6) },
  { additionalProperties: false },
);
const CancelForm = Type.Object({ _csrf: field(512), when: field(20) }, { additionalProperties: false });
const StaffCancelForm = Type.Object(
  { _csrf: field(512), reason: field(500) },
  { additionalProperties: false },
);
const EmptyForm = Type.Object({ _csrf: field(512) }, { additionalProperties: false });

const NOTICES: Record<string, string> = {
  changed: 'Your plan is changed.',
  'cancel-scheduled': 'Your subscription will end at the end of the period.',
  canceled: 'Your subscription has ended.',
  resumed: 'Your subscription will renew as usual.',
  paid: 'Thank you: the renewal is paid.',
};

/** Codes a subscription page shows as "nothing was changed" instead of an error page. */
const SHOWN = new Set([
  'PLAN_CHANGE_INVALID',
  'EDITION_SEAT_LIMIT_EXCEEDED',
  'PAYMENT_DECLINED',
  'SUBSCRIPTION_STATE_CONFLICT',
  'SUBSCRIPTION_PROVIDER_MANAGED',
]);

/** A refusal the customer (or staff) can act on, shown on the page; undefined: an error page. */
function refusal(err: unknown): { message: string; status: number } | undefined {
  if (!(err instanceof AppError) || !SHOWN.has(err.code)) return undefined;
  const message = err.details?.length ? err.details.map((d) => d.message).join(' ') : err.message;
  return { message, status: err.status };
}

export function registerSubscriptionPages(
  app: HttpServer,
  deps: { subscriptions: SubscriptionService; accounts: AccountsModule; payments: PaymentsModule },
): void {
  const { subscriptions, accounts, payments } = deps;
  const chrome = accounts.pageChrome;
  const signedIn = { preHandler: accounts.requireActor() };

  async function detail(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { notice?: string | null; error?: string | null } = {},
    status = 200,
  ) {
    const sub = await subscriptions.getForUser(id, request.actor!.userId);
    const renewal =
      sub.status === 'past_due' || sub.status === 'suspended'
        ? await subscriptions.openRenewal(sub)
        : undefined;
    return html(
      reply,
      AccountSubscriptionPage({
        ...chrome(request, reply),
        sub,
        history: await subscriptions.history(sub.id),
        card: sub.payment_method_id ? ((await payments.service.method(sub.payment_method_id)) ?? null) : null,
        options: sub.status === 'active' ? await subscriptions.planOptions(sub) : [],
        payUrl: renewal ? await payments.service.payUrlForOrder(renewal.order_id).catch(() => null) : null,
        ...extra,
      }),
      status,
    );
  }

  /** Runs an action; a refusal the customer can act on is shown on the subscription page. */
  async function act(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    notice: string,
    action: () => Promise<unknown>,
  ) {
    try {
      await action();
    } catch (err) {
      const r = refusal(err);
      if (!r) throw err;
      return detail(request, reply, id, { error: r.message }, r.status);
    }
    return reply.redirect(`/account/subscriptions/${id}?done=${notice}`, 303);
  }

  app.get('/account/subscriptions', { ...signedIn, schema: hidden }, async (request, reply) =>
    html(
      reply,
      AccountSubscriptionsPage({
        ...chrome(request, reply),
        subs: await subscriptions.listForUser(request.actor!.userId),
      }),
    ),
  );

  app.get(
    '/account/subscriptions/:id',
    {
      ...signedIn,
      schema: {
        ...hidden,
        params: SubscriptionIdParams,
        querystring: Type.Object({ done: field(40) }, { additionalProperties: true }),
      },
    },
    async (request, reply) =>
      detail(request, reply, request.params.id, { notice: NOTICES[request.query.done ?? ''] ?? null }),
  );

  app.get(
    '/account/subscriptions/:id/change',
    {
      ...signedIn,
      schema: {
        ...hidden,
        params: SubscriptionIdParams,
        querystring: Type.Object({ sku: field(64), quantity: field(6) }, { additionalProperties: true }),
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const target = { sku: request.query.sku ?? '', quantity: Number(request.query.quantity ?? '1') };
      try {
        const sub = await subscriptions.getForUser(id, request.actor!.userId);
        const preview = await subscriptions.previewChange(request.actor!.userId, id, target);
        return html(reply, ChangePreviewPage({ ...chrome(request, reply), sub, preview }));
      } catch (err) {
        const r = refusal(err);
        if (!r) throw err;
        return detail(request, reply, id, { error: r.message }, r.status);
      }
    },
  );

  app.post(
    '/account/subscriptions/:id/change',
    {
      ...signedIn,
      schema: { ...hidden, params: SubscriptionIdParams, body: ChangeForm },
    },
    async (request, reply) => {
      const { id } = request.params;
      const target = { sku: request.body.sku ?? '', quantity: Number(request.body.quantity ?? '1') };
      return act(request, reply, id, 'changed', () =>
        subscriptions.changePlan(request.actor!.userId, id, target),
      );
    },
  );

  app.post(
    '/account/subscriptions/:id/cancel',
    { ...signedIn, schema: { ...hidden, params: SubscriptionIdParams, body: CancelForm } },
    async (request, reply) => {
      const { id } = request.params;
      const when = request.body.when === 'now' ? 'now' : 'period_end';
      return act(request, reply, id, when === 'now' ? 'canceled' : 'cancel-scheduled', () =>
        subscriptions.cancel(request.actor!.userId, id, when),
      );
    },
  );

  app.post(
    '/account/subscriptions/:id/resume',
    { ...signedIn, schema: { ...hidden, params: SubscriptionIdParams, body: EmptyForm } },
    async (request, reply) =>
      act(request, reply, request.params.id, 'resumed', () =>
        subscriptions.resume(request.actor!.userId, request.params.id),
      ),
  );

  app.post(
    '/account/subscriptions/:id/retry',
    { ...signedIn, schema: { ...hidden, params: SubscriptionIdParams, body: EmptyForm } },
    async (request, reply) =>
      act(request, reply, request.params.id, 'paid', () =>
        subscriptions.retryPayment(request.actor!.userId, request.params.id),
      ),
  );

  async function staffDetail(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { notice?: string | null; error?: string | null } = {},
    status = 200,
  ) {
    const sub = await subscriptions.get(id);
    if (!sub) throw new AppError('NOT_FOUND');
    return html(
      reply,
      AdminSubscriptionPage({
        ...chrome(request, reply),
        sub,
        history: await subscriptions.history(sub.id),
        canManage: accounts.can(request.actor ?? null, 'admin.subscriptions.manage'),
        ...extra,
      }),
      status,
    );
  }

  app.get(
    '/admin/subscriptions/:id',
    {
      preHandler: accounts.requirePermission('admin.orders.read'),
      schema: {
        ...hidden,
        params: SubscriptionIdParams,
        querystring: Type.Object({ done: field(40) }, { additionalProperties: true }),
      },
    },
    async (request, reply) =>
      staffDetail(request, reply, request.params.id, {
        notice: request.query.done === 'canceled' ? 'The subscription has ended.' : null,
      }),
  );

  app.post(
    '/admin/subscriptions/:id/cancel',
    {
      preHandler: accounts.requirePermission('admin.subscriptions.manage'),
      schema: { ...hidden, params: SubscriptionIdParams, body: StaffCancelForm },
    },
    async (request, reply) => {
      const { id } = request.params;
      const reason = (request.body.reason ?? '').trim();
      if (reason.length < 3)
        return staffDetail(request, reply, id, { error: 'Give a reason (at least 3 characters).' }, 400);
      try {
        await subscriptions.staffCancel(staffOf(request), id, reason);
      } catch (err) {
        const r = refusal(err);
        if (!r) throw err;
        return staffDetail(request, reply, id, { error: r.message }, r.status);
      }
      return reply.redirect(`/admin/subscriptions/${id}?done=canceled`, 303);
    },
  );

  app.get(
    '/admin/subscriptions',
    {
      preHandler: accounts.requirePermission('admin.orders.read'),
      schema: { ...hidden, querystring: Type.Object({ status: field(20) }, { additionalProperties: true }) },
    },
    async (request, reply) => {
      const wanted = request.query.status ?? '';
      const status = (SUBSCRIPTION_STATUSES as readonly string[]).includes(wanted)
        ? (wanted as SubscriptionStatus)
        : null;
      const subs = await subscriptions.search({ status: status ?? undefined, limit: 200 });
      return html(reply, AdminSubscriptionsPage({ ...chrome(request, reply), subs, status }));
    },
  );
}
