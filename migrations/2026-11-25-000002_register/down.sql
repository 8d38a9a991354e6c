DROP TABLE member_status_changes;
ALTER TABLE members
    DROP CONSTRAINT members_number_key,
    DROP COLUMN number, DROP COLUMN status, DROP COLUMN state, DROP COLUMN employment_start,
    DROP COLUMN employment_status, DROP COLUMN motivation, DROP COLUMN board_notes;
ALTER TABLE coops
    DROP COLUMN next_member_number, DROP COLUMN requires_qualifying_share, DROP COLUMN probation_months,
    DROP COLUMN members_on_leave_may_vote;
