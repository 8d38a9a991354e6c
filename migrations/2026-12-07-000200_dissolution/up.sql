-- A co-op whose members carried a dissolution is in liquidation from the day the
-- ballot closed: it takes no applications, admissions or new subscriptions (issue 19).
ALTER TABLE coops
    ADD COLUMN dissolved_on date,
    ADD COLUMN dissolution_ballot uuid;
