import multipart from '@fastify/multipart';
import { BODY_ERRORS, errorResponses as errors } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { staffOf } from '../audit/index.ts';
import type { ContentItem } from './content.repository.ts';
import {
  CreateBody,
  EmptyBody,
  IdParams,
  ItemListSchema,
  ItemSchema,
  itemJson,
  itemSummaryJson,
  ListQuery,
  MediaListSchema,
  MediaSchema,
  mediaJson,
  PatchBody,
  RevisionListSchema,
  RevisionParams,
  revisionJson,
  ScheduleBody,
  UploadBody,
} from './content.schema.ts';
import type { ContentAdminService } from './content-admin.service.ts';
import { effectiveStatus } from './content-admin.service.ts';
import { mediaMultipartLimits, readImageUpload } from './media/upload.ts';

/** Support reads content (to answer customers about it); admins write it. */
export const CONTENT_PERMISSIONS = { read: 'admin.content.read', manage: 'admin.content.manage' } as const;

export interface ContentAdminDeps {
  admin: ContentAdminService;
  accounts: AccountsModule;
  now(): Date;
  publicUrl: string;
  /** The admin pages' upload form (POST /admin/content/media), registered in the same multipart scope. */
  registerUploadPage?: (scope: HttpServer) => void;
}

/**
 * Staff JSON API of content under /api/v1/admin/content: list, read, create, edit, the status
 * moves (publish, schedule, unpublish, archive), revisions and restore, image uploads. Every
 * change is audited with the item before and after; a refusal writes nothing.
 */
export async function registerContentAdminRoutes(app: HttpServer, deps: ContentAdminDeps): Promise<void> {
  const { admin, accounts } = deps;
  const tags = ['content admin'];
  const security: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerToken: [] }];
  const staffErrors = ['UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'] as const;
  const read = { preHandler: accounts.requirePermission(CONTENT_PERMISSIONS.read) };
  const manage = { preHandler: accounts.requirePermission(CONTENT_PERMISSIONS.manage) };
  const editErrors = errors(
    ...BODY_ERRORS,
    ...staffErrors,
    'NOT_FOUND',
    'CONTENT_SLUG_TAKEN',
    'CONTENT_INVALID_FRONT_MATTER',
    'CONTENT_EDIT_CONFLICT',
  );
  const moveErrors = errors(...BODY_ERRORS, ...staffErrors, 'NOT_FOUND', 'CONTENT_STATUS_CONFLICT');
  const full = async (item: ContentItem) =>
    itemJson(item, effectiveStatus(item, deps.now()), (await admin.get(item.id)).oldSlugs);

  app.get(
    '/api/v1/admin/content',
    {
      ...read,
      schema: {
        tags,
        summary: 'Content items, most recently changed first',
        security,
        querystring: ListQuery,
        response: { 200: ItemListSchema, ...errors(...staffErrors, 'VALIDATION_FAILED') },
      },
    },
    async (request) => {
      const { items, total } = await admin.list(request.query);
      return { items: items.map((i) => itemSummaryJson(i, effectiveStatus(i, deps.now()))), total };
    },
  );

  app.post(
    '/api/v1/admin/content',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Create an item (a draft; audited)',
        description:
          'Checked like a file under content/: the slug (unique per kind; docs pages are `<tool>/<page>`), the title, the description, and the kind’s front matter including what it points at (author, images, audio, catalog products).',
        security,
        body: CreateBody,
        response: { 201: ItemSchema, ...editErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await full(await admin.create(staffOf(request), request.body))),
  );

  app.get(
    '/api/v1/admin/content/media',
    {
      ...read,
      schema: {
        tags,
        summary: 'Uploaded images, newest first',
        security,
        response: { 200: MediaListSchema, ...errors(...staffErrors) },
      },
    },
    async () => ({ media: (await admin.listMedia()).map(mediaJson) }),
  );

  app.get(
    '/api/v1/admin/content/:id',
    {
      ...read,
      schema: {
        tags,
        summary: 'An item with its body, front matter and former slugs',
        security,
        params: IdParams,
        response: { 200: ItemSchema, ...errors(...staffErrors, 'VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => full((await admin.get(request.params.id)).item),
  );

  app.patch(
    '/api/v1/admin/content/:id',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Edit an item: a new version, kept in its revisions (audited)',
        description:
          'A changed slug leaves the old URL redirecting (301) to the new one. Send `expectedVersion` to be refused (CONTENT_EDIT_CONFLICT) if someone saved meanwhile. The status does not change: a published item changes live.',
        security,
        params: IdParams,
        body: PatchBody,
        response: { 200: ItemSchema, ...editErrors },
      },
    },
    async (request) => full(await admin.update(staffOf(request), request.params.id, request.body)),
  );

  const moves = [
    ['publish', 'Publish now'],
    ['unpublish', 'Unpublish: back to draft (invisible to the public)'],
    ['archive', 'Archive (invisible to the public)'],
  ] as const;
  for (const [move, summary] of moves) {
    app.post(
      `/api/v1/admin/content/:id/${move}`,
      {
        ...manage,
        schema: {
          tags,
          summary: `${summary} (audited)`,
          security,
          params: IdParams,
          body: EmptyBody,
          response: { 200: ItemSchema, ...moveErrors },
        },
      },
      async (request) => full(await admin[move](staffOf(request), request.params.id)),
    );
  }

  app.post(
    '/api/v1/admin/content/:id/schedule',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Schedule publication (audited)',
        description:
          'The item becomes public exactly at `publishAt` (no job needed): lists, feeds, search and the sitemap include it from then on.',
        security,
        params: IdParams,
        body: ScheduleBody,
        response: { 200: ItemSchema, ...moveErrors },
      },
    },
    async (request) =>
      full(await admin.schedule(staffOf(request), request.params.id, new Date(request.body.publishAt))),
  );

  app.get(
    '/api/v1/admin/content/:id/revisions',
    {
      ...read,
      schema: {
        tags,
        summary: 'Every saved version of an item, newest first',
        security,
        params: IdParams,
        response: { 200: RevisionListSchema, ...errors(...staffErrors, 'VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => ({ revisions: (await admin.revisions(request.params.id)).map(revisionJson) }),
  );

  app.post(
    '/api/v1/admin/content/:id/revisions/:version/restore',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Make a revision’s text the newest version (audited)',
        description: 'Title, description, front matter and body come back; slug and status stay as they are.',
        security,
        params: RevisionParams,
        body: EmptyBody,
        response: { 200: ItemSchema, ...editErrors },
      },
    },
    async (request) => full(await admin.restore(staffOf(request), request.params.id, request.params.version)),
  );

  // The multipart parser lives in a scope holding only the upload routes (the form's is added by pages).
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: mediaMultipartLimits });
    scope.post(
      '/api/v1/admin/content/media',
      {
        ...manage,
        config: { csrf: false },
        schema: {
          tags,
          summary: 'Upload an image (multipart/form-data; audited)',
          description:
            'PNG, JPEG or WebP, at most 10 MB, recognised by its bytes and decoded before it is kept. The same bytes again answer the first upload. A cookie session sends its CSRF token as `X-CSRF-Token` (or a `_csrf` field before the file).',
          security,
          body: UploadBody,
          response: {
            201: MediaSchema,
            ...errors(...BODY_ERRORS, ...staffErrors, 'CONTENT_MEDIA_INVALID', 'CONTENT_MEDIA_TOO_LARGE'),
          },
        },
      },
      async (request, reply) => {
        const file = await readImageUpload(scope, request, reply, deps.publicUrl);
        return reply.code(201).send(mediaJson(await admin.uploadMedia(staffOf(request), file)));
      },
    );
    deps.registerUploadPage?.(scope);
  });
}
