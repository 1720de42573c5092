import type { Kysely } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Clock } from '../clock.ts';
import type { PlatformTables } from '../db/client.ts';
import { type DbHandle, handle, inTransaction, view } from '../db/transaction.ts';
import { newId } from '../ids.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../log.ts';

export type MailTables = {
  mail_message: {
    id: string;
    to_address: string;
    from_address: string;
    subject: string;
    text_body: string;
    html_body: string;
    template: string;
    category: 'transactional' | 'marketing';
    status: 'queued' | 'sent' | 'stored' | 'failed';
    attempts: number;
    last_error: string | null;
    transport: string | null;
    created_at: Date;
    sent_at: Date | null;
    /** Extra headers (List-Unsubscribe…), migrations/202611260200_mail_headers.sql; null: none. */
    headers: Record<string, string> | null;
  };
  /** migrations/202611260101_mail_attachments.sql */
  mail_attachment: {
    message_id: string;
    position: number;
    filename: string;
    content_type: string;
    content: Buffer;
    size: number;
  };
};

export type MailRow = MailTables['mail_message'];

/** A file sent with a message (kept in the outbox with it). */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** What the outbox shows of an attachment (the bytes are fetched one at a time). */
export interface MailAttachmentInfo {
  position: number;
  filename: string;
  contentType: string;
  size: number;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Which template produced it, for the outbox and tests ("accounts.verify-email"). */
  template: string;
  category?: 'transactional' | 'marketing';
  /** Extra headers sent with the message (e.g. RFC 8058's List-Unsubscribe on marketing mail). */
  headers?: Readonly<Record<string, string>>;
  attachments?: readonly MailAttachment[];
}

type Db = Kysely<PlatformTables & MailTables>;

export const MAIL_SEND_JOB = 'mail.send';
/** Daily: delete delivered messages older than MAIL_RETENTION_DAYS. */
export const MAIL_PRUNE_JOB = 'mail.prune';
/** Retries with backoff from 30 s: the last one is about two hours after the first attempt. */
const MAIL_RETRY_LIMIT = 8;

/**
 * Sending goes through the outbox and the job queue: `enqueue` records the
 * message and its delivery job in the caller's transaction, so a message exists
 * exactly when the business change that caused it committed; a failing SMTP
 * server means retries, never a lost message.
 */
export class Mailer {
  readonly #db: Db;
  readonly #transport: Transporter | undefined;
  readonly #transportName: string;

  constructor(
    db: Kysely<PlatformTables>,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly from: string,
    smtpUrl: string | undefined,
    private readonly retentionDays = 90,
  ) {
    this.#db = db.withTables<MailTables>();
    this.#transport = smtpUrl ? nodemailer.createTransport(smtpUrl) : undefined;
    this.#transportName = smtpUrl ? 'smtp' : 'outbox';
    jobs.define<{ messageId: string }>({
      name: MAIL_SEND_JOB,
      retryLimit: MAIL_RETRY_LIMIT,
      retryDelaySeconds: 30,
      retryBackoff: true,
      handler: async ({ messageId }, meta) => this.deliver(messageId, meta.retryCount),
    });
    jobs.define({
      name: MAIL_PRUNE_JOB,
      cron: '17 3 * * *',
      retryLimit: 2,
      handler: async () => {
        const removed = await this.prune();
        this.log.info({ removed }, 'outbox pruned');
      },
    });
  }

  /** Deletes delivered (or finally failed) messages older than the retention period. */
  async prune(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.retentionDays * 86_400_000);
    const r = await this.#db
      .deleteFrom('mail_message')
      .where('status', 'in', ['sent', 'stored', 'failed'])
      .where('created_at', '<', cutoff)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  get transportName(): string {
    return this.#transportName;
  }

  async enqueue(mail: OutgoingMail, trx?: DbHandle): Promise<string> {
    const id = newId('msg', this.clock);
    await inTransaction(trx ? view<PlatformTables & MailTables>(trx) : this.#db, async (tx) => {
      await tx
        .insertInto('mail_message')
        .values({
          id,
          to_address: mail.to,
          from_address: this.from,
          subject: mail.subject,
          text_body: mail.text,
          html_body: mail.html,
          template: mail.template,
          category: mail.category ?? 'transactional',
          status: 'queued',
          attempts: 0,
          last_error: null,
          transport: null,
          created_at: this.clock.now(),
          sent_at: null,
          // jsonb goes in as its text (the pg driver would send an object as a composite).
          headers: (mail.headers ? JSON.stringify(mail.headers) : null) as MailRow['headers'],
        })
        .execute();
      if (mail.attachments?.length)
        await tx
          .insertInto('mail_attachment')
          .values(
            mail.attachments.map((a, i) => ({
              message_id: id,
              position: i + 1,
              filename: a.filename,
              content_type: a.contentType,
              content: a.content,
              size: a.content.length,
            })),
          )
          .execute();
      await this.jobs.send(MAIL_SEND_JOB, { messageId: id }, { trx: handle(tx), singletonKey: id });
    });
    return id;
  }

  /** The job handler. Idempotent: a message already delivered is not sent again. */
  async deliver(messageId: string, retryCount = 0): Promise<void> {
    const row = await this.#db
      .selectFrom('mail_message')
      .selectAll()
      .where('id', '=', messageId)
      .executeTakeFirst();
    if (!row || row.status === 'sent' || row.status === 'stored') return;
    if (!this.#transport) {
      await this.#mark(messageId, {
        status: 'stored',
        transport: 'outbox',
        sent_at: this.clock.now(),
        last_error: null,
      });
      return;
    }
    const attachments = await this.#db
      .selectFrom('mail_attachment')
      .select(['filename', 'content_type', 'content'])
      .where('message_id', '=', messageId)
      .orderBy('position')
      .execute();
    try {
      await this.#transport.sendMail({
        from: row.from_address,
        to: row.to_address,
        subject: row.subject,
        text: row.text_body,
        html: row.html_body,
        ...(row.headers ? { headers: row.headers } : {}),
        attachments: attachments.map((a) => ({
          filename: a.filename,
          contentType: a.content_type,
          content: Buffer.from(a.content),
        })),
        // A stable Message-ID lets receivers drop the duplicate if a retry follows a lost acknowledgement.
        messageId: `<${row.id}@fhiriq>`,
      });
      await this.#mark(messageId, {
        status: 'sent',
        transport: 'smtp',
        sent_at: this.clock.now(),
        last_error: null,
      });
    } catch (err) {
      const message = (err as Error).message.slice(0, 500);
      // After the last retry the row says "failed" so staff see it in the outbox.
      const final = retryCount >= MAIL_RETRY_LIMIT;
      await this.#mark(messageId, {
        status: final ? 'failed' : 'queued',
        last_error: message,
        transport: 'smtp',
      });
      this.log.warn({ messageId, attempt: retryCount + 1, final }, 'mail delivery failed');
      throw err;
    }
  }

  async #mark(id: string, patch: Partial<MailRow>): Promise<void> {
    await this.#db
      .updateTable('mail_message')
      .set((eb) => ({ ...patch, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .execute();
  }

  async list(options: { limit?: number; offset?: number; to?: string } = {}): Promise<MailRow[]> {
    let q = this.#db
      .selectFrom('mail_message')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc');
    if (options.to) q = q.where((eb) => eb(eb.fn('lower', ['to_address']), '=', options.to!.toLowerCase()));
    return q
      .limit(options.limit ?? 50)
      .offset(options.offset ?? 0)
      .execute();
  }

  async get(id: string): Promise<MailRow | undefined> {
    return this.#db.selectFrom('mail_message').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** A message's attachments, without their bytes (the outbox lists them). */
  async attachments(messageId: string): Promise<MailAttachmentInfo[]> {
    const rows = await this.#db
      .selectFrom('mail_attachment')
      .select(['position', 'filename', 'content_type', 'size'])
      .where('message_id', '=', messageId)
      .orderBy('position')
      .execute();
    return rows.map((r) => ({
      position: r.position,
      filename: r.filename,
      contentType: r.content_type,
      size: r.size,
    }));
  }

  /** One attachment with its bytes. */
  async attachment(
    messageId: string,
    position: number,
  ): Promise<(MailAttachmentInfo & { content: Buffer }) | undefined> {
    const r = await this.#db
      .selectFrom('mail_attachment')
      .selectAll()
      .where('message_id', '=', messageId)
      .where('position', '=', position)
      .executeTakeFirst();
    return (
      r && {
        position: r.position,
        filename: r.filename,
        contentType: r.content_type,
        size: r.size,
        content: Buffer.from(r.content),
      }
    );
  }

  async close(): Promise<void> {
    this.#transport?.close();
  }
}
