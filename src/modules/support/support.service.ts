import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, handle, inTransaction } from '../../platform/db/transaction.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditModule, StaffContext } from '../audit/index.ts';
import {
  checkBody,
  checkSubject,
  isDone,
  statusAfterCustomerReply,
  statusAfterStaffReply,
  type TicketCategory,
  type TicketStatus,
} from './domain/ticket.ts';
import { sendCustomerMail, sendStaffMail } from './support.mail.ts';
import type { CustomerScope } from './support.repository.ts';
import * as repo from './support.repository.ts';
import type { MessageRow, NewMessage, SupportDb, TicketRow } from './support.tables.ts';
import { type AttachmentInfo, type ReceivedAttachment, SupportAttachments } from './support-attachments.ts';

/** A signed-in customer as support sees them: who they are and which organizations they belong to. */
export interface Customer extends CustomerScope {
  email: string;
}

/** Something a ticket may point at (one of the customer's licenses or orders), as a form lists it. */
export interface Reference {
  id: string;
  label: string;
}

export interface SupportDeps {
  audit: AuditModule;
  /** Where staff notifications go (verified staff addresses), read in the caller's transaction. */
  staffEmails(trx: DbHandle): Promise<string[]>;
  /** The customer's own licenses and orders: each module's query is scoped to the user. */
  licensesOf(userId: string): Promise<Reference[]>;
  ordersOf(userId: string): Promise<Reference[]>;
}

export interface NewTicket {
  subject: string;
  category: TicketCategory;
  body: string;
  licenseId?: string | undefined;
  orderId?: string | undefined;
  organizationId?: string | undefined;
}

export interface TicketThread {
  ticket: TicketRow;
  messages: MessageRow[];
  /** Files attached to the messages (names decrypted for the ticket's parties and staff). */
  attachments: AttachmentInfo[];
}

/** A message's text, or a line saying files came when only files did. */
function bodyWithFiles(raw: string, files: number): string {
  if (raw.trim() || files === 0) return raw;
  return files === 1 ? 'Sent a file.' : `Sent ${files} files.`;
}

const HOUR = 3600_000;

const invalid = (details: ErrorDetail[]) => new AppError('VALIDATION_FAILED', undefined, { details });

/**
 * Support tickets: customers open them and reply; staff reply, move the status and take tickets.
 * Input is checked before any transaction (bad input writes nothing); each use case is one
 * transaction with its mail and, for staff, its audit entry.
 */
export class SupportService {
  readonly attachments: SupportAttachments;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<SupportDb>,
    private readonly deps: SupportDeps,
  ) {
    this.attachments = new SupportAttachments(ctx, db);
  }

  // ---- customers -------------------------------------------------------------------------------------------------

  async open(customer: Customer, input: NewTicket): Promise<TicketThread> {
    const subject = checkSubject(input.subject);
    const body = checkBody(input.body);
    const problems: ErrorDetail[] = [];
    if ('problem' in subject) problems.push(subject.problem);
    if ('problem' in body) problems.push(body.problem);
    if (input.organizationId && !customer.orgIds.includes(input.organizationId))
      problems.push({ path: '/organizationId', message: 'is not one of your organizations' });
    if (
      input.licenseId &&
      !(await this.deps.licensesOf(customer.userId)).some((l) => l.id === input.licenseId)
    )
      problems.push({ path: '/licenseId', message: 'is not one of your licenses' });
    if (input.orderId && !(await this.deps.ordersOf(customer.userId)).some((o) => o.id === input.orderId))
      problems.push({ path: '/orderId', message: 'is not one of your orders' });
    if (problems.length || 'problem' in subject || 'problem' in body) throw invalid(problems);

    return inTransaction(this.db, async (tx) => {
      const now = this.ctx.clock.now();
      await repo.lockUser(tx, customer.userId);
      const recent = await repo.createdSince(tx, customer.userId, new Date(now.getTime() - HOUR));
      if (recent.length >= this.ctx.config.supportTicketsPerHour) {
        const oldest = recent[recent.length - this.ctx.config.supportTicketsPerHour] ?? recent[0]!;
        const retryAfter = String(Math.max(1, Math.ceil((oldest.getTime() + HOUR - now.getTime()) / 1000)));
        throw new AppError('SUPPORT_RATE_LIMITED', undefined, { headers: { 'retry-after': retryAfter } });
      }
      const ticket: TicketRow = {
        id: newId('tkt', this.ctx.clock),
        user_id: customer.userId,
        email: customer.email,
        org_id: input.organizationId ?? null,
        subject: subject.value,
        category: input.category,
        status: 'open',
        license_id: input.licenseId ?? null,
        order_id: input.orderId ?? null,
        assignee_user_id: null,
        assignee_email: null,
        created_at: now,
        updated_at: now,
        resolved_at: null,
      };
      await repo.insertTicket(tx, ticket);
      const message = await repo.insertMessage(
        tx,
        this.#message(ticket.id, customer, 'customer', body.value, now),
      );
      await sendStaffMail(this.ctx, handle(tx), await this.deps.staffEmails(handle(tx)), ticket, 'opened');
      return { ticket, messages: [message], attachments: [] };
    });
  }

  /**
   * A customer's reply, with files when given: reopens a ticket that was waiting on them or
   * resolved; a closed one refuses. Text and files are checked before anything is written.
   */
  async reply(
    customer: Customer,
    ticketId: string,
    rawBody: string,
    received: readonly ReceivedAttachment[] = [],
  ): Promise<TicketThread> {
    const files = this.attachments.check(received);
    const body = checkBody(bodyWithFiles(rawBody, files.length));
    if ('problem' in body) throw invalid([body.problem]);
    return inTransaction(this.db, async (tx) => {
      const ticket = await repo.findForCustomer(tx, customer, ticketId, true);
      if (!ticket) throw new AppError('NOT_FOUND');
      const next = statusAfterCustomerReply(ticket.status);
      if (!next) throw new AppError('TICKET_CLOSED');
      const now = this.ctx.clock.now();
      const message = await repo.insertMessage(
        tx,
        this.#message(ticket.id, customer, 'customer', body.value, now),
      );
      await this.attachments.store(tx, ticket.id, message.id, files, now);
      const updated = await repo.updateTicket(tx, ticket.id, {
        status: next,
        updated_at: now,
        resolved_at: null,
      });
      await sendStaffMail(this.ctx, handle(tx), await this.deps.staffEmails(handle(tx)), updated, 'replied');
      return this.#thread(tx, updated);
    });
  }

  async listForCustomer(scope: CustomerScope): Promise<TicketRow[]> {
    return repo.listForCustomer(this.db, scope);
  }

  /** One ticket of the customer (or of one of their organizations) with its thread; 404 otherwise. */
  async getForCustomer(scope: CustomerScope, ticketId: string): Promise<TicketThread> {
    const ticket = await repo.findForCustomer(this.db, scope, ticketId);
    if (!ticket) throw new AppError('NOT_FOUND');
    return this.#thread(this.db, ticket);
  }

  /** One attachment of a ticket the customer sees (own or their organization's); 404 otherwise. */
  async attachmentForCustomer(scope: CustomerScope, ticketId: string, attachmentId: string) {
    const ticket = await repo.findForCustomer(this.db, scope, ticketId);
    if (!ticket) throw new AppError('NOT_FOUND');
    return this.attachments.open(ticket.id, attachmentId);
  }

  /** Staff: one attachment of any ticket. */
  async attachmentForStaff(ticketId: string, attachmentId: string) {
    return this.attachments.open(ticketId, attachmentId);
  }

  async #thread(db: Kysely<SupportDb>, ticket: TicketRow): Promise<TicketThread> {
    const [messages, attachments] = await Promise.all([
      repo.messagesOf(db, ticket.id),
      this.attachments.list(ticket.id, db),
    ]);
    return { ticket, messages, attachments };
  }

  /** The user's own unresolved tickets (the portal dashboard). */
  async openTicketsOf(userId: string): Promise<TicketRow[]> {
    return repo.openOfUser(this.db, userId);
  }

  /** What a new ticket may point at: the customer's licenses and orders. */
  async referencesOf(userId: string): Promise<{ licenses: Reference[]; orders: Reference[] }> {
    const [licenses, orders] = await Promise.all([this.deps.licensesOf(userId), this.deps.ordersOf(userId)]);
    return { licenses, orders };
  }

  // ---- staff -----------------------------------------------------------------------------------------------------

  async search(filter: { status?: TicketStatus | undefined; q?: string | undefined; limit?: number }) {
    return repo.search(this.db, { ...filter, limit: filter.limit ?? 100 });
  }

  async getForStaff(ticketId: string): Promise<TicketThread> {
    const ticket = await repo.findAny(this.db, ticketId);
    if (!ticket) throw new AppError('NOT_FOUND');
    return this.#thread(this.db, ticket);
  }

  /**
   * A staff reply (audited): the customer is mailed the reply. Without a status the ticket waits
   * on the customer; with `resolved` the mail says so.
   */
  async staffReply(
    staff: StaffContext,
    ticketId: string,
    rawBody: string,
    status?: TicketStatus,
    received: readonly ReceivedAttachment[] = [],
  ): Promise<TicketThread> {
    const files = this.attachments.check(received);
    const body = checkBody(bodyWithFiles(rawBody, files.length));
    if ('problem' in body) throw invalid([body.problem]);
    return this.#staffChange(staff, ticketId, 'support.reply', async (tx, ticket, now) => {
      const next = statusAfterStaffReply(ticket.status, status);
      const message = await repo.insertMessage(
        tx,
        this.#message(ticket.id, staff.actor, 'staff', body.value, now),
      );
      const attachmentIds = await this.attachments.store(tx, ticket.id, message.id, files, now);
      const updated = await repo.updateTicket(tx, ticket.id, {
        status: next,
        updated_at: now,
        resolved_at: isDone(next) ? (ticket.resolved_at ?? now) : null,
      });
      await sendCustomerMail(
        this.ctx,
        handle(tx),
        updated,
        next === 'resolved' && ticket.status !== 'resolved'
          ? { kind: 'resolved', body: body.value }
          : { kind: 'reply', body: body.value },
      );
      return {
        updated,
        after: { status: next, messageId: message.id, ...(attachmentIds.length ? { attachmentIds } : {}) },
      };
    });
  }

  /** A staff status change (audited); resolving mails the customer once. Same status: no change. */
  async setStatus(staff: StaffContext, ticketId: string, status: TicketStatus): Promise<TicketThread> {
    return this.#staffChange(staff, ticketId, 'support.status', async (tx, ticket, now) => {
      if (ticket.status === status) return { updated: ticket, after: { status } };
      const updated = await repo.updateTicket(tx, ticket.id, {
        status,
        updated_at: now,
        resolved_at: isDone(status) ? (ticket.resolved_at ?? now) : null,
      });
      if (status === 'resolved')
        await sendCustomerMail(this.ctx, handle(tx), updated, { kind: 'resolved', body: null });
      return { updated, after: { status } };
    });
  }

  /** The staff member takes the ticket (audited). */
  async assignToSelf(staff: StaffContext, ticketId: string): Promise<TicketThread> {
    return this.#staffChange(staff, ticketId, 'support.assign', async (tx, ticket, now) => {
      const updated = await repo.updateTicket(tx, ticket.id, {
        assignee_user_id: staff.actor.userId,
        assignee_email: staff.actor.email,
        updated_at: now,
      });
      return { updated, after: { status: updated.status, assignee: staff.actor.email } };
    });
  }

  async #staffChange(
    staff: StaffContext,
    ticketId: string,
    action: string,
    change: (
      tx: Kysely<SupportDb>,
      ticket: TicketRow,
      now: Date,
    ) => Promise<{ updated: TicketRow; after: Record<string, unknown> }>,
  ): Promise<TicketThread> {
    return inTransaction(this.db, async (tx) => {
      const ticket = await repo.findAny(tx, ticketId, true);
      if (!ticket) throw new AppError('NOT_FOUND');
      const { updated, after } = await change(tx, ticket, this.ctx.clock.now());
      await this.deps.audit.log.record(
        {
          actor: staff.actor,
          action,
          target: { type: 'support_ticket', id: ticket.id },
          before: { status: ticket.status, assignee: ticket.assignee_email },
          after,
          ip: staff.ip,
          requestId: staff.requestId,
        },
        handle(tx),
      );
      return this.#thread(tx, updated);
    });
  }

  #message(
    ticketId: string,
    author: { userId: string; email: string },
    kind: 'customer' | 'staff',
    body: string,
    now: Date,
  ): NewMessage {
    return {
      id: newId('tmsg', this.ctx.clock),
      ticket_id: ticketId,
      author_user_id: author.userId,
      author_email: author.email,
      author_kind: kind,
      body,
      created_at: now,
    };
  }
}
