#!/usr/bin/env bash
# A register import of ROWS people through the API (one CSV file, one request), beside
# a psql COPY of the same rows into scratch tables shaped like the ones the import
# writes (users, members, member_status_changes: same columns, indexes and checks) as
# the baseline, and the ratio of the two.
#
# Usage: benches/register_import.sh [ROWS]   (default 560000)
#   CONCORD_BIN=path  the binary (default: a release build, built first)
# The server runs with the import limits raised to fit the file (CONCORD_IMPORT_MAX_ROWS,
# CONCORD_IMPORT_LIMIT_MIB) and imports it within the request
# (CONCORD_IMPORT_INLINE_ROWS); everything else is the default.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-560000}
source benches/common.sh
bench_binary
bench_data import

# The register: every third member keeps a number from an earlier register (1000 + i),
# every tenth row is an applicant, every fourth a non-worker; the others take numbers.
awk -v n="$rows" 'BEGIN {
  print "number,name,email,status,member_since,employment_status"
  for (i = 1; i <= n; i++) {
    applicant = i % 10 == 0
    printf "%s,Member %d,member%d@bench.example,%s,%s,%s\n", (i % 3 == 0 && !applicant) ? 1000 + i : "", i, i,
      applicant ? "applicant" : "member", applicant ? "" : "2019-04-01", i % 4 == 0 ? "non_worker" : "worker"
  }
}' >"$data/register.csv"
mib=$(( $(stat -c %s "$data/register.csv") / 1048576 + 1 ))

# Within the request (CONCORD_IMPORT_INLINE_ROWS), so the request's time is the
# import's; above 2,000 rows a server runs the same import as a background job.
CONCORD_IMPORT_MAX_ROWS="$rows" CONCORD_IMPORT_LIMIT_MIB="$mib" CONCORD_IMPORT_INLINE_ROWS="$rows" bench_serve

token=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/token" -H 'content-type: application/json' \
  -d '{"email":"secretary@demo.coop","password":"concord-demo-2026"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
import=$(curl -s -o "$data/out.json" -w '%{http_code} %{time_total}' -X POST \
  "http://127.0.0.1:$port/api/v1/coops/demo/register/import" -H "authorization: Bearer $token" \
  -H 'content-type: text/csv' --data-binary "@$data/register.csv")
grep -q "\"imported\":$rows}" "$data/out.json" || { echo "import failed ($import): $(head -c 500 "$data/out.json")"; exit 1; }
api=${import#* }

# Baseline: the rows the import wrote, copied out, then COPY'd into tables like theirs.
for t in users members member_status_changes; do
  psql -c "CREATE TABLE bench_$t (LIKE $t INCLUDING ALL)"
done
psql <<SQL
\\copy (SELECT * FROM users WHERE email LIKE '%@bench.example') TO '$data/users.csv' WITH (FORMAT csv)
\\copy (SELECT m.* FROM members m JOIN users u ON u.id = m.user_id WHERE u.email LIKE '%@bench.example') TO '$data/members.csv' WITH (FORMAT csv)
\\copy (SELECT h.* FROM member_status_changes h JOIN members m ON m.id = h.member_id JOIN users u ON u.id = m.user_id WHERE u.email LIKE '%@bench.example') TO '$data/history.csv' WITH (FORMAT csv)
SQL
start=$(date +%s.%N)
psql <<SQL
BEGIN;
\\copy bench_users FROM '$data/users.csv' WITH (FORMAT csv)
\\copy bench_members FROM '$data/members.csv' WITH (FORMAT csv)
\\copy bench_member_status_changes FROM '$data/history.csv' WITH (FORMAT csv)
COMMIT;
SQL
copy=$(echo "$(date +%s.%N) - $start" | bc)

echo "machine: $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg); binary: $bin; rows: $rows ($(stat -c %s "$data/register.csv") bytes)"
printf '| step | seconds |\n|---|---|\n'
printf '| import through the API (%s rows, one request) | %.3f |\n' "$rows" "$api"
printf '| baseline: psql COPY of the same users, members and history lines | %.3f |\n' "$copy"
printf '| ratio | %.1f× |\n' "$(echo "$api / $copy" | bc -l)"
