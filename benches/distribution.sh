#!/usr/bin/env bash
# A year-end distribution for 100,000 members through the API: compute the draft
# (hours from the hours table, eligible capital averaged over the days held from the
# capital ledger) and post it (reserve, share returns and cash payables, retained
# patronage in the capital accounts), beside a psql COPY of the same number of
# ledger rows into the same cluster as the baseline. Target: compute + post < 5 s.
#
# Usage: benches/distribution.sh [MEMBERS]   (default 100000)
# CONCORD_BIN=target/debug/concord benches/distribution.sh 1000   (a quick check
# without a release build; debug figures are not the benchmark's)
set -euo pipefail
cd "$(dirname "$0")/.."
members=${1:-100000}
source benches/common.sh
bench_binary
bench_data distribution
bench_serve

# $members worker-members, each with 2 shares (€100.00): half paid before the year,
# half paid on 1 July (capital held 184 of 366 days); hours in a closed year 2020.
psql <<SQL
CREATE TEMP TABLE bench AS
  SELECT g, gen_random_uuid() AS user_id, gen_random_uuid() AS member_id, gen_random_uuid() AS subscription
  FROM generate_series(1, $members) g;
INSERT INTO users (id, email, display_name, locale)
  SELECT user_id, 'bench' || g || '@example.org', 'Bench Member ' || g, 'en' FROM bench;
INSERT INTO members (coop_id, id, user_id, roles, number, status, state)
  SELECT (SELECT id FROM coops WHERE slug = 'demo'), member_id, user_id, '{member}', 1000 + g, 'member',
         jsonb_build_object('status', 'member', 'since', '2019-01-01', 'previous', NULL, 'applied_on', '2019-01-01',
           'probation_until', NULL, 'admitted_on', '2019-01-01', 'admission_ref', 'bench', 'member_since', '2019-01-01',
           'leave_until', NULL, 'notice_date', NULL, 'exit_ref', NULL, 'exit_reason', NULL)
  FROM bench;
WITH c AS (SELECT c.id AS coop_id, s.id AS class_id FROM coops c JOIN share_classes s ON s.coop_id = c.id
           WHERE c.slug = 'demo' LIMIT 1)
INSERT INTO capital_entries (coop_id, id, member_id, share_class_id, kind, entry_date, amount, reference, entry)
  SELECT c.coop_id, e.id, b.member_id, c.class_id, e.kind, e.day, 100.00, e.reference,
         jsonb_build_object('id', e.id, 'member', b.member_id, 'date', e.day, 'kind',
           CASE e.kind
             WHEN 'subscribe' THEN jsonb_build_object('kind', 'subscribe', 'subscription', b.subscription,
               'class', c.class_id, 'shares', 2, 'amount', jsonb_build_object('amount', '100.00', 'currency', 'EUR'),
               'plan', NULL)
             ELSE jsonb_build_object('kind', 'payment', 'subscription', b.subscription, 'class', c.class_id,
               'amount', jsonb_build_object('amount', '100.00', 'currency', 'EUR'), 'method', 'bank_transfer',
               'reference', e.reference)
           END)
  FROM bench b CROSS JOIN c
  CROSS JOIN LATERAL (VALUES
    (gen_random_uuid(), 'subscribe', DATE '2019-06-01', NULL),
    (gen_random_uuid(), 'payment', CASE WHEN b.g % 2 = 0 THEN DATE '2019-06-01' ELSE DATE '2020-07-01' END,
     'BENCH-' || b.g)) AS e(id, kind, day, reference)
  ORDER BY b.g, e.kind DESC;
INSERT INTO fiscal_years (coop_id, id, label, starts_on, ends_on, status, closed_at)
  SELECT id, gen_random_uuid(), '2020', '2020-01-01', '2020-12-31', 'closed', now() FROM coops WHERE slug = 'demo';
INSERT INTO hours_entries (coop_id, id, fiscal_year_id, member_id, period_start, period_end, hours)
  SELECT y.coop_id, gen_random_uuid(), y.id, b.member_id, '2020-01-01', '2020-12-31', 900 + (b.g % 900) + 0.25 * (b.g % 4)
  FROM bench b CROSS JOIN fiscal_years y WHERE y.label = '2020';
VACUUM ANALYZE;
SQL

token() {
  curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"concord-demo-2026\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}
treasurer=$(token treasurer@demo.coop)
api() { # method path body → body in $data/out.json, seconds on stdout
  curl -s -o "$data/out.json" -w '%{time_total}' -X "$1" "http://127.0.0.1:$port/api/v1/coops/demo$2" \
    -H "authorization: Bearer ${4:-$treasurer}" -H 'content-type: application/json' -d "$3"
}
year=$(psql -At -c "SELECT id FROM fiscal_years WHERE label = '2020'")

compute=$(api POST "/distributions?lines=false" "{\"fiscal_year_id\":\"$year\",\"surplus\":\"12345678.91\",\"preset\":\"us_worker\",\"overrides\":{\"share_return_rate\":\"0.05\"},\"board_may_approve\":true}")
id=$(head -c 200 "$data/out.json" | sed 's/^{"id":"\([^"]*\)".*/\1/')
# The approval is the board's ballot (tests/suite/patronage.rs runs it through the
# API); the benchmark records its outcome directly, as it enters the members.
psql -c "UPDATE distributions SET status = 'approved', approved_at = now() WHERE id = '$id'"
post=$(api POST "/distributions/$id/post?lines=false" '{"notify":false}')
grep -q '"status":"posted"' "$data/out.json" || { echo "posting failed: $(head -c 500 "$data/out.json")"; exit 1; }
# The notices of allocation: a job queues them for every member in one transaction,
# then the server's outbox worker delivers them into the file outbox.
notices=$(api POST "/distributions/$id/notices" '{}')
start=$(date +%s.%N)
until [ "$(psql -At -c "SELECT count(*) FROM outgoing_mail WHERE status = 'queued'")" = 0 ]; do sleep 0.2; done
delivered=$(echo "$(date +%s.%N) - $start" | bc)
sent=$(psql -At -c "SELECT count(*) FROM outgoing_mail WHERE status = 'sent'")

rows=$(psql -At -c "SELECT (SELECT count(*) FROM distribution_entries) + (SELECT count(*) FROM capital_entries WHERE kind = 'patronage_retained')")
# Baseline: COPY the same number of ledger-shaped rows into a table like the ledger's.
psql -c "\\copy (SELECT gen_random_uuid(), gen_random_uuid(), 'patronage_cash_payable', 'allocation', (g % 100000) / 100.0, DATE '2021-03-31' FROM generate_series(1, $rows) g) TO '$data/rows.csv' WITH (FORMAT csv)"
psql -c "CREATE TABLE bench_copy (id uuid PRIMARY KEY, member_id uuid, account text, kind text, amount numeric(14,2), entry_date date)"
start=$(date +%s.%N)
psql -c "\\copy bench_copy FROM '$data/rows.csv' WITH (FORMAT csv)"
copy=$(echo "$(date +%s.%N) - $start" | bc)

echo "machine: $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg); binary: $bin; members: $members; ledger rows posted: $rows"
printf '| step | seconds |\n|---|---|\n'
printf '| compute the draft (API, %s members) | %.3f |\n' "$members" "$compute"
printf '| post it (API, one transaction) | %.3f |\n' "$post"
printf '| compute + post | %.3f |\n' "$(echo "$compute + $post" | bc)"
printf '| baseline: psql COPY of %s ledger rows | %.3f |\n' "$rows" "$copy"
printf '| send the notices of allocation (API: the job is queued) | %.3f |\n' "$notices"
printf '| the job queues them and the outbox delivers %s messages to the folder | %.3f |\n' "$sent" "$delivered"
