import type { LineAllocation } from './domain/refund-allocation.ts';
import type { PaymentsDb } from './payments.tables.ts';

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

/** The table of migrations/202611240300_payments_refunds.sql. */
export type RefundsTables = {
  refund: {
    id: string;
    payment_id: string;
    order_id: string;
    provider: 'test' | 'stripe';
    amount: number;
    currency: string;
    net: number;
    tax: number;
    allocation: LineAllocation[];
    reason: string;
    status: RefundStatus;
    failure_message: string | null;
    provider_refund_id: string | null;
    /** Staff user id; null for a refund the provider reported (made in the Stripe Dashboard). */
    requested_by: string | null;
    request_key: string;
    created_at: Date;
    updated_at: Date;
    succeeded_at: Date | null;
    failed_at: Date | null;
  };
};

export type RefundsDb = PaymentsDb & RefundsTables;
export type RefundRow = RefundsTables['refund'];
