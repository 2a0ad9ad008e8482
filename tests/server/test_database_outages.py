"""A stalled or stopped database is answered 503 with Retry-After in seconds, and the server
recovers by itself when the database is back (issue 11, item 2).

The PostgreSQL here is the tests' own (conftest.own_postgres): paused with SIGSTOP (every
connection stays open, nothing answers, as a hung server or a silent network), stopped, or
holding a lock, while the production server runs with its default timeouts (connect 3 s,
statement 4 s, lock 3 s)."""

import threading
import time

import psycopg
import pytest

from tests.server.conftest import DATABASE
from tests.server.harness import request

pytestmark = pytest.mark.django_db

# The longest the database stays paused: it is let go as soon as every answer is in (holding it
# longer would check nothing more, and cost the suite the difference).
STALL_SECONDS = 11
# "503 within 5 s" asserted as well under the stall, for a loaded machine.
WELL_UNDER_THE_STALL = 8


def _me(port: int, token: str):
    return request(port, "GET", "/api/v1/auth/me/", headers={"Authorization": f"Token {token}"}, timeout=30)


def _assert_unavailable(answer, code: str) -> None:
    assert answer.status == 503, answer.body
    assert answer.headers["content-type"] == "application/json"
    assert int(answer.headers["retry-after"]) > 0
    body = answer.json
    assert body["status"] == 503
    assert body["code"] == code


def _wait_until_served(port: int, token: str, within: float = 45) -> float:
    """Seconds until /readyz and API requests succeed again, six in a row: every worker's
    pool has reconnected (each backs off on its own while the database is away)."""
    started, in_a_row = time.monotonic(), 0
    while time.monotonic() - started < within:
        served = request(port, "GET", "/readyz").status == 200 and _me(port, token).status == 200
        in_a_row = in_a_row + 1 if served else 0
        if in_a_row == 6:
            return time.monotonic() - started
        time.sleep(0.3)
    raise AssertionError(f"not served again within {within} s")


def _warm(port: int, token: str) -> None:
    # Every worker holds a persistent connection before the database goes away.
    for _ in range(6):
        assert _me(port, token).status == 200


def test_a_paused_database_is_a_503_within_seconds_and_then_recovers(app_server, own_postgres, token):
    port = app_server.port
    _warm(port, token)
    answers: dict[str, object] = {}

    def ask(name, call):
        answers[name] = call()

    with own_postgres.paused():
        paused_at = time.monotonic()
        askers = [
            threading.Thread(target=ask, args=("me", lambda: _me(port, token))),
            threading.Thread(target=ask, args=("me again", lambda: _me(port, token))),
            threading.Thread(target=ask, args=("ready", lambda: request(port, "GET", "/readyz", timeout=30))),
        ]
        for asker in askers:
            asker.start()
        alive = request(port, "GET", "/healthz", timeout=5)
        for asker in askers:
            asker.join(timeout=STALL_SECONDS + 20)
        # Every answer came while the database was still paused (it stays paused until here).
        assert time.monotonic() - paused_at < STALL_SECONDS

    assert alive.status == 200  # the process is alive: no database needed
    _assert_unavailable(answers["me"], "database_unavailable")
    _assert_unavailable(answers["me again"], "database_unavailable")
    _assert_unavailable(answers["ready"], "not_ready")
    assert answers["ready"].json["checks"]["database"] == "down"
    for answer in answers.values():
        assert answer.seconds < WELL_UNDER_THE_STALL
    _wait_until_served(port, token)


def test_a_stopped_database_is_a_503_with_retry_after_and_then_recovers(app_server, own_postgres, token):
    port = app_server.port
    _warm(port, token)
    with own_postgres.stopped():
        me = _me(port, token)
        ready = request(port, "GET", "/readyz")
        login = request(port, "POST", "/api/v1/auth/token/", body={"username": "someone", "password": "x"})
        alive = request(port, "GET", "/healthz")
    _assert_unavailable(me, "database_unavailable")
    _assert_unavailable(ready, "not_ready")
    assert ready.json["errors"][0]["field"] == "database"
    _assert_unavailable(login, "database_unavailable")
    assert alive.status == 200
    for answer in (me, ready, login):
        assert answer.seconds < WELL_UNDER_THE_STALL
    _wait_until_served(port, token)


def test_a_lock_held_elsewhere_is_a_503_after_the_lock_timeout(app_server, own_postgres, token):
    port = app_server.port
    _warm(port, token)
    with psycopg.connect(own_postgres.url(DATABASE)) as holder:
        holder.execute("LOCK TABLE auth_user IN ACCESS EXCLUSIVE MODE")
        blocked = _me(port, token)
        holder.rollback()
    _assert_unavailable(blocked, "database_unavailable")
    assert blocked.seconds < WELL_UNDER_THE_STALL
    assert _me(port, token).status == 200  # the lock released, the same request succeeds
