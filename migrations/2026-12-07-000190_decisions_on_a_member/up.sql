-- Who votes on a ballot: the members, or the board where the bylaws give the
-- decision to the board (issue 19). A decision on one member (admission, expulsion)
-- names that member; an expulsion states its grounds, which the member is sent in
-- writing, and the hearing the bylaws may require before the vote.
ALTER TABLE ballots
    ADD COLUMN body text NOT NULL DEFAULT 'members' CHECK (body IN ('members', 'board'));

CREATE TABLE ballot_subjects (
    coop_id uuid NOT NULL,
    ballot_id uuid NOT NULL,
    member_id uuid NOT NULL,
    grounds text NOT NULL DEFAULT '',
    notified_at timestamptz,
    heard_on date,
    hearing_note text NOT NULL DEFAULT '',
    PRIMARY KEY (coop_id, ballot_id),
    FOREIGN KEY (coop_id, ballot_id) REFERENCES ballots (coop_id, id) ON DELETE CASCADE,
    FOREIGN KEY (coop_id, member_id) REFERENCES members (coop_id, id)
);
CREATE INDEX ballot_subjects_member ON ballot_subjects (coop_id, member_id);
