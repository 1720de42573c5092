import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { AppModule, PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { MailRow } from '../../platform/mail/mailer.ts';
import { renderPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { AuditModule } from '../audit/index.ts';
import type { FulfillmentModule } from '../fulfillment/index.ts';
import type { LicensingModule } from '../licensing/index.ts';
import type { OrdersModule } from '../orders/index.ts';
import type { SubscriptionsModule } from '../subscriptions/index.ts';
import { AdminService } from './admin.service.ts';
import { registerCustomerRoutes } from './customers.routes.ts';
import { AdminDashboard, AuditPage, JobsPage, OutboxMessagePage, OutboxPage } from './views/admin-pages.tsx';

/**
 * The admin console's operations pages: outbox, failed jobs, audit log. Later
 * issues add orders, licenses and customers here. Every route is guarded by a
 * permission, and every change is audited.
 */

const MailSummary = Type.Object({
  id: Type.String(),
  to: Type.String(),
  subject: Type.String(),
  template: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  sentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const MailDetail = Type.Intersect([MailSummary, Type.Object({ text: Type.String(), html: Type.String() })]);
const FailedJobSchema = Type.Object({
  id: Type.String(),
  queue: Type.String(),
  retryCount: Type.Integer(),
  failedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  error: Type.Unknown(),
});
const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
    to: Type.Optional(Type.String({ maxLength: 254 })),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
const JobParams = Type.Object(
  { queue: Type.String({ minLength: 1, maxLength: 100 }), id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

const toMailSummary = (m: MailRow) => ({
  id: m.id,
  to: m.to_address,
  subject: m.subject,
  template: m.template,
  status: m.status,
  attempts: m.attempts,
  lastError: m.last_error,
  createdAt: iso(m.created_at)!,
  sentAt: iso(m.sent_at),
});

/** What the dashboard reads from the business modules (their public services). */
export interface DashboardSources {
  orders: OrdersModule;
  licensing: LicensingModule;
  subscriptions: SubscriptionsModule;
  fulfillment: FulfillmentModule;
}

const DAY_MS = 86_400_000;

export function createAdminRoutes(
  ctx: PlatformContext,
  deps: { accounts: AccountsModule; audit: AuditModule } & DashboardSources,
): AppModule {
  const { accounts, audit } = deps;
  const html = 'text/html; charset=utf-8';

  const service = new AdminService(ctx, audit);

  return {
    name: 'admin',
    async registerRoutes(app: HttpServer) {
      const guard = (permission: string) => ({ preHandler: accounts.requirePermission(permission) });
      registerCustomerRoutes(app, deps);
      const OrderParams = Type.Object(
        { id: Type.String({ minLength: 1, maxLength: 64 }) },
        { additionalProperties: false },
      );
      const resend = async (request: FastifyRequest, orderId: string) =>
        service.resendConfirmation(deps.orders, request.actor!, orderId, {
          ip: request.ip,
          requestId: request.id,
        });
      app.post(
        '/api/v1/admin/orders/:id/resend-confirmation',
        {
          ...guard('admin.orders.resend'),
          schema: {
            tags: ['admin'],
            summary: 'Send a paid order’s confirmation mail again (audited)',
            params: OrderParams,
            body: Type.Object({}, { additionalProperties: false }),
            response: {
              202: Type.Object({ resent: Type.Literal(true) }),
              ...errorResponses('UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'ORDER_STATE_CONFLICT'),
            },
          },
        },
        async (request, reply) => {
          await resend(request, request.params.id);
          return reply.code(202).send({ resent: true as const });
        },
      );
      app.post(
        '/admin/orders/:id/resend-confirmation',
        {
          ...guard('admin.orders.resend'),
          schema: {
            hide: true,
            params: OrderParams,
            body: Type.Object(
              { _csrf: Type.Optional(Type.String({ maxLength: 200 })) },
              { additionalProperties: false },
            ),
          },
        },
        async (request, reply) => {
          await resend(request, request.params.id);
          return reply.redirect(`/admin/orders/${encodeURIComponent(request.params.id)}`, 303);
        },
      );

      // JSON API
      app.get(
        '/api/v1/admin/outbox',
        {
          ...guard('admin.outbox.read'),
          schema: {
            tags: ['admin'],
            summary: 'List outbox messages (newest first)',
            querystring: ListQuery,
            response: { 200: Type.Object({ messages: Type.Array(MailSummary) }) },
          },
        },
        async (request) => {
          const rows = await ctx.mail.list(request.query);
          return { messages: rows.map(toMailSummary) };
        },
      );
      app.get(
        '/api/v1/admin/outbox/:id',
        {
          ...guard('admin.outbox.read'),
          schema: {
            tags: ['admin'],
            summary: 'One outbox message with its bodies',
            params: IdParams,
            response: { 200: MailDetail },
          },
        },
        async (request) => {
          const m = await ctx.mail.get(request.params.id);
          if (!m) throw new AppError('NOT_FOUND');
          return { ...toMailSummary(m), text: m.text_body, html: m.html_body };
        },
      );
      app.get(
        '/api/v1/admin/jobs/failed',
        {
          ...guard('admin.jobs.read'),
          schema: {
            tags: ['admin'],
            summary: 'Jobs that used up their retries',
            response: { 200: Type.Object({ jobs: Type.Array(FailedJobSchema) }) },
          },
        },
        async () => ({
          jobs: (await ctx.jobs.failed()).map((j) => ({
            id: j.id,
            queue: j.queue,
            retryCount: j.retryCount,
            failedAt: iso(j.completedOn),
            error: j.output,
          })),
        }),
      );
      app.post(
        '/api/v1/admin/jobs/:queue/:id/retry',
        {
          ...guard('admin.jobs.retry'),
          schema: {
            tags: ['admin'],
            summary: 'Retry a failed job (audited)',
            params: JobParams,
            response: { 200: Type.Object({ retried: Type.Literal(true) }) },
          },
        },
        async (request) => {
          const actor = request.actor!;
          await service.retryJob(actor, request.params.queue, request.params.id, {
            ip: request.ip,
            requestId: request.id,
          });
          return { retried: true as const };
        },
      );

      // Pages
      app.get('/admin', { ...guard('admin.access'), schema: { hide: true } }, async (request, reply) => {
        const now = ctx.clock.now();
        const dayStart = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
        const [counts, outbox, failed, today, week, pastDue, attention] = await Promise.all([
          ctx.jobs.counts(),
          ctx.mail.list({ limit: 200 }),
          ctx.jobs.failed(),
          deps.orders.service.activity(dayStart, 0),
          deps.orders.service.activity(new Date(now.getTime() - 7 * DAY_MS), 10),
          deps.subscriptions.service.search({ status: 'past_due', limit: 200 }),
          deps.fulfillment.service.list({ status: 'needs_attention', limit: 20 }),
        ]);
        const row = (o: (typeof week.recentPaid)[number], at: Date | null) => ({
          id: o.id,
          number: o.number,
          email: o.billing.email,
          currency: o.currency,
          gross: o.gross_total,
          at: at ?? o.updated_at,
          error: o.last_payment_error,
        });
        return reply.type(html).send(
          renderPage(
            AdminDashboard({
              ...accounts.pageChrome(request, reply),
              day: dayStart.toISOString().slice(0, 10),
              today: today.paid,
              week: week.paid,
              recentPaid: week.recentPaid.map((o) => row(o, o.paid_at)),
              failedPayments: {
                count: week.failedCount,
                orders: week.failed.map((o) => row(o, o.updated_at)),
              },
              pastDueSubscriptions: pastDue.length,
              needsAttention: attention.map(({ fulfillment: f }) => ({
                orderId: f.order_id,
                orderNumber: f.order_number,
                failedStep: f.failed_step,
                since: f.attention_at,
              })),
              counts,
              outboxTotal: outbox.length,
              failedJobs: failed.length,
            }),
          ),
        );
      });
      app.get(
        '/admin/outbox',
        { ...guard('admin.outbox.read'), schema: { hide: true, querystring: ListQuery } },
        async (request, reply) => {
          const messages = await ctx.mail.list(request.query);
          return reply
            .type(html)
            .send(
              renderPage(
                OutboxPage({ ...accounts.pageChrome(request, reply), messages, to: request.query.to }),
              ),
            );
        },
      );
      app.get(
        '/admin/outbox/:id',
        { ...guard('admin.outbox.read'), schema: { hide: true, params: IdParams } },
        async (request, reply) => {
          const message = await ctx.mail.get(request.params.id);
          if (!message) throw new AppError('NOT_FOUND');
          const attachments = await ctx.mail.attachments(message.id);
          return reply
            .type(html)
            .send(
              renderPage(OutboxMessagePage({ ...accounts.pageChrome(request, reply), message, attachments })),
            );
        },
      );
      app.get(
        '/admin/outbox/:id/attachments/:position',
        {
          ...guard('admin.outbox.read'),
          schema: {
            hide: true,
            params: Type.Object(
              { id: Type.String({ maxLength: 64 }), position: Type.Integer({ minimum: 1, maximum: 100 }) },
              { additionalProperties: false },
            ),
          },
        },
        async (request, reply) => {
          const a = await ctx.mail.attachment(request.params.id, request.params.position);
          if (!a) throw new AppError('NOT_FOUND');
          // Always a download, never rendered on our origin (an attachment is not our page).
          return reply
            .type('application/octet-stream')
            .header('content-disposition', `attachment; filename="${a.filename.replace(/[^\w.-]/g, '_')}"`)
            .header('cache-control', 'no-store')
            .send(a.content);
        },
      );
      app.get(
        '/admin/outbox/:id/html',
        { ...guard('admin.outbox.read'), schema: { hide: true, params: IdParams } },
        async (request, reply) => {
          const message = await ctx.mail.get(request.params.id);
          if (!message) throw new AppError('NOT_FOUND');
          // Shown in a sandboxed frame on our own page: mail HTML uses inline
          // styles (mail clients need them) but may never run script.
          return reply
            .type(html)
            .header(
              'content-security-policy',
              "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox",
            )
            .header('x-frame-options', 'SAMEORIGIN')
            .send(message.html_body);
        },
      );
      app.get(
        '/admin/jobs',
        { ...guard('admin.jobs.read'), schema: { hide: true } },
        async (request, reply) => {
          const failed = await ctx.jobs.failed();
          const canRetry = request.actor ? accounts.can(request.actor, 'admin.jobs.retry') : false;
          return reply
            .type(html)
            .send(renderPage(JobsPage({ ...accounts.pageChrome(request, reply), failed, canRetry })));
        },
      );
      app.post(
        '/admin/jobs/:queue/:id/retry',
        { ...guard('admin.jobs.retry'), schema: { hide: true, params: JobParams } },
        async (request, reply) => {
          await service.retryJob(request.actor!, request.params.queue, request.params.id, {
            ip: request.ip,
            requestId: request.id,
          });
          return reply.redirect('/admin/jobs', 303);
        },
      );
      app.get(
        '/admin/audit',
        { ...guard('admin.audit.read'), schema: { hide: true } },
        async (request, reply) => {
          const events = await audit.log.list({ limit: 200 });
          return reply
            .type(html)
            .send(renderPage(AuditPage({ ...accounts.pageChrome(request, reply), events })));
        },
      );
    },
  };
}
