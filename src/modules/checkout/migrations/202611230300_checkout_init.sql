-- Carts: a guest's by an unguessable cookie (only its keyed hash is stored),
-- a signed-in customer's by user id. `version` grows with every change, and
-- checkout's idempotency key is the cart id plus that version.

CREATE TABLE cart (
  id text PRIMARY KEY,
  token_hash text UNIQUE,
  user_id text,
  currency char(3) NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'checked_out', 'merged')),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  order_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (token_hash IS NOT NULL OR user_id IS NOT NULL),
  CHECK ((status = 'checked_out') = (order_id IS NOT NULL))
);
-- At most one open cart per customer.
CREATE UNIQUE INDEX cart_open_user ON cart (user_id) WHERE status = 'open' AND user_id IS NOT NULL;
CREATE INDEX cart_user_recent ON cart (user_id, updated_at DESC) WHERE user_id IS NOT NULL;

CREATE TABLE cart_line (
  cart_id text NOT NULL REFERENCES cart (id) ON DELETE CASCADE,
  sku text NOT NULL,
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
  added_at timestamptz NOT NULL,
  PRIMARY KEY (cart_id, sku)
);
