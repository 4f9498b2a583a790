#!/usr/bin/env python3
"""The current TOTP code of a demo staff account, and how long it has left.

    python3 demo/totp.py nurse@example.org      (make totp EMAIL=nurse@example.org)

Standard library only, so it answers at once: it reads the secrets and the period that
`manage.py demo_start` saved under var/ rather than starting Django.
"""

import base64
import hashlib
import hmac
import json
import os
import struct
import sys
import time
from pathlib import Path

SECRETS_FILE = "demo-totp.json"
DIGITS = 6


def var_dir() -> Path:
    return Path(os.environ.get("PORTAL_VAR_DIR") or Path(__file__).resolve().parent.parent / "var")


def totp_code(secret: str, *, period: int, now: float) -> tuple[str, int]:
    """RFC 6238 with SHA-1 and 6 digits, as allauth's authenticator codes are. Returns the code
    and the whole seconds it has left."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(now // period)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**DIGITS:0{DIGITS}d}", period - int(now % period)


def main(argv: list[str]) -> int:
    path = var_dir() / SECRETS_FILE
    try:
        saved = json.loads(path.read_text())
    except FileNotFoundError:
        print(f"No demo accounts yet ({path} is missing): run `make run` first.", file=sys.stderr)
        return 1
    if len(argv) != 1 or argv[0] not in saved["secrets"]:
        known = ", ".join(saved["secrets"])
        print(f"Usage: make totp EMAIL=<one of: {known}>", file=sys.stderr)
        return 2
    code, left = totp_code(saved["secrets"][argv[0]], period=saved["period"], now=time.time())
    print(
        f"{code}  (valid for {left} more second{'s' if left != 1 else ''}; a new code comes every {saved['period']} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
