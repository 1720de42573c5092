import Type from 'typebox';
import { BODY_ERRORS, errorResponses as errors } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { ID_PATTERN } from '../../platform/ids.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { staffOf } from '../audit/index.ts';
import { LEAD_NOTE_MAX, LEAD_STATUSES, LEAD_TOPICS } from './domain/lead.ts';
import type { LeadsService } from './leads.service.ts';
import type { LeadRow } from './leads.tables.ts';

/** Staff JSON API of contact requests: list them, move one to its next status (audited). */

const closed = { additionalProperties: false } as const;
const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const LeadSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    email: Type.String(),
    organization: Nullable(Type.String()),
    topic: Type.String({ description: LEAD_TOPICS.join(', ') }),
    message: Type.String(),
    status: Type.String({ description: 'new, contacted or closed.' }),
    createdAt: DateTime,
    statusNote: Nullable(Type.String()),
    statusChangedAt: Nullable(DateTime),
    statusChangedBy: Nullable(Type.String({ description: 'Email of the staff member who made it.' })),
  },
  closed,
);

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const leadJson = (l: LeadRow) => ({
  id: l.id,
  name: l.name,
  email: l.email,
  organization: l.organization,
  topic: l.topic,
  message: l.message,
  status: l.status,
  createdAt: new Date(l.created_at).toISOString(),
  statusNote: l.status_note,
  statusChangedAt: iso(l.status_changed_at),
  statusChangedBy: l.status_changed_by,
});

export function registerLeadRoutes(
  app: HttpServer,
  deps: { leads: LeadsService; accounts: AccountsModule },
): void {
  const { leads, accounts } = deps;
  const tags = ['leads admin'];
  const security: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerToken: [] }];
  const staffErrors = ['UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'] as const;

  app.get(
    '/api/v1/admin/leads',
    {
      preHandler: accounts.requirePermission('admin.leads.read'),
      schema: {
        tags,
        summary: 'Contact requests, newest first',
        security,
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Enum([...LEAD_STATUSES])),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
          },
          closed,
        ),
        response: {
          200: Type.Object({ leads: Type.Array(LeadSchema) }, closed),
          ...errors(...staffErrors, 'VALIDATION_FAILED'),
        },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, status } = request.query;
      return { leads: (await leads.list({ limit, offset, status })).map(leadJson) };
    },
  );

  app.post(
    '/api/v1/admin/leads/:id/status',
    {
      preHandler: accounts.requirePermission('admin.leads.manage'),
      schema: {
        tags,
        summary: 'Move a contact request to its next status, with a note (audited)',
        description:
          'new → contacted → closed; new may be closed at once; closed is final. Any other move is 409 `LEAD_STATUS_CONFLICT` and changes nothing.',
        security,
        params: Type.Object({ id: Type.String({ pattern: ID_PATTERN, maxLength: 40 }) }, closed),
        body: Type.Object(
          {
            status: Type.Enum([...LEAD_STATUSES]),
            note: Type.Optional(Type.String({ maxLength: LEAD_NOTE_MAX })),
          },
          closed,
        ),
        response: {
          200: LeadSchema,
          ...errors(...BODY_ERRORS, ...staffErrors, 'NOT_FOUND', 'LEAD_STATUS_CONFLICT'),
        },
      },
    },
    async (request) => leadJson(await leads.changeStatus(staffOf(request), request.params.id, request.body)),
  );
}
