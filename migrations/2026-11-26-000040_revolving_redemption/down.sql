DROP TABLE retained_redemptions;
ALTER TABLE distribution_entries DROP CONSTRAINT distribution_entries_redemption_check;
ALTER TABLE distribution_entries DROP CONSTRAINT distribution_entries_kind_check;
ALTER TABLE distribution_entries ADD CONSTRAINT distribution_entries_kind_check
    CHECK (kind IN ('allocation', 'payment', 'reversal'));
ALTER TABLE distribution_entries DROP CONSTRAINT distribution_entries_account_check;
ALTER TABLE distribution_entries ADD CONSTRAINT distribution_entries_account_check
    CHECK (account IN ('reserve', 'share_return_payable', 'patronage_cash_payable'));
ALTER TABLE capital_entries DROP CONSTRAINT capital_entries_kind_check;
ALTER TABLE capital_entries ADD CONSTRAINT capital_entries_kind_check
    CHECK (kind IN ('subscribe', 'payment', 'transfer_out', 'transfer_in', 'redemption', 'redemption_paid',
                    'patronage_retained', 'patronage_loss', 'reversal'));
