-- The day each member was last reminded of instalments due (issue 20): the server
-- runs the reminders every quarter of an hour, and a member is reminded at most once
-- a day (then weekly while overdue), however many servers run them.
CREATE TABLE instalment_reminders (
    coop_id uuid NOT NULL REFERENCES coops (id),
    member_id uuid NOT NULL,
    last_sent_on date NOT NULL,
    PRIMARY KEY (coop_id, member_id)
);
