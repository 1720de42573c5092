import Type, { type Static } from 'typebox';
import { BODY_MAX, SUBJECT_MAX, TICKET_CATEGORIES, TICKET_STATUSES } from './domain/ticket.ts';
import type { TicketThread } from './support.service.ts';
import type { MessageRow, TicketRow } from './support.tables.ts';

/** Request and response schemas of the support JSON API (types inferred from them). */

const closed = { additionalProperties: false } as const;
export const TICKET_ID = '^tkt_[0-9a-hjkmnp-tv-z]{26}$';

export const TicketIdParams = Type.Object({ id: Type.String({ pattern: TICKET_ID }) }, closed);
export const AttachmentParams = Type.Object(
  {
    id: Type.String({ pattern: TICKET_ID }),
    attachmentId: Type.String({ pattern: '^tatt_[0-9a-hjkmnp-tv-z]{26}$' }),
  },
  closed,
);

/**
 * The attachment form (multipart/form-data), for the OpenAPI document. It documents and does not
 * validate: the streamed body is read by the handler, which checks each part.
 */
export const AttachmentFormBody = (staff: boolean) =>
  ({
    content: {
      'multipart/form-data': {
        schema: {
          properties: {
            _csrf: {
              type: 'string',
              description: 'A cookie session’s CSRF token, before the files (or `X-CSRF-Token`).',
            },
            body: { type: 'string', description: 'The message (plain text); optional when files come.' },
            ...(staff
              ? {
                  status: {
                    type: 'string',
                    enum: [...TICKET_STATUSES],
                    description: 'Default: `waiting_on_customer`.',
                  },
                }
              : {}),
            file: {
              type: 'array',
              items: { type: 'string', format: 'binary' },
              description:
                'One or more files: PDF, PNG, JPEG, plain text (.txt), JSON, CSV or log, each at most `SUPPORT_ATTACHMENT_MAX_BYTES`, at most `SUPPORT_ATTACHMENTS_PER_MESSAGE`.',
            },
          },
          required: ['file'],
        },
      },
    },
  }) as const;

// Length bounds here are generous on purpose: the service trims and checks the exact rules and
// answers each field's problem, so the API and the form say the same thing.
export const NewTicketBody = Type.Object(
  {
    subject: Type.String({ maxLength: SUBJECT_MAX * 2, description: '3 to 200 characters, one line.' }),
    category: Type.Enum([...TICKET_CATEGORIES]),
    body: Type.String({ maxLength: BODY_MAX * 2, description: 'Plain text, up to 10,000 characters.' }),
    licenseId: Type.Optional(Type.String({ maxLength: 64, description: 'One of the caller’s licenses.' })),
    orderId: Type.Optional(Type.String({ maxLength: 64, description: 'One of the caller’s orders.' })),
    organizationId: Type.Optional(
      Type.String({
        maxLength: 64,
        description: 'An organization the caller belongs to: its members see the ticket.',
      }),
    ),
  },
  closed,
);
export type NewTicketBody = Static<typeof NewTicketBody>;

export const ReplyBody = Type.Object({ body: Type.String({ maxLength: BODY_MAX * 2 }) }, closed);

export const StaffReplyBody = Type.Object(
  {
    body: Type.String({ maxLength: BODY_MAX * 2 }),
    status: Type.Optional(
      Type.Enum([...TICKET_STATUSES], { description: 'Default: `waiting_on_customer`.' }),
    ),
  },
  closed,
);

/** Actions without input take an empty JSON object (a body-less POST would be treated as a form by the CSRF policy). */
export const EmptyBody = Type.Object({}, closed);

export const StatusBody = Type.Object({ status: Type.Enum([...TICKET_STATUSES]) }, closed);

export const StaffQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum([...TICKET_STATUSES])),
    q: Type.Optional(
      Type.String({ maxLength: 200, description: 'Part of the subject or of the customer’s email.' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })),
  },
  closed,
);

export const TicketSummary = Type.Object({
  id: Type.String(),
  subject: Type.String(),
  category: Type.Enum([...TICKET_CATEGORIES]),
  status: Type.Enum([...TICKET_STATUSES]),
  licenseId: Type.Union([Type.String(), Type.Null()]),
  orderId: Type.Union([Type.String(), Type.Null()]),
  organizationId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const AttachmentJson = Type.Object({
  id: Type.String(),
  filename: Type.Union([Type.String(), Type.Null()], {
    description: 'Null once retention removed the file.',
  }),
  contentType: Type.String({ description: 'Decided from the file’s content and extension.' }),
  size: Type.Integer({ description: 'Bytes.' }),
  url: Type.Union([Type.String(), Type.Null()], {
    description: 'Where to download it (`Content-Disposition: attachment`); null once removed.',
  }),
});

export const Message = Type.Object({
  id: Type.String(),
  author: Type.Enum(['customer', 'staff'], { description: 'Staff replies are signed “FHIR IQ support”.' }),
  /** The customer's address (a colleague of the organization may have written); null for staff. */
  authorEmail: Type.Union([Type.String(), Type.Null()]),
  body: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  attachments: Type.Array(AttachmentJson),
});

export const TicketJson = Type.Object({ ticket: TicketSummary, messages: Type.Array(Message) });
export const TicketList = Type.Object({ items: Type.Array(TicketSummary) });

export const StaffTicketSummary = Type.Object({
  ...TicketSummary.properties,
  email: Type.String(),
  assignee: Type.Union([Type.String(), Type.Null()]),
});
export const StaffMessage = Type.Object({ ...Message.properties, authorEmail: Type.String() });
export const StaffTicketJson = Type.Object({
  ticket: StaffTicketSummary,
  messages: Type.Array(StaffMessage),
});
export const StaffTicketList = Type.Object({ items: Type.Array(StaffTicketSummary) });

const iso = (d: Date) => new Date(d).toISOString();

export const ticketSummary = (t: TicketRow) => ({
  id: t.id,
  subject: t.subject,
  category: t.category,
  status: t.status,
  licenseId: t.license_id,
  orderId: t.order_id,
  organizationId: t.org_id,
  createdAt: iso(t.created_at),
  updatedAt: iso(t.updated_at),
});

/** Where attachments are downloaded: the customer's API or the staff API. */
type AttachmentBase = '/api/v1/account/support' | '/api/v1/admin/support';

const messageJson = (m: MessageRow, t: TicketThread, base: AttachmentBase) => ({
  id: m.id,
  author: m.author_kind,
  authorEmail: m.author_kind === 'staff' ? null : m.author_email,
  body: m.body,
  createdAt: iso(m.created_at),
  attachments: t.attachments
    .filter((a) => a.messageId === m.id)
    .map((a) => ({
      id: a.id,
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      url: a.deleted ? null : `${base}/${t.ticket.id}/attachments/${a.id}`,
    })),
});

export const ticketJson = (t: TicketThread) => ({
  ticket: ticketSummary(t.ticket),
  messages: t.messages.map((m) => messageJson(m, t, '/api/v1/account/support')),
});

export const staffSummary = (t: TicketRow) => ({
  ...ticketSummary(t),
  email: t.email,
  assignee: t.assignee_email,
});

export const staffTicketJson = (t: TicketThread) => ({
  ticket: staffSummary(t.ticket),
  messages: t.messages.map((m) => ({
    ...messageJson(m, t, '/api/v1/admin/support'),
    authorEmail: m.author_email,
  })),
});
