# Sourced by the timing benchmarks (login_timing.sh, reset_timing.sh): a fresh data
# directory with RUNS/5 accounts, `concord serve --trust-proxy` on it, and the
# statistics they print.
#
# start_server PREFIX RUNS: sets `data`, `url` and `accounts` (PREFIX-N@example.org,
# password "a long enough password N"); the server and the directory go at exit.
#   CONCORD_BIN=path   the binary (default target/release/concord, built first)
start_server() {
  local prefix=$1 runs=$2 n
  bin=${CONCORD_BIN:-target/release/concord}
  [ -n "${CONCORD_BIN:-}" ] || cargo build --release -q
  data=$(mktemp -d "/var/tmp/concord-$prefix-XXXXXX")
  chmod 711 "$data"
  # A new account every five attempts, so the per-account throttle (five) never
  # answers first.
  accounts=()
  for n in $(seq $(( (runs + 4) / 5 ))); do
    accounts+=("$prefix-$n@example.org")
    echo "a long enough password $n" |
      CONCORD_DATA_DIR="$data" RUST_LOG=warn "$bin" user create --email "$prefix-$n@example.org" --name "Timing $n" >/dev/null
  done
  CONCORD_DATA_DIR="$data" RUST_LOG=warn "$bin" serve --trust-proxy --bind 127.0.0.1:0 >"$data/stdout" 2>/dev/null &
  pid=$!
  trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT
  until grep -q "^Concord is ready" "$data/stdout"; do sleep 0.05; done
  url=$(sed -n 's/^Concord is ready at \(http:[^ ]*\)\/ .*/\1/p' "$data/stdout")
}

# A forwarded address of its own for attempt $1.
address_for() { echo "10.$(($1 / 250 % 250)).$(($1 % 250)).1"; }

# stats FILE: the mean and the median of a file of seconds, in milliseconds.
stats() { sort -n "$1" | awk '{s+=$1; a[NR]=$1} END {printf "%.2f %.2f", 1000*s/NR, 1000*(NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
