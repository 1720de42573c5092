import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import { BODY_ERRORS, errorResponses as errors } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { staffOf } from '../audit/index.ts';
import type { LicenseStatus } from './domain/validation.ts';
import {
  EVENT_ID,
  EventPage,
  eventJson,
  LicenseIdParams,
  licensedProduct,
  licenseOrNotFound,
  PolicyJson,
  type PortalDeps,
  refusal,
  StaffLicenseJson,
  StaffLicenseSummaryJson,
  searchLicenses,
  staffLicense,
  staffSummaries,
  trail,
} from './licenses.portal.ts';
import type { LicenseActor } from './licenses.service.ts';
import { AdminLicensePage, AdminLicensesPage } from './views/license-views.tsx';

/**
 * The staff console for licenses: search, one license with its machines,
 * users, policy and trail, and the lifecycle actions. Reading needs
 * `admin.licenses.read`, changing `admin.licenses.manage`. Every change goes
 * through the services as the staff member, which write the license's trail
 * and the audit log in the same transaction.
 */

const STATUSES = ['ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED'] as const;
const closed = { additionalProperties: false } as const;

/** Suspend, reinstate and revoke: the status each moves to. */
const MOVES = [
  ['suspend', 'SUSPENDED', 'suspended'],
  ['reinstate', 'ACTIVE', 'reinstated'],
  ['revoke', 'REVOKED', 'revoked'],
] as const satisfies readonly (readonly [string, LicenseStatus, string])[];

const Reason = Type.String({
  minLength: 3,
  maxLength: 500,
  description: 'Kept on the trail and in the audit log.',
});

const SearchQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 254,
        description:
          'A full license key (looked up by its keyed hash), a license id, or part of the owner’s or a named user’s email.',
      }),
    ),
    status: Type.Optional(Type.Enum([...STATUSES])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(
      Type.String({
        pattern: '^lic_[0-9a-hjkmnp-tv-z]{26}$',
        description: 'The `nextCursor` of the previous page.',
      }),
    ),
  },
  closed,
);

const EventsQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ pattern: '^[a-z][a-z-]{0,39}$' })),
    before: Type.Optional(
      Type.Union([Type.String({ pattern: EVENT_ID }), Type.String({ format: 'date-time' })], {
        description: 'An event id (the `nextBefore` of the previous page) or an instant: only older events.',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  closed,
);

const ProductParams = Type.Object(
  { productKey: Type.String({ pattern: '^[A-Z0-9]{1,10}-[A-Z0-9]{1,30}$' }) },
  closed,
);

const PolicyBody = Type.Object(
  {
    machinesPerSeat: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    heartbeatWindowSeconds: Type.Optional(
      Type.Union([Type.Integer({ minimum: 60, maximum: 30 * 86_400 }), Type.Null()], {
        description: 'null: node-locked (no heartbeats).',
      }),
    ),
    machineFileTtlSeconds: Type.Optional(Type.Integer({ minimum: 3600, maximum: 366 * 86_400 })),
    transfersPerMonth: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    signingAlg: Type.Optional(Type.Union([Type.Enum(['ed25519', 'rsa-pss-sha256']), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

const Changed = Type.Object({ changed: Type.Boolean(), license: StaffLicenseSummaryJson });

/** A reason with something in it (whitespace does not explain anything). */
function reasonOf(raw: string | undefined, required: boolean): string | undefined {
  const reason = raw?.trim() ?? '';
  if (reason.length >= 3) return reason;
  if (!required && reason.length === 0) return undefined;
  throw new AppError('VALIDATION_FAILED', undefined, {
    details: [{ path: '/reason', message: 'give a reason of at least 3 characters' }],
  });
}

const staffActor = (request: FastifyRequest, reason?: string): LicenseActor => ({
  kind: 'staff',
  staff: staffOf(request),
  ...(reason ? { reason } : {}),
});

/** A list typed into one field: commas, spaces or lines between the values. */
const splitList = (raw: string | undefined) =>
  (raw ?? '')
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export function registerAdminLicenses(
  app: HttpServer,
  deps: PortalDeps & { accounts: AccountsModule },
): void {
  const { accounts, licenses, seats } = deps;
  const tags = ['licensing'];
  const read = { preHandler: accounts.requirePermission('admin.licenses.read') };
  const manage = { preHandler: accounts.requirePermission('admin.licenses.manage') };
  const guarded = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;
  const one = ['VALIDATION_FAILED', ...guarded, 'NOT_FOUND'] as const;
  const summaryOf = async (id: string) =>
    (await staffSummaries(deps, [await licenseOrNotFound(deps, id)]))[0]!;

  app.get(
    '/api/v1/admin/licenses',
    {
      ...read,
      schema: {
        tags,
        summary: 'Staff: search licenses, newest first',
        description:
          '`q` is a full license key (found by its keyed hash, never matched as text), a license id, or part of the owner’s or a named user’s email. Page with `cursor` = the previous page’s `nextCursor`.',
        querystring: SearchQuery,
        response: {
          200: Type.Object({
            items: Type.Array(StaffLicenseSummaryJson),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors('VALIDATION_FAILED', ...guarded),
        },
      },
    },
    async (request) => {
      const { q, status, limit = 50, cursor } = request.query;
      const found = await searchLicenses(deps, { q, status, limit, cursor });
      return { items: await staffSummaries(deps, found.rows), nextCursor: found.nextCursor };
    },
  );

  app.get(
    '/api/v1/admin/licenses/:id',
    {
      ...read,
      schema: {
        tags,
        summary: 'Staff: one license with its machines, named users and product policy',
        description: 'The key is masked: staff find a license by its key but never read it.',
        params: LicenseIdParams,
        response: { 200: StaffLicenseJson, ...errors(...one) },
      },
    },
    async (request) => staffLicense(deps, await licenseOrNotFound(deps, request.params.id)),
  );

  app.get(
    '/api/v1/admin/licenses/:id/events',
    {
      ...read,
      schema: {
        tags,
        summary: 'Staff: the license’s trail, newest first',
        description:
          'Every event: issued, activated, deactivated, activation-refused and validated (with the validation code, failures included), machine-released, seat changes, suspended, reinstated, revoked, expired, extended, activations-reset, domains-changed, countries-changed. Filter by `type`; page with `before` = the previous page’s `nextBefore`.',
        params: LicenseIdParams,
        querystring: EventsQuery,
        response: { 200: EventPage, ...errors(...one) },
      },
    },
    async (request) => {
      const license = await licenseOrNotFound(deps, request.params.id);
      const { type, before, limit = 100 } = request.query;
      const page = await trail(deps, license.id, { type, before, limit });
      return { items: page.items.map(eventJson), nextBefore: page.nextBefore };
    },
  );

  for (const [action, to] of MOVES) {
    app.post(
      `/api/v1/admin/licenses/:id/${action}`,
      {
        ...manage,
        schema: {
          tags,
          summary: `Staff: ${action} a license (audited)`,
          description:
            'Idempotent: a license already in that status answers `changed: false`. LICENSE_STATE_CONFLICT when the move is not allowed (a revoked license is final; an expired one is reinstated only after `extend`).',
          params: LicenseIdParams,
          body: Type.Object({ reason: Reason }, closed),
          response: { 200: Changed, ...errors(...BODY_ERRORS, ...one, 'LICENSE_STATE_CONFLICT') },
        },
      },
      async (request) => {
        const reason = reasonOf(request.body.reason, true);
        const r = await licenses.setStatus(
          request.params.id,
          to,
          staffActor(request, reason),
          reason ?? null,
        );
        return { changed: r.changed, license: await summaryOf(request.params.id) };
      },
    );
  }

  app.post(
    '/api/v1/admin/licenses/:id/extend',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Staff: set the end of the license’s term (null: perpetual; audited)',
        description:
          'An expired license whose new term is current is active again. The same date changes nothing (`changed: false`).',
        params: LicenseIdParams,
        body: Type.Object(
          {
            validUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
            reason: Type.Optional(Reason),
          },
          closed,
        ),
        response: { 200: Changed, ...errors(...BODY_ERRORS, ...one, 'LICENSE_STATE_CONFLICT') },
      },
    },
    async (request) => {
      const { validUntil } = request.body;
      const reason = reasonOf(request.body.reason, false);
      const r = await licenses.extend(
        request.params.id,
        validUntil === null ? null : new Date(validUntil),
        staffActor(request, reason),
      );
      return { changed: r.changed, license: await summaryOf(request.params.id) };
    },
  );

  app.post(
    '/api/v1/admin/licenses/:id/reset-activations',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Staff: deactivate every machine of the license (audited)',
        params: LicenseIdParams,
        body: Type.Object({ reason: Type.Optional(Reason) }, closed),
        response: { 200: Type.Object({ released: Type.Integer() }), ...errors(...BODY_ERRORS, ...one) },
      },
    },
    async (request) => {
      const reason = reasonOf(request.body.reason, false);
      return licenses.resetActivations(request.params.id, staffActor(request, reason));
    },
  );

  app.put(
    '/api/v1/admin/licenses/:id/domains',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Staff: the email domains named users must be in (empty: any; audited)',
        description: 'Existing seats outside the new domains are kept but no longer validate.',
        params: LicenseIdParams,
        body: Type.Object(
          { domains: Type.Array(Type.String({ maxLength: 253 }), { maxItems: 100 }) },
          closed,
        ),
        response: {
          200: Type.Object({ allowedDomains: Type.Array(Type.String()) }),
          ...errors(...BODY_ERRORS, ...one),
        },
      },
    },
    async (request) => ({
      allowedDomains: await seats.setDomains(request.params.id, request.body.domains, staffActor(request)),
    }),
  );

  app.put(
    '/api/v1/admin/licenses/:id/countries',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Staff: the countries (ISO 3166-1 alpha-2) the license may be used in (empty: any; audited)',
        params: LicenseIdParams,
        body: Type.Object(
          { countries: Type.Array(Type.String({ maxLength: 8 }), { maxItems: 250 }) },
          closed,
        ),
        response: {
          200: Type.Object({ allowedCountries: Type.Array(Type.String()) }),
          ...errors(...BODY_ERRORS, ...one),
        },
      },
    },
    async (request) => ({
      allowedCountries: await seats.setCountries(
        request.params.id,
        request.body.countries,
        staffActor(request),
      ),
    }),
  );

  async function productOrNotFound(productKey: string): Promise<string> {
    if (!(await licensedProduct(deps, productKey)))
      throw new AppError('NOT_FOUND', 'No product of the catalog sells licenses under this key.');
    return productKey;
  }

  app.get(
    '/api/v1/admin/license-policies/:productKey',
    {
      ...read,
      schema: {
        tags,
        summary: 'Staff: a licensed product’s policy (stored, or the defaults)',
        params: ProductParams,
        response: { 200: PolicyJson, ...errors(...one) },
      },
    },
    async (request) => licenses.policyFor(await productOrNotFound(request.params.productKey)),
  );

  app.put(
    '/api/v1/admin/license-policies/:productKey',
    {
      ...manage,
      schema: {
        tags,
        summary: 'Staff: change a licensed product’s policy (fields left out keep their value; audited)',
        description:
          'Licenses issued before keep their machine limit and heartbeat window (the terms they were sold with); the other settings apply from now on.',
        params: ProductParams,
        body: PolicyBody,
        response: { 200: PolicyJson, ...errors(...BODY_ERRORS, ...one) },
      },
    },
    async (request) =>
      licenses.setPolicy(
        await productOrNotFound(request.params.productKey),
        request.body,
        staffActor(request),
      ),
  );

  registerAdminLicensePages(app, deps);
}

// ---- pages ---------------------------------------------------------------------------------------------------

const hidden = { hide: true } as const;
const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const ReasonForm = Type.Object({ _csrf: field(512), reason: field(500) }, closed);
const ExtendForm = Type.Object(
  { _csrf: field(512), validUntil: field(40), perpetual: field(5), reason: field(500) },
  closed,
);
const DomainsForm = Type.Object({ _csrf: field(512), domains: field(5000) }, closed);
const CountriesForm = Type.Object({ _csrf: field(512), countries: field(2000) }, closed);

const NOTICES: Record<string, string> = {
  suspended: 'The license is suspended.',
  reinstated: 'The license is reinstated.',
  revoked: 'The license is revoked.',
  unchanged: 'Nothing to change: the license was already like that.',
  extended: 'The term is changed.',
  reset: 'Every machine is deactivated.',
  domains: 'The allowed email domains are saved.',
  countries: 'The allowed countries are saved.',
};

function html(reply: FastifyReply, page: VNode, status = 200) {
  return sendPage(reply, page, { status, private: true });
}

/** The end of a day picked in a date field, UTC (a term "until 31 January" includes that day). */
function endOfDay(value: string): Date {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59.999Z`) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime()))
    throw new AppError('VALIDATION_FAILED', undefined, {
      details: [{ path: '/validUntil', message: 'pick a date, or tick “No end date”' }],
    });
  return d;
}

function registerAdminLicensePages(app: HttpServer, deps: PortalDeps & { accounts: AccountsModule }) {
  const { accounts, licenses, seats } = deps;
  const chrome = accounts.pageChrome;
  const read = { preHandler: accounts.requirePermission('admin.licenses.read') };
  const manage = { preHandler: accounts.requirePermission('admin.licenses.manage') };

  async function detail(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { notice?: string | null; error?: string | null; type?: string; before?: string } = {},
    status = 200,
  ) {
    const license = await licenseOrNotFound(deps, id);
    const type = extra.type || undefined;
    const before = extra.before || undefined;
    const page = await trail(deps, license.id, { type, before, limit: 50 }).catch((err: unknown) => {
      // A stale or hand-made `before` shows the newest events rather than an error page.
      if (err instanceof AppError && err.code === 'VALIDATION_FAILED')
        return trail(deps, license.id, { type, limit: 50 });
      throw err;
    });
    return html(
      reply,
      AdminLicensePage({
        ...chrome(request, reply),
        license: await staffLicense(deps, license),
        events: page.items,
        type: type ?? null,
        before: before ?? null,
        nextBefore: page.nextBefore,
        canManage: accounts.can(request.actor ?? null, 'admin.licenses.manage'),
        notice: extra.notice ?? null,
        error: extra.error ?? null,
      }),
      status,
    );
  }

  /** Runs a staff action; a refusal (bad input, a move not allowed) is shown on the license page. */
  async function act(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    action: () => Promise<string>,
  ) {
    await licenseOrNotFound(deps, id);
    let done: string;
    try {
      done = await action();
    } catch (err) {
      const r = refusal(err);
      if (!r) throw err;
      return detail(request, reply, id, { error: r.message }, r.status);
    }
    return reply.redirect(`/admin/licenses/${id}?done=${done}`, 303);
  }

  app.get(
    '/admin/licenses',
    {
      ...read,
      schema: {
        ...hidden,
        querystring: Type.Object(
          { q: field(254), status: field(20), cursor: field(40) },
          { additionalProperties: true },
        ),
      },
    },
    async (request, reply) => {
      const q = request.query.q?.trim() ?? '';
      const wanted = request.query.status ?? '';
      const status = (STATUSES as readonly string[]).includes(wanted) ? (wanted as LicenseStatus) : null;
      const cursor = /^lic_[0-9a-hjkmnp-tv-z]{26}$/.test(request.query.cursor ?? '')
        ? request.query.cursor
        : undefined;
      const found = await searchLicenses(deps, { q, status: status ?? undefined, limit: 50, cursor });
      return html(
        reply,
        AdminLicensesPage({
          ...chrome(request, reply),
          items: await staffSummaries(deps, found.rows),
          q,
          status,
          nextCursor: found.nextCursor,
        }),
      );
    },
  );

  app.get(
    '/admin/licenses/:id',
    {
      ...read,
      schema: {
        ...hidden,
        params: LicenseIdParams,
        querystring: Type.Object(
          { done: field(40), type: field(40), before: field(40) },
          { additionalProperties: true },
        ),
      },
    },
    async (request, reply) => {
      const { done, type = '', before = '' } = request.query;
      return detail(request, reply, request.params.id, {
        notice: NOTICES[done ?? ''] ?? null,
        type: /^[a-z][a-z-]{0,39}$/.test(type) ? type : '',
        before: new RegExp(EVENT_ID).test(before) ? before : '',
      });
    },
  );

  for (const [action, to, done] of MOVES) {
    app.post(
      `/admin/licenses/:id/${action}`,
      { ...manage, schema: { ...hidden, params: LicenseIdParams, body: ReasonForm } },
      async (request, reply) =>
        act(request, reply, request.params.id, async () => {
          const reason = reasonOf(request.body.reason, true);
          const r = await licenses.setStatus(
            request.params.id,
            to,
            staffActor(request, reason),
            reason ?? null,
          );
          return r.changed ? done : 'unchanged';
        }),
    );
  }

  app.post(
    '/admin/licenses/:id/extend',
    { ...manage, schema: { ...hidden, params: LicenseIdParams, body: ExtendForm } },
    async (request, reply) =>
      act(request, reply, request.params.id, async () => {
        const { perpetual, validUntil = '' } = request.body;
        const until = perpetual ? null : endOfDay(validUntil.trim());
        const reason = reasonOf(request.body.reason, false);
        const r = await licenses.extend(request.params.id, until, staffActor(request, reason));
        return r.changed ? 'extended' : 'unchanged';
      }),
  );

  app.post(
    '/admin/licenses/:id/reset-activations',
    { ...manage, schema: { ...hidden, params: LicenseIdParams, body: ReasonForm } },
    async (request, reply) =>
      act(request, reply, request.params.id, async () => {
        const reason = reasonOf(request.body.reason, false);
        await licenses.resetActivations(request.params.id, staffActor(request, reason));
        return 'reset';
      }),
  );

  app.post(
    '/admin/licenses/:id/domains',
    { ...manage, schema: { ...hidden, params: LicenseIdParams, body: DomainsForm } },
    async (request, reply) =>
      act(request, reply, request.params.id, async () => {
        await seats.setDomains(request.params.id, splitList(request.body.domains), staffActor(request));
        return 'domains';
      }),
  );

  app.post(
    '/admin/licenses/:id/countries',
    { ...manage, schema: { ...hidden, params: LicenseIdParams, body: CountriesForm } },
    async (request, reply) =>
      act(request, reply, request.params.id, async () => {
        await seats.setCountries(request.params.id, splitList(request.body.countries), staffActor(request));
        return 'countries';
      }),
  );
}
