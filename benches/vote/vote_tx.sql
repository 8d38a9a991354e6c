-- pgbench script for benches/vote.sh: the transaction of one vote, as
-- src/ballots/service.rs `cast` sends it through diesel-async (captured with
-- log_statement = all; vote.sh prints the capture of the run). Same statements, same
-- order, same text up to the names of the parameters, one round trip each, -M prepared.
--
-- Identical: the tables, indexes, triggers and foreign-key checks the statements fire;
-- the ballot row locked FOR SHARE; the roll check; the participation with ON CONFLICT
-- DO NOTHING; the paper with a 64-hex receipt hash; the audit event, inserted
-- unchained (the server's chainer gives it its place after the commit, decision 0008);
-- the commit (synchronous, one WAL flush).
-- Not identical:
--   * the member and user ids are built from a number (vote.sh seeds them that way):
--     ('00000000-0000-4000-8000-' || :k)::uuid instead of a bound uuid;
--   * what the server computes in Rust is computed here by PostgreSQL: the paper id
--     (gen_random_uuid()), the receipt hash (sha256 of a random number), the times
--     (now()) and the event's jsonb;
--   * the server's chainer (one transaction a second chaining every committed event)
--     runs beside Concord's votes and costs them CPU; nothing chains pgbench's events;
--   * before BEGIN the server also sends 7 statements (vote_request.sql has them);
--   * the server checks the answers against the ballot's questions in Rust, and
--     decides in Rust what to do when the member has voted already; here no branch
--     (vote.sh checks afterwards that every transaction was a first vote).
-- Variables from vote.sh (-D): coop, ballot, members (roll
-- size), first (index of this run's first member), nclients (-c), one = 1 (the LIMITs
-- diesel binds as parameters), slug = demo (vote_request.sql), n = 0 (a per-client
-- counter: pgbench keeps a client's variables from one transaction to the next). The
-- permutation's seed is fixed, so a member index always names the same member.
\set i permute(:first + :n * :nclients + :client_id, :members, 2026) + 1
\set n :n + 1
\set k 100000000000 + :i
\set r random(1, 9000000000000000000)
BEGIN;
SELECT "ballots"."id", "ballots"."title", "ballots"."description", "ballots"."settings", "ballots"."questions", "ballots"."status", "ballots"."opens_at", "ballots"."closes_at", "ballots"."seed", "ballots"."roll_size", "ballots"."opened_at", "ballots"."ended_at", "ballots"."cancel_reason", "ballots"."result", "ballots"."created_at" FROM "ballots" WHERE (("ballots"."coop_id" = :coop) AND ("ballots"."id" = :ballot)) LIMIT :one FOR SHARE;
SELECT EXISTS (SELECT "ballot_voters"."coop_id", "ballot_voters"."ballot_id", "ballot_voters"."member_id", "ballot_voters"."reminded_at" FROM "ballot_voters" WHERE (("ballot_voters"."coop_id" = :coop) AND (("ballot_voters"."ballot_id" = :ballot) AND ("ballot_voters"."member_id" = ('00000000-0000-4000-8000-' || :k)::uuid))));
INSERT INTO "ballot_participations" ("coop_id", "ballot_id", "member_id", "channel", "proxy_holder") VALUES (:coop, :ballot, ('00000000-0000-4000-8000-' || :k)::uuid, 'online', NULL) ON CONFLICT DO NOTHING;
INSERT INTO "ballot_papers" ("coop_id", "ballot_id", "id", "answers", "weight", "channel", "receipt_hash", "member_id") VALUES (:coop, :ballot, gen_random_uuid(), '["for"]', 1, 'online', encode(sha256(convert_to(:r::text, 'UTF8')), 'hex'), NULL);
INSERT INTO "audit_events" ("coop_id", "at", "actor", "action", "subject", "data") VALUES (:coop, now(), ('00000000-0000-4000-9000-' || :k)::uuid, 'ballot.participated', 'ballot:' || :ballot, ('{"channel": "online", "member_id": "00000000-0000-4000-8000-' || :k || '"}')::jsonb);
COMMIT;
