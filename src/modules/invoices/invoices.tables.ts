import type { PlatformTables } from '../../platform/db/client.ts';
import type { BuyerSnapshot, SellerSnapshot } from './domain/document.ts';

/** The tables of migrations/202611260100_invoices_init.sql and the later invoices_* migrations. */
export type InvoicesTables = {
  invoice_counter: {
    series: 'invoice' | 'credit_note';
    period: string;
    last_value: number;
  };
  invoice: {
    id: string;
    number: string;
    period: string;
    seq: number;
    order_id: string;
    order_number: string;
    order_origin: string;
    user_id: string;
    issued_at: Date;
    supplied_at: Date;
    tax_date: Date | string;
    currency: string;
    net_total: number;
    tax_total: number;
    gross_total: number;
    credit_applied: number;
    seller: SellerSnapshot;
    buyer: BuyerSnapshot;
    reverse_charge: boolean;
    notes: string[];
    /** The organization billed (the order's), or null: migrations/202611270530_invoices_organization.sql. */
    organization_id: string | null;
  };
  invoice_line: {
    invoice_id: string;
    position: number;
    order_line_id: string;
    sku: string;
    description: string;
    quantity: number;
    unit_amount: number;
    net: number;
    tax_rate_percent: string;
    tax_amount: number;
    gross: number;
    tax_reason: string;
    jurisdiction: string;
    tax_components: { label: string; ratePercent: string; amount: number }[];
  };
  credit_note: {
    id: string;
    number: string;
    period: string;
    seq: number;
    refund_id: string;
    invoice_id: string;
    user_id: string;
    issued_at: Date;
    currency: string;
    net_total: number;
    tax_total: number;
    gross_total: number;
    full_refund: boolean;
    /** The invoice's organization, or null. */
    organization_id: string | null;
  };
  credit_note_line: {
    credit_note_id: string;
    position: number;
    sku: string;
    description: string;
    tax_rate_percent: string;
    net: number;
    tax_amount: number;
  };
  invoice_document: {
    document_id: string;
    filename: string;
    pdf: Buffer;
    sha256: string;
    created_at: Date;
  };
  invoice_mail: {
    invoice_id: string;
    message_id: string;
    mailed_at: Date;
  };
  /** migrations/202611270500_invoices_credit_note_mail.sql */
  credit_note_mail: {
    credit_note_id: string;
    message_id: string;
    mailed_at: Date;
  };
};

export type InvoicesDb = PlatformTables & InvoicesTables;
export type InvoiceRow = InvoicesTables['invoice'];
export type InvoiceLineRow = InvoicesTables['invoice_line'];
export type CreditNoteRow = InvoicesTables['credit_note'];
export type CreditNoteLineRow = InvoicesTables['credit_note_line'];
export type DocumentRow = InvoicesTables['invoice_document'];
