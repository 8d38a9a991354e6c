-- Year-end distribution (patronage): fiscal years, hours worked, distributions with
-- the rule set and inputs they used, and the append-only ledger of what a posted
-- distribution owes (reserve, share returns payable, patronage cash payable) and its
-- payments. Retained patronage goes to the capital ledger (`capital_entries`, kind
-- `patronage_retained`).

-- Fiscal years of one co-op never overlap: an exclusion constraint, so two treasurers
-- creating years at once cannot both succeed (btree_gist gives `=` on uuid in GiST;
-- it is a trusted extension, available wherever PostgreSQL's contrib is).
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE fiscal_years (
    coop_id    uuid NOT NULL REFERENCES coops (id),
    id         uuid NOT NULL,
    label      text NOT NULL CHECK (length(label) BETWEEN 1 AND 50),
    starts_on  date NOT NULL,
    ends_on    date NOT NULL,
    status     text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'distributed')),
    closed_at  timestamptz,
    closed_by  uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, id),
    UNIQUE (coop_id, label),
    -- At most 366 days: the allocation averages capital over the days of one year.
    CHECK (ends_on >= starts_on AND ends_on - starts_on < 366),
    CHECK ((status = 'open') = (closed_at IS NULL)),
    CONSTRAINT fiscal_years_no_overlap EXCLUDE USING gist (
        coop_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)
);

-- Hours (and wages) per member per period. A correction after the year is closed
-- needs a reason; the audit event keeps the figures before and after.
CREATE TABLE hours_entries (
    coop_id        uuid NOT NULL,
    id             uuid NOT NULL,
    fiscal_year_id uuid NOT NULL,
    member_id      uuid NOT NULL,
    period_start   date NOT NULL,
    period_end     date NOT NULL,
    hours          numeric(10, 2) NOT NULL CHECK (hours >= 0),
    wages          numeric(14, 2) CHECK (wages >= 0),
    recorded_by    uuid REFERENCES users (id),
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, id),
    FOREIGN KEY (coop_id, fiscal_year_id) REFERENCES fiscal_years (coop_id, id),
    FOREIGN KEY (coop_id, member_id) REFERENCES members (coop_id, id),
    CHECK (period_end >= period_start),
    -- The same ceiling as patronage::workflow::MAX_HOURS_PER_DAY.
    CHECK (hours <= 16 * (period_end - period_start + 1)),
    UNIQUE (coop_id, fiscal_year_id, member_id, period_start)
);
CREATE INDEX hours_entries_member ON hours_entries (coop_id, member_id, fiscal_year_id);

CREATE TABLE distributions (
    coop_id           uuid NOT NULL,
    id                uuid NOT NULL,
    fiscal_year_id    uuid NOT NULL,
    status            text NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft', 'proposed', 'approved', 'posted', 'reversed')),
    surplus           numeric(14, 2) NOT NULL,
    -- The rule set applied (patronage::rules::RuleSet), its SHA-256 over the
    -- canonical JSON, every member input used and the result: any past figure can
    -- be recomputed and compared.
    rule_set          jsonb NOT NULL,
    rule_set_hash     text NOT NULL CHECK (rule_set_hash ~ '^[0-9a-f]{64}$'),
    inputs            jsonb NOT NULL,
    result            jsonb NOT NULL,
    -- The bylaws let the board approve instead of a ballot of the members.
    board_may_approve boolean NOT NULL DEFAULT false,
    -- The approving ballot. The foreign key (coop_id, ballot_id) → ballots is added
    -- by the ballots migration.
    ballot_id         uuid,
    created_at        timestamptz NOT NULL DEFAULT now(),
    -- Who approved and when (the board, or the actor who settled the ballot); who
    -- posted and reversed, and why, is in distribution_postings and the audit log.
    approved_by       uuid REFERENCES users (id),
    approved_at       timestamptz,
    posted_at         timestamptz,
    reversed_at       timestamptz,
    PRIMARY KEY (coop_id, id),
    FOREIGN KEY (coop_id, fiscal_year_id) REFERENCES fiscal_years (coop_id, id)
);
-- A fiscal year has at most one posted distribution.
CREATE UNIQUE INDEX distributions_one_posted ON distributions (coop_id, fiscal_year_id) WHERE status = 'posted';

-- One posting and at most one reversal per distribution, ever: the key makes a
-- second post (a double click, two treasurers at once) fail rather than write twice.
CREATE TABLE distribution_postings (
    coop_id         uuid NOT NULL,
    distribution_id uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('post', 'reversal')),
    posted_on       date NOT NULL,
    actor           uuid REFERENCES users (id),
    reason          text,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, distribution_id, kind),
    FOREIGN KEY (coop_id, distribution_id) REFERENCES distributions (coop_id, id)
);
CREATE TRIGGER distribution_postings_append_only
    BEFORE UPDATE OR DELETE ON distribution_postings
    FOR EACH ROW EXECUTE FUNCTION concord_refuse_change();
CREATE TRIGGER distribution_postings_no_truncate
    BEFORE TRUNCATE ON distribution_postings
    FOR EACH STATEMENT EXECUTE FUNCTION concord_refuse_change();

-- What a posted distribution owes, and its payments. Balances are sums: an
-- allocation credits an account, a payment (negative) settles a payable, a
-- reversal writes the exact opposite of an allocation.
CREATE TABLE distribution_entries (
    coop_id         uuid NOT NULL,
    id              uuid NOT NULL,
    seq             bigserial NOT NULL,
    distribution_id uuid NOT NULL,
    member_id       uuid,
    account         text NOT NULL CHECK (account IN ('reserve', 'share_return_payable', 'patronage_cash_payable')),
    kind            text NOT NULL CHECK (kind IN ('allocation', 'payment', 'reversal')),
    amount          numeric(14, 2) NOT NULL,
    entry_date      date NOT NULL,
    reference       text,
    reverses        uuid,
    -- Who recorded it. No foreign key: a posting writes one row per member and
    -- account, and a key to `users` would lock the same user row once per row (its
    -- check is a FOR KEY SHARE); who posted is also in distribution_postings and the
    -- audit log (decision 0004).
    recorded_by     uuid,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, id),
    FOREIGN KEY (coop_id, distribution_id) REFERENCES distributions (coop_id, id),
    FOREIGN KEY (coop_id, member_id) REFERENCES members (coop_id, id),
    FOREIGN KEY (coop_id, reverses) REFERENCES distribution_entries (coop_id, id),
    CHECK ((account = 'reserve') = (member_id IS NULL)),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (kind <> 'payment' OR (amount < 0 AND account <> 'reserve'))
);
CREATE INDEX distribution_entries_distribution ON distribution_entries (coop_id, distribution_id, member_id);
CREATE UNIQUE INDEX distribution_entries_reversed_once ON distribution_entries (coop_id, reverses)
    WHERE reverses IS NOT NULL;
CREATE TRIGGER distribution_entries_append_only
    BEFORE UPDATE OR DELETE ON distribution_entries
    FOR EACH ROW EXECUTE FUNCTION concord_refuse_change();
CREATE TRIGGER distribution_entries_no_truncate
    BEFORE TRUNCATE ON distribution_entries
    FOR EACH STATEMENT EXECUTE FUNCTION concord_refuse_change();
