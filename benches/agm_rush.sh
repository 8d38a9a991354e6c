#!/usr/bin/env bash
# The AGM rush: MEMBERS members (default 10,000) each cast one vote on a three-question
# ballot (two motions and a two-seat STV election) within one minute, while members read
# the last AGM's results and the treasurer reads the capital and the distributions.
# Reports the time until every vote was in, throughput, p50/p99/max latency, errors
# (must be 0) and the resident memory of Concord and of PostgreSQL; beside it, in the
# same run and cluster, pgbench casting the same vote transaction (vote_tx.sql) on a
# second ballot with the same roll: the database's own pace.
#
# With SOAK_SECONDS=600: the soak instead, steady mixed traffic (paced votes and reads)
# for that long, memory sampled every 10 s; the report compares the start and the end.
#
# Usage: benches/agm_rush.sh
#   CONCORD_BIN=path     the binary (default target/release/concord, built if missing)
#   MEMBERS=10000        voters (the soak seeds enough for its votes)
#   CONNECTIONS=64       concurrent voters in the rush
#   READERS=8            concurrent readers
#   SOAK_SECONDS=        run the soak for this long instead of the rush
#   KEEP=1               keep the data directory
set -euo pipefail
cd "$(dirname "$0")/.."
here=benches/vote
conns=${CONNECTIONS:-64}
readers=${READERS:-8}
soak=${SOAK_SECONDS:-}
if [ -n "$soak" ]; then
  vote_conns=8; vote_pause=120; read_pause=50      # about 60 votes/s and 150 reads/s
  members=${MEMBERS:-$((soak * 70))}
else
  vote_conns=$conns; vote_pause=0; read_pause=0
  members=${MEMBERS:-10000}
fi
for tool in wrk pgbench psql curl python3; do
  command -v "$tool" >/dev/null || { echo "agm_rush.sh needs $tool (apt-get install -y wrk postgresql-client)" >&2; exit 1; }
done
bin=${CONCORD_BIN:-${CARGO_TARGET_DIR:-target}/release/concord}
[ -n "${CONCORD_BIN:-}" ] || cargo build --release -q

data=$(mktemp -d /var/tmp/concord-rush-XXXXXX)
chmod 711 "$data"
pid=
sampler=
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null
  [ -n "$pid" ] && { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
  if [ -n "${KEEP:-}" ]; then echo "kept: $data" >&2; else rm -rf "$data"; fi
}
trap cleanup EXIT
CONCORD_DATA_DIR="$data" RUST_LOG=warn "$bin" serve --demo --bind 127.0.0.1:0 >"$data/stdout" 2>"$data/stderr" &
pid=$!
until grep -q "^Concord is ready" "$data/stdout"; do
  kill -0 "$pid" 2>/dev/null || { cat "$data/stderr" >&2; exit 1; }
  sleep 0.1
done
url=$(sed -n 's/^Concord is ready at \(http:[^ ]*\)\/ .*/\1/p' "$data/stdout")
socket=$(sed -n 5p "$data/pg/postmaster.pid")
postmaster=$(head -n 1 "$data/pg/postmaster.pid")
psql() { command psql -h "$socket" -U concord -d concord -v ON_ERROR_STOP=1 -X -q "$@"; }
sql() { psql -At -c "$1"; }
api() {  # method path token [body]
  curl -sf -X "$1" "$url/api/v1/coops/demo$2" -H "authorization: Bearer $3" -H 'content-type: application/json' -d "${4:-{\}}"
}
token() {
  curl -sf -X POST "$url/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"concord-demo-2026\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}

echo "seeding $members members" >&2
psql -v members="$members" -f "$here/seed_members.sql"
sql "ANALYZE" >/dev/null
secretary=$(token secretary@demo.coop)
treasurer=$(token treasurer@demo.coop)
closes=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
agm_ballot() {  # prints the id of an opened three-question ballot
  local id
  id=$(api POST /ballots "$secretary" "{\"title\":\"$1\",\"closes_at\":\"$closes\",\"questions\":[
    {\"title\":\"Approve the accounts\",\"kind\":\"motion\",\"threshold\":{\"kind\":\"simple\"},\"base\":\"cast_excluding_abstentions\"},
    {\"title\":\"Amend article 12\",\"kind\":\"motion\",\"threshold\":{\"kind\":\"two_thirds\"},\"base\":\"cast_excluding_abstentions\"},
    {\"title\":\"Elect two board members\",\"kind\":\"election\",\"method\":\"scottish_stv\",\"seats\":2,
     \"candidates\":[{\"name\":\"Ana\"},{\"name\":\"Ben\"},{\"name\":\"Cy\"},{\"name\":\"Dee\"}]}]}" \
    | sed 's/.*"id":"\([^"]*\)".*/\1/')
  api POST "/ballots/$id/open" "$secretary" >/dev/null
  echo "$id"
}
ballot=$(agm_ballot "AGM rush")
vote_path="/api/v1/coops/demo/ballots/$ballot/votes"
vote_body='{"answers":["for","against",{"choices":[1,0,3]}]}'  # candidates by index from 0: Ben, Ana, Dee
coop=$(sql "SELECT id FROM coops WHERE slug = 'demo'")
closed=$(sql "SELECT id FROM ballots WHERE status = 'closed' ORDER BY closes_at DESC LIMIT 1")
sql "SELECT u.id, u.token_version FROM users u WHERE u.email LIKE 'bench%@example.org'" | tr '|' '\t' >"$data/users.tsv"
python3 "$here/mint_tokens.py" "$data/signing-key" "$data/users.tsv" "$data/tokens" 7200
# Readers: members reading the last AGM's results, the treasurer's pages.
head -n 200 "$data/tokens" | sed "s|\$| /api/v1/coops/demo/ballots/$closed|" >"$data/reads"
for path in /capital /distributions /fiscal-years /ballots; do
  echo "$treasurer /api/v1/coops/demo$path" >>"$data/reads"
done
for path in /capital /distributions /fiscal-years; do
  echo "$treasurer /api/v1/coops/demo$path" >>"$data/reads"
done
curl -sf -o /dev/null -X POST "$url$vote_path" -H "authorization: Bearer $(tail -n 1 "$data/tokens")" \
  -H 'content-type: application/json' -d "$vote_body" || { echo "the probe vote failed" >&2; exit 1; }
# wrk calls request() once on its first thread before the run, to check it: that
# call takes the first line, which is therefore no member's.
{ echo "taken-by-wrk-check"; head -n -1 "$data/tokens"; } >"$data/tokens.run"

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
pg_pss_kb() {  # proportional set size of the postmaster and its children (shared memory counted once)
  local total=0 p
  for p in $postmaster $(pgrep -P "$postmaster"); do
    total=$((total + $(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
sample() { echo "$(date +%s) $(rss_kb "$pid") $(pg_pss_kb)"; }
cast() { sql "SELECT count(*) FROM ballot_participations WHERE ballot_id = '$ballot'"; }
field() { grep -o "$1=[0-9.]*" "$2" | head -n 1 | cut -d= -f2; }
ms() { awk -v v="$(field "$1" "$2")" 'BEGIN {printf "%.1f", v / 1000}'; }

duration=${soak:-60}
sample >"$data/memory"
(while sleep "$([ -n "$soak" ] && echo 10 || echo 1)"; do sample >>"$data/memory"; done) &
sampler=$!
load0=$(cut -d' ' -f1 /proc/loadavg)
start=$(date +%s.%N)
wrk -t 2 -c "$vote_conns" -d "${duration}s" --latency --timeout 10s -s "$here/vote_once.lua" "$url" \
  -- "$data/tokens.run" "$vote_path" 2 1 "$vote_body" "$vote_pause" >"$data/votes.out" &
votes=$!
wrk -t 1 -c "$readers" -d "${duration}s" --latency --timeout 10s -s "$here/read.lua" "$url" \
  -- "$data/reads" "$read_pause" >"$data/reads.out" &
reads=$!
want=$(wc -l <"$data/tokens")   # every member: the run's and the probe's
all_in=
while kill -0 "$votes" 2>/dev/null; do
  if [ -z "$all_in" ] && [ "$(cast)" -ge "$want" ]; then
    all_in=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
    # Every member has voted: wrk stops and reports (an idle connection would soon be
    # closed by the server with a 408, which is no vote's answer).
    [ -z "$soak" ] && kill -INT "$votes"
  fi
  sleep 0.2
done
wait "$votes" "$reads"
kill "$sampler"; sampler=
sample >>"$data/memory"
[ -n "$all_in" ] || { [ "$(cast)" -ge "$want" ] && all_in="≤ $duration"; }
cast_total=$(cast)
papers=$(sql "SELECT count(*) FROM ballot_papers WHERE ballot_id = '$ballot'")
until [ "$(sql "SELECT count(*) FROM audit_events WHERE seq IS NULL")" = 0 ]; do sleep 0.2; done
verify=$(CONCORD_DATA_DIR="$data" DATABASE_URL="host='$socket' user='concord' dbname='concord'" RUST_LOG=warn "$bin" audit verify >/dev/null 2>&1 && echo intact || echo BROKEN)

# Baseline: pgbench casting the vote transaction on a second ballot, same roll and cluster.
base_ballot=$(agm_ballot "AGM rush, pgbench")
pgbench -h "$socket" -U concord -n -M prepared -c "$vote_conns" -j 2 -t "$((members / vote_conns))" \
  -D coop="$coop" -D ballot="$base_ballot" -D members="$members" -D first=0 -D n=0 -D nclients="$vote_conns" \
  -D one=1 -D slug=demo -f "$here/vote_tx.sql" concord >"$data/pgbench.out" 2>"$data/pgbench.err" \
  || { tail "$data/pgbench.err" >&2; exit 1; }
pg_tps=$(grep -o 'tps = [0-9.]*' "$data/pgbench.out" | tail -n 1 | awk '{printf "%.0f", $3}')
pg_lat=$(grep -o 'latency average = [0-9.]*' "$data/pgbench.out" | awk '{print $4}')

v_created=$(field created "$data/votes.out"); v_err=$(( $(field errors "$data/votes.out") + $(field socket_errors "$data/votes.out") ))
r_ok=$(field ok "$data/reads.out"); r_err=$(( $(field errors "$data/reads.out") + $(field socket_errors "$data/reads.out") ))
vote_secs=${all_in#≤ }
v_rate=$(awk -v n="$v_created" -v s="$vote_secs" 'BEGIN {printf "%.0f", n / s}')
mem() { awk -v c="$1" 'NR == 1 {a = $c} {b = $c; if ($c > m) m = $c} END {printf "%.0f → %.0f MiB (max %.0f)", a / 1024, b / 1024, m / 1024}' "$data/memory"; }
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, load average at the start $load0; binary: $bin"
if [ -n "$soak" ]; then
  echo "soak: ${soak} s of steady traffic: $vote_conns voters pausing ${vote_pause} ms, $readers readers pausing ${read_pause} ms"
else
  echo "rush: $members members on a three-question ballot, $vote_conns concurrent voters, $readers readers"
  echo "every vote in after: ${all_in:-NOT within ${duration}} s"
fi
printf '| traffic | answered | errors | per second | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|\n'
printf '| votes (201) | %s | %s | %s | %s | %s | %s |\n' "$v_created" "$v_err" \
  "$([ -n "$soak" ] && awk -v n="$v_created" -v s="$soak" 'BEGIN {printf "%.0f", n / s}' || echo "$v_rate")" \
  "$(ms p50_us "$data/votes.out")" "$(ms p99_us "$data/votes.out")" "$(ms max_us "$data/votes.out")"
printf '| reads (200) | %s | %s | %s | %s | %s | %s |\n' "$r_ok" "$r_err" \
  "$(awk -v n="$r_ok" -v s="$duration" 'BEGIN {printf "%.0f", n / s}')" \
  "$(ms p50_us "$data/reads.out")" "$(ms p99_us "$data/reads.out")" "$(ms max_us "$data/reads.out")"
printf '| baseline: pgbench vote_tx.sql, %s clients, every member once | %s tx/s | mean %s ms |\n' "$vote_conns" "$pg_tps" "$pg_lat"
[ -z "$soak" ] && echo "votes/s while every member voted / pgbench tx/s: $(awk -v a="$v_rate" -v b="$pg_tps" 'BEGIN {printf "%.2f", a / b}')"
echo "participations $cast_total, papers $papers, roll $(sql "SELECT roll_size FROM ballots WHERE id = '$ballot'"); audit chain: $verify"
echo "memory (resident): concord $(mem 2); PostgreSQL (PSS, all processes) $(mem 3)"
grep -q FIRST_ERRORS "$data/votes.out" "$data/reads.out" && { echo "first errors:"; sed -n '/FIRST_ERRORS/,$p' "$data/votes.out" "$data/reads.out" | head -n 20; }
[ "$v_err" = 0 ] && [ "$r_err" = 0 ] && [ "$verify" = intact ] && [ "$cast_total" = "$papers" ]
