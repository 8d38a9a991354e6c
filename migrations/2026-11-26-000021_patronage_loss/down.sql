ALTER TABLE capital_entries DROP CONSTRAINT capital_entries_kind_check;
ALTER TABLE capital_entries ADD CONSTRAINT capital_entries_kind_check
    CHECK (kind IN ('subscribe', 'payment', 'transfer_out', 'transfer_in', 'redemption', 'redemption_paid',
                    'patronage_retained', 'reversal'));
