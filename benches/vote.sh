#!/usr/bin/env bash
# Casting a vote over HTTP — authentication, eligibility, one vote per member, the
# paper, the audit event, the commit — at 64 concurrent voters on a ballot whose roll
# has 100,000 members, beside pgbench running the same SQL against the same cluster
# in the same run (DESIGN.md §7: at least half of pgbench's throughput, p99 < 25 ms).
#
# Usage: benches/vote.sh                 (from anywhere; runs from the repository root)
#   CONCORD_BIN=path       the binary to measure (default: target/release/concord, or
#                          $CARGO_TARGET_DIR/release/concord; built with
#                          `cargo build --release` when missing or older than the sources)
#   DURATION=15            seconds of each measured run (after a short warm-up)
#   CONNECTIONS=64         concurrent voters (wrk connections, pgbench clients)
#   THREADS=2              wrk threads and pgbench threads
#   MEMBERS=100000         members added to the demo co-op (all on the ballot's roll)
#   KEEP=1                 keep the data directory and the raw outputs (path printed)
#
# What runs:
#   1. `concord serve --demo` on a fresh data directory (its own PostgreSQL cluster,
#      durable: fsync and synchronous_commit on, as in production), with the default
#      pool (16 connections) and workers (one per core).
#   2. MEMBERS members in good standing added to the demo co-op with SQL; a ballot
#      (one motion, secret, the co-op's defaults) created and opened through the API by
#      the secretary, which freezes the roll (MEMBERS + the demo's own members).
#   3. One access token per member, minted offline with the server's signing key
#      (benches/vote/mint_tokens.py; a login costs an argon2id hash).
#   4. Three copies of the database in the same cluster, one per pgbench run, so that
#      every run starts from the same rows. Concord restarted.
#   5. One vote through the API with log_statement = all: the SQL one vote costs,
#      printed and counted.
#   6. Concord: wrk, CONNECTIONS connections, each request a different member's first
#      vote (benches/vote/vote.lua); every answer other than 201 counts as an error.
#   7. Baseline: pgbench on the copies, the same ballot, each transaction a different
#      member (a fixed permute() of the roll), -M prepared like diesel-async's statement
#      cache, latency percentiles from its per-transaction log (-l):
#        vote_tx.sql       the transaction of service::cast, statement for statement,
#                          at CONNECTIONS clients: the baseline of the target;
#        vote_request.sql  every statement one vote request sends, the reads outside
#                          the transaction too (pool checks, user, co-op, membership,
#                          ballot): the database's whole share of a vote;
#        vote_tx.sql       again at 16 clients, the pool's size: the most connections
#                          Concord itself ever puts on the database (information).
#      What differs from the server is listed at the top of those files.
#   8. Checks: participations, papers and audit events added match the votes counted;
#      once the server's chainer has caught up (timed), the audit chain has no gap.
# CPU time of concord, of the PostgreSQL processes and of the load generator is taken
# around each run from /proc: on 2 shared cores it says where the time goes.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-15}
conns=${CONNECTIONS:-64}
threads=${THREADS:-2}
members=${MEMBERS:-100000}
warmup=1          # seconds of wrk before Concord's run
warmup_votes=256  # transactions before each pgbench run (about what 1 s of wrk casts)
pool=16   # concord serve's default --pool-size
here=benches/vote

for tool in wrk pgbench psql curl python3; do
  command -v "$tool" >/dev/null || { echo "vote.sh needs $tool (apt-get install -y wrk postgresql-client)" >&2; exit 1; }
done

if [ -n "${CONCORD_BIN:-}" ]; then
  bin=$CONCORD_BIN
else
  bin=${CARGO_TARGET_DIR:-target}/release/concord
  if [ ! -x "$bin" ] || [ -n "$(find src migrations templates static locales Cargo.toml Cargo.lock -newer "$bin" -print -quit)" ]; then
    echo "building $bin" >&2
    cargo build --release -q
  fi
fi

data=$(mktemp -d /var/tmp/concord-vote-XXXXXX)
chmod 711 "$data"
port=18$((RANDOM % 900 + 100))
pid=
cleanup() {
  [ -n "$pid" ] && { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
  if [ -n "${KEEP:-}" ]; then echo "kept: $data" >&2; else rm -rf "$data"; fi
}
trap cleanup EXIT

start_concord() {  # sets pid, socket, postmaster
  : >"$data/stdout"
  CONCORD_DATA_DIR="$data" RUST_LOG=warn "$bin" serve --demo --bind "127.0.0.1:$port" >"$data/stdout" 2>>"$data/stderr" &
  pid=$!
  until grep -q "^Concord is ready" "$data/stdout"; do
    kill -0 "$pid" 2>/dev/null || { cat "$data/stderr" >&2; exit 1; }
    sleep 0.1
  done
  socket=$(sed -n 5p "$data/pg/postmaster.pid" 2>/dev/null || true)
  [ -n "$socket" ] || socket="$data/run"
  postmaster=$(head -n 1 "$data/pg/postmaster.pid")
}
stop_concord() { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
start_concord
pglog="$data/postgres.log"
db=concord   # the database psql and sql talk to
psql() { command psql -h "$socket" -U concord -d "$db" -v ON_ERROR_STOP=1 -X -q "$@"; }
sql() { psql -At -c "$1"; }
base="http://127.0.0.1:$port/api/v1"

# --- 2. The register and the ballot -------------------------------------------------
# Member ids follow the member's index, so that pgbench names a member without a query
# (see seed_members.sql).
echo "seeding $members members" >&2
psql -v members="$members" -f "$here/seed_members.sql"
# Statistics as a running co-op has them (the register's own import refreshes them
# too): on the stale ones left by a bulk insert, the roll's foreign-key checks scan.
sql "ANALYZE" >/dev/null

secretary=$(curl -sf -X POST "$base/auth/token" -H 'content-type: application/json' \
  -d '{"email":"secretary@demo.coop","password":"concord-demo-2026"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
closes=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
new_ballot() {  # $1: title; prints the id of the opened ballot and, on stderr, the time to open it
  local id t0
  id=$(curl -sf -X POST "$base/coops/demo/ballots" -H "authorization: Bearer $secretary" -H 'content-type: application/json' \
    -d "{\"title\":\"$1\",\"closes_at\":\"$closes\",\"questions\":[{\"title\":\"Approve the benchmark\",\"kind\":\"motion\",\"threshold\":{\"kind\":\"simple\"},\"base\":\"cast_excluding_abstentions\"}]}" \
    | sed 's/.*"id":"\([^"]*\)".*/\1/')
  t0=$(date +%s%N)
  curl -sf -o /dev/null -X POST "$base/coops/demo/ballots/$id/open" -H "authorization: Bearer $secretary" -H 'content-type: application/json' -d '{}'
  open_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "opened $1 ($id) in $open_ms ms" >&2
  echo "$id"
}
new_ballot "Bench vote" >"$data/ballot"
ballot_h=$(cat "$data/ballot")
coop=$(sql "SELECT id FROM coops WHERE slug = 'demo'")
roll=$(sql "SELECT roll_size FROM ballots WHERE id = '$ballot_h'")
[ "$roll" -ge "$members" ] || { echo "the roll has $roll members, expected at least $members" >&2; exit 1; }
psql -c "VACUUM ANALYZE"

# --- 3. Tokens ------------------------------------------------------------------------
sql "SELECT u.id, u.token_version FROM users u WHERE u.email LIKE 'bench%@example.org'" | tr '|' '\t' >"$data/users.tsv"
python3 "$here/mint_tokens.py" "$data/signing-key" "$data/users.tsv" "$data/tokens.all" 7200
# Line 1: the probe; then the warm-up's tokens; the rest: the measured run.
head -n 1 "$data/tokens.all" >"$data/tokens.probe"
sed -n "2,$((1 + 4000 * warmup))p" "$data/tokens.all" >"$data/tokens.warmup"
tail -n +$((2 + 4000 * warmup)) "$data/tokens.all" >"$data/tokens.run"

# --- Copies of the database for pgbench -------------------------------------------------
# Each pgbench run gets its own copy of the database as it is now, in the same cluster
# (CREATE DATABASE … TEMPLATE), and votes on the same ballot there: every run starts
# from the same rows (the warm-ups aside; the report gives the sizes).
# A template must have no connections: Concord is stopped meanwhile (its cluster
# with it) and the cluster started alone, as benches/startup.sh does.
pgdbs=(vote_tx vote_request vote_tx_pool)
stop_concord
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_owner "$bindir/pg_ctl" -D "$data/pg" -s -w -o "-k $socket -c listen_addresses=''" -l /dev/null start
for copy in "${pgdbs[@]}"; do
  command psql -h "$socket" -U concord -d postgres -X -q -c "CREATE DATABASE $copy TEMPLATE concord STRATEGY FILE_COPY"
done
as_owner "$bindir/pg_ctl" -D "$data/pg" -s -w -m fast stop
start_concord

# --- CPU accounting ---------------------------------------------------------------------
tck=$(getconf CLK_TCK)
proc_cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime, ticks
pg_cpu() {  # the postmaster, its live children and its reaped children, ticks
  # (a process may end while /proc is read: cat's complaint is ignored)
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$postmaster" '
    { pid = $1; sub(/^.*\) /, "") }            # fields from "state" on: ppid is $2
    $2 == pm { s += $12 + $13 }                 # utime + stime of a backend
    pid == pm { s += $12 + $13 + $14 + $15 }    # the postmaster, and cutime + cstime
    END { print s }'
}
machine_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
cpu_start() { c0=$(proc_cpu "$pid"); p0=$(pg_cpu); m0=$(machine_busy); }
cpu_stop() {  # sets cpu_concord cpu_pg cpu_machine (seconds)
  cpu_concord=$(awk -v a="$c0" -v b="$(proc_cpu "$pid")" -v t="$tck" 'BEGIN {printf "%.1f", (b - a) / t}')
  cpu_pg=$(awk -v a="$p0" -v b="$(pg_cpu)" -v t="$tck" 'BEGIN {printf "%.1f", (b - a) / t}')
  cpu_machine=$(awk -v a="$m0" -v b="$(machine_busy)" -v t="$tck" 'BEGIN {printf "%.1f", (b - a) / t}')
}
counts() { sql "SELECT (SELECT count(*) FROM ballot_participations WHERE ballot_id = '$1'),
  (SELECT count(*) FROM ballot_papers WHERE ballot_id = '$1'), (SELECT count(*) FROM audit_events WHERE coop_id = '$coop')" | tr '|' ' '; }

# --- 4. The SQL of one vote -------------------------------------------------------------
vote_path="/api/v1/coops/demo/ballots/$ballot_h/votes"
sleep 0.3
psql -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.3
lines0=$(wc -l <"$pglog")
probe_status=$(curl -s -o "$data/probe.json" -w '%{http_code}' -X POST "http://127.0.0.1:$port$vote_path" \
  -H "authorization: Bearer $(cat "$data/tokens.probe")" -H 'content-type: application/json' -d '{"answers":["for"]}')
sleep 0.3
psql -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
# The server's statements only (the psql session's own are left out).
tail -n +$((lines0 + 1)) "$pglog" | grep -E 'LOG:  (statement|execute)' | grep -v 'pg_reload_conf\|ALTER SYSTEM' \
  | sed 's/^.*LOG:  //' >"$data/probe.sql" || true
[ "$probe_status" = 201 ] || { echo "the probe vote answered $probe_status: $(cat "$data/probe.json")" >&2; exit 1; }
probe_statements=$(wc -l <"$data/probe.sql")

# --- 5. Concord over HTTP ---------------------------------------------------------------
wrk_run() {  # $1: tokens file, $2: seconds, $3: output
  wrk -t "$threads" -c "$conns" -d "${2}s" --latency --timeout 10s -s "$here/vote.lua" "http://127.0.0.1:$port" \
    -- "$1" "$vote_path" "$threads" 1 >"$3"
}
field() { grep -o "$1=[0-9.]*" "$2" | head -n 1 | cut -d= -f2; }
echo "warm-up ${warmup} s, then Concord ${duration} s at $conns connections" >&2
wrk_run "$data/tokens.warmup" "$warmup" "$data/wrk.warmup"
sleep 1   # the warm-up's last requests, still in the server when wrk stopped, commit
read -r before_part before_papers before_audit <<<"$(counts "$ballot_h")"
h_audit_rows=$(sql "SELECT count(*) FROM audit_events")
load_h=$(cut -d' ' -f1 /proc/loadavg)
cpu_start
/usr/bin/time -f '%U %S' -o "$data/wrk.time" wrk -t "$threads" -c "$conns" -d "${duration}s" --latency --timeout 10s \
  -s "$here/vote.lua" "http://127.0.0.1:$port" -- "$data/tokens.run" "$vote_path" "$threads" 1 >"$data/wrk.out"
cpu_stop
# The server's chainer gives committed events their places about once a second: how
# many waited when the run ended, and how long until none did.
t0=$(date +%s%N)
chain_pending=$(sql "SELECT count(*) FROM audit_events WHERE seq IS NULL")
until [ "$(sql "SELECT count(*) FROM audit_events WHERE seq IS NULL")" = 0 ]; do sleep 0.05; done
chain_wait_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
sleep 1   # likewise for the votes still in flight when wrk stopped counting
cpu_client=$(awk '{printf "%.1f", $1 + $2}' "$data/wrk.time")
h_cpu=("$cpu_concord" "$cpu_pg" "$cpu_client" "$cpu_machine")
read -r after_part after_papers after_audit <<<"$(counts "$ballot_h")"
h_created=$(field created "$data/wrk.out"); h_errors=$(field errors "$data/wrk.out"); h_sockerr=$(field socket_errors "$data/wrk.out")
h_us=$(field duration_us "$data/wrk.out")
h_tps=$(awk -v n="$h_created" -v us="$h_us" 'BEGIN {printf "%.0f", n / (us / 1e6)}')
h_p50=$(awk -v v="$(field p50_us "$data/wrk.out")" 'BEGIN {printf "%.1f", v / 1000}')
h_p99=$(awk -v v="$(field p99_us "$data/wrk.out")" 'BEGIN {printf "%.1f", v / 1000}')
h_avg=$(awk -v v="$(field mean_us "$data/wrk.out")" 'BEGIN {printf "%.1f", v / 1000}')
h_check="ok"
# Requests still in flight when wrk stops may commit after it counted: allow CONNECTIONS.
for d in "$((after_part - before_part))" "$((after_papers - before_papers))" "$((after_audit - before_audit))"; do
  [ "$d" -ge "$h_created" ] && [ "$d" -le "$((h_created + conns))" ] || h_check="MISMATCH (participations/papers/audit +$((after_part - before_part))/+$((after_papers - before_papers))/+$((after_audit - before_audit)), 201s $h_created)"
done
grep -q tokens_exhausted "$data/wrk.out" && h_check="$h_check; TOKENS EXHAUSTED (re-used tokens are 409s)"

# --- 6. pgbench -------------------------------------------------------------------------
pgb_run() {  # $1: script, $2: "-T seconds" or "-t transactions per client", $3: first member index, $4: output prefix, $5: clients; in $db
  /usr/bin/time -f '%U %S' -o "$4.time" pgbench -h "$socket" -U concord -n -M prepared -c "$5" -j "$threads" $2 \
    -D coop="$coop" -D ballot="$ballot_h" -D members="$members" -D first="$3" -D n=0 -D nclients="$5" -D one=1 -D slug=demo \
    -l --log-prefix="$4.log" -f "$1" "$db" >"$4.out" 2>"$4.err" \
    || { echo "pgbench failed ($1):" >&2; tail -n 20 "$4.err" >&2; exit 1; }
}
percentile() {  # $1: fraction, $2: sorted latencies in µs; prints ms (nearest rank)
  awk -v f="$1" '{a[NR] = $1} END {i = int(NR * f + 0.999999); if (i < 1) i = 1; printf "%.1f", a[i] / 1000}' "$2"
}
pgb_stats() {  # $1: output prefix; sets tps avg p50 p99 done failed
  tps=$(grep -o 'tps = [0-9.]*' "$1.out" | tail -n 1 | awk '{printf "%.0f", $3}')
  avg=$(grep -o 'latency average = [0-9.]*' "$1.out" | awk '{printf "%.1f", $4}')
  done_tx=$(grep -o 'number of transactions actually processed: [0-9]*' "$1.out" | awk '{print $NF}')
  failed=$(grep -o 'number of failed transactions: [0-9]*' "$1.out" | awk '{print $NF}'); failed=${failed:-0}
  cat "$1".log.* | awk '{print $3}' | sort -n >"$1.lat"
  p50=$(percentile 0.50 "$1.lat"); p99=$(percentile 0.99 "$1.lat")
}
# Member indexes (into a fixed permutation of the roll): the warm-up from 0, the measured
# run from 20 %, so the run has 80 % of the roll; the probe's and Concord's voters are
# not in the copies.
window=$((members / 10 * 8))
pgb_measure() {  # $1: script, $2: prefix, $3: clients, $4: database
  db=$4
  pgb_run "$1" "-t $((warmup_votes / $3))" 0 "$2.warmup" "$3"
  read -r b_part _ _ <<<"$(counts "$ballot_h")"
  load_p=$(cut -d' ' -f1 /proc/loadavg)
  cpu_start
  audit_rows=$(sql "SELECT count(*) FROM audit_events")
  load_p=$(cut -d' ' -f1 /proc/loadavg)
  pgb_run "$1" "-T $duration" "$((members / 5))" "$2" "$3"
  cpu_stop
  cpu_client=$(awk '{printf "%.1f", $1 + $2}' "$2.time")
  read -r a_part _ _ <<<"$(counts "$ballot_h")"
  db=concord
  pgb_stats "$2"
  check="ok"
  [ "$((a_part - b_part))" = "$done_tx" ] || check="MISMATCH: +$((a_part - b_part)) participations for $done_tx transactions"
  [ "$done_tx" -le "$window" ] || check="$check; more transactions than the window of $window members: members voted twice"
}
echo "pgbench: 3 × (warm-up $warmup_votes votes, then ${duration} s)" >&2
pgb_measure "$here/vote_tx.sql" "$data/pgb.tx" "$conns" vote_tx
t=("$tps" "$avg" "$p50" "$p99" "$done_tx" "$failed" "$check" "$cpu_concord" "$cpu_pg" "$cpu_client" "$cpu_machine" "$load_p" "$audit_rows")
pgb_measure "$here/vote_request.sql" "$data/pgb.req" "$conns" vote_request
r=("$tps" "$avg" "$p50" "$p99" "$done_tx" "$failed" "$check" "$cpu_concord" "$cpu_pg" "$cpu_client" "$cpu_machine" "$load_p" "$audit_rows")
# The same transaction with as many clients as Concord's pool has connections: the
# most the server ever has in the database at once (information, not the target).
pgb_measure "$here/vote_tx.sql" "$data/pgb.tx16" "$pool" vote_tx_pool
q=("$tps" "$avg" "$p50" "$p99" "$done_tx" "$failed" "$check" "$cpu_concord" "$cpu_pg" "$cpu_client" "$cpu_machine" "$load_p" "$audit_rows")

# --- 7. The chain -----------------------------------------------------------------------
gaps=$(sql "SELECT count(*) FROM (SELECT seq - lag(seq) OVER (ORDER BY seq) AS d FROM audit_events WHERE coop_id = '$coop') s WHERE d <> 1")
last_seq=$(sql "SELECT max(seq) FROM audit_events WHERE coop_id = '$coop'")

# --- Report ---------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
per_vote() { awk -v s="$1" -v n="$2" 'BEGIN {printf "%.2f", (n > 0) ? s * 1000 / n : 0}'; }
h_n=$((after_part - before_part))
row() { printf '%-38s %8s %9s %9s %9s %7s %12s  %s\n' "$@"; }
cpu_row() { printf '  %-36s concord %5s  postgres %5s (%s ms/vote)  client %5s  machine %5s  load %s\n' "$@"; }
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; PostgreSQL $(sql 'SHOW server_version') (fsync on, synchronous_commit on); ${duration} s per run, each after a warm-up of ~$warmup_votes votes"
echo "roll: $roll members; concord: pool $pool connections, workers = cores; $conns concurrent voters; $threads client threads"
echo
row "run" "votes/s" "mean ms" "p50 ms" "p99 ms" "errors" "audit rows" "check"
row "Concord over HTTP (wrk, $conns conns)" "$h_tps" "$h_avg" "$h_p50" "$h_p99" "$((h_errors + h_sockerr))" "$h_audit_rows" "$h_check"
row "pgbench vote_tx.sql, $conns clients" "${t[0]}" "${t[1]}" "${t[2]}" "${t[3]}" "${t[5]}" "${t[12]}" "${t[6]}"
row "pgbench vote_request.sql, $conns clients" "${r[0]}" "${r[1]}" "${r[2]}" "${r[3]}" "${r[5]}" "${r[12]}" "${r[6]}"
row "pgbench vote_tx.sql, $pool clients" "${q[0]}" "${q[1]}" "${q[2]}" "${q[3]}" "${q[5]}" "${q[12]}" "${q[6]}"
echo "(audit rows: the audit_events table when the run started)"
echo
echo "Concord / pgbench vote_tx.sql at $conns clients (the target's baseline): $(ratio "$h_tps" "${t[0]}")   target >= 0.50"
echo "Concord / pgbench vote_request.sql at $conns clients:                 $(ratio "$h_tps" "${r[0]}")"
echo "Concord / pgbench vote_tx.sql at $pool clients:                        $(ratio "$h_tps" "${q[0]}")"
echo "Concord p99: ${h_p99} ms   target < 25 ms"
echo
echo "CPU seconds used during each run (2 cores x ${duration} s = $((2 * duration)) s; machine = every process, other builds included):"
cpu_row "Concord over HTTP" "${h_cpu[0]}" "${h_cpu[1]}" "$(per_vote "${h_cpu[1]}" "$h_n")" "${h_cpu[2]}" "${h_cpu[3]}" "$load_h"
cpu_row "pgbench vote_tx.sql, $conns clients" "${t[7]}" "${t[8]}" "$(per_vote "${t[8]}" "${t[4]}")" "${t[9]}" "${t[10]}" "${t[11]}"
cpu_row "pgbench vote_request.sql, $conns clients" "${r[7]}" "${r[8]}" "$(per_vote "${r[8]}" "${r[4]}")" "${r[9]}" "${r[10]}" "${r[11]}"
cpu_row "pgbench vote_tx.sql, $pool clients" "${q[7]}" "${q[8]}" "$(per_vote "${q[8]}" "${q[4]}")" "${q[9]}" "${q[10]}" "${q[11]}"
echo "  concord: $(per_vote "${h_cpu[0]}" "$h_n") ms of CPU per vote"
echo
echo "opening the ballot (POST …/open: roll of $roll frozen; above 200 members the e-mails go out from a background thread): $open_ms ms"
echo "audit chain of the demo co-op: $last_seq events, $gaps gaps; when the run ended $chain_pending events waited for the chainer, all chained $chain_wait_ms ms later"
if grep -q FIRST_ERRORS "$data/wrk.out"; then echo "first errors:"; sed -n '/FIRST_ERRORS/,$p' "$data/wrk.out" | tail -n +2 | head -n 5; fi
echo
echo "the SQL of one vote through the API ($probe_statements statements; vote_request.sql replays them):"
cut -c1-160 "$data/probe.sql" | sed 's/^/  /'
