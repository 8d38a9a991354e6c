#!/usr/bin/env bash
# A mail relay outage: N messages queued while the SMTP relay is down, then the relay
# comes back and the server's outbox worker delivers them. Prints how many were
# delivered and how fast, beside the baseline of Python's smtplib sending the same
# number of messages to the same relay over one connection.
#
# Usage: benches/outbox.sh [MESSAGES]   (default 10000)
# The relay is aiosmtpd (tests/support/smtp_server.py), from PyPI into
# target/tmp/smtp-venv as the tests install it.
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-10000}
source benches/common.sh
bench_binary
venv=target/tmp/smtp-venv
if ! "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check aiosmtpd==1.4.6
fi
bench_data outbox
smtp=19$((RANDOM % 900 + 100))
relay=
bench_stop_more() { [ -z "$relay" ] || kill "$relay" 2>/dev/null || true; }
# The relay is down: nothing listens on its port.
bench_serve --smtp-url "smtp://127.0.0.1:$smtp"

# The messages a posting queues: one per member, each its own text.
psql -c "INSERT INTO outgoing_mail (recipient, subject, body)
         SELECT 'member' || g || '@bench.test', 'Your notice of allocation', repeat('Line of the notice ' || g || E'.\n', 20)
         FROM generate_series(1, $messages) g"
# Every message is tried once and kept, with the reason, while the relay is down.
until [ "$(psql -At -c "SELECT count(*) FROM outgoing_mail WHERE attempts = 0")" = 0 ]; do sleep 0.2; done
waiting=$(psql -At -c "SELECT count(*) FROM outgoing_mail WHERE status = 'queued'")

# The relay comes back; the retry falls due (time passes).
mkdir "$data/mail"
"$venv/bin/python" tests/support/smtp_server.py "$smtp" "$data/mail" >"$data/relay.out" &
relay=$!
until grep -q ready "$data/relay.out"; do sleep 0.05; done
psql -c "UPDATE outgoing_mail SET next_attempt_at = now()"
start=$(date +%s.%N)
until [ "$(psql -At -c "SELECT count(*) FROM outgoing_mail WHERE status = 'queued'")" = 0 ]; do sleep 0.1; done
concord=$(echo "$(date +%s.%N) - $start" | bc)
sent=$(psql -At -c "SELECT count(*) FROM outgoing_mail WHERE status = 'sent'")
received=$(find "$data/mail" -name '*.eml' | wc -l)

# Baseline: smtplib sends the same number of messages to the same relay.
rm -rf "$data/mail"/*
start=$(date +%s.%N)
"$venv/bin/python" - "$smtp" "$messages" <<'PY'
import smtplib, sys
from email.message import EmailMessage
port, n = int(sys.argv[1]), int(sys.argv[2])
with smtplib.SMTP("127.0.0.1", port) as s:
    for g in range(1, n + 1):
        m = EmailMessage()
        m["From"], m["To"], m["Subject"] = "concord@localhost", "member%d@bench.test" % g, "Your notice of allocation"
        m.set_content(("Line of the notice %d.\n" % g) * 20)
        s.send_message(m)
PY
python=$(echo "$(date +%s.%N) - $start" | bc)

echo "machine: $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg); binary: $bin"
printf '| step | value |\n|---|---|\n'
printf '| messages queued while the relay was down, kept (none lost) | %s |\n' "$waiting"
printf '| delivered once the relay was back (relay received) | %s (%s) |\n' "$sent" "$received"
printf '| seconds to deliver them, Concord'"'"'s outbox worker | %.3f |\n' "$concord"
printf '| seconds, baseline: Python smtplib, one connection | %.3f |\n' "$python"
printf '| ratio | %.2f |\n' "$(echo "$concord / $python" | bc -l)"
