ALTER TABLE ballot_participations DROP COLUMN receipt_hash;
