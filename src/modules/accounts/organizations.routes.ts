import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type {
  Actor,
  InvitationInfo,
  MemberInfo,
  OrganizationBilling,
  OrganizationInfo,
} from './accounts.contract.ts';
import { type Guards, requestMeta } from './accounts.http.ts';
import {
  BODY_ERRORS,
  ChangeRoleBody,
  CreateOrgBody,
  errors,
  IdParams,
  InvitationSchema,
  InviteBody,
  MemberParams,
  MemberSchema,
  Ok,
  OrgBillingBody,
  OrgBillingSchema,
  OrgParams,
  OrgSchema,
} from './accounts.schema.ts';
import type { OrganizationBillingService } from './organization-billing.service.ts';
import type { OrganizationService } from './organizations.service.ts';

/** The JSON API of organizations, members and invitations. */

const iso = (d: Date) => new Date(d).toISOString();
const orgJson = (o: OrganizationInfo) => ({ ...o, createdAt: iso(o.createdAt) });
const memberJson = (m: MemberInfo) => ({ ...m, joinedAt: iso(m.joinedAt) });
const invitationJson = (i: InvitationInfo) => ({ ...i, expiresAt: iso(i.expiresAt) });
const closed = { additionalProperties: false } as const;
export const billingJson = (b: OrganizationBilling | null) => ({
  billing: b && {
    legalName: b.legalName,
    line1: b.line1,
    line2: b.line2,
    city: b.city,
    postalCode: b.postalCode,
    region: b.region,
    country: b.country,
    email: b.email,
    vatId: b.vatId,
    vat: b.vat && { ...b.vat, checkedAt: b.vat.checkedAt ? iso(b.vat.checkedAt) : null },
    updatedAt: iso(b.updatedAt),
  },
});

function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('UNAUTHENTICATED');
  return request.actor;
}

export function registerOrganizationRoutes(
  app: HttpServer,
  deps: { orgs: OrganizationService; billing: OrganizationBillingService; guards: Guards },
): void {
  const { orgs, billing, guards } = deps;
  const tags = ['accounts'];
  const read: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerToken: [] }];
  const write: Record<string, string[]>[] = [{ sessionCookie: [] }];
  const signedIn = guards.requireActor();
  const withSession = guards.requireActor({ session: true });
  const memberErrors = errors('UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'PASSWORD_CHANGE_REQUIRED');

  app.post(
    '/api/v1/orgs',
    {
      preHandler: [withSession, guards.requirePermission('org.create')],
      schema: {
        tags,
        summary: 'Create an organization (you become its owner)',
        security: write,
        body: CreateOrgBody,
        response: { 201: OrgSchema, ...errors(...BODY_ERRORS, 'UNAUTHENTICATED', 'FORBIDDEN', 'CONFLICT') },
      },
    },
    async (request, reply) =>
      reply.code(201).send(orgJson(await orgs.create(actorOf(request), request.body, requestMeta(request)))),
  );

  app.get(
    '/api/v1/orgs',
    {
      preHandler: signedIn,
      schema: {
        tags,
        summary: 'The organizations you belong to',
        security: read,
        response: {
          200: Type.Object({ organizations: Type.Array(OrgSchema) }, closed),
          ...errors('UNAUTHENTICATED', 'PASSWORD_CHANGE_REQUIRED'),
        },
      },
    },
    async (request) => ({ organizations: (await orgs.listMine(actorOf(request))).map(orgJson) }),
  );

  app.get(
    '/api/v1/orgs/:orgId/members',
    {
      preHandler: signedIn,
      schema: {
        tags,
        summary: 'Members of an organization you belong to',
        description: 'An organization you do not belong to is `NOT_FOUND`.',
        security: read,
        params: OrgParams,
        response: { 200: Type.Object({ members: Type.Array(MemberSchema) }, closed), ...memberErrors },
      },
    },
    async (request) => ({
      members: (await orgs.members(actorOf(request), request.params.orgId)).map(memberJson),
    }),
  );

  app.get(
    '/api/v1/orgs/:orgId/invitations',
    {
      preHandler: signedIn,
      schema: {
        tags,
        summary: 'Pending invitations of an organization (owners and admins)',
        security: read,
        params: OrgParams,
        response: {
          200: Type.Object({ invitations: Type.Array(InvitationSchema) }, closed),
          ...memberErrors,
        },
      },
    },
    async (request) => ({
      invitations: (await orgs.invitations(actorOf(request), request.params.orgId)).map(invitationJson),
    }),
  );

  app.post(
    '/api/v1/orgs/:orgId/invitations',
    {
      preHandler: withSession,
      schema: {
        tags,
        summary: 'Invite someone by email (owners and admins)',
        description: 'Mails the invitation. Only owners may invite owners.',
        security: write,
        params: OrgParams,
        body: InviteBody,
        response: {
          201: InvitationSchema,
          ...errors(...BODY_ERRORS, 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          invitationJson(
            await orgs.invite(actorOf(request), request.params.orgId, request.body, requestMeta(request)),
          ),
        ),
  );

  app.post(
    '/api/v1/orgs/invitations/:id/accept',
    {
      preHandler: withSession,
      schema: {
        tags,
        summary: 'Accept an invitation sent to your (verified) email address',
        security: write,
        params: IdParams,
        body: Type.Optional(Type.Object({}, closed)),
        response: {
          200: Type.Object({ organizationId: Type.String() }, closed),
          ...errors(
            ...BODY_ERRORS,
            'UNAUTHENTICATED',
            'FORBIDDEN',
            'TOKEN_INVALID',
            'EMAIL_NOT_VERIFIED',
            'CONFLICT',
          ),
        },
      },
    },
    async (request) => orgs.accept(actorOf(request), request.params.id, requestMeta(request)),
  );

  app.patch(
    '/api/v1/orgs/:orgId/members/:userId',
    {
      preHandler: withSession,
      schema: {
        tags,
        summary: "Change a member's role (owners and admins)",
        security: write,
        params: MemberParams,
        body: ChangeRoleBody,
        response: {
          200: MemberSchema,
          ...errors(...BODY_ERRORS, 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
        },
      },
    },
    async (request) =>
      memberJson(
        await orgs.changeRole(
          actorOf(request),
          request.params.orgId,
          request.params.userId,
          request.body.role,
          requestMeta(request),
        ),
      ),
  );

  app.delete(
    '/api/v1/orgs/:orgId/members/:userId',
    {
      preHandler: withSession,
      schema: {
        tags,
        summary: 'Remove a member (owners and admins), or leave (yourself)',
        security: write,
        params: MemberParams,
        response: { 200: Ok, ...errors('UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT') },
      },
    },
    async (request) => {
      await orgs.removeMember(
        actorOf(request),
        request.params.orgId,
        request.params.userId,
        requestMeta(request),
      );
      return { status: 'ok' as const };
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/billing',
    {
      preHandler: signedIn,
      schema: {
        tags,
        summary: 'An organization’s billing details and VAT ID (every member)',
        description:
          'What checkout prefills when a member buys for the organization and its invoices print. `billing` is null until someone saves them. The VAT ID’s `vat.status` is the tax module’s current verification (`pending` while VIES has not answered).',
        security: read,
        params: OrgParams,
        response: { 200: OrgBillingSchema, ...memberErrors },
      },
    },
    async (request) => billingJson(await billing.get(actorOf(request), request.params.orgId)),
  );

  app.put(
    '/api/v1/orgs/:orgId/billing',
    {
      preHandler: signedIn,
      schema: {
        tags,
        summary: 'Save an organization’s billing details and VAT ID (owners, admins, billing)',
        description:
          'Replaces them as a whole. Every field problem is listed at once (VALIDATION_FAILED, nothing saved). A VAT ID is checked like checkout’s: a malformed one, or one of another country than `country`, is VAT_ID_INVALID; an EU one is verified with VIES when configured, and saved `pending` while VIES cannot answer.',
        security: read,
        params: OrgParams,
        body: OrgBillingBody,
        response: {
          200: OrgBillingSchema,
          ...errors(...BODY_ERRORS, 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'VAT_ID_INVALID'),
        },
      },
    },
    async (request) =>
      billingJson(await billing.update(actorOf(request), request.params.orgId, request.body)),
  );
}
