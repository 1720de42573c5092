import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { BODY_ERRORS, errorResponses as errors } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { staffOf } from '../audit/index.ts';
import { attachmentLimits, readAttachmentForm } from './attachment-upload.ts';
import { attachmentDisposition } from './domain/attachment.ts';
import { isTicketStatus } from './domain/ticket.ts';
import {
  AttachmentFormBody,
  AttachmentParams,
  EmptyBody,
  NewTicketBody,
  ReplyBody,
  StaffQuery,
  StaffReplyBody,
  StaffTicketJson,
  StaffTicketList,
  StatusBody,
  staffSummary,
  staffTicketJson,
  TicketIdParams,
  TicketJson,
  TicketList,
  ticketJson,
  ticketSummary,
} from './support.schema.ts';
import type { Customer, SupportService } from './support.service.ts';

/** Who reads tickets (support and admins) and who answers and moves them (the same roles). */
export const SUPPORT_PERMISSIONS = {
  read: 'admin.support.read',
  reply: 'admin.support.reply',
} as const;

export interface SupportRouteDeps {
  support: SupportService;
  accounts: AccountsModule;
  publicUrl: string;
}

/** Sends an attachment as a download: never rendered on our origin, never sniffed, never cached. */
export function sendAttachment(
  reply: FastifyReply,
  file: { filename: string; contentType: string; content: Buffer },
) {
  return reply
    .type(file.contentType)
    .header('content-disposition', attachmentDisposition(file.filename))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .send(file.content);
}

/** The signed-in caller as a support customer (the guard already required an actor). */
export function customerOf(request: FastifyRequest): Customer {
  const actor = request.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED');
  return { userId: actor.userId, email: actor.email, orgIds: actor.memberships.map((m) => m.orgId) };
}

/**
 * JSON: the customer's tickets under /api/v1/account/support, staff's under /api/v1/admin/support.
 * The multipart parser is registered in an encapsulated scope holding only the attachment routes
 * (`registerUploadPages` adds the pages' forms), so no other route accepts multipart bodies.
 */
export async function registerSupportRoutes(
  app: HttpServer,
  deps: SupportRouteDeps,
  registerUploadPages: (scope: HttpServer) => void,
): Promise<void> {
  const { support, accounts } = deps;
  const security: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerToken: [] }];
  const staffErrors = ['UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'] as const;

  app.get(
    '/api/v1/account/support',
    {
      preHandler: accounts.requireActor(),
      schema: {
        tags: ['support'],
        summary: 'The caller’s support tickets (and their organizations’), open ones first',
        security,
        response: { 200: TicketList, ...errors('UNAUTHENTICATED') },
      },
    },
    async (request) => ({ items: (await support.listForCustomer(customerOf(request))).map(ticketSummary) }),
  );

  app.post(
    '/api/v1/account/support',
    {
      preHandler: accounts.requireActor(),
      schema: {
        tags: ['support'],
        summary: 'Open a support ticket',
        description:
          'The body is plain text (shown escaped, line breaks kept). `licenseId` and `orderId` must be the caller’s own, `organizationId` one of their organizations (VALIDATION_FAILED names the field otherwise). Limited per user per hour: SUPPORT_RATE_LIMITED with `Retry-After`. Staff are mailed.',
        security,
        body: NewTicketBody,
        response: { 201: TicketJson, ...errors(...BODY_ERRORS, 'UNAUTHENTICATED', 'SUPPORT_RATE_LIMITED') },
      },
    },
    async (request, reply) =>
      reply.code(201).send(ticketJson(await support.open(customerOf(request), request.body))),
  );

  app.get(
    '/api/v1/account/support/:id',
    {
      preHandler: accounts.requireActor(),
      schema: {
        tags: ['support'],
        summary: 'One of the caller’s tickets with its thread',
        description: 'A ticket of someone else (or of an organization the caller is not in) is NOT_FOUND.',
        security,
        params: TicketIdParams,
        response: { 200: TicketJson, ...errors('UNAUTHENTICATED', 'VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => ticketJson(await support.getForCustomer(customerOf(request), request.params.id)),
  );

  app.post(
    '/api/v1/account/support/:id/replies',
    {
      preHandler: accounts.requireActor(),
      schema: {
        tags: ['support'],
        summary: 'Reply on one of the caller’s tickets',
        description:
          'A ticket waiting on the customer, or resolved, goes back to `open`; a closed ticket answers TICKET_CLOSED. Staff are mailed.',
        security,
        params: TicketIdParams,
        body: ReplyBody,
        response: {
          201: TicketJson,
          ...errors(...BODY_ERRORS, 'UNAUTHENTICATED', 'NOT_FOUND', 'TICKET_CLOSED'),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(ticketJson(await support.reply(customerOf(request), request.params.id, request.body.body))),
  );

  app.get(
    '/api/v1/admin/support',
    {
      preHandler: accounts.requirePermission(SUPPORT_PERMISSIONS.read),
      schema: {
        tags: ['support'],
        summary: 'Staff: support tickets, most recently updated first',
        security,
        querystring: StaffQuery,
        response: { 200: StaffTicketList, ...errors(...staffErrors, 'VALIDATION_FAILED') },
      },
    },
    async (request) => ({ items: (await support.search(request.query)).map(staffSummary) }),
  );

  app.get(
    '/api/v1/admin/support/:id',
    {
      preHandler: accounts.requirePermission(SUPPORT_PERMISSIONS.read),
      schema: {
        tags: ['support'],
        summary: 'Staff: one ticket with its thread',
        security,
        params: TicketIdParams,
        response: { 200: StaffTicketJson, ...errors(...staffErrors, 'VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => staffTicketJson(await support.getForStaff(request.params.id)),
  );

  app.post(
    '/api/v1/admin/support/:id/replies',
    {
      preHandler: accounts.requirePermission(SUPPORT_PERMISSIONS.reply),
      schema: {
        tags: ['support'],
        summary: 'Staff: reply on a ticket (audited; the customer is mailed)',
        description:
          'Without `status` the ticket waits on the customer; `status: resolved` resolves it in the same step (the mail says so).',
        security,
        params: TicketIdParams,
        body: StaffReplyBody,
        response: { 201: StaffTicketJson, ...errors(...BODY_ERRORS, ...staffErrors, 'NOT_FOUND') },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          staffTicketJson(
            await support.staffReply(
              staffOf(request),
              request.params.id,
              request.body.body,
              request.body.status,
            ),
          ),
        ),
  );

  app.post(
    '/api/v1/admin/support/:id/status',
    {
      preHandler: accounts.requirePermission(SUPPORT_PERMISSIONS.reply),
      schema: {
        tags: ['support'],
        summary: 'Staff: change a ticket’s status (audited; resolving mails the customer)',
        security,
        params: TicketIdParams,
        body: StatusBody,
        response: { 200: StaffTicketJson, ...errors(...BODY_ERRORS, ...staffErrors, 'NOT_FOUND') },
      },
    },
    async (request) =>
      staffTicketJson(await support.setStatus(staffOf(request), request.params.id, request.body.status)),
  );

  app.post(
    '/api/v1/admin/support/:id/assign',
    {
      preHandler: accounts.requirePermission(SUPPORT_PERMISSIONS.reply),
      schema: {
        tags: ['support'],
        summary: 'Staff: take a ticket (assign it to the caller; audited)',
        security,
        params: TicketIdParams,
        body: EmptyBody,
        response: { 200: StaffTicketJson, ...errors(...BODY_ERRORS, ...staffErrors, 'NOT_FOUND') },
      },
    },
    async (request) => staffTicketJson(await support.assignToSelf(staffOf(request), request.params.id)),
  );

  const attachmentErrors = [
    'UNAUTHENTICATED',
    'VALIDATION_FAILED',
    'CSRF_INVALID',
    'NOT_FOUND',
    'ATTACHMENT_TOO_LARGE',
    'ATTACHMENT_TYPE_NOT_ALLOWED',
    'TOO_MANY_ATTACHMENTS',
    'UNSUPPORTED_MEDIA_TYPE',
  ] as const;
  const fileResponse = {
    200: {
      type: 'string',
      format: 'binary',
      description:
        'The file as stored, with its content type, `Content-Disposition: attachment` and `X-Content-Type-Options: nosniff`.',
    },
  };

  app.get(
    '/api/v1/account/support/:id/attachments/:attachmentId',
    {
      preHandler: accounts.requireActor(),
      schema: {
        tags: ['support'],
        summary: 'Download a file attached to one of the caller’s tickets',
        description: 'A ticket the caller does not see, or a file removed by retention, is NOT_FOUND.',
        security,
        params: AttachmentParams,
        response: { ...fileResponse, ...errors('UNAUTHENTICATED', 'VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request, reply) =>
      sendAttachment(
        reply,
        await support.attachmentForCustomer(
          customerOf(request),
          request.params.id,
          request.params.attachmentId,
        ),
      ),
  );

  app.get(
    '/api/v1/admin/support/:id/attachments/:attachmentId',
    {
      preHandler: accounts.requirePermission(SUPPORT_PERMISSIONS.read),
      schema: {
        tags: ['support'],
        summary: 'Staff: download a file attached to a ticket',
        security,
        params: AttachmentParams,
        response: { ...fileResponse, ...errors(...staffErrors, 'VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request, reply) =>
      sendAttachment(reply, await support.attachmentForStaff(request.params.id, request.params.attachmentId)),
  );

  await app.register(async (plain) => {
    const scope: HttpServer = plain.withTypeProvider<TypeBoxTypeProvider>();
    const limits = support.attachments.limits;
    await scope.register(multipart, { limits: attachmentLimits(limits) });
    const read = (request: FastifyRequest, reply: FastifyReply) =>
      readAttachmentForm(scope, request, reply, { publicUrl: deps.publicUrl, perMessage: limits.perMessage });

    scope.post(
      '/api/v1/account/support/:id/attachments',
      {
        preHandler: accounts.requireActor(),
        // The CSRF policy is applied by readAttachmentForm, once the form's token is read.
        config: { csrf: false },
        schema: {
          tags: ['support'],
          summary: 'Reply on one of the caller’s tickets with files (multipart/form-data)',
          description:
            'Fields `body` (optional with files) and one or more `file` parts. Each file must be a PDF, PNG, JPEG, plain text (.txt), JSON, CSV or log file, judged by its content and extension (ATTACHMENT_TYPE_NOT_ALLOWED), at most `SUPPORT_ATTACHMENT_MAX_BYTES` (ATTACHMENT_TOO_LARGE), at most `SUPPORT_ATTACHMENTS_PER_MESSAGE` files (TOO_MANY_ATTACHMENTS); on any refusal nothing is kept. Files are stored encrypted. A cookie session sends its CSRF token as `X-CSRF-Token` or a `_csrf` field before the files.',
          security,
          params: TicketIdParams,
          body: AttachmentFormBody(false),
          response: { 201: TicketJson, ...errors(...attachmentErrors, 'TICKET_CLOSED') },
        },
      },
      async (request, reply) => {
        const form = await read(request, reply);
        const thread = await support.reply(customerOf(request), request.params.id, form.body, form.files);
        return reply.code(201).send(ticketJson(thread));
      },
    );

    scope.post(
      '/api/v1/admin/support/:id/attachments',
      {
        preHandler: accounts.requirePermission(SUPPORT_PERMISSIONS.reply),
        config: { csrf: false },
        schema: {
          tags: ['support'],
          summary:
            'Staff: reply on a ticket with files (multipart/form-data; audited; the customer is mailed)',
          description:
            'Like the customer’s: `body`, optional `status` (default `waiting_on_customer`) and `file` parts, with the same checks and limits.',
          security,
          params: TicketIdParams,
          body: AttachmentFormBody(true),
          response: { 201: StaffTicketJson, ...errors(...attachmentErrors, ...staffErrors) },
        },
      },
      async (request, reply) => {
        const form = await read(request, reply);
        if (form.status && !isTicketStatus(form.status))
          throw new AppError('VALIDATION_FAILED', undefined, {
            details: [{ path: '/status', message: 'is not a ticket status' }],
          });
        const thread = await support.staffReply(
          staffOf(request),
          request.params.id,
          form.body,
          isTicketStatus(form.status) ? form.status : undefined,
          form.files,
        );
        return reply.code(201).send(staffTicketJson(thread));
      },
    );
    registerUploadPages(scope);
  });
}
