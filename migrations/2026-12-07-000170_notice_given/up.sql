-- Notice periods (issue 19, finding 3): the e-mail that gives members notice of a
-- ballot or of a general meeting is the notice the bylaws speak of, so the time it
-- was sent is kept, and a ballot opens (a meeting is held) no earlier than the
-- bylaws' notice period after it. No row (NULL for a meeting): no notice was sent
-- (no bylaws in force, a notice period of 0 days, or a row from before this
-- migration). A ballot's notice has a table of its own: a changed draft loses it.
CREATE TABLE ballot_notices (
    coop_id uuid NOT NULL,
    ballot_id uuid NOT NULL,
    sent_at timestamptz NOT NULL,
    PRIMARY KEY (coop_id, ballot_id),
    FOREIGN KEY (coop_id, ballot_id) REFERENCES ballots (coop_id, id) ON DELETE CASCADE
);
ALTER TABLE meetings ADD COLUMN notice_sent_at timestamptz;
