-- Adds :members members in good standing to the demo co-op (psql -v members=N -f …),
-- for the benchmarks. Ids are derived from the member's index g (1..members) so that
-- pgbench can name a member without a query: user 00000000-0000-4000-9000-1000000<g>,
-- member 00000000-0000-4000-8000-1000000<g> (12 decimal digits: 100000000000 + g);
-- e-mails are bench<g>@example.org.
WITH coop AS (SELECT id FROM coops WHERE slug = 'demo'),
new_users AS (
  INSERT INTO users (id, email, display_name, locale)
  SELECT ('00000000-0000-4000-9000-' || (100000000000 + g))::uuid, 'bench' || g || '@example.org', 'Bench Member ' || g, 'en'
  FROM generate_series(1, :members) g
  RETURNING id
),
new_members AS (
  INSERT INTO members (coop_id, id, user_id, roles, number, status, state)
  SELECT (SELECT id FROM coop), ('00000000-0000-4000-8000-' || substr(u.id::text, 25))::uuid, u.id, '{member}',
         1000 + substr(u.id::text, 25)::bigint - 100000000000, 'member',
         jsonb_build_object('status', 'member', 'since', '2020-01-01', 'previous', NULL, 'applied_on', '2020-01-01',
           'probation_until', NULL, 'admitted_on', '2020-01-01', 'admission_ref', 'bench', 'member_since', '2020-01-01',
           'leave_until', NULL, 'notice_date', NULL, 'exit_ref', NULL, 'exit_reason', NULL)
  FROM new_users u
  RETURNING coop_id, id
)
INSERT INTO member_status_changes (coop_id, id, member_id, status, transition, effective_on, decision_ref)
SELECT coop_id, gen_random_uuid(), id, 'member', 'admit', '2020-01-01', 'bench' FROM new_members;
UPDATE coops SET next_member_number = GREATEST(next_member_number, 1000 + :members + 1) WHERE slug = 'demo';
