import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { ID_PATTERN } from '../../platform/ids.ts';
import { ORG_ROLES, type OrgRole } from './accounts.contract.ts';
import { type Guards, pageChrome, requestMeta } from './accounts.http.ts';
import type { OrganizationBillingService } from './organization-billing.service.ts';
import type { OrganizationService } from './organizations.service.ts';
import { actorOf, field, formBody, formError, html, noticeOf } from './pages-support.ts';
import { InvitationPage, OrganizationPage, OrganizationsPage } from './views/org-views.tsx';
import type { FormState } from './views/shared.tsx';

/** Organization pages: list and create, members and invitations, accepting an invitation. */

const hidden = { hide: true } as const;
const closed = { additionalProperties: false } as const;
const Id = Type.String({ pattern: ID_PATTERN, maxLength: 40 });
const OrgParams = Type.Object({ orgId: Id }, closed);
const MemberParams = Type.Object({ orgId: Id, userId: Id }, closed);
const DoneQuery = Type.Object(
  { done: Type.Optional(Type.String({ maxLength: 40 })) },
  { additionalProperties: true },
);

function toRole(value: string | undefined): OrgRole | null {
  return ORG_ROLES.find((r) => r === value) ?? null;
}

export function registerOrganizationPages(
  app: HttpServer,
  deps: { orgs: OrganizationService; billing: OrganizationBillingService; guards: Guards; publicUrl: string },
) {
  const { orgs, billing, guards } = deps;
  const chrome = (request: FastifyRequest, reply: FastifyReply) => pageChrome(request, reply, deps.publicUrl);
  const signedIn = guards.requireActor();
  const withSession = guards.requireActor({ session: true });

  const renderList = async (request: FastifyRequest, reply: FastifyReply, form?: FormState, status = 200) => {
    const organizations = await orgs.listMine(actorOf(request));
    return html(reply, OrganizationsPage({ ...chrome(request, reply), organizations, form }), status);
  };

  const renderOrg = async (
    request: FastifyRequest,
    reply: FastifyReply,
    orgId: string,
    form?: FormState,
    status = 200,
    billingForm?: FormState,
  ) => {
    const actor = actorOf(request);
    const organization = await orgs.get(actor, orgId);
    const manages = organization.role === 'owner' || organization.role === 'admin';
    const readsBilling = billing.permits(actor, orgId, 'org.billing.read');
    const [members, invitations, details] = await Promise.all([
      orgs.members(actor, orgId),
      manages ? orgs.invitations(actor, orgId) : Promise.resolve(null),
      readsBilling ? billing.get(actor, orgId) : Promise.resolve(null),
    ]);
    const page = OrganizationPage({
      ...chrome(request, reply),
      organization,
      members,
      invitations,
      currentUserId: actor.userId,
      notice: noticeOf(request.query),
      form,
      billing: details,
      canEditBilling: billing.permits(actor, orgId, 'org.billing.manage'),
      billingForm,
    });
    return html(reply, page, status);
  };

  app.get('/account/organizations', { preHandler: signedIn, schema: hidden }, async (request, reply) =>
    renderList(request, reply),
  );

  app.post(
    '/account/organizations',
    { preHandler: withSession, schema: { ...hidden, body: formBody({ name: field(1000) }) } },
    async (request, reply) => {
      const name = request.body.name ?? '';
      try {
        const org = await orgs.create(actorOf(request), { name }, requestMeta(request));
        return reply.redirect(`/account/organizations/${org.id}?done=created`, 303);
      } catch (err) {
        const { state, status } = formError(err, { name });
        return renderList(request, reply, state, status);
      }
    },
  );

  app.get(
    '/account/organizations/:orgId',
    { preHandler: signedIn, schema: { ...hidden, params: OrgParams, querystring: DoneQuery } },
    async (request, reply) => renderOrg(request, reply, request.params.orgId),
  );

  const BillingForm = formBody({
    legalName: field(1000),
    line1: field(1000),
    line2: field(1000),
    city: field(1000),
    postalCode: field(100),
    region: field(100),
    country: field(100),
    email: field(1000),
    vatId: field(100),
  });
  app.post(
    '/account/organizations/:orgId/billing',
    { preHandler: signedIn, schema: { ...hidden, params: OrgParams, body: BillingForm } },
    async (request, reply) => {
      const { orgId } = request.params;
      const { _csrf, ...values } = request.body;
      try {
        await billing.update(actorOf(request), orgId, {
          legalName: values.legalName ?? '',
          line1: values.line1 ?? '',
          line2: values.line2,
          city: values.city ?? '',
          postalCode: values.postalCode ?? '',
          region: values.region,
          country: values.country ?? '',
          email: values.email ?? '',
          vatId: values.vatId,
        });
      } catch (err) {
        // A malformed VAT ID is the VAT ID field's problem.
        const vat = err instanceof AppError && err.code === 'VAT_ID_INVALID';
        const { state, status } = formError(
          vat
            ? new AppError('VALIDATION_FAILED', undefined, {
                details: [{ path: '/vatId', message: err.message }],
              })
            : err,
          values,
        );
        if (status === 404) throw err;
        return renderOrg(request, reply, orgId, undefined, vat ? 400 : status, state);
      }
      return reply.redirect(`/account/organizations/${orgId}?done=billing-saved`, 303);
    },
  );

  app.post(
    '/account/organizations/:orgId/invitations',
    {
      preHandler: withSession,
      schema: { ...hidden, params: OrgParams, body: formBody({ email: field(1000), role: field(10) }) },
    },
    async (request, reply) => {
      const { orgId } = request.params;
      const { email = '', role } = request.body;
      try {
        const r = toRole(role);
        if (!r)
          throw new AppError('VALIDATION_FAILED', undefined, {
            details: [{ path: '/role', message: 'Choose a role.' }],
          });
        await orgs.invite(actorOf(request), orgId, { email, role: r }, requestMeta(request));
      } catch (err) {
        const { state, status } = formError(err, { email });
        if (status === 404) throw err;
        return renderOrg(request, reply, orgId, state, status);
      }
      return reply.redirect(`/account/organizations/${orgId}?done=invited`, 303);
    },
  );

  app.post(
    '/account/organizations/:orgId/members/:userId/role',
    {
      preHandler: withSession,
      schema: { ...hidden, params: MemberParams, body: formBody({ role: field(10) }) },
    },
    async (request, reply) => {
      const { orgId, userId } = request.params;
      try {
        const role = toRole(request.body.role);
        if (!role)
          throw new AppError('VALIDATION_FAILED', undefined, {
            details: [{ path: '/role', message: 'Choose a role.' }],
          });
        await orgs.changeRole(actorOf(request), orgId, userId, role, requestMeta(request));
      } catch (err) {
        const { state, status } = formError(err, {});
        if (status === 404) throw err;
        return renderOrg(request, reply, orgId, state, status);
      }
      return reply.redirect(`/account/organizations/${orgId}?done=role-changed`, 303);
    },
  );

  app.post(
    '/account/organizations/:orgId/members/:userId/remove',
    { preHandler: withSession, schema: { ...hidden, params: MemberParams, body: formBody({}) } },
    async (request, reply) => {
      const { orgId, userId } = request.params;
      const self = userId === actorOf(request).userId;
      try {
        await orgs.removeMember(actorOf(request), orgId, userId, requestMeta(request));
      } catch (err) {
        const { state, status } = formError(err, {});
        if (status === 404) throw err;
        return renderOrg(request, reply, orgId, state, status);
      }
      return reply.redirect(
        self ? '/account/organizations' : `/account/organizations/${orgId}?done=removed`,
        303,
      );
    },
  );

  app.get(
    '/invitations/:id',
    { preHandler: signedIn, schema: { ...hidden, params: Type.Object({ id: Id }, closed) } },
    async (request, reply) => {
      let invitation = null;
      try {
        invitation = await orgs.invitationFor(actorOf(request), request.params.id);
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'TOKEN_INVALID') throw err;
      }
      return html(reply, InvitationPage({ ...chrome(request, reply), invitation }), invitation ? 200 : 404);
    },
  );

  app.post(
    '/invitations/:id/accept',
    {
      preHandler: withSession,
      schema: { ...hidden, params: Type.Object({ id: Id }, closed), body: formBody({}) },
    },
    async (request, reply) => {
      try {
        const r = await orgs.accept(actorOf(request), request.params.id, requestMeta(request));
        return reply.redirect(`/account/organizations/${r.organizationId}?done=joined`, 303);
      } catch (err) {
        const { state, status } = formError(err, {});
        return html(
          reply,
          InvitationPage({ ...chrome(request, reply), invitation: null, form: state }),
          status,
        );
      }
    },
  );
}
