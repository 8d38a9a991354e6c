ALTER TABLE meetings DROP COLUMN notice_sent_at;
DROP TABLE ballot_notices;
