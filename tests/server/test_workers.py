"""The production server's workers (``config/server.py``): each listens on a socket of its own,
new connections are spread over them, a worker that dies is replaced, SIGTERM stops them all,
and a server that cannot start says why and exits instead of looping."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest

from config.server import MIN_WORKER_LIFETIME
from tests.server.conftest import DATABASE
from tests.server.harness import BASE_DIR, AppServer, free_port, request


def listening_pids(port: int) -> list[int]:
    return sorted(
        {
            connection.pid
            for connection in psutil.net_connections("tcp")
            if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port
        }
    )


def wait_for(predicate, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


def test_each_worker_listens_on_a_socket_of_its_own(app_server):
    pids = listening_pids(app_server.port)

    children = {child.pid for child in psutil.Process(app_server.process.pid).children(recursive=True)}
    assert len(pids) == 2  # WEB_CONCURRENCY=2
    assert set(pids) <= children
    assert app_server.process.pid not in pids  # the parent holds the port but takes no connection


def test_new_connections_are_spread_over_the_workers(app_server):
    # 24 keep-alive connections: the chance that the kernel's hash puts all of them on one of two
    # workers is 2 in 2**24. With one shared socket, the first worker to wake took them all.
    connections = [http.client.HTTPConnection("127.0.0.1", app_server.port, timeout=10) for _ in range(24)]
    try:
        for connection in connections:
            connection.request("GET", "/healthz")
            assert connection.getresponse().read()
        holders = {
            connection.pid
            for connection in psutil.net_connections("tcp")
            if connection.status == psutil.CONN_ESTABLISHED and connection.laddr.port == app_server.port
        }
    finally:
        for connection in connections:
            connection.close()

    assert holders == set(listening_pids(app_server.port))


def test_a_dead_worker_is_replaced_and_sigterm_stops_them_all(own_postgres, tmp_path):
    with AppServer(own_postgres.url(DATABASE), tmp_path / "server.log") as server:
        before = listening_pids(server.port)
        assert len(before) == 2
        time.sleep(MIN_WORKER_LIFETIME)  # a worker dying sooner is a crash loop, not restarted

        os.kill(before[0], signal.SIGKILL)
        psutil.Process(before[0]).wait(timeout=10)  # its socket, and what waited in it, gone
        assert request(server.port, "GET", "/healthz").status == 200  # the other one answers

        after = wait_for(lambda: (pids := listening_pids(server.port)) and len(pids) == 2 and pids)
        assert after
        assert before[0] not in after
        assert before[1] in after
        assert wait_for(lambda: request(server.port, "GET", "/healthz").status == 200)

        workers = [psutil.Process(pid) for pid in after]
        server.process.send_signal(signal.SIGTERM)  # the parent alone, not its process group
        assert server.process.wait(timeout=40) == 0
        assert not [worker for worker in workers if worker.is_running() and worker.status() != "zombie"]
        assert listening_pids(server.port) == []
    assert "died (exit status -9): starting another" in (tmp_path / "server.log").read_text()


def _run_server(env: dict[str, str], seconds: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "config.server"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds,
        check=False,
    )


def _server_env(own_postgres, port: int, **changes: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "a-secret-key-for-the-server-tests-only-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": own_postgres.url(DATABASE),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "info",
    }
    env.update(changes)
    return {name: value for name, value in env.items() if value != ""}


def test_a_port_held_by_another_program_is_refused_at_once(own_postgres):
    port = free_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()

        result = _run_server(_server_env(own_postgres, port), seconds=30)

    assert result.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Started server process" not in result.stderr  # no worker was started


@pytest.mark.parametrize("setting", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_workers_that_cannot_start_stop_the_server_instead_of_restarting(own_postgres, setting):
    port = free_port()

    # Production settings refuse to load without these: every worker fails as it starts.
    result = _run_server(_server_env(own_postgres, port, **{setting: ""}))

    assert result.returncode == 1
    assert "could not start" in result.stderr
    assert "starting another" not in result.stderr
    assert listening_pids(port) == []
