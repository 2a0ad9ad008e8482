"""``make slowclients``: slow clients and a database stall against the production server.

    .venv/bin/python -m benchmarks.slowclients --slow 50 --hold 20 --stall 12

Starts the production server (``python -m config.server``, DEBUG off, as benchmarks/run.py
does, on the same database) and a probe that asks ``GET /api/v1/auth/me/`` with a token every
``--interval`` seconds (timeout 10 s). Three phases:

1. idle: the probe alone for ``--idle`` seconds (after 3 s of warm-up);
2. slow clients: ``--slow`` connections held for ``--hold`` seconds, half sending their
   headers one line a second, half sending their headers and then one body byte a second
   (a connection the server closes is opened again, and counted);
3. database stall (``--stall`` seconds, 0 to skip; only for a PostgreSQL on this machine whose
   data directory is known: the embedded one): every PostgreSQL process is stopped with
   SIGSTOP, then continued; four probes ask at once meanwhile.

Prints, and writes to benchmarks/results/slowclients-*.md, the probe's success rate and
p50/p95/max per phase, with the targets: under slow clients 99% success or better and a p95
within 3 times the idle p95; during the stall no answer later than 5 s (503 with Retry-After
is the honest one), and answers again once the database is back.
"""

import argparse
import http.client
import os
import random
import signal
import socket
import statistics
import sys
import threading
import time
from datetime import UTC, datetime

from benchmarks import run

TARGET_SUCCESS = 0.99
TARGET_P95_RATIO = 3.0
TARGET_STALL_SECONDS = 5.0


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, default=50, help="Slow connections held at once.")
    parser.add_argument("--hold", type=int, default=20, help="Seconds the slow connections are held.")
    parser.add_argument("--idle", type=int, default=10, help="Seconds of probing before them.")
    parser.add_argument("--stall", type=int, default=12, help="Seconds the database is paused (0: skip).")
    parser.add_argument("--interval", type=float, default=0.1, help="Seconds between probe requests.")
    parser.add_argument("--workers", type=int, default=0, help="Server workers (default: config.server).")
    parser.add_argument("--any-database", action="store_true", help="As for benchmarks.run.")
    return parser.parse_args(argv)


def probe_once(port: int, token: str, timeout: float = 10) -> tuple[int | None, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/api/v1/auth/me/", headers={"Authorization": f"Token {token}"})
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = None
    finally:
        connection.close()
    return status, time.monotonic() - started


def probe_for(seconds: float, port: int, token: str, interval: float, parallel: int = 1) -> list:
    results, lock = [], threading.Lock()
    deadline = time.monotonic() + seconds

    def loop():
        while time.monotonic() < deadline:
            answer = probe_once(port, token)
            with lock:
                results.append(answer)
            time.sleep(interval)

    threads = [threading.Thread(target=loop) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    return results


class SlowClients:
    """Connections that trickle their requests, one line or byte a second, from one thread."""

    def __init__(self, port: int, count: int) -> None:
        self.port, self.count = port, count
        self.reopened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _open(self, index: int) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        if index % 2:
            sock.sendall(
                b"POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100000\r\n\r\n{"
            )
        else:
            sock.sendall(b"GET /api/v1/auth/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        return sock

    def _run(self) -> None:
        sockets = [self._open(index) for index in range(self.count)]
        tick = 0
        while not self._stop.wait(1):
            tick += 1
            for index, sock in enumerate(sockets):
                piece = b" " if index % 2 else f"X-Slow-{tick}: {random.randint(0, 9)}\r\n".encode()
                try:
                    sock.sendall(piece)
                except OSError:
                    sock.close()
                    self.reopened += 1
                    sockets[index] = self._open(index)
        for sock in sockets:
            sock.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)


def postgres_processes():
    """The local PostgreSQL's processes (postmaster first), or None when it is not local."""
    import psutil

    from config.localdb import DATA_DIR

    pid_file = DATA_DIR / "postmaster.pid"
    if not pid_file.exists():
        return None
    postmaster = psutil.Process(int(pid_file.read_text().split()[0]))
    return [postmaster, *postmaster.children(recursive=True)]


def summary(results: list) -> dict:
    seconds = sorted(s for _, s in results)
    ok = [s for status, s in results if status == 200]
    return {
        "requests": len(results),
        "success": len(ok) / len(results) if results else 0.0,
        "p50_ms": 1000 * statistics.median(seconds) if seconds else None,
        "p95_ms": 1000 * seconds[int(0.95 * (len(seconds) - 1))] if seconds else None,
        "max_ms": 1000 * seconds[-1] if seconds else None,
        "statuses": {str(k): sum(1 for s, _ in results if s == k) for k in {s for s, _ in results}},
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    url = run.database_url(args)
    if url is None:
        return 2
    env = run.server_environment(url, args)
    os.environ.update(env)
    os.environ["DB_STATEMENT_TIMEOUT"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=0)
    token = run.bench_token()
    connections.close_all()
    port = run.free_port()
    log_path = run.RESULTS_DIR / "slowclients-server.log"
    run.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    phases = {}
    stall_note = ""
    with run.app_server(env, port, token, log_path):
        probe_for(3, port, token, args.interval)  # warm-up: every worker and connection in use once
        run.say(f"== idle: {args.idle} s of probes")
        phases["idle"] = summary(probe_for(args.idle, port, token, args.interval))
        run.say(f"== {args.slow} slow connections held for {args.hold} s")
        with SlowClients(port, args.slow) as slow:
            phases["slow clients"] = summary(probe_for(args.hold, port, token, args.interval))
        reopened = slow.reopened
        processes = postgres_processes() if args.stall else None
        if args.stall and processes is None:
            stall_note = "stall skipped: the database is not the embedded PostgreSQL of this checkout"
        elif processes:
            run.say(f"== database paused (SIGSTOP) for {args.stall} s, four probes at once")
            for process in processes:
                process.send_signal(signal.SIGSTOP)
            try:
                phases["database stall"] = summary(
                    probe_for(args.stall, port, token, args.interval, parallel=4)
                )
            finally:
                for process in processes:
                    process.send_signal(signal.SIGCONT)
            started = time.monotonic()
            while probe_once(port, token)[0] != 200 and time.monotonic() - started < 60:
                time.sleep(0.2)
            stall_note = f"served again {time.monotonic() - started:.1f} s after the database was continued"
    idle, slow_phase = phases["idle"], phases["slow clients"]
    ratio = slow_phase["p95_ms"] / idle["p95_ms"] if idle["p95_ms"] else None
    lines = [
        "| phase | requests | success | p50 ms | p95 ms | max ms | answers |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, phase in phases.items():
        lines.append(
            f"| {name} | {phase['requests']} | {100 * phase['success']:.1f}% | {phase['p50_ms']:.1f} | "
            f"{phase['p95_ms']:.1f} | {phase['max_ms']:.1f} | {phase['statuses']} |"
        )
    slow_ok = slow_phase["success"] >= TARGET_SUCCESS and ratio is not None and ratio <= TARGET_P95_RATIO
    lines += [
        "",
        f"slow clients: success {100 * slow_phase['success']:.1f}% (target >= 99%), p95 / idle p95 "
        f"{ratio:.2f} (target <= 3): {'PASS' if slow_ok else 'FAIL'}; slow connections reopened: {reopened}",
    ]
    if "database stall" in phases:
        stall = phases["database stall"]
        stall_ok = stall["max_ms"] <= 1000 * TARGET_STALL_SECONDS
        lines.append(
            f"database stall: longest answer {stall['max_ms'] / 1000:.2f} s (target <= 5 s): "
            f"{'PASS' if stall_ok else 'FAIL'}"
        )
    if stall_note:
        lines.append(stall_note)
    table = "\n".join(lines)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = run.RESULTS_DIR / f"slowclients-{stamp}.md"
    command = "python -m benchmarks.slowclients " + " ".join(sys.argv[1:] if argv is None else argv)
    path.write_text(f"# Slow clients and a database stall\n\n`{command}`\n\n{table}\n", encoding="utf-8")
    run.say("")
    run.say(table)
    run.say(f"\nWritten to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
