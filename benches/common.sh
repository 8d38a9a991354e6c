# Sourced by the benchmarks: the binary, a scratch data directory, `concord serve
# --demo` on it, and psql on its cluster.

# Sets $bin: a release build (built first) unless CONCORD_BIN names a binary.
bench_binary() {
  if [ -z "${CONCORD_BIN:-}" ]; then
    cargo build --release -q
    bin=${CARGO_TARGET_DIR:-target}/release/concord
  else
    bin=$CONCORD_BIN
  fi
}

# bench_data NAME: sets $data, a scratch data directory, and $port, the server's port.
bench_data() {
  data=$(mktemp -d "/var/tmp/concord-$1-XXXXXX")
  chmod 711 "$data"
  port=18$((RANDOM % 900 + 100))
}

# A script that starts more (a mail relay) redefines this to stop it.
bench_stop_more() { :; }

# bench_serve [ARGS…]: `concord serve --demo --bind 127.0.0.1:$port ARGS` on $data
# (with the environment the caller exported), stopped and $data removed when the
# script exits; returns once it is ready, with $socket set for psql.
bench_serve() {
  CONCORD_DATA_DIR="$data" RUST_LOG=${RUST_LOG:-warn} "$bin" serve --demo --bind "127.0.0.1:$port" "$@" \
    >"$data/stdout" 2>"${BENCH_LOG:-/dev/null}" &
  pid=$!
  trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; bench_stop_more; rm -rf "$data"' EXIT
  until grep -qs "^Concord is ready" "$data/stdout"; do sleep 0.05; done
  socket=$(sed -n 5p "$data/pg/postmaster.pid" 2>/dev/null || true)
  [ -n "$socket" ] || socket="$data/run"
}

psql() { command psql -h "$socket" -U concord -d concord -v ON_ERROR_STOP=1 -q "$@"; }
