#!/usr/bin/env python3
"""Time a newcomer's start: from `git clone` to the first page served by `make run`.

    python3 bench/first_run.py                    # clones this checkout's current branch
    python3 bench/first_run.py --port 8765 --source https://example.org/portal.git

Clones into a temporary folder (its own .venv, its own var/), runs `make run` there on
a free loopback port, fetches `/` until it answers 200, prints the seconds taken, then
stops what it started and removes the folder. Needs python3, git, make and the package
registries, as a newcomer's machine does.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def first_page(url: str, deadline: float, server: subprocess.Popen) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"make run stopped (exit {server.returncode}) before serving a page")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    sys.exit(f"no page from {url} in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=str(BASE_DIR), help="repository to clone (default: this checkout)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--timeout", type=int, default=1200, help="seconds to wait for the first page")
    parser.add_argument("--keep", action="store_true", help="keep the clone and print where it is")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="portal-first-run-"))
    clone = folder / "portal"
    log = folder / "make-run.log"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV")}
    env["PORT"] = str(args.port)
    server = None
    start = time.monotonic()
    try:
        subprocess.run(
            ["git", "-c", "advice.detachedHead=false", "clone", "--quiet", args.source, str(clone)], check=True
        )
        with log.open("w") as out:
            server = subprocess.Popen(
                ["make", "run", f"PORT={args.port}"],
                cwd=clone,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        first_page(f"http://127.0.0.1:{args.port}/", start + args.timeout, server)
        print(f"git clone to the first page of `make run`: {time.monotonic() - start:.0f} s")
        print(f"(make run's output: {log})" if args.keep else "")
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if args.keep:
            print(f"clone kept in {clone}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
