-- The revolving schedule of retained patronage (docs/rules/distribution.md §9):
-- a year's retained patronage is redeemed after the co-op's `revolving_years`.
--
-- Redeeming writes, in one transaction under the capital ledger's lock:
-- * a `patronage_redeemed` entry of the capital ledger (a positive amount that
--   takes the year's retained amount out of the member's account; its reference is
--   the distribution that retained it), reversed like any capital entry;
-- * a `revolving_payable` entry (kind `redemption`) of the distribution ledger of
--   that distribution: the cash owed to the member, settled by payments and
--   corrected by reversals exactly as cash patronage is;
-- * a row of `retained_redemptions`, the idempotency key: one per distribution,
--   member and round. A redemption that stands is never repeated (the service
--   refuses it under the lock); two transactions that skipped the lock would both
--   write round n, and the primary key refuses the second. Once a redemption is
--   reversed, the next one is round n + 1.
ALTER TABLE capital_entries DROP CONSTRAINT capital_entries_kind_check;
ALTER TABLE capital_entries ADD CONSTRAINT capital_entries_kind_check
    CHECK (kind IN ('subscribe', 'payment', 'transfer_out', 'transfer_in', 'redemption', 'redemption_paid',
                    'patronage_retained', 'patronage_loss', 'patronage_redeemed', 'reversal'));

ALTER TABLE distribution_entries DROP CONSTRAINT distribution_entries_account_check;
ALTER TABLE distribution_entries ADD CONSTRAINT distribution_entries_account_check
    CHECK (account IN ('reserve', 'share_return_payable', 'patronage_cash_payable', 'revolving_payable'));
ALTER TABLE distribution_entries DROP CONSTRAINT distribution_entries_kind_check;
ALTER TABLE distribution_entries ADD CONSTRAINT distribution_entries_kind_check
    CHECK (kind IN ('allocation', 'payment', 'reversal', 'redemption'));
-- A redemption owes the member a positive amount on the revolving account, and only
-- a redemption is written to that account besides its payments and reversals.
ALTER TABLE distribution_entries ADD CONSTRAINT distribution_entries_redemption_check
    CHECK ((kind = 'redemption') = (account = 'revolving_payable' AND kind NOT IN ('payment', 'reversal'))
           AND (kind <> 'redemption' OR (amount > 0 AND member_id IS NOT NULL)));

CREATE TABLE retained_redemptions (
    coop_id          uuid NOT NULL REFERENCES coops (id),
    distribution_id  uuid NOT NULL,
    member_id        uuid NOT NULL,
    round            integer NOT NULL CHECK (round >= 1),
    capital_entry_id uuid NOT NULL,
    payable_entry_id uuid NOT NULL,
    amount           numeric(14, 2) NOT NULL CHECK (amount > 0),
    redeemed_on      date NOT NULL,
    redeemed_by      uuid REFERENCES users (id),
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, distribution_id, member_id, round),
    FOREIGN KEY (coop_id, distribution_id) REFERENCES distributions (coop_id, id),
    FOREIGN KEY (coop_id, member_id) REFERENCES members (coop_id, id),
    FOREIGN KEY (coop_id, capital_entry_id) REFERENCES capital_entries (coop_id, id),
    FOREIGN KEY (coop_id, payable_entry_id) REFERENCES distribution_entries (coop_id, id),
    UNIQUE (coop_id, capital_entry_id),
    UNIQUE (coop_id, payable_entry_id)
);
CREATE TRIGGER retained_redemptions_append_only
    BEFORE UPDATE OR DELETE ON retained_redemptions
    FOR EACH ROW EXECUTE FUNCTION concord_refuse_change();
CREATE TRIGGER retained_redemptions_no_truncate
    BEFORE TRUNCATE ON retained_redemptions
    FOR EACH STATEMENT EXECUTE FUNCTION concord_refuse_change();
