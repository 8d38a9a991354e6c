-- Receipts bound to their voter (decision 0013). The participation keeps its own hash
-- of the voter's receipt, under another domain separator than the paper's
-- (SHA-256("concord participation receipt v1" || code) against SHA-256(code)): without
-- the code the two cannot be related; with it, the server checks that a vote is
-- changed only with the caller's own receipt. NULL for meeting and open-ballot votes.
ALTER TABLE ballot_participations ADD COLUMN receipt_hash text CHECK (receipt_hash ~ '^[0-9a-f]{64}$');
