import type { PlatformTables } from '../../platform/db/client.ts';
import type { QuoteCustomer } from '../tax/index.ts';
import type { OrderState } from './domain/state.ts';

/** Billing details as the customer entered them at checkout (kept verbatim on the order). */
export interface BillingDetails {
  name: string;
  organization: string | null;
  email: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
  region: string | null;
  vatId: string | null;
  business: boolean;
}

/** One tax charged on a line, as the quote computed it. */
export interface OrderTaxComponent {
  kind: string;
  jurisdiction: string;
  label: string;
  ratePercent: string;
  amount: number;
}

/** What created the order: a checkout, or the billing of an existing subscription. */
export type OrderOrigin = 'checkout' | 'renewal' | 'plan_change' | 'usage';

export type VatStatus = 'not_provided' | 'not_required' | 'pending_verification' | 'valid';

/** The order's VAT status from a tax quote's (`pending` is kept as pending verification). */
export function vatStatusOf(quoted: 'not_provided' | 'not_required' | 'pending' | 'valid'): VatStatus {
  return quoted === 'pending' ? 'pending_verification' : quoted;
}

/** Who an order's billing details tax: later charges (renewals, overage) are quoted from them. */
export function quoteCustomerOf(b: BillingDetails): QuoteCustomer {
  return {
    country: b.country,
    region: b.region ?? undefined,
    postalCode: b.postalCode,
    vatId: b.business ? (b.vatId ?? undefined) : undefined,
    business: b.business,
  };
}

/** The tables of migrations/202611230100_orders_init.sql and the later orders_* migrations. */
export type OrdersTables = {
  sales_order: {
    id: string;
    number: string;
    user_id: string;
    state: OrderState;
    currency: string;
    net_total: number;
    tax_total: number;
    gross_total: number;
    idempotency_key: string;
    billing: BillingDetails;
    customer_type: 'business' | 'consumer';
    billing_country: string;
    vat_id: string | null;
    vat_status: VatStatus;
    tax_date: Date | string;
    tax_notes: string[];
    ip_address: string | null;
    ip_country: string | null;
    last_payment_error: string | null;
    created_at: Date;
    updated_at: Date;
    paid_at: Date | null;
    confirmation_mailed_at: Date | null;
    origin: OrderOrigin;
    subscription_id: string | null;
    credit_applied: number;
    /** Gross amount refunded so far (migrations/202611240310_orders_refunds.sql). */
    refunded_total: number;
    /** The organization it was bought for, or null (migrations/202611270520_orders_organization.sql). */
    organization_id: string | null;
  };
  order_line: {
    id: string;
    order_id: string;
    position: number;
    sku: string;
    name: string;
    quantity: number;
    unit_amount: number;
    net: number;
    tax_rate_bp: number;
    /** The exact combined rate ("14.975"); null on lines sold before it was kept. */
    tax_rate_percent: string | null;
    /** Each tax on the line, rounded on its own (GST and QST…); [] under reverse charge. */
    tax_components: OrderTaxComponent[];
    tax_amount: number;
    gross: number;
    tax_reason: string;
    jurisdiction: string;
    tax_code: string;
  };
  order_refund_notice: {
    refund_id: string;
    order_id: string;
    mailed_at: Date;
  };
};

export type OrdersDb = PlatformTables & OrdersTables;
export type OrderRow = OrdersTables['sales_order'];
export type OrderLineRow = OrdersTables['order_line'];
