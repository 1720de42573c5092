-- Seat-licensed tool editions are sold per seat: the line's quantity is the number of named seats,
-- the listed price is per seat, and the edition's `users` limit is the most seats one purchase
-- carries. The seeder never overwrites a row, so an existing install would keep selling these
-- editions with their users included while a new one sells them per seat: this moves the existing
-- SKUs to the new rule once. Staff cannot edit `per_seat` (only names, status, limits and prices),
-- so no staff choice is overwritten; prices are left as staff set them (they now read per seat).
-- Licenses already sold keep their seats: fulfillment keeps the seats a line was delivered with
-- until its subscription changes plan or seat count.
UPDATE catalog_sku
SET per_seat = true, updated_at = now()
WHERE fulfillment_kind = 'license' AND license_type = 'SEAT' AND per_seat = false;

-- Every process rebuilds its catalog view when the version moves.
UPDATE catalog_state SET version = version + 1, updated_at = now();
