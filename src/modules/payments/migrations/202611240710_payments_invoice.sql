-- Stripe Billing: the invoice a payment paid (the subscription's first invoice, or a renewal's),
-- so the invoice's own payment (`invoice_payment.paid`, which names the payment intent) can be
-- linked to it and refunds reach the right charge.

ALTER TABLE payment ADD COLUMN provider_invoice_id text;
CREATE INDEX payment_provider_invoice ON payment (provider_invoice_id);

-- `invoice_payment.paid` may arrive before the payment of its invoice exists (a renewal's is
-- created by the subscriptions job): the link waits here and is applied when it does.
CREATE TABLE stripe_invoice_payment (
  invoice_id text PRIMARY KEY,
  payment_intent_id text NOT NULL,
  received_at timestamptz NOT NULL
);
