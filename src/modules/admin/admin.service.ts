import type { PlatformContext } from '../../platform/context.ts';
import { handle, inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import type { AuditModule } from '../audit/index.ts';
import type { OrdersModule } from '../orders/index.ts';

/** Staff operations on the platform itself. Each change is audited in the same transaction. */
export class AdminService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly audit: AuditModule,
  ) {}

  /** Sends a paid order's confirmation mail again (a customer who did not get it), audited. */
  async resendConfirmation(
    orders: OrdersModule,
    actor: { userId: string; email: string },
    orderId: string,
    meta: { ip: string; requestId: string },
  ): Promise<void> {
    await orders.resendConfirmation(orderId, async (trx) => {
      await this.audit.log.record(
        {
          actor,
          action: 'order.confirmation-resent',
          target: { type: 'order', id: orderId },
          before: null,
          after: { mail: 'orders.confirmation' },
          ...meta,
        },
        trx,
      );
    });
  }

  /** Puts a job that used up its retries back in its queue. */
  async retryJob(
    actor: { userId: string; email: string },
    queue: string,
    id: string,
    meta: { ip: string; requestId: string },
  ): Promise<void> {
    const { ctx, audit } = this;
    const known = ctx.jobs.definitions.some((d) => d.name === queue);
    if (!known) throw new AppError('NOT_FOUND', 'No such job.');
    const failed = (await ctx.jobs.failed(500)).find((j) => j.id === id && j.queue === queue);
    if (!failed) throw new AppError('NOT_FOUND', 'No such failed job.');
    await inTransaction(ctx.db, async (trx) => {
      await ctx.jobs.retry(queue, id, handle(trx));
      await audit.log.record(
        {
          actor,
          action: 'jobs.retry',
          target: { type: 'job', id },
          before: { state: 'failed', queue },
          after: { state: 'retry', queue },
          ...meta,
        },
        handle(trx),
      );
    });
  }
}
