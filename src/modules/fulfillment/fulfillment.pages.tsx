import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { randomToken } from '../../platform/crypto/secrets.ts';
import { isAppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import { staffOf } from '../audit/index.ts';
import { OrderIdParams } from '../orders/index.ts';
import { FULFILLMENT_PERMISSIONS, type FulfillmentRouteDeps } from './fulfillment.routes.ts';
import { AllocationIdParams } from './fulfillment.schema.ts';
import { RESEND_PERMISSION } from './fulfillment.service.ts';
import { AccountConsultingPage, AccountTrainingPage } from './views/account-views.tsx';
import {
  AdminConsultingListPage,
  AdminConsultingPage,
  AdminFulfillmentPage,
  type EntryFormState,
} from './views/admin-views.tsx';

const hidden = { hide: true } as const;
const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
// Form bodies: bounded strings, checked below; `_csrf` optional so a missing token reaches the CSRF check (403).
const EntryForm = Type.Object(
  { _csrf: field(512), date: field(20), hours: field(20), note: field(2000), requestKey: field(200) },
  { additionalProperties: false },
);
const EmptyForm = Type.Object({ _csrf: field(512) }, { additionalProperties: false });
const LABELS: Record<string, string> = { date: 'The date', hours: 'The hours', note: 'The note' };
const REQUEST_KEY = /^[A-Za-z0-9_-]{16,100}$/;
/** Refusals the time-entry form explains on the page (anything else is an error page). */
const ENTRY_REFUSALS = new Set([
  'VALIDATION_FAILED',
  'CONSULTING_HOURS_EXCEEDED',
  'ALLOCATION_EXPIRED',
  'IDEMPOTENCY_KEY_REUSED',
]);

/** Customer pages (training, consulting) and staff pages (fulfillment, consulting time entries). */
export function registerFulfillmentPages(app: HttpServer, deps: FulfillmentRouteDeps): void {
  const { fulfillment, training, consulting, accounts, now } = deps;
  const chrome = accounts.pageChrome;
  const page = (reply: FastifyReply, vnode: Parameters<typeof sendPage>[1], status = 200) =>
    sendPage(reply, vnode, { status, private: true });

  app.get(
    '/account/training',
    { preHandler: accounts.requireActor(), schema: hidden },
    async (request, reply) => {
      const rows = await training.listForUser(request.actor!.userId);
      return page(
        reply,
        AccountTrainingPage({
          ...chrome(request, reply),
          enrollments: rows.map((row) => ({ row, accessKey: training.accessKeyOf(row) })),
          now: now(),
        }),
      );
    },
  );

  app.get(
    '/account/consulting',
    { preHandler: accounts.requireActor(), schema: hidden },
    async (request, reply) =>
      page(
        reply,
        AccountConsultingPage({
          ...chrome(request, reply),
          allocations: await consulting.listForUser(request.actor!.userId),
          now: now(),
          bookingUrl: deps.bookingUrl,
        }),
      ),
  );

  app.get(
    '/admin/fulfillment',
    {
      preHandler: accounts.requirePermission(FULFILLMENT_PERMISSIONS.read),
      schema: {
        ...hidden,
        querystring: Type.Object({ retried: field(40) }, { additionalProperties: true }),
      },
    },
    async (request, reply) => {
      const attention = await fulfillment.list({ status: 'needs_attention', limit: 200 });
      const recent = (await fulfillment.list({ limit: 50 })).filter(
        (i) => i.fulfillment.status !== 'needs_attention',
      );
      const retried = request.query.retried ? await fulfillment.get(request.query.retried) : undefined;
      return page(
        reply,
        AdminFulfillmentPage({
          ...chrome(request, reply),
          attention,
          recent,
          canRetry: accounts.can(request.actor ?? null, FULFILLMENT_PERMISSIONS.manage),
          outcome: retried
            ? {
                number: retried.fulfillment.order_number,
                status: retried.fulfillment.status,
                error: retried.fulfillment.last_error,
              }
            : null,
        }),
      );
    },
  );

  app.post(
    '/admin/fulfillment/:id/retry',
    {
      preHandler: accounts.requirePermission(FULFILLMENT_PERMISSIONS.manage),
      schema: { ...hidden, params: OrderIdParams, body: EmptyForm },
    },
    async (request, reply) => {
      await fulfillment.retry(staffOf(request), request.params.id);
      return reply.redirect(`/admin/fulfillment?retried=${request.params.id}`, 303);
    },
  );

  app.post(
    '/admin/orders/:id/resend-delivery',
    {
      preHandler: accounts.requirePermission(RESEND_PERMISSION),
      schema: { ...hidden, params: OrderIdParams, body: EmptyForm },
    },
    async (request, reply) => {
      await fulfillment.resendDelivery(staffOf(request), request.params.id);
      return reply.redirect(`/admin/orders/${encodeURIComponent(request.params.id)}`, 303);
    },
  );

  app.get(
    '/admin/consulting',
    {
      preHandler: accounts.requirePermission(FULFILLMENT_PERMISSIONS.read),
      schema: { ...hidden, querystring: Type.Object({ open: field(10) }, { additionalProperties: true }) },
    },
    async (request, reply) => {
      const open = request.query.open === 'true';
      return page(
        reply,
        AdminConsultingListPage({
          ...chrome(request, reply),
          allocations: await consulting.search({ open, limit: 200 }),
          open,
        }),
      );
    },
  );

  async function detail(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    options: { form?: Partial<EntryFormState>; recorded?: boolean; status?: number } = {},
  ) {
    const view = await consulting.get(id);
    const form: EntryFormState = {
      date: now().toISOString().slice(0, 10),
      hours: '',
      note: '',
      // A fresh key for each rendering: the same form submitted twice is one entry.
      requestKey: randomToken(18),
      errors: {},
      error: null,
      ...options.form,
    };
    return page(
      reply,
      AdminConsultingPage({
        ...chrome(request, reply),
        view,
        now: now(),
        canRecord: accounts.can(request.actor ?? null, FULFILLMENT_PERMISSIONS.consulting),
        form,
        recorded: options.recorded ?? false,
      }),
      options.status,
    );
  }

  app.get(
    '/admin/consulting/:id',
    {
      preHandler: accounts.requirePermission(FULFILLMENT_PERMISSIONS.read),
      schema: {
        ...hidden,
        params: AllocationIdParams,
        querystring: Type.Object({ done: field(20) }, { additionalProperties: true }),
      },
    },
    async (request, reply) =>
      detail(request, reply, request.params.id, { recorded: request.query.done === 'recorded' }),
  );

  app.post(
    '/admin/consulting/:id/entries',
    {
      preHandler: accounts.requirePermission(FULFILLMENT_PERMISSIONS.consulting),
      schema: { ...hidden, params: AllocationIdParams, body: EntryForm },
    },
    async (request, reply) => {
      const { id } = request.params;
      const typed = {
        date: request.body.date ?? '',
        hours: (request.body.hours ?? '').trim().replace(',', '.'),
        note: request.body.note ?? '',
      };
      const requestKey = request.body.requestKey ?? '';
      const refused = (errors: Record<string, string>, error: string | null, status: number) =>
        detail(request, reply, id, {
          // The key stays while nothing was recorded: a corrected form submitted twice is one entry.
          form: { ...typed, errors, error, ...(REQUEST_KEY.test(requestKey) ? { requestKey } : {}) },
          status,
        });
      const hours = /^\d{1,2}(\.\d{1,4})?$/.test(typed.hours) ? Number(typed.hours) : Number.NaN;
      if (Number.isNaN(hours)) return refused({ hours: 'Enter hours such as 1.5 or 0.25.' }, null, 400);
      if (!REQUEST_KEY.test(requestKey))
        return refused({}, 'This form is incomplete: check it and submit it again.', 400);
      try {
        await consulting.recordEntry(staffOf(request), id, { ...typed, hours, requestKey });
      } catch (err) {
        if (!isAppError(err) || !ENTRY_REFUSALS.has(err.code)) throw err;
        const fieldErrors: Record<string, string> = {};
        for (const d of err.details ?? []) {
          const name = d.path?.slice(1) ?? '';
          const label = LABELS[name];
          if (label) fieldErrors[name] = `${label} ${d.message}.`;
        }
        return refused(
          fieldErrors,
          err.code === 'VALIDATION_FAILED' && Object.keys(fieldErrors).length ? null : err.message,
          err.status,
        );
      }
      return reply.redirect(`/admin/consulting/${id}?done=recorded`, 303);
    },
  );
}
