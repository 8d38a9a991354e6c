#!/usr/bin/env bash
# Speed as felt: the server time of every main page on the demo data, per page, as
# p50 and p99 latency (wrk over loopback, signed in with a session cookie), beside
# /healthz on the same server as the floor (the HTTP stack with no page behind it),
# and each page's weight without images.
# Target (issue 9): every page under 50 ms of server time; every page under 100 kB.
#
# Usage: benches/pages.sh
#   CONCORD_BIN=path  the binary (default: a release build, built when missing)
#   DURATION=5        seconds per page
#   CONNECTIONS=4     concurrent wrk connections (a few members at once)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-5}
conns=${CONNECTIONS:-4}
if [ -z "${CONCORD_BIN:-}" ]; then
  cargo build --release -q
  bin=${CARGO_TARGET_DIR:-target}/release/concord
else
  bin=$CONCORD_BIN
fi
for tool in wrk curl; do command -v "$tool" >/dev/null || { echo "pages.sh needs $tool" >&2; exit 1; }; done
data=$(mktemp -d /var/tmp/concord-pages-XXXXXX)
chmod 711 "$data"
port=18$((RANDOM % 900 + 100))
CONCORD_DATA_DIR="$data" RUST_LOG=warn "$bin" serve --demo --bind "127.0.0.1:$port" >"$data/stdout" 2>"$data/stderr" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
until grep -qs "^Concord is ready" "$data/stdout"; do sleep 0.05; done
base="http://127.0.0.1:$port"

# Signs in through the login page; prints the Cookie header value.
sign_in() {
  local jar="$data/jar-$1"
  local csrf
  csrf=$(curl -s -c "$jar" "$base/login" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"//')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "email=$1" \
    --data-urlencode "password=concord-demo-2026" "$base/login"
  awk '!/^#/ && NF >= 7 {printf "%s=%s; ", $6, $7}' "$jar"
  # The session cookie is HttpOnly: curl writes it with a #HttpOnly_ prefix.
  awk '/^#HttpOnly_/ && NF >= 7 {printf "%s=%s; ", $6, $7}' "$jar"
}

ballot=$(curl -s -H "Authorization: Bearer $(curl -s -H 'Content-Type: application/json' \
  -d '{"email":"member@demo.coop","password":"concord-demo-2026"}' "$base/api/v1/auth/token" |
  sed 's/.*"access_token":"\([^"]*\)".*/\1/')" "$base/api/v1/coops/demo/ballots" |
  grep -o '"id":"[0-9a-f-]*","title":"Buy a second delivery bike"' | sed 's/"id":"\([^"]*\)".*/\1/')

pages_member=(/account /c/demo /c/demo/ballots "/c/demo/ballots/$ballot" "/c/demo/ballots/$ballot/vote"
  /c/demo/capital/me /c/demo/patronage /c/demo/bylaws /c/demo/bylaws/versions "/c/demo/bylaws/compare?from=1&to=2"
  /c/demo/bylaws/amendments /c/demo/parameters /c/demo/notifications /c/demo/meetings)
# Each officer's own dashboard (the co-op home shows the sections of the caller's roles).
pages_board=(/c/demo /c/demo/register /c/demo/members /c/demo/ballots/new /c/demo/bylaws/amendments/new)
pages_treasurer=(/c/demo /c/demo/capital)
pages_admin=(/c/demo/audit)

cat >"$data/report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("%.2f %.2f %d %d\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA

printf "%-45s %9s %9s %9s %8s\n" "page" "p50 ms" "p99 ms" "requests" "kB"
measure() {  # cookie path [who]
  local cookie=$1 path=$2 who=${3:-}
  local size final
  # A page that redirects (the home page to the co-op) is measured where it lands.
  final=$(curl -s -L -o /dev/null -w '%{url_effective}' -H "Cookie: $cookie" "$base$path")
  path=${final#"$base"}
  size=$(curl -s -o /dev/null -w '%{size_download}' -H "Cookie: $cookie" "$base$path")
  read -r p50 p99 requests errors < <(wrk -t1 -c"$conns" -d"${duration}s" -H "Cookie: $cookie" \
    -s "$data/report.lua" "$base$path" | tail -1)
  printf "%-45s %9s %9s %9s %8.1f%s\n" "$path${who:+ ($who)}" "$p50" "$p99" "$requests" "$(echo "$size / 1024" | bc -l)" \
    "$([ "$errors" != 0 ] && echo "  ERRORS: $errors")"
}
measure "" /healthz
for email_pages in "member@demo.coop:pages_member" "board@demo.coop:pages_board" \
  "treasurer@demo.coop:pages_treasurer" "admin@demo.coop:pages_admin"; do
  email=${email_pages%%:*}
  declare -n list=${email_pages##*:}
  cookie=$(sign_in "$email")
  for path in "${list[@]}"; do measure "$cookie" "$path" "${email%%@*}"; done
done
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $duration s per page, $conns connections"
