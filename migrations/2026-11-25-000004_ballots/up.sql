-- Ballots: motions and elections with a frozen roll, one participation per member
-- (a key, not a check in code), and, for secret ballots, papers that share no key
-- with the participations.

-- The co-op's governance parameters for ballots (ballots::rules::BallotParameters).
-- They belong to the bylaws; until the bylaws carry them (versioned), they live on
-- the co-op.
ALTER TABLE coops ADD COLUMN ballot_parameters jsonb NOT NULL DEFAULT
    '{"quorum": {"kind": "none"}, "threshold": {"kind": "simple"}, "base": "cast_excluding_abstentions",
      "proxies": {"kind": "none"}, "secret": true}';

CREATE TABLE ballots (
    coop_id       uuid NOT NULL REFERENCES coops (id),
    id            uuid NOT NULL,
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description   text NOT NULL DEFAULT '',
    -- ballots::rules::Settings and [ballots::rules::Question], checked by the rules.
    settings      jsonb NOT NULL,
    questions     jsonb NOT NULL,
    status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed', 'cancelled')),
    -- An online ballot opens at `opens_at` (or when opened by hand) and closes by
    -- itself at `closes_at`.
    opens_at      timestamptz,
    closes_at     timestamptz,
    -- The seed of the lots (hex), drawn and published at opening.
    seed          text CHECK (seed ~ '^[0-9a-f]{64}$'),
    roll_size     integer CHECK (roll_size >= 0),
    opened_at     timestamptz,
    -- When it closed or was cancelled.
    ended_at      timestamptz,
    cancel_reason text,
    -- ballots::rules::BallotResult, computed once at the close.
    result        jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, id),
    CHECK (opens_at IS NULL OR closes_at IS NULL OR opens_at < closes_at),
    CHECK (status IN ('draft', 'cancelled') OR (seed IS NOT NULL AND roll_size IS NOT NULL AND opened_at IS NOT NULL)),
    CHECK (status <> 'closed' OR (result IS NOT NULL AND ended_at IS NOT NULL)),
    CHECK (status <> 'cancelled' OR (length(btrim(cancel_reason)) > 0 AND ended_at IS NOT NULL))
);
CREATE INDEX ballots_to_close ON ballots (closes_at) WHERE status = 'open';
CREATE INDEX ballots_to_open ON ballots (opens_at) WHERE status = 'draft';

-- The roll, frozen at opening.
CREATE TABLE ballot_voters (
    coop_id     uuid NOT NULL,
    ballot_id   uuid NOT NULL,
    member_id   uuid NOT NULL,
    reminded_at timestamptz,
    PRIMARY KEY (coop_id, ballot_id, member_id),
    FOREIGN KEY (coop_id, ballot_id) REFERENCES ballots (coop_id, id),
    FOREIGN KEY (coop_id, member_id) REFERENCES members (coop_id, id)
);

-- Who took part. The primary key is the one-member-one-vote rule; the foreign key
-- to the roll is the eligibility rule. No time is kept: with the papers' insertion
-- order it could help link a person to a paper.
CREATE TABLE ballot_participations (
    coop_id      uuid NOT NULL,
    ballot_id    uuid NOT NULL,
    member_id    uuid NOT NULL,
    channel      text NOT NULL CHECK (channel IN ('online', 'proxy', 'meeting')),
    proxy_holder uuid,
    PRIMARY KEY (coop_id, ballot_id, member_id),
    FOREIGN KEY (coop_id, ballot_id, member_id) REFERENCES ballot_voters (coop_id, ballot_id, member_id),
    FOREIGN KEY (coop_id, ballot_id, proxy_holder) REFERENCES ballot_voters (coop_id, ballot_id, member_id),
    CHECK ((channel = 'proxy') = (proxy_holder IS NOT NULL))
);

-- What was chosen. Random v4 ids, no time; `member_id` only on open (roll-call)
-- ballots, which a trigger enforces. `receipt_hash` is the SHA-256 of the voter's
-- receipt code. A meeting's paper votes are one aggregate row per distinct paper.
CREATE TABLE ballot_papers (
    coop_id      uuid NOT NULL,
    ballot_id    uuid NOT NULL,
    id           uuid NOT NULL,
    answers      jsonb NOT NULL,
    weight       integer NOT NULL DEFAULT 1 CHECK (weight >= 1),
    channel      text NOT NULL CHECK (channel IN ('online', 'meeting')),
    receipt_hash text CHECK (receipt_hash ~ '^[0-9a-f]{64}$'),
    member_id    uuid,
    PRIMARY KEY (coop_id, ballot_id, id),
    UNIQUE (coop_id, ballot_id, receipt_hash),
    UNIQUE (coop_id, ballot_id, member_id),
    FOREIGN KEY (coop_id, ballot_id) REFERENCES ballots (coop_id, id),
    FOREIGN KEY (coop_id, ballot_id, member_id) REFERENCES ballot_voters (coop_id, ballot_id, member_id),
    CHECK ((channel = 'online') = (receipt_hash IS NOT NULL)),
    CHECK (channel = 'meeting' OR weight = 1)
);

-- Proxies for one ballot. One row per grantor: giving again replaces the holder;
-- taking back sets `withdrawn_at`.
CREATE TABLE ballot_proxies (
    coop_id      uuid NOT NULL,
    ballot_id    uuid NOT NULL,
    grantor_id   uuid NOT NULL,
    holder_id    uuid NOT NULL,
    given_at     timestamptz NOT NULL DEFAULT now(),
    withdrawn_at timestamptz,
    PRIMARY KEY (coop_id, ballot_id, grantor_id),
    FOREIGN KEY (coop_id, ballot_id) REFERENCES ballots (coop_id, id),
    FOREIGN KEY (coop_id, grantor_id) REFERENCES members (coop_id, id),
    FOREIGN KEY (coop_id, holder_id) REFERENCES members (coop_id, id),
    CHECK (grantor_id <> holder_id)
);
CREATE INDEX ballot_proxies_holder ON ballot_proxies (coop_id, ballot_id, holder_id) WHERE withdrawn_at IS NULL;

-- Votes change only while their ballot is open, and a secret ballot's papers never
-- name a member, whatever the application does.
CREATE FUNCTION concord_ballot_must_be_open() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_coop uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.coop_id ELSE NEW.coop_id END;
    row_ballot uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.ballot_id ELSE NEW.ballot_id END;
    ballot record;
BEGIN
    SELECT status, (settings ->> 'secret')::boolean AS secret INTO ballot
        FROM ballots WHERE coop_id = row_coop AND id = row_ballot;
    IF ballot.status IS DISTINCT FROM 'open' THEN
        RAISE EXCEPTION 'ballot % is not open', row_ballot USING ERRCODE = 'check_violation';
    END IF;
    IF TG_TABLE_NAME = 'ballot_papers' AND TG_OP <> 'DELETE' AND ballot.secret AND NEW.member_id IS NOT NULL THEN
        RAISE EXCEPTION 'a paper of a secret ballot cannot name a member' USING ERRCODE = 'check_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER ballot_papers_while_open BEFORE INSERT OR UPDATE OR DELETE ON ballot_papers
    FOR EACH ROW EXECUTE FUNCTION concord_ballot_must_be_open();
CREATE TRIGGER ballot_participations_while_open BEFORE INSERT OR UPDATE OR DELETE ON ballot_participations
    FOR EACH ROW EXECUTE FUNCTION concord_ballot_must_be_open();
CREATE TRIGGER ballot_papers_no_truncate BEFORE TRUNCATE ON ballot_papers
    FOR EACH STATEMENT EXECUTE FUNCTION concord_refuse_change();
CREATE TRIGGER ballot_participations_no_truncate BEFORE TRUNCATE ON ballot_participations
    FOR EACH STATEMENT EXECUTE FUNCTION concord_refuse_change();

-- A closed ballot is final: its result and roll never change again.
CREATE FUNCTION concord_ballot_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status IN ('closed', 'cancelled') THEN
        RAISE EXCEPTION 'ballot % is %; it cannot change', OLD.id, OLD.status USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' AND OLD.status <> 'draft' THEN
        RAISE EXCEPTION 'only a draft ballot can be deleted' USING ERRCODE = 'check_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER ballots_final BEFORE UPDATE OR DELETE ON ballots
    FOR EACH ROW EXECUTE FUNCTION concord_ballot_final();
