-- Extra headers of a message, sent as they are by the SMTP transport: marketing mail carries
-- List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). NULL: none.
ALTER TABLE mail_message ADD COLUMN headers jsonb;
