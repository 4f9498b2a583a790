#!/usr/bin/env python3
"""Benchmark one page of the portal against a bare Django view, side by side.

    .venv/bin/python bench/run.py leaflet            # one benchmark
    .venv/bin/python bench/run.py --list             # what there is
    .venv/bin/python bench/run.py queue --rounds 5 --duration 10

Both the portal (production settings, PostgreSQL, Redis cache) and the bare view
(bench/bare: a ~3 KB template, no database, no session, only the Security and
Common middleware) are served by gunicorn with 2 sync workers on loopback ports.
wrk loads them in turn (bare, target, bare, target, ...) for a fixed duration
each; the script prints each round and the medians, the ratio target/bare, and
whether the issue's targets were met. Only loopback, only bounded runs.

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/perf) and
REDIS_URL (default redis://127.0.0.1:6379/7) name the seeded database and the
Redis to use; `manage.py seed_demo` fills the database first.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "bench"
WORK_DIR = BASE_DIR / "var" / "bench"
PUBLIC_HOST = "portal.example.org.uk"  # the server_name in docs/nginx-portal.conf

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": f"127.0.0.1,localhost,{PUBLIC_HOST}",
    "SECURE_SSL_REDIRECT": "false",  # loopback has no TLS; nginx adds it in the nginx benchmark
    "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perf"),
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7"),
    "STATIC_ROOT": str(WORK_DIR / "static"),
    "LOG_LEVEL": "WARNING",
    # The ask benchmark posts the form thousands of times from one address: no rate limit on it here.
    "HELPLINE_ASK_LIMIT_PER_IP": "1000000000",
    "HELPLINE_ASK_LIMIT_PER_ADDRESS": "1000000000",
}


def need(program: str, how: str) -> str:
    path = shutil.which(program) or (f"/usr/sbin/{program}" if Path(f"/usr/sbin/{program}").exists() else None)
    if not path:
        sys.exit(f"{program} is not installed. Install it with: {how}")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"server on port {port} did not start; log:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)


@contextmanager
def process(command: list[str], *, env: dict, name: str, port: int):
    """Run one server process until the block ends; stop it by its own pid."""
    log = WORK_DIR / f"{name}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, log)
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Ask a process to finish (SIGTERM), and kill it if it has not within 20 s."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def gunicorn(app: str, *, env: dict, name: str, workers: int = 2):
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", app,
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
        "--backlog", "2048", "--log-level", "warning",
    ]  # fmt: skip
    return port, process(command, env={**os.environ, **env}, name=name, port=port)


def production_env() -> dict:
    return {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "portal.settings"}


def setup_django() -> None:
    """Use the portal's production settings in this process too (to make sessions, read data)."""
    os.environ.update(production_env())
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def collectstatic() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=BASE_DIR,
        env={**os.environ, **production_env()},
        check=True,
    )


# ---------------------------------------------------------------- load


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children (gunicorn's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
        pending += [int(child) for child in children]
    return total


def measured(run, pid: int | None) -> dict:
    """Run one wrk load and add the server's CPU milliseconds per request to its result."""
    before = tree_cpu_seconds(pid) if pid else 0.0
    result = run()
    if pid and result["requests"]:
        result["cpu_ms"] = (tree_cpu_seconds(pid) - before) * 1000 / result["requests"]
    return result


def wrk(
    url: str,
    *,
    duration: float,
    connections: int,
    threads: int = 1,
    headers: dict | None = None,
    paths=(),
    body: str = "",
) -> dict:
    """Load `url` (or, with `paths`, each of them in turn on that host; with `body`, POST it) and return the results."""
    command = [
        need("wrk", "apt-get install -y wrk"), f"-t{threads}", f"-c{connections}", f"-d{duration:g}s",
        "--timeout", "5s", "-s", str(BENCH_DIR / "report.lua"),
    ]  # fmt: skip
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    env = {**os.environ, "BENCH_PATHS": " ".join(paths), "BENCH_BODY": body}
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True, env=env).stdout
    result = json.loads(output.strip().splitlines()[-1])
    if result["non_2xx_3xx"] or result["errors"]:
        print(f"  warning: {result['errors']} errors ({result['non_2xx_3xx']} non-2xx/3xx) from {url}")
    return result


def fetch(url: str, headers: dict | None = None):
    """One GET; returns (status, headers, body). Redirects are not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    # The nginx benchmark's certificate is a throw-away self-signed one.
    insecure = urllib.request.HTTPSHandler(context=ssl._create_unverified_context())
    opener = urllib.request.build_opener(NoRedirect, insecure)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


# ---------------------------------------------------------------- benchmarks


@dataclass
class Load:
    """One thing to load: a path on the portal, optionally signed in as someone."""

    label: str
    path: str
    headers: dict = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)  # several paths, taken in turn
    body: str = ""  # with a body, every request is a POST of it (a form, urlencoded)


@dataclass
class Benchmark:
    name: str
    describe: str
    loads: "callable"  # () -> list[Load], called after Django is set up
    min_ratio: float | None = None
    max_p95_ms: float | None = None
    checks: "callable | None" = None  # (base_url, loads) -> list[(description, ok)]
    via_nginx: bool = False


BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(**kwargs):
    def register(loads):
        BENCHMARKS[kwargs["name"]] = Benchmark(loads=loads, **kwargs)
        return loads

    return register


def run_benchmark(bench: Benchmark, *, rounds: int, duration: float, connections: int, threads: int = 1) -> bool:
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    need("wrk", "apt-get install -y wrk")
    collectstatic()
    setup_django()
    loads = bench.loads()
    print(f"== {bench.name}: {bench.describe}")
    print(f"   {rounds} interleaved rounds of {duration:g} s each, wrk -t{threads} -c{connections}, loopback")
    with ExitStack() as stack:
        bare_port, bare = gunicorn(
            "bench.bare.wsgi", env={"DJANGO_SETTINGS_MODULE": "bench.bare.settings"}, name="bare"
        )
        bare_pid = stack.enter_context(bare).pid
        portal_port, portal = gunicorn("portal.wsgi", env=production_env(), name="portal")
        portal_pid = stack.enter_context(portal).pid
        base = f"http://127.0.0.1:{portal_port}"
        if bench.via_nginx:
            from bench.nginx import running_nginx

            base = stack.enter_context(running_nginx(upstream_ports=[portal_port], work_dir=WORK_DIR))
            portal_pid = None  # the work is nginx's; gunicorn's CPU per request says nothing here
        bare_url = f"http://127.0.0.1:{bare_port}/"

        results = {"bare": []} | {load.label: [] for load in loads}
        for load in loads:  # warm up every worker's caches and connections
            wrk(
                base + load.path,
                duration=1,
                connections=connections,
                threads=threads,
                headers=load.headers,
                paths=load.paths,
                body=load.body,
            )
        wrk(bare_url, duration=1, connections=connections, threads=threads)
        for round_number in range(1, rounds + 1):
            for load in loads:
                results["bare"].append(
                    measured(
                        lambda: wrk(bare_url, duration=duration, connections=connections, threads=threads), bare_pid
                    )
                )
                results[load.label].append(
                    measured(
                        lambda load=load: wrk(
                            base + load.path,
                            duration=duration,
                            connections=connections,
                            threads=threads,
                            headers=load.headers,
                            paths=load.paths,
                            body=load.body,
                        ),
                        portal_pid,
                    )
                )
            print(f"   round {round_number}: " + ", ".join(f"{k} {v[-1]['rps']:.0f}/s" for k, v in results.items()))

        checks = bench.checks(base, loads) if bench.checks else []

    return report(bench, results, checks)


def report(bench: Benchmark, results: dict, checks: list) -> bool:
    bare_rps = statistics.median(r["rps"] for r in results["bare"])
    bare_cpu = statistics.median(r.get("cpu_ms", 0) for r in results["bare"])
    ok = True
    # "cpu ms": CPU the web server's processes spent per request (not PostgreSQL's or Redis's);
    # "cpu ratio" = bare's / this page's: what the throughput ratio would be with cores to spare.
    print(
        f"   {'page':<36} {'req/s':>7} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'cpu ms':>7} {'cpu ratio':>9}"
    )
    for label, runs in results.items():
        rps = statistics.median(r["rps"] for r in runs)
        p50 = statistics.median(r["p50_ms"] for r in runs)
        p95 = statistics.median(r["p95_ms"] for r in runs)
        p99 = statistics.median(r["p99_ms"] for r in runs)
        ratio = rps / bare_rps
        cpu = statistics.median(r.get("cpu_ms", 0) for r in runs)
        cpu_text = f"{cpu:>7.2f} {bare_cpu / cpu:>8.2f}x" if cpu and bare_cpu else f"{'-':>7} {'-':>9}"
        print(f"   {label:<36} {rps:>7.0f} {ratio:>5.2f}x {p50:>7.2f} {p95:>7.2f} {p99:>7.2f} {cpu_text}")
        if label == "bare":
            continue
        if not all(r["requests"] for r in runs):
            ok = False
            checks.append((f"{label}: some runs completed no request at all (each took over wrk's 5 s timeout)", False))
            continue
        if bench.min_ratio is not None:
            met = ratio >= bench.min_ratio
            ok &= met
            checks.append((f"{label}: throughput {ratio:.2f}x bare (target >= {bench.min_ratio}x)", met))
        if bench.max_p95_ms is not None:
            met = p95 < bench.max_p95_ms
            ok &= met
            checks.append((f"{label}: p95 {p95:.1f} ms (target < {bench.max_p95_ms:g} ms)", met))
    for description, met in checks:
        ok &= met
        print(f"   [{'met' if met else 'MISSED'}] {description}")
    return ok


def main() -> None:
    # Importing the benchmark definitions registers them.
    import bench.pages  # noqa: F401

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="?", choices=sorted(BENCHMARKS))
    parser.add_argument("--list", action="store_true", help="list the benchmarks")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (wrk -c)")
    parser.add_argument(
        "--threads", type=int, default=1, help="wrk threads (wrk -t); one thread tops out near 25,000/s"
    )
    args = parser.parse_args()
    if args.list or not args.name:
        for bench in BENCHMARKS.values():
            print(f"{bench.name:<12} {bench.describe}")
        return
    ok = run_benchmark(
        BENCHMARKS[args.name],
        rounds=args.rounds,
        duration=args.duration,
        connections=args.connections,
        threads=args.threads,
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    # Run as bench.run, the module bench/pages.py registers its benchmarks with.
    sys.path.insert(0, str(BASE_DIR))
    from bench.run import main

    main()
