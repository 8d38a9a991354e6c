#!/usr/bin/env python3
"""Mints Concord API access tokens offline, for benches/vote.sh.

Logging 100,000 members in through POST /api/v1/auth/token would cost an argon2id
hash each (~50 ms). The tokens are the same HS256 JWTs src/auth/token.rs signs
(TokenKeys::issue): header {"typ":"JWT","alg":"HS256"}, claims
{"sub": user id, "ver": users.token_version, "kind": "access", "iat", "exp"},
keyed with the bytes of the hexadecimal key in <data dir>/signing-key
(src/config.rs, load_or_create_key). The server checks them exactly as it checks the
tokens it issues (signature, exp, kind, then token_version against the users row).

usage: mint_tokens.py SIGNING_KEY_FILE USERS_FILE OUT_FILE [TTL_SECONDS]
USERS_FILE: "user_id<TAB>token_version" per line. The tokens are written in a
shuffled order (a fixed seed), so that voters do not arrive in key order.
"""
import base64
import hashlib
import hmac
import json
import random
import sys
import time


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main() -> None:
    key_file, users_file, out_file = sys.argv[1:4]
    ttl = int(sys.argv[4]) if len(sys.argv) > 4 else 3600
    with open(key_file) as f:
        key = bytes.fromhex(f.read().strip())
    users = []
    with open(users_file) as f:
        for line in f:
            if line.strip():
                user, version = line.split()
                users.append((user, int(version)))
    random.Random(2026).shuffle(users)
    now = int(time.time())
    header = b64(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
    with open(out_file, "w") as out:
        for user, version in users:
            claims = {"sub": user, "ver": version, "kind": "access", "iat": now, "exp": now + ttl}
            payload = b64(json.dumps(claims, separators=(",", ":")).encode())
            signing_input = f"{header}.{payload}".encode()
            signature = b64(hmac.new(key, signing_input, hashlib.sha256).digest())
            out.write(f"{header}.{payload}.{signature}\n")


if __name__ == "__main__":
    main()
