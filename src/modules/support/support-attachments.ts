import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { checkAttachment, cleanFilename } from './domain/attachment.ts';
import * as repo from './support.repository.ts';
import type { SupportDb } from './support.tables.ts';

/** A file as the HTTP layer received it (whole, within the size limit the parser enforced). */
export interface ReceivedAttachment {
  filename: string;
  bytes: Buffer;
}

/** A received file that passed the checks: its cleaned name and the content type it is served with. */
export interface CheckedAttachment {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** An attachment as a thread lists it (no content); `filename` is null once retention removed it. */
export interface AttachmentInfo {
  id: string;
  messageId: string;
  filename: string | null;
  contentType: string;
  size: number;
  deleted: boolean;
}

const CONTENT = 'support-attachment';
const NAME = 'support-attachment-name';

/**
 * Support ticket attachments at rest: checked before anything is written, stored encrypted
 * (content bound to its row id, name encrypted too: file names can identify a patient), decrypted
 * only for a caller the service already let see the ticket. Logs carry ids and counts, never
 * names or contents.
 */
export class SupportAttachments {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<SupportDb>,
  ) {}

  get limits() {
    return this.ctx.config.supportAttachments;
  }

  /** Checks every file (count, size, type by content and extension); throws before anything is kept. */
  check(files: readonly ReceivedAttachment[]): CheckedAttachment[] {
    if (files.length > this.limits.perMessage)
      throw new AppError('TOO_MANY_ATTACHMENTS', `At most ${this.limits.perMessage} files per message.`);
    return files.map((f, i) => {
      if (f.bytes.length > this.limits.maxBytes) throw new AppError('ATTACHMENT_TOO_LARGE');
      const filename = cleanFilename(f.filename);
      const checked = checkAttachment(filename, f.bytes);
      if (!checked.ok)
        throw new AppError('ATTACHMENT_TYPE_NOT_ALLOWED', undefined, {
          details: [{ path: `/file/${i}`, message: `is refused: ${checked.reason}` }],
        });
      return { filename, contentType: checked.contentType, bytes: f.bytes };
    });
  }

  /** Stores checked files on a message, encrypted, in the caller's transaction; returns their ids. */
  async store(
    tx: Executor<SupportDb>,
    ticketId: string,
    messageId: string,
    files: readonly CheckedAttachment[],
    now: Date,
  ): Promise<string[]> {
    const rows = files.map((f, i) => {
      const id = newId('tatt', this.ctx.clock);
      return {
        id,
        ticket_id: ticketId,
        message_id: messageId,
        position: i + 1,
        filename_enc: this.ctx.secrets.encrypt(NAME, f.filename),
        content_type: f.contentType,
        size: f.bytes.length,
        content: this.ctx.secrets.encryptBytes(CONTENT, f.bytes, id),
        created_at: now,
        deleted_at: null,
      };
    });
    await repo.insertAttachments(tx, rows);
    if (rows.length)
      this.ctx.log.info({ ticketId, messageId, files: rows.length }, 'support attachments stored');
    return rows.map((r) => r.id);
  }

  /** A ticket's attachments with their names (the caller may see the ticket). */
  async list(ticketId: string, db: Executor<SupportDb> = this.db): Promise<AttachmentInfo[]> {
    const rows = await repo.attachmentsOf(db, ticketId);
    return rows.map((r) => ({
      id: r.id,
      messageId: r.message_id,
      filename: r.filename_enc ? this.ctx.secrets.decrypt(NAME, r.filename_enc) : null,
      contentType: r.content_type,
      size: r.size,
      deleted: r.deleted_at !== null,
    }));
  }

  /** One attachment's name, type and plaintext; NOT_FOUND if it is not this ticket's or was removed. */
  async open(
    ticketId: string,
    id: string,
  ): Promise<{ filename: string; contentType: string; content: Buffer }> {
    const row = await repo.findAttachment(this.db, ticketId, id);
    if (!row?.content || !row.filename_enc) throw new AppError('NOT_FOUND');
    return {
      filename: this.ctx.secrets.decrypt(NAME, row.filename_enc),
      contentType: row.content_type,
      content: this.ctx.secrets.decryptBytes(CONTENT, Buffer.from(row.content), row.id),
    };
  }

  /** The daily retention sweep: empties the attachments of tickets resolved or closed long enough ago. */
  async prune(): Promise<number> {
    const now = this.ctx.clock.now();
    const before = new Date(now.getTime() - this.limits.retentionDays * 86_400_000);
    return repo.pruneAttachments(this.db, before, now);
  }
}
