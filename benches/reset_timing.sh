#!/usr/bin/env bash
# Reset timing: does a password-reset request for an unknown e-mail take as long as
# one for a real account? The answer is the same (202) either way; since issue 18 the
# lookup, the link and the mail are done after answering, so the time must be too.
# The tests check the answers, this measures the time, which tests do not.
#
# Creates RUNS/5 logins on a fresh data directory, starts `concord serve` on it, then
# alternates RUNS requests of each kind against POST /api/v1/auth/password-reset
# (each from its own forwarded address, and a new account every five requests, so
# the throttle never answers first) and prints the mean and median of each, in
# milliseconds, and their ratio.
#
# Usage: benches/reset_timing.sh [RUNS]   (default 200)
#   CONCORD_BIN=path   the binary (default target/release/concord, built first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
. benches/timing_server.sh
start_server reset "$runs"

request() {  # $1 e-mail, $2 forwarded address; prints seconds
  curl -s -o /dev/null -w '%{time_total}\n' -H 'content-type: application/json' \
    -H "x-forwarded-for: $2" -d "{\"email\":\"$1\"}" "$url/api/v1/auth/password-reset"
}
: >"$data/unknown"; : >"$data/known"
for i in $(seq "$runs"); do
  ip=$(address_for "$i")
  request "nobody-$i@example.org" "$ip" >>"$data/unknown"
  request "${accounts[$(( (i - 1) / 5 ))]}" "$ip" >>"$data/known"
done
mails=$(find "$data/outbox" -name '*.eml' | wc -l)
read -r um umed <<<"$(stats "$data/unknown")"
read -r km kmed <<<"$(stats "$data/known")"
echo "reset timing, $runs requests each (ms): unknown e-mail mean $um median $umed; known account mean $km median $kmed ($mails mails written by then)"
awk -v u="$um" -v k="$km" 'BEGIN {printf "ratio known / unknown (means): %.3f\n", k / u}'
