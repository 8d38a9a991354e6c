DROP TABLE ballot_proxies, ballot_papers, ballot_participations, ballot_voters, ballots;
DROP FUNCTION concord_ballot_must_be_open(), concord_ballot_final();
ALTER TABLE coops DROP COLUMN ballot_parameters;
