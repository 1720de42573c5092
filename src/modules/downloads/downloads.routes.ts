import fs from 'node:fs';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { BODY_ERRORS, errorResponses as errors } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { staffOf } from '../audit/index.ts';
import {
  CustomerDownloads,
  customerDownloadsJson,
  DownloadParams,
  EmptyBody,
  LinkQuery,
  ReleaseIdParams,
  StaffRelease,
  StaffReleaseList,
  staffReleaseJson,
  UploadFormBody,
} from './downloads.schema.ts';
import type { DownloadsService } from './downloads.service.ts';
import { multipartLimits, readUpload } from './upload.ts';

/** Who sees releases and their download counts (support, admins), who uploads and unpublishes (admins). */
export const RELEASE_PERMISSIONS = {
  read: 'admin.releases.read',
  manage: 'admin.releases.manage',
} as const;

export interface DownloadsRouteDeps {
  downloads: DownloadsService;
  accounts: AccountsModule;
  publicUrl: string;
}

export function userOf(request: FastifyRequest): { userId: string; email: string } {
  const actor = request.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED');
  return { userId: actor.userId, email: actor.email };
}

/** A header-safe `attachment` disposition (file names are already limited to [A-Za-z0-9._-]). */
const attachment = (name: string) => `attachment; filename="${name}"`;

/**
 * JSON: the customer's downloads, the signed download route, staff's release list, upload and
 * unpublish. The multipart parser is registered in an encapsulated scope holding only the
 * upload routes (`pages` adds the form's), so no other route accepts multipart bodies.
 */
export async function registerDownloadsRoutes(
  app: HttpServer,
  deps: DownloadsRouteDeps,
  registerUploadPages: (scope: HttpServer) => void,
): Promise<void> {
  const { downloads, accounts, publicUrl } = deps;
  const security: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerToken: [] }];
  const staffErrors = ['UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'] as const;

  app.get(
    '/api/v1/account/downloads',
    {
      preHandler: accounts.requireActor(),
      schema: {
        tags: ['downloads'],
        summary: 'Releases of the products the caller is entitled to, newest first, with signed links',
        description:
          'A product is listed while the caller owns, or holds a seat on, an ACTIVE license of it. Each `downloadUrl` works for the caller only, for 5 minutes.',
        security,
        response: { 200: CustomerDownloads, ...errors('UNAUTHENTICATED') },
      },
    },
    async (request) => customerDownloadsJson(await downloads.forCustomer(userOf(request)), publicUrl),
  );

  app.get(
    '/downloads/:releaseId',
    {
      preHandler: accounts.requireActor(),
      // The file goes out as stored, with its exact length (no compression).
      compress: false,
      schema: {
        tags: ['downloads'],
        summary: 'Download a release through a signed link (recorded)',
        description:
          'The link (from `/api/v1/account/downloads`) is signed for the signed-in user and expires after 5 minutes: a forged or altered one is DOWNLOAD_LINK_INVALID, an old one DOWNLOAD_LINK_EXPIRED. Entitlement is checked again: without an active license of the product, NOT_FOUND.',
        security,
        params: DownloadParams,
        querystring: LinkQuery,
        response: errors(
          'UNAUTHENTICATED',
          'VALIDATION_FAILED',
          'DOWNLOAD_LINK_INVALID',
          'DOWNLOAD_LINK_EXPIRED',
          'NOT_FOUND',
        ),
      },
    },
    async (request, reply) => {
      const { release, path, size } = await downloads.open(
        userOf(request),
        request.params.releaseId,
        request.query,
        request.ip,
      );
      return reply
        .type('application/octet-stream')
        .header('content-length', String(size))
        .header('content-disposition', attachment(release.file_name))
        .send(fs.createReadStream(path));
    },
  );

  app.get(
    '/api/v1/admin/releases',
    {
      preHandler: accounts.requirePermission(RELEASE_PERMISSIONS.read),
      schema: {
        tags: ['downloads'],
        summary: 'Staff: every release with its download count, newest upload first',
        security,
        response: { 200: StaffReleaseList, ...errors(...staffErrors) },
      },
    },
    async () => ({ items: (await downloads.staffList()).map((r) => staffReleaseJson(r, r.downloads)) }),
  );

  app.post(
    '/api/v1/admin/releases/:id/unpublish',
    {
      preHandler: accounts.requirePermission(RELEASE_PERMISSIONS.manage),
      schema: {
        tags: ['downloads'],
        summary: 'Staff: stop offering a release (audited)',
        security,
        params: ReleaseIdParams,
        body: EmptyBody,
        response: { 200: StaffRelease, ...errors(...BODY_ERRORS, ...staffErrors, 'NOT_FOUND') },
      },
    },
    async (request) => {
      const row = await downloads.unpublish(staffOf(request), request.params.id);
      return staffReleaseJson(
        row,
        (await downloads.staffList()).find((r) => r.id === row.id)?.downloads ?? 0,
      );
    },
  );

  await app.register(async (scope) => {
    await scope.register(multipart, { limits: multipartLimits(downloads.maxBytes) });
    scope.post(
      '/api/v1/admin/releases',
      {
        preHandler: accounts.requirePermission(RELEASE_PERMISSIONS.manage),
        // The CSRF policy is applied by readUpload, once the streamed form's token is read.
        config: { csrf: false },
        schema: {
          tags: ['downloads'],
          summary: 'Staff: upload a release (multipart/form-data; audited)',
          description:
            'Fields `productKey` (a catalog product, e.g. `TL-MAPPER`), `version` (`1.4.2`, `2.0.0-beta.1`), `platform` (windows, macos, linux, any), `notes` (plain text), then the `file` part. The file is streamed to disk and hashed (SHA-256) on the way; above `RELEASE_MAX_BYTES` it is RELEASE_TOO_LARGE and nothing is kept. A cookie session sends its CSRF token as `X-CSRF-Token` or a `_csrf` field before the file.',
          security,
          body: UploadFormBody,
          response: {
            201: StaffRelease,
            ...errors(...BODY_ERRORS, ...staffErrors, 'RELEASE_TOO_LARGE', 'RELEASE_EXISTS'),
          },
        },
      },
      async (request, reply) => {
        const { fields, file } = await readUpload(scope, request, reply, downloads);
        const row = await downloads.create(staffOf(request), fields, file);
        return reply.code(201).send(staffReleaseJson(row, 0));
      },
    );
    registerUploadPages(scope);
  });
}
