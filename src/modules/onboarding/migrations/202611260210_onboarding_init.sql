-- The onboarding sequence of paid checkout orders (002's determineOnboardingPlan) and the
-- recipients' mail preferences.
--
-- onboarding_plan: one row per order, written once when "order paid" is first handled: who gets
-- the mails and what the order delivers (each line, or bundle component, with its product type).
-- onboarding_step: one row per (order, template), the idempotency key of the sequence: a
-- re-delivered "order paid" schedules nothing twice. A step goes scheduled → sent (in the
-- transaction that queues its mail, so exactly once), → cancelled (a refund made it irrelevant),
-- or → suppressed (marketing mail to a recipient who unsubscribed).

CREATE TABLE onboarding_plan (
  order_id text PRIMARY KEY,
  order_number text NOT NULL,
  user_id text NOT NULL,
  recipient text NOT NULL,
  recipient_name text NOT NULL,
  -- [{ lineId, sku, name, productType }]
  items jsonb NOT NULL,
  paid_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX onboarding_plan_number ON onboarding_plan (order_number);

CREATE TABLE onboarding_step (
  order_id text NOT NULL REFERENCES onboarding_plan (order_id),
  template text NOT NULL,
  category text NOT NULL CHECK (category IN ('transactional', 'marketing')),
  product_group text CHECK (product_group IN ('software', 'training', 'consulting')),
  due_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('scheduled', 'sent', 'cancelled', 'suppressed')),
  message_id text,
  reason text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  sent_at timestamptz,
  PRIMARY KEY (order_id, template)
);
-- The sweep's question: what is due and still scheduled.
CREATE INDEX onboarding_step_due ON onboarding_step (due_at) WHERE status = 'scheduled';

-- Whether an address accepts marketing mail. No row: it does (until it unsubscribes). Kept by
-- address, not by account: guests buy too, and the billing address of an order may differ from
-- the account's. Transactional mail ignores it.
CREATE TABLE mail_preference (
  email text PRIMARY KEY CHECK (email = lower(email)),
  marketing boolean NOT NULL,
  source text NOT NULL CHECK (source IN ('link', 'one_click', 'account')),
  updated_at timestamptz NOT NULL
);
