import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import { staffOf } from '../audit/index.ts';
import { readAttachmentForm } from './attachment-upload.ts';
import { isTicketStatus } from './domain/ticket.ts';
import { customerOf, SUPPORT_PERMISSIONS, type SupportRouteDeps } from './support.routes.ts';
import { AttachmentFormBody, TicketIdParams } from './support.schema.ts';
import { AccountTicketPage, AdminTicketPage } from './views/support-views.tsx';

const hidden = { hide: true } as const;
/** Refusals the ticket page shows above its forms (the request itself was wrong, nothing was kept). */
const SHOWN = new Set([
  'VALIDATION_FAILED',
  'TICKET_CLOSED',
  'ATTACHMENT_TOO_LARGE',
  'ATTACHMENT_TYPE_NOT_ALLOWED',
  'TOO_MANY_ATTACHMENTS',
  'UNSUPPORTED_MEDIA_TYPE',
]);

function refusal(err: unknown): { message: string; status: number } {
  if (!isAppError(err) || !SHOWN.has(err.code)) throw err;
  const detail = err.details?.map((d) => d.message).join('; ');
  return { message: detail ? `${err.message} (A file ${detail}.)` : err.message, status: err.status };
}

/**
 * The ticket pages' "send files" forms (multipart): registered by support.routes.ts inside its
 * multipart scope. A refusal re-renders the ticket with the reason and its status code.
 */
export function registerAttachmentPages(scope: HttpServer, deps: SupportRouteDeps): void {
  const { support, accounts } = deps;
  const options = { publicUrl: deps.publicUrl, perMessage: support.attachments.limits.perMessage };
  const page = (reply: FastifyReply, vnode: Parameters<typeof sendPage>[1], status: number) =>
    sendPage(reply, vnode, { status, private: true });

  scope.post(
    '/account/support/:id/attachments',
    {
      preHandler: accounts.requireActor(),
      // readAttachmentForm applies the CSRF policy once the form's token (its first field) is read.
      config: { csrf: false },
      schema: { ...hidden, params: TicketIdParams, body: AttachmentFormBody(false) },
    },
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const customer = customerOf(request);
      try {
        const form = await readAttachmentForm(scope, request, reply, options);
        await support.reply(customer, request.params.id, form.body, form.files);
      } catch (err) {
        const { message, status } = refusal(err);
        const thread = await support.getForCustomer(customer, request.params.id);
        return page(
          reply,
          AccountTicketPage({
            ...accounts.pageChrome(request, reply),
            thread,
            limits: support.attachments.limits,
            body: '',
            error: message,
            notice: null,
          }),
          status,
        );
      }
      return reply.redirect(`/account/support/${request.params.id}?done=attached`, 303);
    },
  );

  scope.post(
    '/admin/support/:id/attachments',
    {
      preHandler: accounts.requirePermission(SUPPORT_PERMISSIONS.reply),
      config: { csrf: false },
      schema: { ...hidden, params: TicketIdParams, body: AttachmentFormBody(true) },
    },
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      try {
        const form = await readAttachmentForm(scope, request, reply, options);
        await support.staffReply(
          staffOf(request),
          request.params.id,
          form.body,
          isTicketStatus(form.status) ? form.status : undefined,
          form.files,
        );
      } catch (err) {
        const { message, status } = refusal(err);
        return page(
          reply,
          AdminTicketPage({
            ...accounts.pageChrome(request, reply),
            thread: await support.getForStaff(request.params.id),
            limits: support.attachments.limits,
            canReply: true,
            body: '',
            error: message,
            notice: null,
          }),
          status,
        );
      }
      return reply.redirect(`/admin/support/${request.params.id}?done=attached`, 303);
    },
  );
}
