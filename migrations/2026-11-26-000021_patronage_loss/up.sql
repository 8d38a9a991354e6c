-- A loss year whose rules allocate the loss to members is posted as
-- `patronage_loss` entries of the capital ledger: a positive amount taken from the
-- member's retained patronage, never more than it (shares::rules::chargeable_loss);
-- the reserve bears the rest.
ALTER TABLE capital_entries DROP CONSTRAINT capital_entries_kind_check;
ALTER TABLE capital_entries ADD CONSTRAINT capital_entries_kind_check
    CHECK (kind IN ('subscribe', 'payment', 'transfer_out', 'transfer_in', 'redemption', 'redemption_paid',
                    'patronage_retained', 'patronage_loss', 'reversal'));
