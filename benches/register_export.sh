#!/usr/bin/env bash
# The register's CSV export for 100,000 members through the API, beside the SQL COPY
# of the same rows from the same cluster as the baseline. A register over
# --export-inline-rows (10,000) is written in the background: the measured time runs
# from the request to the file downloaded, polling the export every 50 ms.
#
# Usage: benches/register_export.sh [MEMBERS]   (default 100000)
#   CONCORD_BIN=path  the binary (default: a release build, built first)
set -euo pipefail
cd "$(dirname "$0")/.."
members=${1:-100000}
source benches/common.sh
bench_binary
bench_data export
bench_serve

# $members people on the demo co-op's register, with their history lines.
psql -v members="$members" -f benches/vote/seed_members.sql
psql -c "VACUUM ANALYZE"

token=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/token" -H 'content-type: application/json' \
  -d '{"email":"secretary@demo.coop","password":"concord-demo-2026"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')

api() {
  local base="http://127.0.0.1:$port" auth="authorization: Bearer $token" status_url file_url=""
  status_url=$(curl -sf -H "$auth" "$base/api/v1/coops/demo/register.csv?as_of=2026-01-01" | jq -r .status_url)
  until [ -n "$file_url" ] && [ "$file_url" != null ]; do
    sleep 0.05
    file_url=$(curl -sf -H "$auth" "$base$status_url" | jq -r .file_url)
  done
  curl -sf -o "$data/register.csv" -H "$auth" "$base$file_url"
}
copy() {
  psql -c "\\copy (SELECT m.number, u.display_name, u.email, m.status, m.state->>'applied_on', m.state->>'admitted_on', m.state->>'member_since', '', m.employment_status, true FROM members m JOIN users u ON u.id = m.user_id WHERE m.coop_id = (SELECT id FROM coops WHERE slug = 'demo') ORDER BY m.number) TO '$data/copy.csv' WITH (FORMAT csv, HEADER)"
}
export -f api copy psql
export data port token socket

api
rows=$(($(wc -l <"$data/register.csv") - 1))
echo "machine: $(nproc) cores; rows exported: $rows"
hyperfine --shell bash --warmup 1 --runs 5 --export-markdown "$data/result.md" -n "API register.csv (in the background)" api -n "baseline: SQL COPY" copy >/dev/null
cat "$data/result.md"
