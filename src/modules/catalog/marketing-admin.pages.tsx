import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import Type, { type Static, type TSchema } from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { staffOf } from './catalog.http.ts';
import type { CatalogService } from './catalog.service.ts';
import { FAQ_TOPICS, type FaqTopic, type Problem } from './domain/marketing.ts';
import {
  checked,
  type FormErrors,
  type FormValues,
  faqFromForm,
  faqToForm,
  formErrors,
  instructorFromForm,
  outlineFromForm,
  outlineToForm,
  pageField,
  pageFromForm,
  pageToForm,
  rowCount,
  rowField,
  sessionFromForm,
  sessionToForm,
} from './domain/marketing-form.ts';
import type { ProductDef } from './domain/types.ts';
import {
  FaqBody,
  InstructorBody,
  InstructorParams,
  OutlineBody,
  PageBody,
  SessionCreateBody,
  SessionPatchBody,
} from './marketing.schema.ts';
import type { MarketingService } from './marketing.service.ts';
import {
  FaqEditPage,
  InstructorEditPage,
  MarketingIndexPage,
  ProductMarketingPage,
  type SessionForm,
} from './views/marketing-admin-views.tsx';

/**
 * The console's pages over the product pages' data (`/admin/catalog/marketing`), for marketing
 * staff who should not need the JSON API: the same service calls as marketing-admin.routes.ts
 * (checked, audited with before and after, the catalog version bumped), from HTML forms posted
 * with the CSRF token. A refused form is shown again with what was typed and the problem beside
 * each field (400), and nothing is saved.
 */

const BASE = '/admin/catalog/marketing';
const hidden = { hide: true } as const;
const closed = { additionalProperties: false } as const;
const pageQuery = Type.Object(
  { done: Type.Optional(Type.String({ maxLength: 20 })) },
  { additionalProperties: true },
);
/** Form posts: named fields (numbered rows for outlines and questions), every value bounded. */
const FormBody = Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 20_000 }), {
  maxProperties: 400,
});
const KeyParams = Type.Object({ key: Type.String({ maxLength: 40 }) }, closed);
const SessionIdParams = Type.Object({ id: Type.String({ maxLength: 40 }) }, closed);
const TopicParams = Type.Object({ topic: Type.String({ maxLength: 20 }) }, closed);

const NOTICES: Record<string, string> = {
  page: 'The page is saved.',
  outline: 'The outline is saved.',
  session: 'The session is saved.',
  scheduled: 'The session is scheduled.',
  faq: 'The questions are saved.',
  instructor: 'The instructor is saved.',
};

/** A refusal the form explains (anything else is an error page). */
function problemsOf(err: unknown): Problem[] | null {
  if (!(err instanceof AppError) || err.code !== 'VALIDATION_FAILED') return null;
  const details = (err.details ?? []).map((d) => ({ path: d.path ?? '/', message: d.message }));
  return details.length ? details : [{ path: '/', message: err.message }];
}

export function registerMarketingAdminPages(
  app: HttpServer,
  deps: { marketing: MarketingService; catalog: CatalogService; accounts: AccountsModule },
): void {
  const { marketing, catalog, accounts } = deps;
  const guard = { preHandler: accounts.requirePermission('admin.catalog.manage') };
  const html = (reply: FastifyReply, page: VNode, status = 200) =>
    sendPage(reply, page, { status, private: true });
  const chrome = (request: FastifyRequest, reply: FastifyReply, notice?: string) => ({
    ...accounts.pageChrome(request, reply),
    notice: notice ? (NOTICES[notice] ?? null) : null,
  });
  const values = (body: unknown): FormValues => {
    const out: FormValues = {};
    for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>))
      if (k !== '_csrf' && typeof v === 'string') out[k] = v;
    return out;
  };

  async function productOf(key: string): Promise<ProductDef> {
    const product = (await catalog.view()).products.find((p) => p.key === key);
    if (!product) throw new AppError('NOT_FOUND', 'No such product.');
    return product;
  }

  // ---- index and instructors ------------------------------------------------------------------------------

  async function indexPage(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { notice?: string; newInstructor?: { values: FormValues; errors: FormErrors } } = {},
  ) {
    const [view, data] = await Promise.all([catalog.view(), marketing.data()]);
    const withPage = new Set(data.pages.map((p) => p.productKey));
    const faqCounts = Object.fromEntries(
      FAQ_TOPICS.map((t) => [t, data.faq.filter((f) => f.topic === t).length]),
    ) as Record<FaqTopic, number>;
    const newInstructor = options.newInstructor ?? { values: {}, errors: {} };
    return html(
      reply,
      MarketingIndexPage({
        ...chrome(request, reply, options.notice),
        products: [...view.products]
          .sort((a, b) => a.category.localeCompare(b.category) || a.position - b.position)
          .map((p) => ({ ...p, hasPage: withPage.has(p.key) })),
        instructors: data.instructors,
        faqCounts,
        newInstructor,
      }),
      Object.keys(newInstructor.errors).length ? 400 : 200,
    );
  }

  app.get(BASE, { ...guard, schema: { ...hidden, querystring: pageQuery } }, async (request, reply) =>
    indexPage(request, reply, { notice: request.query.done }),
  );

  const instructorErrors = (problems: Problem[]) => formErrors(problems, (p) => p.split('/')[1] ?? '');

  app.post(
    `${BASE}/instructors`,
    { ...guard, schema: { ...hidden, body: FormBody } },
    async (request, reply) => {
      const form = values(request.body);
      const key = (form.key ?? '').trim();
      const input = instructorFromForm(form);
      const keyCheck = checked(InstructorParams, { key });
      const inputCheck = checked(InstructorBody, input);
      const problems = [
        ...(keyCheck.ok ? [] : keyCheck.problems.map((p) => ({ ...p, path: '/key' }))),
        ...(inputCheck.ok ? [] : inputCheck.problems),
      ];
      if (!problems.length && (await marketing.data()).instructors.some((i) => i.key === key))
        problems.push({ path: '/key', message: `${key} is taken: edit that instructor instead.` });
      if (problems.length)
        return indexPage(request, reply, {
          newInstructor: { values: form, errors: instructorErrors(problems) },
        });
      await marketing.putInstructor(staffOf(request), key, input);
      return reply.redirect(`${BASE}/instructors/${key}?done=instructor`, 303);
    },
  );

  async function instructorPage(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    options: { notice?: string; values?: FormValues; errors?: FormErrors } = {},
  ) {
    const instructor = (await marketing.data()).instructors.find((i) => i.key === key);
    if (!instructor) throw new AppError('NOT_FOUND', 'No such instructor.');
    const errors = options.errors ?? {};
    return html(
      reply,
      InstructorEditPage({
        ...chrome(request, reply, options.notice),
        instructor,
        values: options.values ?? { name: instructor.name, role: instructor.role, bio: instructor.bio },
        errors,
      }),
      Object.keys(errors).length ? 400 : 200,
    );
  }

  app.get(
    `${BASE}/instructors/:key`,
    { ...guard, schema: { ...hidden, params: KeyParams, querystring: pageQuery } },
    async (request, reply) =>
      instructorPage(request, reply, request.params.key, { notice: request.query.done }),
  );

  app.post(
    `${BASE}/instructors/:key`,
    { ...guard, schema: { ...hidden, params: KeyParams, body: FormBody } },
    async (request, reply) => {
      const { key } = request.params;
      const form = values(request.body);
      // Only an existing instructor is edited here (a new one needs its key: the index's form).
      if (!(await marketing.data()).instructors.some((i) => i.key === key))
        throw new AppError('NOT_FOUND', 'No such instructor.');
      const check = checked(InstructorBody, instructorFromForm(form));
      if (!check.ok)
        return instructorPage(request, reply, key, {
          values: form,
          errors: instructorErrors(check.problems),
        });
      await marketing.putInstructor(staffOf(request), key, check.value);
      return reply.redirect(`${BASE}/instructors/${key}?done=instructor`, 303);
    },
  );

  // ---- FAQ ------------------------------------------------------------------------------------------------

  const topicOf = (topic: string): FaqTopic => {
    if (!(FAQ_TOPICS as readonly string[]).includes(topic)) throw new AppError('NOT_FOUND', 'No such page.');
    return topic as FaqTopic;
  };

  app.get(
    `${BASE}/faq/:topic`,
    { ...guard, schema: { ...hidden, params: TopicParams, querystring: pageQuery } },
    async (request, reply) => {
      const topic = topicOf(request.params.topic);
      const entries = (await marketing.data()).faq.filter((f) => f.topic === topic);
      return html(
        reply,
        FaqEditPage({
          ...chrome(request, reply, request.query.done),
          topic,
          values: faqToForm(entries),
          errors: {},
          rows: entries.length,
        }),
      );
    },
  );

  app.post(
    `${BASE}/faq/:topic`,
    { ...guard, schema: { ...hidden, params: TopicParams, body: FormBody } },
    async (request, reply) => {
      const topic = topicOf(request.params.topic);
      const form = values(request.body);
      const { entries, rows } = faqFromForm(form);
      const problems = await save(FaqBody, { entries }, (valid) =>
        marketing.setFaq(staffOf(request), topic, valid.entries),
      );
      if (!problems.length) return reply.redirect(`${BASE}/faq/${topic}?done=faq`, 303);
      return html(
        reply,
        FaqEditPage({
          ...chrome(request, reply),
          topic,
          values: form,
          errors: formErrors(problems, (p) => rowField(p, 'entries', 'q', rows)),
          rows: rowCount(form, 'q'),
        }),
        400,
      );
    },
  );

  // ---- a product: page, outline, sessions --------------------------------------------------------------------

  async function productPage(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    refused: {
      notice?: string;
      page?: { values: FormValues; errors: FormErrors };
      outline?: { values: FormValues; errors: FormErrors };
      session?: { id: string; values: FormValues; errors: FormErrors };
      newSession?: { values: FormValues; errors: FormErrors };
    } = {},
  ) {
    const product = await productOf(key);
    const [view, data] = await Promise.all([catalog.view(), marketing.data()]);
    const stored = data.pages.find((p) => p.productKey === key);
    const page = refused.page ?? {
      values: stored
        ? pageToForm(stored)
        : { tagline: '', overview: '', highlights: '', audience: '', screenshots: '', docsPath: '' },
      errors: {},
    };
    const isCourse = product.kind === 'course';
    const modules = data.modules.filter((m) => m.productKey === key);
    const outline = isCourse
      ? refused.outline
        ? { ...refused.outline, rows: rowCount(refused.outline.values, 'm') }
        : { values: outlineToForm(modules), errors: {}, rows: modules.length }
      : null;
    const live = view.data.skus.filter(
      (s) =>
        s.productKey === key &&
        s.fulfillment.kind === 'training' &&
        s.fulfillment.format === 'live' &&
        s.perSeat,
    );
    const liveCodes = new Set(live.map((s) => s.code));
    const sessions: SessionForm[] = data.sessions
      .filter((s) => liveCodes.has(s.sku))
      .sort((a, b) => a.startsOn.localeCompare(b.startsOn) || a.id.localeCompare(b.id))
      .map((session) =>
        refused.session?.id === session.id
          ? { session, values: refused.session.values, errors: refused.session.errors }
          : { session, values: sessionToForm(session), errors: {} },
      );
    const failed = [refused.page, refused.outline, refused.session, refused.newSession].some(
      (r) => r && Object.keys(r.errors).length > 0,
    );
    return html(
      reply,
      ProductMarketingPage({
        ...chrome(request, reply, refused.notice),
        product,
        page,
        outline,
        sessions,
        liveSkus: live.map((s) => [s.code, s.name] as const),
        newSession: refused.newSession ?? {
          values: { seatsTaken: '0', timeZone: 'America/New_York', location: 'Online' },
          errors: {},
        },
        instructors: data.instructors,
        publicPath: `/products/${product.slug}`,
      }),
      failed ? 400 : 200,
    );
  }

  app.get(
    `${BASE}/products/:key`,
    { ...guard, schema: { ...hidden, params: KeyParams, querystring: pageQuery } },
    async (request, reply) => productPage(request, reply, request.params.key, { notice: request.query.done }),
  );

  /** Checks a form's value against the API's schema, then saves it; the problems if refused. */
  async function save<T extends TSchema>(
    schema: T,
    value: unknown,
    apply: (valid: Static<T>) => Promise<unknown>,
  ): Promise<Problem[]> {
    const check = checked(schema, value);
    if (!check.ok) return check.problems;
    try {
      await apply(check.value);
      return [];
    } catch (err) {
      const explained = problemsOf(err);
      if (!explained) throw err;
      return explained;
    }
  }

  app.post(
    `${BASE}/products/:key/page`,
    { ...guard, schema: { ...hidden, params: KeyParams, body: FormBody } },
    async (request, reply) => {
      const { key } = request.params;
      await productOf(key);
      const form = values(request.body);
      const problems = await save(PageBody, pageFromForm(form), (input) =>
        marketing.setPage(staffOf(request), key, input),
      );
      if (!problems.length) return reply.redirect(`${BASE}/products/${key}?done=page`, 303);
      return productPage(request, reply, key, {
        page: { values: form, errors: formErrors(problems, pageField) },
      });
    },
  );

  app.post(
    `${BASE}/products/:key/outline`,
    { ...guard, schema: { ...hidden, params: KeyParams, body: FormBody } },
    async (request, reply) => {
      const { key } = request.params;
      const product = await productOf(key);
      if (product.kind !== 'course')
        throw new AppError('NOT_FOUND', `${key} is not a course: it has no outline.`);
      const form = values(request.body);
      const { modules, rows } = outlineFromForm(form);
      const problems = await save(OutlineBody, { modules }, (input) =>
        marketing.setOutline(staffOf(request), key, input.modules),
      );
      if (!problems.length) return reply.redirect(`${BASE}/products/${key}?done=outline`, 303);
      return productPage(request, reply, key, {
        outline: { values: form, errors: formErrors(problems, (p) => rowField(p, 'modules', 'm', rows)) },
      });
    },
  );

  const sessionErrors = (problems: Problem[]) => formErrors(problems, (p) => p.split('/')[1] ?? '');

  app.post(
    `${BASE}/sessions`,
    { ...guard, schema: { ...hidden, body: FormBody } },
    async (request, reply) => {
      const form = values(request.body);
      const product = await productOf(form.product ?? '');
      const input = { sku: (form.sku ?? '').trim(), ...sessionFromForm(form) };
      const problems = await save(SessionCreateBody, input, (valid) => {
        const { seatsTaken = 0, capacity = null, instructorKey = null, ...rest } = valid;
        return marketing.createSession(staffOf(request), { ...rest, seatsTaken, capacity, instructorKey });
      });
      if (!problems.length) return reply.redirect(`${BASE}/products/${product.key}?done=scheduled`, 303);
      return productPage(request, reply, product.key, {
        newSession: { values: form, errors: sessionErrors(problems) },
      });
    },
  );

  app.post(
    `${BASE}/sessions/:id`,
    { ...guard, schema: { ...hidden, params: SessionIdParams, body: FormBody } },
    async (request, reply) => {
      const { id } = request.params;
      const session = (await marketing.data()).sessions.find((s) => s.id === id);
      if (!session) throw new AppError('NOT_FOUND', 'No such session.');
      const productKey = (await catalog.view()).data.skus.find((s) => s.code === session.sku)?.productKey;
      if (!productKey) throw new AppError('NOT_FOUND', 'No such session.');
      const form = values(request.body);
      const problems = await save(SessionPatchBody, sessionFromForm(form), (patch) =>
        marketing.updateSession(staffOf(request), id, patch),
      );
      if (!problems.length)
        return reply.redirect(`${BASE}/products/${productKey}?done=session#session-form-${id}`, 303);
      return productPage(request, reply, productKey, {
        session: { id, values: { ...form, sku: session.sku }, errors: sessionErrors(problems) },
      });
    },
  );
}
