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
. benches/timing_server.sh
start_server timing "$runs"

attempt() {  # $1 e-mail, $2 forwarded address; prints seconds
  curl -s -o /dev/null -w '%{time_total}\n' -H 'content-type: application/json' \
    -H "x-forwarded-for: $2" \
    -d "{\"email\":\"$1\",\"password\":\"not the password at all\"}" "$url/api/v1/auth/token"
}
: >"$data/unknown"; : >"$data/wrong"
for i in $(seq "$runs"); do
  ip=$(address_for "$i")
  attempt "nobody-$i@example.org" "$ip" >>"$data/unknown"
  attempt "${accounts[$(( (i - 1) / 5 ))]}" "$ip" >>"$data/wrong"
done
read -r um umed <<<"$(stats "$data/unknown")"
read -r wm wmed <<<"$(stats "$data/wrong")"
echo "login timing, $runs attempts each (ms): unknown e-mail mean $um median $umed; wrong password mean $wm median $wmed"
awk -v u="$um" -v w="$wm" 'BEGIN {printf "ratio unknown / wrong (means): %.3f\n", u / w}'
