-- Share capital: share classes, and the append-only capital ledger that every
-- subscription, payment, transfer, redemption and correction is written to.

ALTER TABLE coops
    ADD COLUMN redemption_hold boolean NOT NULL DEFAULT false,
    ADD COLUMN capital_floor numeric(14, 2) NOT NULL DEFAULT 0 CHECK (capital_floor >= 0);

CREATE TABLE share_classes (
    coop_id                  uuid NOT NULL REFERENCES coops (id),
    id                       uuid NOT NULL,
    name                     text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    par_value                numeric(14, 2) NOT NULL CHECK (par_value > 0),
    qualifying               boolean NOT NULL DEFAULT false,
    max_per_member           integer CHECK (max_per_member >= 1),
    instalment_count         integer CHECK (instalment_count BETWEEN 2 AND 120),
    instalment_period_months integer CHECK (instalment_period_months BETWEEN 1 AND 24),
    created_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, id),
    UNIQUE (coop_id, name),
    CHECK ((instalment_count IS NULL) = (instalment_period_months IS NULL))
);
-- At most one qualifying (membership) share class per co-op.
CREATE UNIQUE INDEX share_classes_one_qualifying ON share_classes (coop_id) WHERE qualifying;

-- The capital ledger. `entry` is the ledger entry (shares::rules::LedgerEntry) as
-- JSON; the columns beside it repeat what the database must index or check.
CREATE TABLE capital_entries (
    coop_id        uuid NOT NULL,
    id             uuid NOT NULL,
    seq            bigserial NOT NULL,
    member_id      uuid NOT NULL,
    share_class_id uuid,
    kind           text NOT NULL CHECK (kind IN ('subscribe', 'payment', 'transfer_out', 'transfer_in', 'redemption',
                                                 'redemption_paid', 'patronage_retained', 'reversal')),
    entry_date     date NOT NULL,
    amount         numeric(14, 2),
    reference      text,
    reverses       uuid,
    entry          jsonb NOT NULL,
    recorded_by    uuid REFERENCES users (id),
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, id),
    FOREIGN KEY (coop_id, member_id) REFERENCES members (coop_id, id),
    FOREIGN KEY (coop_id, share_class_id) REFERENCES share_classes (coop_id, id),
    FOREIGN KEY (coop_id, reverses) REFERENCES capital_entries (coop_id, id),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL))
);
CREATE INDEX capital_entries_member ON capital_entries (coop_id, member_id, entry_date);
CREATE INDEX capital_entries_order ON capital_entries (coop_id, seq);
-- An entry is reversed at most once.
CREATE UNIQUE INDEX capital_entries_reversed_once ON capital_entries (coop_id, reverses) WHERE reverses IS NOT NULL;
CREATE TRIGGER capital_entries_append_only
    BEFORE UPDATE OR DELETE ON capital_entries
    FOR EACH ROW EXECUTE FUNCTION concord_refuse_change();
CREATE TRIGGER capital_entries_no_truncate
    BEFORE TRUNCATE ON capital_entries
    FOR EACH STATEMENT EXECUTE FUNCTION concord_refuse_change();
