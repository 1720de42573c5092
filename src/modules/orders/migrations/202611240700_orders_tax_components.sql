-- Each line keeps every tax charged on it (Quebec: GST and QST, each rounded on its own) and
-- the exact combined rate ("14.975"), which basis points cannot hold; invoices show both.
-- Lines sold before this migration keep their basis-point rate only.

ALTER TABLE order_line ADD COLUMN tax_rate_percent text;
ALTER TABLE order_line ADD COLUMN tax_components jsonb NOT NULL DEFAULT '[]';
