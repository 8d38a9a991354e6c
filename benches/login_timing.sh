#!/usr/bin/env bash
# Login timing: does a login for an unknown e-mail take as long as a wrong password
# for a real account? Both must do one argon2id verification (decision 0012); the
# tests check the answers are identical, this measures the time, which tests do not.
#
# Creates RUNS/5 logins on a fresh data directory, starts `concord serve` on it, then
# alternates RUNS attempts of each kind against POST /api/v1/auth/token (each from
# its own forwarded address, so throttling never answers first) and prints the mean
# and median of each, in milliseconds, and their ratio.
#
# Usage: benches/login_timing.sh [RUNS]   (default 200)
#   CONCORD_BIN=path   the binary (default target/release/concord, built first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
bin=${CONCORD_BIN:-target/release/concord}
[ -n "${CONCORD_BIN:-}" ] || cargo build --release -q
data=$(mktemp -d /var/tmp/concord-login-XXXXXX)
chmod 711 "$data"
out="$data/stdout"
# Real accounts for the wrong-password attempts: a new one every five attempts, so
# the per-account throttle (five attempts) never answers instead of the password check.
accounts=()
for n in $(seq $(( (runs + 4) / 5 ))); do
  accounts+=("timing-$n@example.org")
  echo "a long enough password $n" |
    CONCORD_DATA_DIR="$data" RUST_LOG=warn "$bin" user create --email "timing-$n@example.org" --name "Timing $n" >/dev/null
done
CONCORD_DATA_DIR="$data" RUST_LOG=warn "$bin" serve --trust-proxy --bind 127.0.0.1:0 >"$out" 2>/dev/null &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT
until grep -q "^Concord is ready" "$out"; do sleep 0.05; done
url=$(sed -n 's/^Concord is ready at \(http:[^ ]*\)\/ .*/\1/p' "$out")

attempt() {  # $1 e-mail, $2 forwarded address; prints seconds
  curl -s -o /dev/null -w '%{time_total}\n' -H 'content-type: application/json' \
    -H "x-forwarded-for: $2" \
    -d "{\"email\":\"$1\",\"password\":\"not the password at all\"}" "$url/api/v1/auth/token"
}
: >"$data/unknown"; : >"$data/wrong"
for i in $(seq "$runs"); do
  ip="10.$((i / 250 % 250)).$((i % 250)).1"
  attempt "nobody-$i@example.org" "$ip" >>"$data/unknown"
  attempt "${accounts[$(( (i - 1) / 5 ))]}" "$ip" >>"$data/wrong"
done
stats() { sort -n "$1" | awk '{s+=$1; a[NR]=$1} END {printf "%.1f %.1f", 1000*s/NR, 1000*(NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
read -r um umed <<<"$(stats "$data/unknown")"
read -r wm wmed <<<"$(stats "$data/wrong")"
echo "login timing, $runs attempts each (ms): unknown e-mail mean $um median $umed; wrong password mean $wm median $wmed"
awk -v u="$um" -v w="$wm" 'BEGIN {printf "ratio unknown / wrong (means): %.3f\n", u / w}'
