import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import { staffOf } from '../audit/index.ts';
import type { InvoiceStatus } from './domain/document.ts';
import { STAFF } from './invoices.repository.ts';
import {
  creditNotePdf,
  customerScope,
  INVOICE_PERMISSIONS,
  type InvoiceRouteDeps,
  invoicePdf,
  sendPdf,
} from './invoices.routes.ts';
import { CreditNoteParams, InvoiceIdParams } from './invoices.schema.ts';
import {
  AccountInvoicePage,
  AccountInvoicesPage,
  AdminInvoicePage,
  AdminInvoicesPage,
} from './views/invoice-views.tsx';

const hidden = { hide: true } as const;
// Filter forms send empty strings for "any": accepted here and read as no filter.
const AccountQuery = Type.Object(
  {
    year: Type.Optional(Type.String({ pattern: '^([0-9]{4})?$' })),
    status: Type.Optional(Type.String({ pattern: '^(paid|partially_credited|credited)?$' })),
  },
  { additionalProperties: false },
);
const AdminQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 254 })),
    month: Type.Optional(Type.String({ pattern: '^([0-9]{4}-(0[1-9]|1[0-2]))?$' })),
  },
  { additionalProperties: false },
);

const DoneQuery = Type.Object(
  { done: Type.Optional(Type.String({ maxLength: 20 })) },
  { additionalProperties: false },
);
const CsrfForm = Type.Object(
  { _csrf: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);

/** Customer pages (/account/invoices) and staff pages (/admin/invoices). */
export function registerInvoicePages(app: HttpServer, deps: InvoiceRouteDeps): void {
  const { invoices, mail, accounts } = deps;
  const chrome = accounts.pageChrome;
  const page = (reply: FastifyReply, vnode: Parameters<typeof sendPage>[1]) =>
    sendPage(reply, vnode, { status: 200, private: true });
  const signedIn = { preHandler: accounts.requireActor() };
  const staff = { preHandler: accounts.requirePermission(INVOICE_PERMISSIONS.read) };

  app.get(
    '/account/invoices',
    { ...signedIn, schema: { ...hidden, querystring: AccountQuery } },
    async (request, reply) => {
      const scope = customerScope(request, accounts);
      const year = request.query.year ? Number(request.query.year) : undefined;
      const status = (request.query.status || undefined) as InvoiceStatus | undefined;
      return page(
        reply,
        AccountInvoicesPage({
          ...chrome(request, reply),
          items: await invoices.list(scope, { year, status, limit: 200 }),
          years: await invoices.years(scope),
          year,
          status,
        }),
      );
    },
  );

  app.get(
    '/account/invoices/:id',
    { ...signedIn, schema: { ...hidden, params: InvoiceIdParams } },
    async (request, reply) =>
      page(
        reply,
        AccountInvoicePage({
          ...chrome(request, reply),
          view: await invoices.get(customerScope(request, accounts), request.params.id),
        }),
      ),
  );

  app.get(
    '/account/invoices/:id/pdf',
    { ...signedIn, schema: { ...hidden, params: InvoiceIdParams } },
    async (request, reply) =>
      sendPdf(reply, await invoicePdf(invoices, customerScope(request, accounts), request.params.id)),
  );

  app.get(
    '/account/invoices/:id/credit-notes/:creditNoteId/pdf',
    { ...signedIn, schema: { ...hidden, params: CreditNoteParams } },
    async (request, reply) =>
      sendPdf(
        reply,
        await creditNotePdf(
          invoices,
          customerScope(request, accounts),
          request.params.id,
          request.params.creditNoteId,
        ),
      ),
  );

  app.get(
    '/admin/invoices',
    { ...staff, schema: { ...hidden, querystring: AdminQuery } },
    async (request, reply) =>
      page(
        reply,
        AdminInvoicesPage({
          ...chrome(request, reply),
          items: await invoices.list(STAFF, {
            q: request.query.q?.trim() || undefined,
            month: request.query.month || undefined,
            limit: 100,
          }),
          q: request.query.q ?? '',
          month: request.query.month ?? '',
        }),
      ),
  );

  app.get(
    '/admin/invoices/:id',
    { ...staff, schema: { ...hidden, params: InvoiceIdParams, querystring: DoneQuery } },
    async (request, reply) => {
      const view = await invoices.get(STAFF, request.params.id);
      const mails = await mail.mailRecords(
        view.invoice.id,
        view.creditNotes.map((n) => n.id),
      );
      return page(
        reply,
        AdminInvoicePage({
          ...chrome(request, reply),
          view,
          mails,
          canResend: accounts.can(request.actor ?? null, INVOICE_PERMISSIONS.resend),
          notice: request.query.done === 'resent' ? 'The mail is on its way to the buyer again.' : null,
        }),
      );
    },
  );

  const resender = { preHandler: accounts.requirePermission(INVOICE_PERMISSIONS.resend) };
  app.post(
    '/admin/invoices/:id/resend',
    { ...resender, schema: { ...hidden, params: InvoiceIdParams, body: CsrfForm } },
    async (request, reply) => {
      await mail.resendInvoice(staffOf(request), request.params.id);
      return reply.redirect(`/admin/invoices/${request.params.id}?done=resent`, 303);
    },
  );

  app.post(
    '/admin/invoices/:id/credit-notes/:creditNoteId/resend',
    { ...resender, schema: { ...hidden, params: CreditNoteParams, body: CsrfForm } },
    async (request, reply) => {
      await mail.resendCreditNote(staffOf(request), request.params.id, request.params.creditNoteId);
      return reply.redirect(`/admin/invoices/${request.params.id}?done=resent`, 303);
    },
  );

  app.get(
    '/admin/invoices/:id/pdf',
    { ...staff, schema: { ...hidden, params: InvoiceIdParams } },
    async (request, reply) => sendPdf(reply, await invoicePdf(invoices, STAFF, request.params.id)),
  );

  app.get(
    '/admin/invoices/:id/credit-notes/:creditNoteId/pdf',
    { ...staff, schema: { ...hidden, params: CreditNoteParams } },
    async (request, reply) =>
      sendPdf(reply, await creditNotePdf(invoices, STAFF, request.params.id, request.params.creditNoteId)),
  );
}
