-- Back to one account per row: a row that moves two accounts (a member's
-- allocation and its reversal) is split, the second account going to a new row
-- whose id is derived from the first, so a reversal still names the row it cancels.
ALTER TABLE distribution_entries DROP CONSTRAINT distribution_entries_reserve_check,
    DROP CONSTRAINT distribution_entries_moves_check, DROP CONSTRAINT distribution_entries_allocation_check,
    DROP CONSTRAINT distribution_entries_payment_check, DROP CONSTRAINT distribution_entries_redemption_check;
ALTER TABLE distribution_entries ADD COLUMN account text, ADD COLUMN amount numeric(14, 2);
ALTER TABLE distribution_entries DISABLE TRIGGER distribution_entries_append_only,
    DISABLE TRIGGER distribution_entries_keys;
INSERT INTO distribution_entries (coop_id, id, distribution_id, member_id, kind, entry_date, reference, reverses,
                                  recorded_by, recorded_at, account, amount)
    SELECT coop_id, md5(id::text || ':cash')::uuid, distribution_id, member_id, kind, entry_date, reference,
           CASE WHEN reverses IS NULL THEN NULL ELSE md5(reverses::text || ':cash')::uuid END,
           recorded_by, recorded_at, 'patronage_cash_payable', patronage_cash
    FROM distribution_entries WHERE share_return <> 0 AND patronage_cash <> 0
    ORDER BY seq;
UPDATE distribution_entries SET
    account = CASE WHEN reserve <> 0 THEN 'reserve' WHEN share_return <> 0 THEN 'share_return_payable'
                   WHEN patronage_cash <> 0 THEN 'patronage_cash_payable' ELSE 'revolving_payable' END,
    amount = CASE WHEN reserve <> 0 THEN reserve WHEN share_return <> 0 THEN share_return
                  WHEN patronage_cash <> 0 THEN patronage_cash ELSE revolving END
    WHERE account IS NULL;
ALTER TABLE distribution_entries ENABLE TRIGGER distribution_entries_append_only,
    ENABLE TRIGGER distribution_entries_keys;
ALTER TABLE distribution_entries DROP COLUMN reserve, DROP COLUMN share_return, DROP COLUMN patronage_cash,
    DROP COLUMN revolving;
ALTER TABLE distribution_entries ALTER COLUMN account SET NOT NULL, ALTER COLUMN amount SET NOT NULL,
    ADD CONSTRAINT distribution_entries_account_check
        CHECK (account IN ('reserve', 'share_return_payable', 'patronage_cash_payable', 'revolving_payable')),
    ADD CHECK ((account = 'reserve') = (member_id IS NULL)),
    ADD CHECK (kind <> 'payment' OR (amount < 0 AND account <> 'reserve')),
    ADD CONSTRAINT distribution_entries_redemption_check
        CHECK ((kind = 'redemption') = (account = 'revolving_payable' AND kind NOT IN ('payment', 'reversal'))
               AND (kind <> 'redemption' OR (amount > 0 AND member_id IS NOT NULL)));
