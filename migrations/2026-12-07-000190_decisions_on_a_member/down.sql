DROP TABLE ballot_subjects;
ALTER TABLE ballots DROP COLUMN body;
