-- The credit note mail: one per credit note, claimed in the transaction that queues it (like
-- invoice_mail). Credit notes issued before this migration were announced by the refund notice
-- only; they are not mailed now (staff may resend one from the invoice's admin page).
CREATE TABLE credit_note_mail (
  credit_note_id text PRIMARY KEY REFERENCES credit_note (id),
  message_id text NOT NULL,
  mailed_at timestamptz NOT NULL
);
