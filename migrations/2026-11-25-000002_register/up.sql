-- The member register: numbers, statuses with their dated history, and the co-op's
-- membership parameters.

-- Membership parameters. They belong to the bylaws; until the bylaws carry them
-- (versioned), they live on the co-op.
ALTER TABLE coops
    ADD COLUMN next_member_number bigint NOT NULL DEFAULT 1 CHECK (next_member_number >= 1),
    ADD COLUMN requires_qualifying_share boolean NOT NULL DEFAULT false,
    ADD COLUMN probation_months integer CHECK (probation_months BETWEEN 1 AND 60),
    ADD COLUMN members_on_leave_may_vote boolean NOT NULL DEFAULT false;

ALTER TABLE members
    ADD COLUMN number bigint CHECK (number >= 1),
    -- The status as of `state.since` (a resignation may take effect later).
    ADD COLUMN status text NOT NULL DEFAULT 'member'
        CHECK (status IN ('applicant', 'candidate', 'admitted', 'member', 'on_leave',
                          'resigned', 'expelled', 'rejected', 'withdrawn')),
    -- The lifecycle state (membership::lifecycle::MemberState) as JSON.
    ADD COLUMN state jsonb,
    ADD COLUMN employment_start date,
    ADD COLUMN employment_status text NOT NULL DEFAULT 'worker' CHECK (employment_status IN ('worker', 'non_worker')),
    ADD COLUMN motivation text NOT NULL DEFAULT '' CHECK (length(motivation) <= 4000),
    ADD COLUMN board_notes text NOT NULL DEFAULT '' CHECK (length(board_notes) <= 10000),
    ADD CONSTRAINT members_number_key UNIQUE (coop_id, number);

-- Members added before the register existed were full members from the day they
-- were added; they get their numbers in that order.
WITH numbered AS (
    SELECT coop_id, id, row_number() OVER (PARTITION BY coop_id ORDER BY created_at, id) AS n
    FROM members
)
UPDATE members m SET number = numbered.n,
    state = jsonb_build_object(
        'status', 'member', 'since', m.created_at::date, 'previous', NULL,
        'applied_on', m.created_at::date, 'probation_until', NULL,
        'admitted_on', m.created_at::date, 'admission_ref', 'registered before the register existed',
        'member_since', m.created_at::date, 'leave_until', NULL, 'notice_date', NULL,
        'exit_ref', NULL, 'exit_reason', NULL)
FROM numbered WHERE numbered.coop_id = m.coop_id AND numbered.id = m.id;
UPDATE coops c SET next_member_number = 1 + coalesce((SELECT max(number) FROM members WHERE coop_id = c.id), 0);
ALTER TABLE members ALTER COLUMN state SET NOT NULL;

-- Every change of status, dated: the register as of any date is read from here.
CREATE TABLE member_status_changes (
    coop_id      uuid NOT NULL,
    id           uuid NOT NULL,
    member_id    uuid NOT NULL,
    status       text NOT NULL,
    transition   text NOT NULL,
    effective_on date NOT NULL,
    decision_ref text,
    reason       text,
    actor        uuid REFERENCES users (id),
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, id),
    FOREIGN KEY (coop_id, member_id) REFERENCES members (coop_id, id)
);
CREATE INDEX member_status_changes_member ON member_status_changes (coop_id, member_id, effective_on);
CREATE TRIGGER member_status_changes_append_only
    BEFORE UPDATE OR DELETE ON member_status_changes
    FOR EACH ROW EXECUTE FUNCTION concord_refuse_change();

INSERT INTO member_status_changes (coop_id, id, member_id, status, transition, effective_on, decision_ref)
SELECT coop_id, gen_random_uuid(), id, 'member', 'admit', created_at::date, 'registered before the register existed'
FROM members;
