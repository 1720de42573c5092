import Type from 'typebox';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { staffOf } from './catalog.http.ts';
import { BODY_ERRORS, errors } from './catalog.schema.ts';
import type { FaqTopic } from './domain/marketing.ts';
import {
  FaqBody,
  FaqParams,
  FaqSchema,
  InstructorBody,
  InstructorParams,
  InstructorSchema,
  MarketingSchema,
  ModuleSchema,
  OutlineBody,
  PageBody,
  PageSchema,
  ProductKeyParams,
  SessionCreateBody,
  SessionParams,
  SessionPatchBody,
  SessionSchema,
} from './marketing.schema.ts';
import type { MarketingService } from './marketing.service.ts';

/**
 * Staff API over what the product pages say besides prices: each product's page, course
 * outlines, instructors, live-workshop dates and the FAQ. Every edit is audited with the
 * state before and after and bumps the catalog version, so the public pages (validated by
 * the hash of their body) show it at the next request.
 */
export function registerMarketingAdminRoutes(
  app: HttpServer,
  deps: { marketing: MarketingService; accounts: AccountsModule },
): void {
  const { marketing } = deps;
  const tags = ['catalog admin'];
  const manage = { preHandler: deps.accounts.requirePermission('admin.catalog.manage') };
  const security: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerToken: [] }];
  const staffErrors = ['UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'] as const;
  const editErrors = errors(...BODY_ERRORS, ...staffErrors, 'NOT_FOUND', 'CONFLICT');

  app.get(
    '/api/v1/admin/catalog/marketing',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Product pages, course outlines, instructors, workshop dates and FAQ',
        security,
        response: { 200: MarketingSchema, ...errors(...staffErrors) },
      },
    },
    async () => {
      const data = await marketing.data();
      return {
        pages: [...data.pages],
        modules: [...data.modules],
        instructors: [...data.instructors],
        sessions: [...data.sessions],
        faq: [...data.faq],
      };
    },
  );

  app.put(
    '/api/v1/admin/catalog/products/:key/page',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Replace what a product page says: tagline, overview, highlights, screenshots, docs link',
        security,
        params: ProductKeyParams,
        body: PageBody,
        response: { 200: PageSchema, ...editErrors },
      },
    },
    async (request) => marketing.setPage(staffOf(request), request.params.key, request.body),
  );

  app.put(
    '/api/v1/admin/catalog/products/:key/outline',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Replace a course\u2019s outline (modules in teaching order, with their hours)',
        security,
        params: ProductKeyParams,
        body: OutlineBody,
        response: { 200: Type.Object({ modules: Type.Array(ModuleSchema) }), ...editErrors },
      },
    },
    async (request) => ({
      modules: await marketing.setOutline(staffOf(request), request.params.key, request.body.modules),
    }),
  );

  app.put(
    '/api/v1/admin/catalog/instructors/:key',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Create or change an instructor',
        security,
        params: InstructorParams,
        body: InstructorBody,
        response: { 200: InstructorSchema, ...editErrors },
      },
    },
    async (request) => marketing.putInstructor(staffOf(request), request.params.key, request.body),
  );

  app.post(
    '/api/v1/admin/catalog/sessions',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Schedule a live workshop',
        security,
        body: SessionCreateBody,
        response: { 201: SessionSchema, ...editErrors },
      },
    },
    async (request, reply) => {
      const { seatsTaken = 0, capacity = null, instructorKey = null, ...rest } = request.body;
      const input = { ...rest, seatsTaken, capacity, instructorKey };
      return reply.code(201).send(await marketing.createSession(staffOf(request), input));
    },
  );

  app.patch(
    '/api/v1/admin/catalog/sessions/:id',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Change a live workshop: seats taken, capacity, dates, instructor, or cancel it',
        security,
        params: SessionParams,
        body: SessionPatchBody,
        response: { 200: SessionSchema, ...editErrors },
      },
    },
    async (request) => marketing.updateSession(staffOf(request), request.params.id, request.body),
  );

  app.put(
    '/api/v1/admin/catalog/faq/:topic',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Replace the questions of the pricing, training or consulting page',
        security,
        params: FaqParams,
        body: FaqBody,
        response: { 200: Type.Object({ entries: Type.Array(FaqSchema) }), ...editErrors },
      },
    },
    async (request) => ({
      entries: await marketing.setFaq(
        staffOf(request),
        request.params.topic as FaqTopic,
        request.body.entries,
      ),
    }),
  );
}
