import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { BODY_ERRORS, errorResponses as errors } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { staffOf } from '../audit/index.ts';
import {
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
}

/** The signed-in caller as a support customer (the guard already required an actor). */
export function customerOf(request: FastifyRequest): Customer {
  const actor = request.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED');
  return { userId: actor.userId, email: actor.email, orgIds: actor.memberships.map((m) => m.orgId) };
}

/** JSON: the customer's tickets under /api/v1/account/support, staff's under /api/v1/admin/support. */
export function registerSupportRoutes(app: HttpServer, deps: SupportRouteDeps): void {
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
}
