import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import { BODY_ERRORS, errorResponses as errors } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import {
  CustomerLicenseJson,
  customerLicense,
  deactivateMachine,
  LICENSE_ID,
  LicenseIdParams,
  LicenseSummaryJson,
  ownLicense,
  type PortalDeps,
  refusal,
  summaries,
} from './licenses.portal.ts';
import type { LicenseActor } from './licenses.service.ts';
import { AccountLicensePage, AccountLicensesPage } from './views/license-views.tsx';

/**
 * The customer's licenses: JSON under /api/v1/account/licenses and the pages
 * under /account/licenses. Only the owner (license.user_id) sees or changes a
 * license; anyone else's answers 404 exactly like an unknown id. Changes go
 * through the services as the customer, so seat transfers count against the
 * product's monthly limit.
 */

type Customer = Extract<LicenseActor, { kind: 'customer' }>;

function customerOf(request: FastifyRequest): Customer {
  const actor = request.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED');
  return { kind: 'customer', userId: actor.userId, email: actor.email };
}

const Email = Type.String({ minLength: 3, maxLength: 254 });
const MachineParams = Type.Object(
  {
    id: Type.String({ pattern: LICENSE_ID }),
    machineId: Type.String({ pattern: '^mch_[0-9a-hjkmnp-tv-z]{26}$' }),
  },
  { additionalProperties: false },
);
const SeatParams = Type.Object(
  { id: Type.String({ pattern: LICENSE_ID }), email: Email },
  { additionalProperties: false },
);
const SeatsJson = Type.Object({
  namedUsers: Type.Array(Type.String()),
  changed: Type.Boolean({
    description: 'False when nothing had to change (already assigned, or had no seat).',
  }),
});

export function registerAccountLicenses(
  app: HttpServer,
  deps: PortalDeps & { accounts: AccountsModule },
): void {
  const { accounts, licenses, seats } = deps;
  // Everything under /api/v1/account is the account's API (one OpenAPI tag for the customer's own resources).
  const tags = ['accounts'];
  // Like the other customer routes (subscriptions, orders): a session or the customer's own API
  // token; seat assignment is something customers script.
  const mine = { preHandler: accounts.requireActor() };
  const own = ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'NOT_FOUND'] as const;

  app.get(
    '/api/v1/account/licenses',
    {
      ...mine,
      schema: {
        tags,
        summary: 'The caller’s licenses, newest first (keys masked)',
        response: {
          200: Type.Object({ items: Type.Array(LicenseSummaryJson) }),
          ...errors('UNAUTHENTICATED'),
        },
      },
    },
    async (request) => ({
      items: await summaries(deps, await licenses.listForUser(request.actor!.userId)),
    }),
  );

  app.get(
    '/api/v1/account/licenses/:id',
    {
      ...mine,
      schema: {
        tags,
        summary:
          'One of the caller’s licenses: the key, machines, named users, recent changes, a certificate',
        description:
          'Answered with `cache-control: no-store` (it carries the key). Another customer’s license answers 404, exactly like an unknown id.',
        params: LicenseIdParams,
        response: { 200: CustomerLicenseJson, ...errors(...own) },
      },
    },
    async (request, reply) => {
      const license = await ownLicense(deps, request.params.id, request.actor!.userId);
      reply.header('cache-control', 'no-store');
      return customerLicense(deps, license);
    },
  );

  app.post(
    '/api/v1/account/licenses/:id/seats',
    {
      ...mine,
      schema: {
        tags,
        summary: 'Give a named user a seat (seat licenses)',
        description:
          'Idempotent: a user who has a seat keeps it (`changed: false`). SEAT_LIMIT_REACHED when every seat is taken; SEAT_DOMAIN_NOT_ALLOWED when the license lists email domains and the email is in none; LICENSE_STATE_CONFLICT for a license without named users or a revoked one.',
        params: LicenseIdParams,
        body: Type.Object({ email: Email }, { additionalProperties: false }),
        response: {
          200: SeatsJson,
          ...errors(
            ...BODY_ERRORS,
            ...own,
            'SEAT_LIMIT_REACHED',
            'SEAT_DOMAIN_NOT_ALLOWED',
            'LICENSE_STATE_CONFLICT',
          ),
        },
      },
    },
    async (request) => {
      const license = await ownLicense(deps, request.params.id, request.actor!.userId);
      const r = await seats.assign(license.id, request.body.email, customerOf(request));
      return { namedUsers: r.seats, changed: r.created };
    },
  );

  app.delete(
    '/api/v1/account/licenses/:id/seats/:email',
    {
      ...mine,
      schema: {
        tags,
        summary: 'Take a named user’s seat away (counts as a seat transfer)',
        description:
          'The user’s machines are deactivated with the seat. Limited per calendar month (UTC) by the product’s policy: SEAT_TRANSFER_LIMIT (429) says when the next is possible. A user without a seat answers `changed: false`.',
        params: SeatParams,
        response: {
          200: SeatsJson,
          ...errors(...own, 'CSRF_INVALID', 'SEAT_TRANSFER_LIMIT', 'LICENSE_STATE_CONFLICT'),
        },
      },
    },
    async (request) => {
      const license = await ownLicense(deps, request.params.id, request.actor!.userId);
      const r = await seats.release(license.id, request.params.email, customerOf(request));
      return { namedUsers: r.seats, changed: r.released };
    },
  );

  app.post(
    '/api/v1/account/licenses/:id/seats/transfer',
    {
      ...mine,
      schema: {
        tags,
        summary: 'Move a seat from one named user to another (one seat transfer)',
        description:
          'NOT_FOUND when `from` has no seat, CONFLICT when `to` already has one, SEAT_DOMAIN_NOT_ALLOWED when `to` is outside the allowed domains, SEAT_TRANSFER_LIMIT when this month’s transfers are used.',
        params: LicenseIdParams,
        body: Type.Object({ from: Email, to: Email }, { additionalProperties: false }),
        response: {
          200: SeatsJson,
          ...errors(
            ...BODY_ERRORS,
            ...own,
            'CONFLICT',
            'SEAT_TRANSFER_LIMIT',
            'SEAT_DOMAIN_NOT_ALLOWED',
            'LICENSE_STATE_CONFLICT',
          ),
        },
      },
    },
    async (request) => {
      const license = await ownLicense(deps, request.params.id, request.actor!.userId);
      const r = await seats.transfer(license.id, request.body.from, request.body.to, customerOf(request));
      return { namedUsers: r.seats, changed: true };
    },
  );

  app.delete(
    '/api/v1/account/licenses/:id/machines/:machineId',
    {
      ...mine,
      schema: {
        tags,
        summary: 'Deactivate one of the license’s machines, freeing its place',
        description: 'NOT_FOUND when the machine is not (or no longer) activated for this license.',
        params: MachineParams,
        response: {
          200: Type.Object({ machineCount: Type.Integer() }),
          ...errors(...own, 'CSRF_INVALID'),
        },
      },
    },
    async (request) => {
      const license = await ownLicense(deps, request.params.id, request.actor!.userId);
      return deactivateMachine(deps, license.id, request.params.machineId, customerOf(request), request.ip);
    },
  );

  registerAccountLicensePages(app, deps);
}

// ---- pages ---------------------------------------------------------------------------------------------------

const hidden = { hide: true } as const;
const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
// Form bodies: bounded strings; `_csrf` optional so a missing token reaches the CSRF check (403).
const EmailForm = Type.Object({ _csrf: field(512), email: field(254) }, { additionalProperties: false });
const TransferForm = Type.Object(
  { _csrf: field(512), from: field(254), to: field(254) },
  { additionalProperties: false },
);
const EmptyForm = Type.Object({ _csrf: field(512) }, { additionalProperties: false });

const NOTICES: Record<string, string> = {
  assigned: 'The seat is assigned.',
  'already-assigned': 'This user already has a seat.',
  released: 'The seat is released.',
  transferred: 'The seat is transferred.',
  deactivated: 'The machine is deactivated.',
};

function html(reply: FastifyReply, page: VNode, status = 200) {
  return sendPage(reply, page, { status, private: true });
}

function registerAccountLicensePages(app: HttpServer, deps: PortalDeps & { accounts: AccountsModule }) {
  const { accounts, licenses, seats } = deps;
  const chrome = accounts.pageChrome;
  const signedIn = { preHandler: accounts.requireActor() };

  async function detail(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { notice?: string | null; error?: string | null; values?: Record<string, string> } = {},
    status = 200,
  ) {
    const license = await ownLicense(deps, id, request.actor!.userId);
    return html(
      reply,
      AccountLicensePage({
        ...chrome(request, reply),
        license: await customerLicense(deps, license),
        ...extra,
      }),
      status,
    );
  }

  /**
   * Runs an action on the customer's own license (ownership first: someone else's is a 404 page);
   * a refusal is shown on the license page with what they typed, nothing changed.
   */
  async function act(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    values: Record<string, string>,
    action: () => Promise<string>,
  ) {
    await ownLicense(deps, id, request.actor!.userId);
    let done: string;
    try {
      done = await action();
    } catch (err) {
      const r = refusal(err);
      if (!r) throw err;
      return detail(request, reply, id, { error: r.message, values }, r.status);
    }
    return reply.redirect(`/account/licenses/${id}?done=${done}`, 303);
  }

  app.get('/account/licenses', { ...signedIn, schema: hidden }, async (request, reply) =>
    html(
      reply,
      AccountLicensesPage({
        ...chrome(request, reply),
        licenses: await summaries(deps, await licenses.listForUser(request.actor!.userId)),
      }),
    ),
  );

  app.get(
    '/account/licenses/:id',
    {
      ...signedIn,
      schema: {
        ...hidden,
        params: LicenseIdParams,
        querystring: Type.Object({ done: field(40) }, { additionalProperties: true }),
      },
    },
    async (request, reply) =>
      detail(request, reply, request.params.id, { notice: NOTICES[request.query.done ?? ''] ?? null }),
  );

  app.get(
    '/account/licenses/:id/certificate',
    { ...signedIn, schema: { ...hidden, params: LicenseIdParams } },
    async (request, reply) => {
      const license = await ownLicense(deps, request.params.id, request.actor!.userId);
      const file = await deps.machines.certificate(license);
      return reply
        .type('application/x-pem-file')
        .header('content-disposition', `attachment; filename="fhiriq-license-${license.id}.lic"`)
        .header('cache-control', 'no-store')
        .send(file);
    },
  );

  app.post(
    '/account/licenses/:id/seats',
    { ...signedIn, schema: { ...hidden, params: LicenseIdParams, body: EmailForm } },
    async (request, reply) => {
      const email = request.body.email ?? '';
      return act(request, reply, request.params.id, { 'seat-email': email }, async () => {
        const r = await seats.assign(request.params.id, email, customerOf(request));
        return r.created ? 'assigned' : 'already-assigned';
      });
    },
  );

  app.post(
    '/account/licenses/:id/seats/release',
    { ...signedIn, schema: { ...hidden, params: LicenseIdParams, body: EmailForm } },
    async (request, reply) =>
      act(request, reply, request.params.id, {}, async () => {
        await seats.release(request.params.id, request.body.email ?? '', customerOf(request));
        return 'released';
      }),
  );

  app.post(
    '/account/licenses/:id/seats/transfer',
    { ...signedIn, schema: { ...hidden, params: LicenseIdParams, body: TransferForm } },
    async (request, reply) => {
      const { from = '', to = '' } = request.body;
      return act(
        request,
        reply,
        request.params.id,
        { 'transfer-from': from, 'transfer-to': to },
        async () => {
          await seats.transfer(request.params.id, from, to, customerOf(request));
          return 'transferred';
        },
      );
    },
  );

  app.post(
    '/account/licenses/:id/machines/:machineId/deactivate',
    { ...signedIn, schema: { ...hidden, params: MachineParams, body: EmptyForm } },
    async (request, reply) =>
      act(request, reply, request.params.id, {}, async () => {
        await deactivateMachine(
          deps,
          request.params.id,
          request.params.machineId,
          customerOf(request),
          request.ip,
        );
        return 'deactivated';
      }),
  );
}
