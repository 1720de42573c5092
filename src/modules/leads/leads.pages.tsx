import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage, sendPublicPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { staffOf } from '../audit/index.ts';
import { isLeadTopic } from './domain/lead.ts';
import type { LeadsService } from './leads.service.ts';
import { ContactPage, ContactSentPage } from './views/contact-page.tsx';
import { LeadsPage } from './views/leads-admin.tsx';

const hidden = { hide: true } as const;
const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
// Page URLs may carry tracking or other harmless parameters: unknown ones are ignored, not refused.
const pageQuery = <P extends Parameters<typeof Type.Object>[0]>(p: P) =>
  Type.Object(p, { additionalProperties: true });

/** Codes the contact form explains above itself (with the values kept) instead of an error page. */
const FORM_CODES = new Set([
  'VALIDATION_FAILED',
  'CONTACT_FORM_INVALID',
  'CONTACT_TOO_FAST',
  'CONTACT_RATE_LIMITED',
]);

export function registerLeadPages(
  app: HttpServer,
  deps: { leads: LeadsService; accounts: AccountsModule; contactLimit: preHandlerAsyncHookHandler },
): void {
  const { leads, accounts } = deps;

  app.get(
    '/contact',
    { schema: { ...hidden, querystring: pageQuery({ topic: field(40) }) } },
    async (request, reply) => {
      const topic = request.query.topic;
      return sendPublicPage(
        request,
        reply,
        ContactPage({
          ...accounts.publicPageChrome(request, reply, { forms: true }),
          stamp: leads.stamp(),
          topic: topic && isLeadTopic(topic) ? topic : undefined,
        }),
      );
    },
  );

  app.get('/contact/sent', { schema: hidden }, async (request, reply) =>
    sendPublicPage(request, reply, ContactSentPage(accounts.publicPageChrome(request, reply))),
  );

  app.post(
    '/contact',
    {
      preHandler: deps.contactLimit,
      schema: {
        ...hidden,
        body: Type.Object(
          {
            _csrf: field(512),
            stamp: field(100),
            name: field(1000),
            email: field(1000),
            organization: field(1000),
            topic: field(100),
            message: field(10_000),
            website: field(1000),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const {
        stamp,
        website,
        name = '',
        email = '',
        organization = '',
        topic = '',
        message = '',
      } = request.body;
      const values = { name, email, organization, topic, message };
      try {
        await leads.submit({ ...values, stamp, website });
      } catch (err) {
        if (!(err instanceof AppError) || !FORM_CODES.has(err.code)) throw err;
        return formAgain(request, reply, err, values);
      }
      return reply.redirect('/contact/sent', 303);
    },
  );

  function formAgain(
    request: FastifyRequest,
    reply: FastifyReply,
    err: AppError,
    values: Record<string, string>,
  ) {
    const errors: Record<string, string> = {};
    for (const d of err.details ?? []) errors[d.path?.replace(/^\//, '') ?? ''] = d.message;
    for (const [k, v] of Object.entries(err.headers ?? {})) reply.header(k, v);
    return sendPublicPage(
      request,
      reply,
      ContactPage({
        ...accounts.publicPageChrome(request, reply, { forms: true }),
        stamp: leads.stamp(),
        form: {
          values,
          errors,
          message: err.code === 'VALIDATION_FAILED' ? 'Please correct the marked fields.' : err.message,
        },
      }),
      { status: err.status },
    );
  }

  const notices: Record<string, string> = { status: 'The contact request is updated.' };
  async function leadsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { notice?: string | null; error?: string | null; status?: number } = {},
  ) {
    const canManage = request.actor ? accounts.can(request.actor, 'admin.leads.manage') : false;
    return sendPage(
      reply,
      LeadsPage({
        ...accounts.pageChrome(request, reply),
        leads: await leads.list({ limit: 200, offset: 0 }),
        canManage,
        notice: options.notice ?? null,
        error: options.error ?? null,
      }),
      { status: options.status ?? 200, private: true },
    );
  }

  app.get(
    '/admin/leads',
    {
      preHandler: accounts.requirePermission('admin.leads.read'),
      schema: { ...hidden, querystring: pageQuery({ done: field(20) }) },
    },
    async (request, reply) =>
      leadsPage(request, reply, { notice: notices[request.query.done ?? ''] ?? null }),
  );

  app.post(
    '/admin/leads/:id/status',
    {
      preHandler: accounts.requirePermission('admin.leads.manage'),
      schema: {
        ...hidden,
        params: Type.Object({ id: Type.String({ maxLength: 40 }) }, { additionalProperties: false }),
        body: Type.Object(
          { _csrf: field(512), status: field(40), note: field(10_000) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { status = '', note } = request.body;
      try {
        await leads.changeStatus(staffOf(request), request.params.id, { status, note });
      } catch (err) {
        if (!(err instanceof AppError) || !['VALIDATION_FAILED', 'LEAD_STATUS_CONFLICT'].includes(err.code))
          throw err;
        const detail = err.details?.map((d) => d.message).join(' ');
        return leadsPage(request, reply, { error: detail || err.message, status: err.status });
      }
      return reply.redirect('/admin/leads?done=status', 303);
    },
  );
}
