ALTER TABLE ballot_participations RESET (autovacuum_vacuum_threshold, autovacuum_vacuum_scale_factor);
ALTER TABLE ballot_papers RESET (autovacuum_vacuum_threshold, autovacuum_vacuum_scale_factor);
ALTER TABLE ballot_participations DROP COLUMN receipt_hash;
