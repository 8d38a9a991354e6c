"""A real SMTP server for Concord's delivery tests (aiosmtpd).

Usage: smtp_server.py PORT MAILDIR [REFUSED_ADDRESS ...]

Listens on 127.0.0.1:PORT, writes each accepted message to MAILDIR (one file per
recipient, the envelope recipient on the first line), and answers RCPT TO for a
REFUSED_ADDRESS with a permanent 550. Prints "ready" once it listens.
"""

import os
import sys
import time
import uuid

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, maildir, refused):
        self.maildir = maildir
        self.refused = {a.lower() for a in refused}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            name = os.path.join(self.maildir, "%s.eml" % uuid.uuid4())
            with open(name + ".part", "wb") as f:
                f.write(("X-Envelope-To: %s\r\n" % rcpt).encode())
                f.write(envelope.content)
            os.rename(name + ".part", name)
        return "250 2.0.0 Message accepted"


def main():
    port, maildir, refused = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    os.makedirs(maildir, exist_ok=True)
    controller = Controller(Handler(maildir, refused), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
