import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError, isAppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import { staffOf } from '../audit/index.ts';
import type { ContentItem } from './content.repository.ts';
import { IdParams, RevisionParams } from './content.schema.ts';
import { type ContentAdminPageDeps, FORM_REFUSALS, field, hidden, NOTICES } from './content-admin.forms.ts';
import { CONTENT_PERMISSIONS } from './content-admin.routes.ts';
import { effectiveStatus } from './content-admin.service.ts';
import { registerMediaPage } from './content-media.pages.tsx';
import { fieldOfPath, formToFrontMatter, frontMatterToForm } from './domain/form-fields.ts';
import { isKind, type Kind } from './domain/front-matter.ts';
import { isStatus } from './domain/rules.ts';
import { ContentListPage } from './views/admin-views.tsx';
import { EditorPage, type EditorValues, RevisionPage } from './views/editor-views.tsx';

// The editor's form: its fixed fields, and front matter fields named `fm.<key>` (checked by the service).
const EditorForm = Type.Object(
  {
    _csrf: field(512),
    kind: field(20),
    expectedVersion: field(12),
    slug: field(200),
    title: field(300),
    description: field(5000),
    body: field(210_000),
  },
  {
    additionalProperties: true,
    patternProperties: { '^fm\\.[a-z]+(\\.(src|alt))?$': Type.String({ maxLength: 20_000 }) },
  },
);
const EmptyForm = Type.Object({ _csrf: field(512) }, { additionalProperties: false });
const ScheduleForm = Type.Object(
  { _csrf: field(512), publishAt: field(40) },
  { additionalProperties: false },
);

type Form = Record<string, string | undefined>;

/** datetime-local has no zone: the form says UTC. */
function utc(value: string | undefined): Date {
  const v = (value ?? '').trim();
  const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}${v.length === 16 ? ':00' : ''}Z`);
  if (!v || Number.isNaN(d.getTime())) {
    throw new AppError('VALIDATION_FAILED', undefined, {
      details: [{ path: '/publishAt', message: 'must be a date and time' }],
    });
  }
  return d;
}

export function registerContentAdminPages(app: HttpServer, deps: ContentAdminPageDeps): void {
  const { admin, content, accounts } = deps;
  const read = accounts.requirePermission(CONTENT_PERMISSIONS.read);
  const manage = accounts.requirePermission(CONTENT_PERMISSIONS.manage);
  const canManage = (request: FastifyRequest) =>
    accounts.can(request.actor ?? null, CONTENT_PERMISSIONS.manage);

  async function authors() {
    const list = await admin.list({ kind: 'author', limit: 200 });
    return list.items.map((a) => ({ key: a.slug, name: a.title }));
  }

  async function editor(
    request: FastifyRequest,
    reply: FastifyReply,
    options: {
      kind: Kind;
      item: ContentItem | null;
      values?: EditorValues;
      err?: AppError;
      notice?: string | null;
    },
  ) {
    const { item, kind } = options;
    const values: EditorValues = options.values ?? {
      slug: item?.slug ?? '',
      title: item?.title ?? '',
      description: item?.description ?? '',
      body: item?.body ?? '',
      fm: item ? frontMatterToForm(kind, item.frontMatter as Record<string, unknown>) : {},
    };
    const errors: Record<string, string> = {};
    for (const d of options.err?.details ?? []) errors[fieldOfPath(d.path)] ??= d.message;
    const detail = options.err?.details
      ?.map((d) => `${fieldOfPath(d.path) || 'form'}: ${d.message}`)
      .join('; ');
    return sendPage(
      reply,
      EditorPage({
        ...accounts.pageChrome(request, reply),
        kind,
        item,
        effective: item ? effectiveStatus(item, content.now()) : null,
        values,
        errors,
        error: options.err ? `${options.err.message}${detail ? ` ${detail}.` : ''}` : null,
        notice: options.notice ?? null,
        authors: await authors(),
        revisions: item ? await admin.revisions(item.id) : [],
        oldSlugs: item ? (await admin.get(item.id)).oldSlugs : [],
        canManage: canManage(request),
        status: options.err?.status ?? 200,
      }),
      { private: true, status: options.err?.status ?? 200 },
    );
  }

  const valuesOf = (form: Form): EditorValues => ({
    slug: (form.slug ?? '').trim(),
    title: form.title ?? '',
    description: form.description ?? '',
    body: (form.body ?? '').replace(/\r\n/g, '\n'),
    fm: Object.fromEntries(
      Object.entries(form)
        .filter(([k]) => k.startsWith('fm.'))
        .map(([k, v]) => [k, v ?? '']),
    ),
  });

  app.get(
    '/admin/content',
    {
      preHandler: read,
      schema: {
        ...hidden,
        querystring: Type.Object({ kind: field(20), status: field(20) }, { additionalProperties: true }),
      },
    },
    async (request, reply) => {
      const kind = isKind(request.query.kind ?? '') ? (request.query.kind as Kind) : null;
      const given = request.query.status ?? '';
      const status = isStatus(given) ? given : null;
      const { items, total } = await admin.list({
        ...(kind ? { kind } : {}),
        ...(status ? { status } : {}),
        limit: 200,
      });
      const now = content.now();
      return sendPage(
        reply,
        ContentListPage({
          ...accounts.pageChrome(request, reply),
          items: items.map((item) => ({ item, effective: effectiveStatus(item, now) })),
          total,
          kind,
          status,
          canManage: canManage(request),
        }),
        { private: true },
      );
    },
  );

  app.get(
    '/admin/content/new',
    {
      preHandler: manage,
      schema: { ...hidden, querystring: Type.Object({ kind: field(20) }, { additionalProperties: true }) },
    },
    async (request, reply) => {
      const kind = request.query.kind ?? 'post';
      if (!isKind(kind)) throw new AppError('NOT_FOUND');
      return editor(request, reply, { kind, item: null });
    },
  );

  app.post(
    '/admin/content',
    { preHandler: manage, schema: { ...hidden, body: EditorForm } },
    async (request, reply) => {
      const form = request.body as Form;
      const kind = form.kind ?? '';
      if (!isKind(kind)) {
        throw new AppError('VALIDATION_FAILED', undefined, {
          details: [{ path: '/kind', message: 'is not a kind of content' }],
        });
      }
      const values = valuesOf(form);
      try {
        const item = await admin.create(staffOf(request), {
          kind,
          slug: values.slug,
          title: values.title,
          description: values.description,
          body: values.body,
          frontMatter: formToFrontMatter(kind, form),
        });
        return reply.redirect(`/admin/content/${item.id}?done=created`, 303);
      } catch (err) {
        if (!isAppError(err) || !FORM_REFUSALS.has(err.code)) throw err;
        return editor(request, reply, { kind, item: null, values, err });
      }
    },
  );

  registerMediaPage(app, deps);

  app.get(
    '/admin/content/:id',
    {
      preHandler: read,
      schema: {
        ...hidden,
        params: IdParams,
        querystring: Type.Object({ done: field(20) }, { additionalProperties: true }),
      },
    },
    async (request, reply) => {
      const { item } = await admin.get(request.params.id);
      return editor(request, reply, {
        kind: item.kind,
        item,
        notice: NOTICES[request.query.done ?? ''] ?? null,
      });
    },
  );

  app.post(
    '/admin/content/:id',
    { preHandler: manage, schema: { ...hidden, params: IdParams, body: EditorForm } },
    async (request, reply) => {
      const { item } = await admin.get(request.params.id);
      const form = request.body as Form;
      const values = valuesOf(form);
      const expected = Number(form.expectedVersion);
      try {
        await admin.update(staffOf(request), item.id, {
          slug: values.slug,
          title: values.title,
          description: values.description,
          body: values.body,
          frontMatter: formToFrontMatter(item.kind, form),
          ...(Number.isInteger(expected) && expected > 0 ? { expectedVersion: expected } : {}),
        });
      } catch (err) {
        if (!isAppError(err) || !FORM_REFUSALS.has(err.code)) throw err;
        return editor(request, reply, { kind: item.kind, item, values, err });
      }
      return reply.redirect(`/admin/content/${item.id}?done=saved`, 303);
    },
  );

  for (const move of ['publish', 'unpublish', 'archive'] as const) {
    app.post(
      `/admin/content/:id/${move}`,
      { preHandler: manage, schema: { ...hidden, params: IdParams, body: EmptyForm } },
      async (request, reply) =>
        moveThen(
          request,
          reply,
          request.params.id,
          () => admin[move](staffOf(request), request.params.id),
          move,
        ),
    );
  }
  app.post(
    '/admin/content/:id/schedule',
    { preHandler: manage, schema: { ...hidden, params: IdParams, body: ScheduleForm } },
    async (request, reply) =>
      moveThen(
        request,
        reply,
        request.params.id,
        () => admin.schedule(staffOf(request), request.params.id, utc(request.body.publishAt)),
        'schedule',
      ),
  );
  app.post(
    '/admin/content/:id/revisions/:version/restore',
    { preHandler: manage, schema: { ...hidden, params: RevisionParams, body: EmptyForm } },
    async (request, reply) =>
      moveThen(
        request,
        reply,
        request.params.id,
        () => admin.restore(staffOf(request), request.params.id, request.params.version),
        'restore',
      ),
  );

  async function moveThen(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    run: () => Promise<ContentItem>,
    done: string,
  ) {
    try {
      await run();
    } catch (err) {
      if (!isAppError(err) || !FORM_REFUSALS.has(err.code)) throw err;
      const { item } = await admin.get(id);
      return editor(request, reply, { kind: item.kind, item, err });
    }
    return reply.redirect(`/admin/content/${id}?done=${done}`, 303);
  }

  app.get(
    '/admin/content/:id/revisions/:version',
    { preHandler: read, schema: { ...hidden, params: RevisionParams } },
    async (request, reply) => {
      const { item } = await admin.get(request.params.id);
      const revision = (await admin.revisions(item.id)).find((r) => r.version === request.params.version);
      if (!revision) throw new AppError('NOT_FOUND');
      return sendPage(reply, RevisionPage({ ...accounts.pageChrome(request, reply), item, revision }), {
        private: true,
      });
    },
  );

  // The item's page exactly as the public will see it, whatever its status: staff only, never indexed.
  app.get(
    '/admin/content/:id/preview',
    { preHandler: read, schema: { ...hidden, params: IdParams } },
    async (request, reply) => {
      const { item } = await admin.get(request.params.id);
      const page = await deps.pages.page(
        item,
        accounts.pageChrome(request, reply),
        deps.models.previewStatus(item),
      );
      if (!page) throw new AppError('NOT_FOUND', 'Authors and the podcast show have no page of their own.');
      reply.header('x-robots-tag', 'noindex, nofollow');
      return sendPage(reply, page, { private: true });
    },
  );
}
