import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { isAppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import { staffOf } from '../audit/index.ts';
import { type DownloadsRouteDeps, RELEASE_PERMISSIONS, userOf } from './downloads.routes.ts';
import { ReleaseIdParams, UploadFormBody } from './downloads.schema.ts';
import { readUpload } from './upload.ts';
import { AccountDownloadsPage, AdminReleasesPage, type UploadFormState } from './views/downloads-views.tsx';

const hidden = { hide: true } as const;
const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const EmptyForm = Type.Object({ _csrf: field(512) }, { additionalProperties: false });
const NOTICES: Record<string, string> = {
  uploaded: 'The release is uploaded and published.',
  unpublished: 'The release is unpublished: customers no longer see it.',
};
/** Refusals the upload form explains on the page (anything else is an error page). */
const UPLOAD_REFUSALS = new Set([
  'VALIDATION_FAILED',
  'RELEASE_TOO_LARGE',
  'RELEASE_EXISTS',
  'UNSUPPORTED_MEDIA_TYPE',
]);

/** The customer's /account/downloads and staff's /admin/releases (the upload form's POST is in `uploadPages`). */
export function registerDownloadsPages(app: HttpServer, deps: DownloadsRouteDeps): void {
  const { downloads, accounts } = deps;
  const chrome = accounts.pageChrome;

  app.get(
    '/account/downloads',
    { preHandler: accounts.requireActor(), schema: hidden },
    async (request, reply) =>
      sendPage(
        reply,
        AccountDownloadsPage({
          ...chrome(request, reply),
          products: await downloads.forCustomer(userOf(request)),
        }),
        { private: true },
      ),
  );

  app.get(
    '/admin/releases',
    {
      preHandler: accounts.requirePermission(RELEASE_PERMISSIONS.read),
      schema: { ...hidden, querystring: Type.Object({ done: field(20) }, { additionalProperties: true }) },
    },
    async (request, reply) =>
      releasesPage(deps, request, reply, { notice: NOTICES[request.query.done ?? ''] ?? null }),
  );

  app.post(
    '/admin/releases/:id/unpublish',
    {
      preHandler: accounts.requirePermission(RELEASE_PERMISSIONS.manage),
      schema: { ...hidden, params: ReleaseIdParams, body: EmptyForm },
    },
    async (request, reply) => {
      await downloads.unpublish(staffOf(request), request.params.id);
      return reply.redirect('/admin/releases?done=unpublished', 303);
    },
  );
}

async function releasesPage(
  deps: DownloadsRouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { notice?: string | null; form?: Partial<UploadFormState>; status?: number },
) {
  const { downloads, accounts } = deps;
  return sendPage(
    reply,
    AdminReleasesPage({
      ...accounts.pageChrome(request, reply),
      releases: await downloads.staffList(),
      products: await downloads.products(),
      canManage: accounts.can(request.actor ?? null, RELEASE_PERMISSIONS.manage),
      form: { productKey: '', version: '', platform: 'any', notes: '', error: null, ...options.form },
      notice: options.notice ?? null,
      maxBytes: downloads.maxBytes,
    }),
    { private: true, status: options.status ?? 200 },
  );
}

/** POST /admin/releases (multipart form): registered by downloads.routes.ts inside its multipart scope. */
export function registerUploadPage(scope: HttpServer, deps: DownloadsRouteDeps): void {
  const { downloads, accounts } = deps;
  scope.post(
    '/admin/releases',
    {
      preHandler: accounts.requirePermission(RELEASE_PERMISSIONS.manage),
      // readUpload applies the CSRF policy once the form's token (its first field) is read.
      config: { csrf: false },
      schema: { ...hidden, body: UploadFormBody },
    },
    async (request, reply) => {
      let fields: UploadFormState | undefined;
      try {
        const upload = await readUpload(scope, request, reply, downloads);
        fields = { ...upload.fields, error: null };
        await downloads.create(staffOf(request), upload.fields, upload.file);
      } catch (err) {
        if (!isAppError(err) || !UPLOAD_REFUSALS.has(err.code)) throw err;
        const detail = err.details?.map((d) => `${d.path?.slice(1) ?? ''} ${d.message}`.trim()).join('; ');
        return releasesPage(deps, request, reply, {
          form: {
            productKey: fields?.productKey ?? '',
            version: fields?.version ?? '',
            platform: fields?.platform ?? 'any',
            notes: fields?.notes ?? '',
            error: detail ? `${err.message} ${detail}.` : err.message,
          },
          status: err.status,
        });
      }
      return reply.redirect('/admin/releases?done=uploaded', 303);
    },
  );
}
