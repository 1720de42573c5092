import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import { BODY_ERRORS, errorResponses as errors } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { staffOf } from '../audit/index.ts';
import type { InvoiceMailService } from './invoice-mail.service.ts';
import { type Scope, STAFF } from './invoices.repository.ts';
import {
  AccountListQuery,
  CreditNoteParams,
  InvoiceIdParams,
  InvoiceJson,
  InvoiceSummaryJson,
  invoiceJson,
  invoiceSummaryJson,
  StaffListQuery,
} from './invoices.schema.ts';
import type { InvoiceService } from './invoices.service.ts';
import type { DocumentRow } from './invoices.tables.ts';

/**
 * The invoice API: the customer's own invoices under /api/v1/account/invoices (scoped to the
 * caller in the repository: anyone else's answers 404 exactly like an unknown id) and staff's
 * under /api/v1/admin/invoices (`admin.invoices.read`). Reading needs no audit. A finalized
 * invoice never changes; the one staff action is sending its mail again (`admin.invoices.resend`,
 * audited).
 */

export const INVOICE_PERMISSIONS = { read: 'admin.invoices.read', resend: 'admin.invoices.resend' } as const;

export interface InvoiceRouteDeps {
  invoices: InvoiceService;
  mail: InvoiceMailService;
  accounts: AccountsModule;
}

const Resent = Type.Object(
  { resent: Type.Literal(true), messageId: Type.String({ description: 'The new outbox message.' }) },
  { additionalProperties: false },
);
const EmptyBody = Type.Object({}, { additionalProperties: false });

const PdfResponse = {
  200: Type.Unsafe<Uint8Array>({
    type: 'string',
    format: 'binary',
    description: 'The PDF (`content-disposition: attachment; filename="FHIR-YYYY-MM-NNNN.pdf"`).',
  }),
};

/**
 * A signed-in customer's scope: their own invoices and credit notes, and those of the
 * organizations where they hold `org.orders.read` (owners, admins, billing members).
 */
export function customerScope(request: FastifyRequest, accounts: AccountsModule): Scope {
  const actor = request.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED');
  return { userId: actor.userId, orgIds: accounts.orgIdsWith(actor, 'org.orders.read') };
}

/** Sends a stored PDF as a download (never rendered inline on our origin). */
export function sendPdf(reply: FastifyReply, doc: DocumentRow) {
  return reply
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="${doc.filename}"`)
    .header('cache-control', 'private, no-store')
    .header('x-content-sha256', doc.sha256)
    .send(doc.pdf);
}

/** The PDF of an invoice, or of one of its credit notes, as the scope may see it. */
export async function invoicePdf(invoices: InvoiceService, scope: Scope, id: string): Promise<DocumentRow> {
  const v = await invoices.get(scope, id);
  return invoices.invoicePdf(v.invoice);
}

export async function creditNotePdf(
  invoices: InvoiceService,
  scope: Scope,
  invoiceId: string,
  creditNoteId: string,
): Promise<DocumentRow> {
  const v = await invoices.getCreditNote(scope, creditNoteId);
  if (v.invoice.id !== invoiceId) throw new AppError('NOT_FOUND');
  return invoices.creditNotePdf(v);
}

export function registerInvoiceRoutes(app: HttpServer, deps: InvoiceRouteDeps): void {
  const { invoices, mail, accounts } = deps;
  const mine = { preHandler: accounts.requireActor() };
  const staff = { preHandler: accounts.requirePermission(INVOICE_PERMISSIONS.read) };
  const own = ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'NOT_FOUND'] as const;
  const staffErrors = [...own, 'FORBIDDEN'] as const;
  const customer = (request: FastifyRequest): Scope => customerScope(request, accounts);
  const account = '/api/v1/account/invoices' as const;
  const admin = '/api/v1/admin/invoices' as const;

  app.get(
    account,
    {
      ...mine,
      schema: {
        tags: ['accounts'],
        summary: 'The caller’s invoices with their credit notes, newest first',
        description:
          'With the invoices of the organizations where the caller is an owner, admin or billing member.',
        querystring: AccountListQuery,
        response: {
          200: Type.Object({ items: Type.Array(InvoiceSummaryJson) }),
          ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED'),
        },
      },
    },
    async (request) => ({
      items: (await invoices.list(customer(request), { ...request.query, limit: 200 })).map((r) =>
        invoiceSummaryJson(r.invoice, r.creditNotes, account),
      ),
    }),
  );

  app.get(
    `${account}/:id`,
    {
      ...mine,
      schema: {
        tags: ['accounts'],
        summary: 'One of the caller’s invoices: seller, buyer, lines, tax, credit notes',
        description: 'Another customer’s invoice answers 404, exactly like an unknown id.',
        params: InvoiceIdParams,
        response: { 200: InvoiceJson, ...errors(...own) },
      },
    },
    async (request) => invoiceJson(await invoices.get(customer(request), request.params.id), account),
  );

  app.get(
    `${account}/:id/pdf`,
    {
      ...mine,
      schema: {
        tags: ['accounts'],
        summary: 'Download one of the caller’s invoices as PDF',
        params: InvoiceIdParams,
        produces: ['application/pdf'],
        response: { ...PdfResponse, ...errors(...own) },
      },
    },
    async (request, reply) =>
      sendPdf(reply, await invoicePdf(invoices, customer(request), request.params.id)),
  );

  app.get(
    `${account}/:id/credit-notes/:creditNoteId/pdf`,
    {
      ...mine,
      schema: {
        tags: ['accounts'],
        summary: 'Download a credit note of one of the caller’s invoices as PDF',
        params: CreditNoteParams,
        produces: ['application/pdf'],
        response: { ...PdfResponse, ...errors(...own) },
      },
    },
    async (request, reply) =>
      sendPdf(
        reply,
        await creditNotePdf(invoices, customer(request), request.params.id, request.params.creditNoteId),
      ),
  );

  app.get(
    admin,
    {
      ...staff,
      schema: {
        tags: ['admin'],
        summary: 'Search invoices (number, order number, email; issue month; status), newest first',
        querystring: StaffListQuery,
        response: {
          200: Type.Object({ items: Type.Array(InvoiceSummaryJson) }),
          ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN'),
        },
      },
    },
    async (request) => ({
      items: (await invoices.list(STAFF, request.query)).map((r) =>
        invoiceSummaryJson(r.invoice, r.creditNotes, admin),
      ),
    }),
  );

  app.get(
    `${admin}/:id`,
    {
      ...staff,
      schema: {
        tags: ['admin'],
        summary: 'One invoice with its lines and credit notes',
        params: InvoiceIdParams,
        response: { 200: InvoiceJson, ...errors(...staffErrors) },
      },
    },
    async (request) => invoiceJson(await invoices.get(STAFF, request.params.id), admin),
  );

  app.get(
    `${admin}/:id/pdf`,
    {
      ...staff,
      schema: {
        tags: ['admin'],
        summary: 'Download an invoice as PDF',
        params: InvoiceIdParams,
        produces: ['application/pdf'],
        response: { ...PdfResponse, ...errors(...staffErrors) },
      },
    },
    async (request, reply) => sendPdf(reply, await invoicePdf(invoices, STAFF, request.params.id)),
  );

  app.get(
    `${admin}/:id/credit-notes/:creditNoteId/pdf`,
    {
      ...staff,
      schema: {
        tags: ['admin'],
        summary: 'Download a credit note as PDF',
        params: CreditNoteParams,
        produces: ['application/pdf'],
        response: { ...PdfResponse, ...errors(...staffErrors) },
      },
    },
    async (request, reply) =>
      sendPdf(reply, await creditNotePdf(invoices, STAFF, request.params.id, request.params.creditNoteId)),
  );

  const resender = { preHandler: accounts.requirePermission(INVOICE_PERMISSIONS.resend) };
  const resendErrors = errors(...BODY_ERRORS, 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND');

  app.post(
    `${admin}/:id/resend`,
    {
      ...resender,
      schema: {
        tags: ['admin'],
        summary: 'Mail an invoice (with its PDF) to the buyer again (audited)',
        description: 'The same mail as the first one, to the billing email the invoice was issued to.',
        params: InvoiceIdParams,
        body: EmptyBody,
        response: { 202: Resent, ...resendErrors },
      },
    },
    async (request, reply) =>
      reply.code(202).send({
        resent: true as const,
        messageId: await mail.resendInvoice(staffOf(request), request.params.id),
      }),
  );

  app.post(
    `${admin}/:id/credit-notes/:creditNoteId/resend`,
    {
      ...resender,
      schema: {
        tags: ['admin'],
        summary: 'Mail a credit note (with its PDF) to the buyer again (audited)',
        params: CreditNoteParams,
        body: EmptyBody,
        response: { 202: Resent, ...resendErrors },
      },
    },
    async (request, reply) =>
      reply.code(202).send({
        resent: true as const,
        messageId: await mail.resendCreditNote(
          staffOf(request),
          request.params.id,
          request.params.creditNoteId,
        ),
      }),
  );
}
