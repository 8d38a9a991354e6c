ALTER TABLE coops DROP COLUMN dissolution_ballot, DROP COLUMN dissolved_on;
