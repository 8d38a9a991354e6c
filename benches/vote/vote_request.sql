-- pgbench script for benches/vote.sh: every statement one vote request sends, as
-- the server sends them (captured with log_statement = all; vote.sh prints the capture
-- of the run): the 3 before the transaction — the token's user (src/auth/extract.rs
-- resolve_caller), the co-op and the caller's membership (InCoop) — and then the
-- transaction of vote_tx.sql, whose header says what is and is not identical.
-- The server takes three connections from its pool for one request (the caller, the
-- co-op scope, the vote), all usually the same backend; here one connection.
\set i permute(:first + :n * :nclients + :client_id, :members, 2026) + 1
\set n :n + 1
\set k 100000000000 + :i
\set r random(1, 9000000000000000000)
SELECT "users"."id", "users"."email", "users"."display_name", "users"."locale", "users"."password_hash", "users"."token_version", "users"."is_operator", "users"."created_at" FROM "users" WHERE ("users"."id" = ('00000000-0000-4000-9000-' || :k)::uuid) LIMIT :one;
SELECT "coops"."id", "coops"."slug", "coops"."name", "coops"."currency", "coops"."locale", "coops"."time_zone", "coops"."created_at" FROM "coops" WHERE ("coops"."slug" = :slug) LIMIT :one;
SELECT "members"."id", "members"."roles" FROM "members" WHERE (("members"."coop_id" = :coop) AND ("members"."user_id" = ('00000000-0000-4000-9000-' || :k)::uuid)) LIMIT :one;
BEGIN;
SELECT "ballots"."id", "ballots"."title", "ballots"."description", "ballots"."settings", "ballots"."questions", "ballots"."status", "ballots"."opens_at", "ballots"."closes_at", "ballots"."seed", "ballots"."roll_size", "ballots"."opened_at", "ballots"."ended_at", "ballots"."cancel_reason", "ballots"."result", "ballots"."created_at" FROM "ballots" WHERE (("ballots"."coop_id" = :coop) AND ("ballots"."id" = :ballot)) LIMIT :one FOR SHARE;
SELECT EXISTS (SELECT "ballot_voters"."coop_id", "ballot_voters"."ballot_id", "ballot_voters"."member_id", "ballot_voters"."reminded_at" FROM "ballot_voters" WHERE (("ballot_voters"."coop_id" = :coop) AND (("ballot_voters"."ballot_id" = :ballot) AND ("ballot_voters"."member_id" = ('00000000-0000-4000-8000-' || :k)::uuid))));
INSERT INTO "ballot_participations" ("coop_id", "ballot_id", "member_id", "channel", "proxy_holder") VALUES (:coop, :ballot, ('00000000-0000-4000-8000-' || :k)::uuid, 'online', NULL) ON CONFLICT DO NOTHING;
INSERT INTO "ballot_papers" ("coop_id", "ballot_id", "id", "answers", "weight", "channel", "receipt_hash", "member_id") VALUES (:coop, :ballot, gen_random_uuid(), '["for"]', 1, 'online', encode(sha256(convert_to(:r::text, 'UTF8')), 'hex'), NULL);
INSERT INTO "audit_events" ("coop_id", "at", "actor", "action", "subject", "data") VALUES (:coop, now(), ('00000000-0000-4000-9000-' || :k)::uuid, 'ballot.participated', 'ballot:' || :ballot, ('{"channel": "online", "member_id": "00000000-0000-4000-8000-' || :k || '"}')::jsonb);
COMMIT;
