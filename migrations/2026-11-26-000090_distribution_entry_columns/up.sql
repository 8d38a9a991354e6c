-- One row of the distribution ledger per member and movement, with a column per
-- account (decision 0006). A posting used to write two rows per member (the share
-- return payable and the cash patronage payable); it now writes one that credits
-- both, which halves the rows a posting of 100,000 members writes. Payments still
-- move one account each; a reversal is still the exact opposite of the row it
-- names; every balance is still a sum (of a column).
ALTER TABLE distribution_entries
    ADD COLUMN reserve        numeric(14, 2) NOT NULL DEFAULT 0,
    ADD COLUMN share_return   numeric(14, 2) NOT NULL DEFAULT 0,
    ADD COLUMN patronage_cash numeric(14, 2) NOT NULL DEFAULT 0,
    ADD COLUMN revolving      numeric(14, 2) NOT NULL DEFAULT 0;
-- The rows already written, moved to their column (the ledger is append-only: only
-- a migration may rewrite it, with its guard lifted for the statement).
ALTER TABLE distribution_entries DISABLE TRIGGER distribution_entries_append_only;
UPDATE distribution_entries SET
    reserve = CASE account WHEN 'reserve' THEN amount ELSE 0 END,
    share_return = CASE account WHEN 'share_return_payable' THEN amount ELSE 0 END,
    patronage_cash = CASE account WHEN 'patronage_cash_payable' THEN amount ELSE 0 END,
    revolving = CASE account WHEN 'revolving_payable' THEN amount ELSE 0 END;
ALTER TABLE distribution_entries ENABLE TRIGGER distribution_entries_append_only;
-- Dropping the columns drops the checks written on them; their rules follow, per column.
ALTER TABLE distribution_entries DROP COLUMN account, DROP COLUMN amount;
ALTER TABLE distribution_entries
    -- The reserve's rows name no member and move only the reserve; a member's rows never move it.
    ADD CONSTRAINT distribution_entries_reserve_check
        CHECK (CASE WHEN member_id IS NULL THEN share_return = 0 AND patronage_cash = 0 AND revolving = 0
                    ELSE reserve = 0 END),
    -- A row moves something.
    ADD CONSTRAINT distribution_entries_moves_check
        CHECK (reserve <> 0 OR share_return <> 0 OR patronage_cash <> 0 OR revolving <> 0),
    -- An allocation credits the share return and cash payables (never the revolving
    -- one: only a redemption does); the reserve's may be negative in a loss year.
    ADD CONSTRAINT distribution_entries_allocation_check
        CHECK (kind <> 'allocation' OR (share_return >= 0 AND patronage_cash >= 0 AND revolving = 0)),
    -- A payment settles (negative) exactly one of a member's payables.
    ADD CONSTRAINT distribution_entries_payment_check
        CHECK (kind <> 'payment'
               OR (member_id IS NOT NULL AND share_return <= 0 AND patronage_cash <= 0 AND revolving <= 0
                   AND (share_return <> 0)::int + (patronage_cash <> 0)::int + (revolving <> 0)::int = 1)),
    -- A redemption owes a member a positive amount on the revolving payable, and nothing else.
    ADD CONSTRAINT distribution_entries_redemption_check
        CHECK (kind <> 'redemption'
               OR (member_id IS NOT NULL AND revolving > 0 AND share_return = 0 AND patronage_cash = 0));
