-- Usage metering: licenses whose limits define `<meter>PerMonth` quantities report usage events;
-- the totals of each monthly period (anchored on the license's valid_from) are kept per meter, and
-- a closed period leaves a statement per meter that billing charges the overage from.

-- Every usage event once: a client retrying with the same idempotency key is counted once.
-- No foreign key on license_id: every event is written with its period total (which has one) in
-- the same transaction, and the per-row check was a quarter of a 1,000-event batch's insert.
CREATE TABLE license_usage_event (
  license_id text NOT NULL,
  idempotency_key text NOT NULL,
  meter text NOT NULL,
  quantity bigint NOT NULL CHECK (quantity > 0),
  occurred_at timestamptz NOT NULL,
  -- The period the event counts in (of its occurred_at).
  period_start timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (license_id, idempotency_key)
);

-- Running totals, one row per license, meter and period. `used` only grows (an atomic
-- `used = used + n`), so each warning threshold is crossed once; the warned_* stamps record it.
-- `closed_at` is set when the period is closed: no event counts in it afterwards.
CREATE TABLE license_usage_total (
  license_id text NOT NULL REFERENCES license (id),
  meter text NOT NULL,
  period_start timestamptz NOT NULL,
  period_end timestamptz NOT NULL,
  -- Included per period as of the last write; null = unlimited.
  included bigint CHECK (included >= 0),
  -- Read back as a JavaScript number: kept within 2^53 - 1.
  used bigint NOT NULL DEFAULT 0 CHECK (used BETWEEN 0 AND 9007199254740991),
  -- When usage first went above the included quantity (overage policy only).
  over_at timestamptz,
  warned_80_at timestamptz,
  warned_100_at timestamptz,
  closed_at timestamptz,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (license_id, meter, period_start)
);
-- The periods the closing job has to close.
CREATE INDEX license_usage_total_due ON license_usage_total (period_end) WHERE closed_at IS NULL;

-- What a closed period comes to, per meter: written once when the period is closed, with the
-- overage amount of 002's calculateUsageBilling. Billing charges from here (status 'billed' then).
CREATE TABLE license_usage_statement (
  license_id text NOT NULL REFERENCES license (id),
  period_start timestamptz NOT NULL,
  meter text NOT NULL,
  period_end timestamptz NOT NULL,
  included bigint,
  used bigint NOT NULL CHECK (used >= 0),
  overage bigint NOT NULL CHECK (overage >= 0),
  -- Minor units per 1,000 units of overage.
  rate_per_1000 bigint NOT NULL CHECK (rate_per_1000 >= 0),
  overage_amount bigint NOT NULL CHECK (overage_amount >= 0),
  currency char(3) NOT NULL,
  status text NOT NULL CHECK (status IN ('closed', 'billed')),
  closed_at timestamptz NOT NULL,
  PRIMARY KEY (license_id, period_start, meter)
);
