-- Receipts bound to their voter (decision 0013). The participation keeps its own hash
-- of the voter's receipt, under another domain separator than the paper's
-- (SHA-256("concord participation receipt v1" || code) against SHA-256(code)): without
-- the code the two cannot be related; with it, the server checks that a vote is
-- changed only with the caller's own receipt. NULL for meeting and open-ballot votes.
ALTER TABLE ballot_participations ADD COLUMN receipt_hash text CHECK (receipt_hash ~ '^[0-9a-f]{64}$');

-- An old version of a paper keeps its voter's transaction id until a vacuum removes
-- it. The close cleans both tables up at once; should it not manage (an older
-- transaction still running), autovacuum reclaims any dead version it sees, instead
-- of waiting for 50 of them plus a fifth of the table.
ALTER TABLE ballot_papers SET (autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0);
ALTER TABLE ballot_participations SET (autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0);
