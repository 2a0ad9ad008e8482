"""The production server: ``python -m config.server`` (what ``make serve`` and ``make bench`` run).

uvicorn (httptools parser, uvloop) serving ``config.asgi:application``. An ASGI server reads
every connection on its event loop, and Django's ASGI handler (with ``config.asgi``'s guard in
front) reads the whole request body there before a worker thread is taken, so a client that
trickles its headers or its body holds a socket, never a worker. ``benchmarks/slowclients.py``
measures it, ``tests/server/`` checks it.

``python -m config.server --local`` (``make serve``) is the same server for this machine: it
first fills in what a deployment must set and says so (a random ``SECRET_KEY`` kept in
``var/secret-key``, ``ALLOWED_HOSTS`` of the address served, plain HTTP, the embedded
PostgreSQL when ``DATABASE_URL`` is unset), then runs ``migrate`` and ``collectstatic``.

Environment: ``HOST`` (default 127.0.0.1), ``PORT`` (8000), ``WEB_CONCURRENCY`` (worker
processes; default 2 x cores + 1: each runs Django's sync views in one thread, so while one
waits on the database another uses the core), ``LOG_LEVEL``, ``ACCESS_LOG`` (off unless set).

Each worker listens on a socket of its own, bound with ``SO_REUSEPORT``, and the kernel spreads
new connections over them. uvicorn's own ``--workers`` shares one socket, and the first worker
to wake accepts every connection waiting: four keep-alive clients could all land on one
worker, served one after the other on one core while the others idle (measured in
``benchmarks/README.md``). The parent holds the port (bound, not listening, so it takes no
connections), starts the workers, replaces one that dies and stops them all on SIGTERM or
SIGINT, each finishing the answers in flight. The price: connections still waiting in a
worker's own queue when it dies are reset, where a shared socket would hand them to another.
"""

import argparse
import logging
import multiprocessing
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from config.env import env_bool

APP = "config.asgi:application"
BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY_FILE = BASE_DIR / "var" / "secret-key"
# uvicorn's exit status for a worker that could not start (the app failed to load, say):
# restarting it would fail the same way, so the server stops instead.
STARTUP_FAILURE = 3
# A worker that dies sooner than this after its start is not restarted (a crash loop).
MIN_WORKER_LIFETIME = 5.0

logger = logging.getLogger("uvicorn.error")


def workers() -> int:
    return int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)


def options() -> dict:
    """uvicorn's settings for this project, from the environment."""
    return {
        "host": os.environ.get("HOST", "127.0.0.1"),
        "port": int(os.environ.get("PORT", "8000")),
        "workers": workers(),
        "http": "httptools",
        "loop": "uvloop",
        "ws": "none",
        # Django has no lifespan protocol; "auto" would only log that.
        "lifespan": "off",
        # No "Server: uvicorn" banner.
        "server_header": False,
        # Django decides what to believe of X-Forwarded-* (NUM_PROXIES, SECURE_PROXY_SSL_HEADER);
        # uvicorn's own rewriting (on by default for 127.0.0.1) would second-guess it.
        "proxy_headers": False,
        "access_log": env_bool("ACCESS_LOG"),
        "log_level": os.environ.get("LOG_LEVEL", "info").lower(),
        # Idle keep-alive connections are closed after 5 s; answers in flight get 30 s at shutdown.
        "timeout_keep_alive": 5,
        "timeout_graceful_shutdown": 30,
    }


def _local_secret_key() -> str:
    if not SECRET_KEY_FILE.exists():
        SECRET_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        SECRET_KEY_FILE.write_text(secrets.token_urlsafe(50))
        SECRET_KEY_FILE.chmod(0o600)
    return SECRET_KEY_FILE.read_text().strip()


def prepare_local() -> None:
    """Fill in, for serving on this machine, what a deployment sets; then migrate and collect
    the static files, as a deployment does before it starts the server."""
    os.environ["DEBUG"] = "0"
    given = []
    if not os.environ.get("SECRET_KEY", "").strip():
        os.environ["SECRET_KEY"] = _local_secret_key()
        given.append(f"SECRET_KEY from {SECRET_KEY_FILE.relative_to(BASE_DIR)}")
    if not os.environ.get("ALLOWED_HOSTS", "").strip():
        os.environ["ALLOWED_HOSTS"] = ",".join(dict.fromkeys([os.environ["HOST"], "localhost", "127.0.0.1"]))
        given.append(f"ALLOWED_HOSTS={os.environ['ALLOWED_HOSTS']}")
    if not os.environ.get("SECURE_SSL_REDIRECT", "").strip():
        os.environ["SECURE_SSL_REDIRECT"] = "0"
        given.append("SECURE_SSL_REDIRECT=0 (plain HTTP, no TLS proxy in front)")
    if not os.environ.get("DATABASE_URL", "").strip():
        from config.localdb import ensure_database_url

        ensure_database_url()
        given.append("DATABASE_URL of the embedded PostgreSQL (var/postgres, database claimtrack)")
    for line in given:
        print(f"make serve: {line}", flush=True)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], check=True)  # noqa: S603 - our own command
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], check=True)  # noqa: S603


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run Claimtrack's production server (uvicorn).")
    parser.add_argument("--local", action="store_true", help="Fill in local settings, migrate, serve.")
    parser.add_argument("--host", help="Address to listen on (default: HOST, else 127.0.0.1).")
    parser.add_argument("--port", type=int, help="Port (default: PORT, else 8000).")
    args = parser.parse_args(argv)
    if args.host:
        os.environ["HOST"] = args.host
    if args.port:
        os.environ["PORT"] = str(args.port)
    os.environ.setdefault("HOST", "127.0.0.1")
    if args.local:
        prepare_local()
    # The embedded PostgreSQL (if started above) lives as long as this process: serve from it.
    sys.exit(serve(options()))


def listening_socket(host: str, port: int, *, listen: bool) -> socket.socket:
    """A TCP socket bound to ``host:port`` with ``SO_REUSEPORT``: the workers' sockets listen on
    the same port, the kernel choosing one per new connection. Binding fails (OSError) when
    another program holds the port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        if listen:
            sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def _worker(settings: dict[str, Any]) -> None:
    """One worker process: uvicorn serving the app on a socket of its own."""
    import uvicorn

    config = uvicorn.Config(APP, **settings)
    sock = listening_socket(config.host, config.port, listen=True)
    uvicorn.Server(config).run(sockets=[sock])


def serve(settings: dict[str, Any]) -> int:
    """Run ``settings["workers"]`` workers until SIGTERM or SIGINT; the exit status."""
    import uvicorn

    worker_settings = {name: value for name, value in settings.items() if name != "workers"}
    config = uvicorn.Config(APP, **worker_settings)  # validates the settings, sets up logging
    try:
        holder = listening_socket(config.host, config.port, listen=False)
    except OSError as exc:
        logger.error("Cannot listen on %s:%s: %s", config.host, config.port, exc)
        return 1
    stopping: list[int] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda signum, frame: stopping.append(signum))
    context = multiprocessing.get_context("spawn")

    def start() -> tuple[multiprocessing.process.BaseProcess, float]:
        process = context.Process(target=_worker, args=(worker_settings,), daemon=False)
        process.start()
        return process, time.monotonic()

    workers = [start() for _ in range(settings["workers"])]
    logger.info("Serving on http://%s:%s with %d workers", config.host, config.port, len(workers))
    status = 0
    while not stopping and status == 0:
        time.sleep(0.2)
        for index, (process, started) in enumerate(workers):
            if process.is_alive() or stopping:
                continue
            if process.exitcode == STARTUP_FAILURE or time.monotonic() - started < MIN_WORKER_LIFETIME:
                logger.error(
                    "Worker [%s] could not start (exit status %s): stopping", process.pid, process.exitcode
                )
                status = 1
                break
            logger.warning(
                "Worker [%s] died (exit status %s): starting another", process.pid, process.exitcode
            )
            workers[index] = start()
    for process, _ in workers:
        if process.is_alive():
            os.kill(process.pid, signal.SIGTERM)  # type: ignore[arg-type]
    deadline = time.monotonic() + (config.timeout_graceful_shutdown or 30) + 5
    for process, _ in workers:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
    holder.close()
    return status


if __name__ == "__main__":
    main()
