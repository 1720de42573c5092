import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { type AppError, isAppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import { staffOf } from '../audit/index.ts';
import { mediaSrc, UploadBody } from './content.schema.ts';
import { type ContentAdminPageDeps, FORM_REFUSALS, field, hidden, NOTICES } from './content-admin.forms.ts';
import { CONTENT_PERMISSIONS } from './content-admin.routes.ts';
import { readImageUpload } from './media/upload.ts';
import { MediaPage } from './views/admin-views.tsx';

/** The console's images page (`/admin/content/media`): uploads and their sources to use in content. */

export function registerMediaPage(app: HttpServer, deps: ContentAdminPageDeps): void {
  app.get(
    '/admin/content/media',
    {
      preHandler: deps.accounts.requirePermission(CONTENT_PERMISSIONS.read),
      schema: { ...hidden, querystring: Type.Object({ done: field(20) }, { additionalProperties: true }) },
    },
    async (request, reply) =>
      sendMediaPage(deps, request, reply, { notice: NOTICES[request.query.done ?? ''] ?? null }),
  );
}

async function sendMediaPage(
  deps: ContentAdminPageDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { notice?: string | null; err?: AppError },
) {
  const { admin, accounts } = deps;
  return sendPage(
    reply,
    MediaPage({
      ...accounts.pageChrome(request, reply),
      media: (await admin.listMedia()).map((m) => ({
        id: m.id,
        src: mediaSrc(m),
        name: m.original_name,
        width: m.width,
        height: m.height,
        size: m.size_bytes,
        by: m.uploaded_by_email,
        at: m.created_at,
      })),
      notice: options.notice ?? null,
      error: options.err?.message ?? null,
      canManage: accounts.can(request.actor ?? null, CONTENT_PERMISSIONS.manage),
    }),
    { private: true, status: options.err?.status ?? 200 },
  );
}

/** POST /admin/content/media (the upload form), registered inside the JSON routes' multipart scope. */
export function registerContentUploadPage(scope: HttpServer, deps: ContentAdminPageDeps): void {
  scope.post(
    '/admin/content/media',
    {
      preHandler: deps.accounts.requirePermission(CONTENT_PERMISSIONS.manage),
      // readImageUpload applies the CSRF policy once the form's token (its first field) is read.
      config: { csrf: false },
      schema: { ...hidden, body: UploadBody },
    },
    async (request, reply) => {
      try {
        const file = await readImageUpload(scope, request, reply, deps.content.siteUrl);
        await deps.admin.uploadMedia(staffOf(request), file);
      } catch (err) {
        if (!isAppError(err) || !FORM_REFUSALS.has(err.code)) throw err;
        return sendMediaPage(deps, request, reply, { err });
      }
      return reply.redirect('/admin/content/media?done=uploaded', 303);
    },
  );
}
