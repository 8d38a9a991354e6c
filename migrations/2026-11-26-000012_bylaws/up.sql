-- Bylaws: immutable versions (articles and governance schedule), amendments with
-- every revision kept, and members' comments on them.

-- One adopted version. Version 1 is the import (or the model) adopted by the
-- board with a reference to the founding decision; every later version comes from
-- an amendment carried by a ballot. Never changed, never deleted.
CREATE TABLE bylaw_versions (
    coop_id      uuid NOT NULL REFERENCES coops (id),
    number       integer NOT NULL CHECK (number >= 1),
    -- bylaws::rules::Bylaws and bylaws::rules::GovernanceSchedule, checked by the rules.
    articles     jsonb NOT NULL,
    schedule     jsonb NOT NULL,
    adopted_at   timestamptz NOT NULL,
    -- The founding decision (version 1), or the amendment and ballot that adopted it.
    reference    text NOT NULL DEFAULT '' CHECK (length(reference) <= 500),
    amendment_id uuid,
    ballot_id    uuid,
    adopted_by   uuid REFERENCES users (id),
    PRIMARY KEY (coop_id, number),
    FOREIGN KEY (coop_id, ballot_id) REFERENCES ballots (coop_id, id),
    CHECK (number = 1 OR (amendment_id IS NOT NULL AND ballot_id IS NOT NULL))
);
CREATE TRIGGER bylaw_versions_append_only
    BEFORE UPDATE OR DELETE ON bylaw_versions
    FOR EACH ROW EXECUTE FUNCTION concord_refuse_change();

CREATE TABLE bylaw_amendments (
    coop_id         uuid NOT NULL REFERENCES coops (id),
    id              uuid NOT NULL,
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    -- draft: the board's; open: shared with members for comments; voting: put to
    -- its ballot; adopted / rejected: decided; conflict: carried by its ballot but
    -- its articles changed since its base (rebase and submit again); withdrawn.
    status          text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'open', 'voting', 'adopted', 'rejected', 'conflict', 'withdrawn')),
    base_version    integer NOT NULL,
    revision        integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
    ballot_id       uuid,
    adopted_version integer,
    created_by      uuid NOT NULL REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, id),
    FOREIGN KEY (coop_id, base_version) REFERENCES bylaw_versions (coop_id, number),
    FOREIGN KEY (coop_id, ballot_id) REFERENCES ballots (coop_id, id),
    FOREIGN KEY (coop_id, adopted_version) REFERENCES bylaw_versions (coop_id, number),
    CHECK ((status = 'adopted') = (adopted_version IS NOT NULL))
);
-- One amendment per ballot: the ballot's result decides it.
CREATE UNIQUE INDEX bylaw_amendments_ballot ON bylaw_amendments (coop_id, ballot_id) WHERE ballot_id IS NOT NULL;

-- Every revision of an amendment, as drafted: the rules' Amendment (base version,
-- article edits, schedule, rationale). Never changed, never deleted.
CREATE TABLE bylaw_revisions (
    coop_id      uuid NOT NULL,
    amendment_id uuid NOT NULL,
    revision     integer NOT NULL CHECK (revision >= 1),
    amendment    jsonb NOT NULL,
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    created_by   uuid NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, amendment_id, revision),
    FOREIGN KEY (coop_id, amendment_id) REFERENCES bylaw_amendments (coop_id, id)
);
CREATE TRIGGER bylaw_revisions_append_only
    BEFORE UPDATE OR DELETE ON bylaw_revisions
    FOR EACH ROW EXECUTE FUNCTION concord_refuse_change();

-- Members' comments on an amendment, on one article (`article`) or on the whole
-- (NULL), threaded by `parent_id`. Edited by their author within a short window;
-- hidden (never deleted) by the secretary, with a reason.
CREATE TABLE bylaw_comments (
    coop_id       uuid NOT NULL,
    id            uuid NOT NULL,
    amendment_id  uuid NOT NULL,
    article       text CHECK (length(article) <= 20),
    parent_id     uuid,
    author_member uuid NOT NULL,
    body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    edited_at     timestamptz,
    hidden_at     timestamptz,
    hidden_by     uuid REFERENCES users (id),
    hidden_reason text CHECK (length(hidden_reason) <= 500),
    PRIMARY KEY (coop_id, id),
    FOREIGN KEY (coop_id, amendment_id) REFERENCES bylaw_amendments (coop_id, id),
    FOREIGN KEY (coop_id, parent_id) REFERENCES bylaw_comments (coop_id, id),
    FOREIGN KEY (coop_id, author_member) REFERENCES members (coop_id, id)
);
CREATE INDEX bylaw_comments_amendment ON bylaw_comments (coop_id, amendment_id, created_at);
