import type { Generated, Insertable, Selectable } from 'kysely';
import type { PlatformTables } from '../../platform/db/client.ts';
import type { TicketCategory, TicketStatus } from './domain/ticket.ts';

/** The tables of migrations/202611260300_support_tickets.sql and …_support_attachments.sql. */
export type SupportTables = {
  support_ticket: {
    id: string;
    user_id: string;
    email: string;
    org_id: string | null;
    subject: string;
    category: TicketCategory;
    status: TicketStatus;
    license_id: string | null;
    order_id: string | null;
    assignee_user_id: string | null;
    assignee_email: string | null;
    created_at: Date;
    updated_at: Date;
    resolved_at: Date | null;
  };
  support_message: {
    id: string;
    ticket_id: string;
    author_user_id: string;
    author_email: string;
    author_kind: 'customer' | 'staff';
    body: string;
    created_at: Date;
    seq: Generated<string>;
  };
  /** migrations/202611270540_support_attachments.sql: content and name encrypted, emptied by retention. */
  support_attachment: {
    id: string;
    ticket_id: string;
    message_id: string;
    position: number;
    filename_enc: string | null;
    content_type: string;
    size: number;
    content: Buffer | null;
    created_at: Date;
    deleted_at: Date | null;
  };
};

export type SupportDb = PlatformTables & SupportTables;
export type TicketRow = SupportTables['support_ticket'];
export type MessageRow = Selectable<SupportTables['support_message']>;
export type NewMessage = Insertable<SupportTables['support_message']>;
export type AttachmentRow = SupportTables['support_attachment'];
