import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { type AppError, isAppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import { staffOf } from '../audit/index.ts';
import {
  TICKET_CATEGORIES,
  TICKET_STATUSES,
  type TicketCategory,
  type TicketStatus,
} from './domain/ticket.ts';
import { customerOf, SUPPORT_PERMISSIONS, type SupportRouteDeps } from './support.routes.ts';
import { TicketIdParams } from './support.schema.ts';
import {
  AccountSupportPage,
  AccountTicketPage,
  AdminSupportPage,
  AdminTicketPage,
  type NewTicketForm,
  NewTicketPage,
} from './views/support-views.tsx';

const hidden = { hide: true } as const;
const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
// Form bodies: bounded strings checked by the service; `_csrf` optional so a missing token reaches the CSRF check (403).
const NewTicketFormBody = Type.Object(
  {
    _csrf: field(512),
    subject: field(1000),
    category: field(40),
    body: field(40_000),
    licenseId: field(64),
    orderId: field(64),
    organizationId: field(64),
  },
  { additionalProperties: false },
);
const ReplyForm = Type.Object(
  { _csrf: field(512), body: field(40_000), status: field(40) },
  { additionalProperties: false },
);
const StatusForm = Type.Object({ _csrf: field(512), status: field(40) }, { additionalProperties: false });
const EmptyForm = Type.Object({ _csrf: field(512) }, { additionalProperties: false });
const DoneQuery = Type.Object({ done: field(20) }, { additionalProperties: true });

const LABELS: Record<string, string> = {
  subject: 'The subject',
  body: 'The message',
  category: 'The category',
  licenseId: 'The license',
  orderId: 'The order',
  organizationId: 'The organization',
};
const NOTICES: Record<string, string> = {
  opened: 'Your ticket is open. We will answer here and by email.',
  replied: 'Your reply is sent.',
  status: 'The status is changed.',
  assigned: 'The ticket is assigned to you.',
  attached: 'Your files are sent.',
};

const isCategory = (v: string): v is TicketCategory => (TICKET_CATEGORIES as readonly string[]).includes(v);
const isStatus = (v: string): v is TicketStatus => (TICKET_STATUSES as readonly string[]).includes(v);

/** Field messages of a VALIDATION_FAILED refusal, by field name. */
function fieldErrors(err: AppError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of err.details ?? []) {
    const name = d.path?.slice(1) ?? '';
    if (LABELS[name]) out[name] = `${LABELS[name]} ${d.message}.`;
  }
  return out;
}

/** Customer pages under /account/support and staff pages under /admin/support, over the same service. */
export function registerSupportPages(app: HttpServer, deps: SupportRouteDeps): void {
  const { support, accounts } = deps;
  const chrome = accounts.pageChrome;
  const page = (reply: FastifyReply, vnode: Parameters<typeof sendPage>[1], status = 200) =>
    sendPage(reply, vnode, { status, private: true });

  app.get(
    '/account/support',
    { preHandler: accounts.requireActor(), schema: hidden },
    async (request, reply) =>
      page(
        reply,
        AccountSupportPage({
          ...chrome(request, reply),
          tickets: await support.listForCustomer(customerOf(request)),
        }),
      ),
  );

  async function newTicket(request: FastifyRequest, reply: FastifyReply, form: NewTicketForm, status = 200) {
    const customer = customerOf(request);
    const refs = await support.referencesOf(customer.userId);
    const organizations = (await accounts.service.organizations.listMine(request.actor!)).map((o) => ({
      id: o.id,
      label: o.name,
    }));
    return page(reply, NewTicketPage({ ...chrome(request, reply), form, ...refs, organizations }), status);
  }

  app.get(
    '/account/support/new',
    { preHandler: accounts.requireActor(), schema: hidden },
    async (request, reply) =>
      newTicket(request, reply, {
        subject: '',
        category: 'technical',
        body: '',
        licenseId: '',
        orderId: '',
        organizationId: '',
        errors: {},
        error: null,
      }),
  );

  app.post(
    '/account/support',
    { preHandler: accounts.requireActor(), schema: { ...hidden, body: NewTicketFormBody } },
    async (request, reply) => {
      const b = request.body;
      const form: NewTicketForm = {
        subject: b.subject ?? '',
        category: b.category ?? '',
        body: b.body ?? '',
        licenseId: b.licenseId ?? '',
        orderId: b.orderId ?? '',
        organizationId: b.organizationId ?? '',
        errors: {},
        error: null,
      };
      if (!isCategory(form.category))
        return newTicket(request, reply, { ...form, errors: { category: 'Choose a category.' } }, 400);
      try {
        const { ticket } = await support.open(customerOf(request), {
          subject: form.subject,
          category: form.category,
          body: form.body,
          licenseId: form.licenseId || undefined,
          orderId: form.orderId || undefined,
          organizationId: form.organizationId || undefined,
        });
        return reply.redirect(`/account/support/${ticket.id}?done=opened`, 303);
      } catch (err) {
        if (!isAppError(err) || !['VALIDATION_FAILED', 'SUPPORT_RATE_LIMITED'].includes(err.code)) throw err;
        if (err.headers) reply.headers(err.headers);
        const errors = fieldErrors(err);
        return newTicket(
          request,
          reply,
          { ...form, errors, error: Object.keys(errors).length ? null : err.message },
          err.status,
        );
      }
    },
  );

  app.get(
    '/account/support/:id',
    {
      preHandler: accounts.requireActor(),
      schema: { ...hidden, params: TicketIdParams, querystring: DoneQuery },
    },
    async (request, reply) =>
      page(
        reply,
        AccountTicketPage({
          ...chrome(request, reply),
          thread: await support.getForCustomer(customerOf(request), request.params.id),
          limits: support.attachments.limits,
          body: '',
          error: null,
          notice: NOTICES[request.query.done ?? ''] ?? null,
        }),
      ),
  );

  app.post(
    '/account/support/:id/replies',
    { preHandler: accounts.requireActor(), schema: { ...hidden, params: TicketIdParams, body: ReplyForm } },
    async (request, reply) => {
      const customer = customerOf(request);
      const body = request.body.body ?? '';
      try {
        await support.reply(customer, request.params.id, body);
      } catch (err) {
        if (!isAppError(err) || !['VALIDATION_FAILED', 'TICKET_CLOSED'].includes(err.code)) throw err;
        const thread = await support.getForCustomer(customer, request.params.id);
        const message = fieldErrors(err).body ?? err.message;
        return page(
          reply,
          AccountTicketPage({
            ...chrome(request, reply),
            thread,
            limits: support.attachments.limits,
            body,
            error: message,
            notice: null,
          }),
          err.status,
        );
      }
      return reply.redirect(`/account/support/${request.params.id}?done=replied`, 303);
    },
  );

  // ---- staff -----------------------------------------------------------------------------------------------------

  app.get(
    '/admin/support',
    {
      preHandler: accounts.requirePermission(SUPPORT_PERMISSIONS.read),
      schema: {
        ...hidden,
        querystring: Type.Object({ q: field(200), status: field(40) }, { additionalProperties: true }),
      },
    },
    async (request, reply) => {
      const status = isStatus(request.query.status ?? '') ? (request.query.status as TicketStatus) : '';
      const q = request.query.q ?? '';
      return page(
        reply,
        AdminSupportPage({
          ...chrome(request, reply),
          tickets: await support.search({ status: status || undefined, q, limit: 200 }),
          status,
          q,
        }),
      );
    },
  );

  async function staffTicket(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    options: { body?: string; error?: string | null; notice?: string | null; status?: number } = {},
  ) {
    return page(
      reply,
      AdminTicketPage({
        ...chrome(request, reply),
        thread: await support.getForStaff(id),
        limits: support.attachments.limits,
        canReply: accounts.can(request.actor ?? null, SUPPORT_PERMISSIONS.reply),
        body: options.body ?? '',
        error: options.error ?? null,
        notice: options.notice ?? null,
      }),
      options.status,
    );
  }

  app.get(
    '/admin/support/:id',
    {
      preHandler: accounts.requirePermission(SUPPORT_PERMISSIONS.read),
      schema: { ...hidden, params: TicketIdParams, querystring: DoneQuery },
    },
    async (request, reply) =>
      staffTicket(request, reply, request.params.id, { notice: NOTICES[request.query.done ?? ''] ?? null }),
  );

  app.post(
    '/admin/support/:id/replies',
    {
      preHandler: accounts.requirePermission(SUPPORT_PERMISSIONS.reply),
      schema: { ...hidden, params: TicketIdParams, body: ReplyForm },
    },
    async (request, reply) => {
      const body = request.body.body ?? '';
      const status = request.body.status ?? '';
      if (status && !isStatus(status))
        return staffTicket(request, reply, request.params.id, {
          body,
          error: 'Choose a status.',
          status: 400,
        });
      try {
        await support.staffReply(
          staffOf(request),
          request.params.id,
          body,
          isStatus(status) ? status : undefined,
        );
      } catch (err) {
        if (!isAppError(err) || err.code !== 'VALIDATION_FAILED') throw err;
        const error = fieldErrors(err).body ?? err.message;
        return staffTicket(request, reply, request.params.id, { body, error, status: 400 });
      }
      return reply.redirect(`/admin/support/${request.params.id}?done=replied`, 303);
    },
  );

  app.post(
    '/admin/support/:id/status',
    {
      preHandler: accounts.requirePermission(SUPPORT_PERMISSIONS.reply),
      schema: { ...hidden, params: TicketIdParams, body: StatusForm },
    },
    async (request, reply) => {
      const status = request.body.status ?? '';
      if (!isStatus(status))
        return staffTicket(request, reply, request.params.id, { error: 'Choose a status.', status: 400 });
      await support.setStatus(staffOf(request), request.params.id, status);
      return reply.redirect(`/admin/support/${request.params.id}?done=status`, 303);
    },
  );

  app.post(
    '/admin/support/:id/assign',
    {
      preHandler: accounts.requirePermission(SUPPORT_PERMISSIONS.reply),
      schema: { ...hidden, params: TicketIdParams, body: EmptyForm },
    },
    async (request, reply) => {
      await support.assignToSelf(staffOf(request), request.params.id);
      return reply.redirect(`/admin/support/${request.params.id}?done=assigned`, 303);
    },
  );
}
