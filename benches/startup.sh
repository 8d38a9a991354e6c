#!/usr/bin/env bash
# Start-to-ready time of `concord serve` on an initialised data directory, and the
# idle server's resident memory, each beside its baseline measured in the same run:
# the bare PostgreSQL start of the same cluster (pg_ctl start -w), and the resident
# memory of that cluster's postmaster.
#
# Usage: benches/startup.sh [RUNS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release -q
bin=target/release/concord
data=$(mktemp -d /var/tmp/concord-bench-XXXXXX)
chmod 711 "$data"
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_concord() {  # sets $ms (milliseconds until the "ready" line) and $pid
  local out="$data/stdout"
  : >"$out"
  local t0; t0=$(date +%s%N)
  CONCORD_DATA_DIR="$data" RUST_LOG=warn "$bin" serve --bind 127.0.0.1:0 >"$out" 2>/dev/null &
  pid=$!
  # Poll the output every 2 ms: the resolution of this measurement.
  until grep -q "^Concord is ready" "$out"; do sleep 0.002; done
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
stop_concord() { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Initialise the data directory once (initdb, migrations).
start_concord; stop_concord

concord_ms=(); pg_ms=()
for _ in $(seq "$runs"); do
  start_concord; concord_ms+=("$ms"); stop_concord
  t0=$(date +%s%N)
  as_owner "$bindir/pg_ctl" -D "$data/pg" -s -w -o "-k $data/run -c listen_addresses=''" -l /dev/null start
  pg_ms+=($(( ($(date +%s%N) - t0) / 1000000 )))
  as_owner "$bindir/pg_ctl" -D "$data/pg" -s -w -m fast stop
done

start_concord
sleep 5   # idle: nothing to synchronise with, we measure memory at rest
concord_rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
postmaster=$(head -n 1 "$data/pg/postmaster.pid")
pg_rss=$(awk '/VmRSS/ {print $2}' "/proc/$postmaster/status")
stop_concord

c=$(printf '%s\n' "${concord_ms[@]}" | median)
p=$(printf '%s\n' "${pg_ms[@]}" | median)
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; runs: $runs"
echo "start to ready, median: concord serve ${c} ms; baseline pg_ctl start -w ${p} ms; ratio $(awk "BEGIN {printf \"%.2f\", $c/$p}")"
echo "idle resident memory: concord ${concord_rss} KiB; baseline postmaster ${pg_rss} KiB; ratio $(awk "BEGIN {printf \"%.2f\", $concord_rss/$pg_rss}")"
rm -rf "$data"
