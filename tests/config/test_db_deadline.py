"""The client-side deadline on database calls (config/postgres/base.py)."""

import socket
import threading
import time

import pytest
from django.db import connection, connections

from config.postgres.base import WATCHDOG


def test_a_call_past_its_deadline_has_its_socket_shut_down():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.settimeout(30)
        started = time.monotonic()
        with WATCHDOG.guard(ours.fileno(), 0.3):
            received = ours.recv(10)  # nobody sends: only the watchdog can end this
        assert received == b""
        assert time.monotonic() - started < 20


def test_a_call_within_its_deadline_keeps_its_socket():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        with WATCHDOG.guard(ours.fileno(), 0.3):
            theirs.sendall(b"answer")
            assert ours.recv(10) == b"answer"
        time.sleep(0.6)  # past the deadline, but the call had ended
        theirs.sendall(b"still open")
        assert ours.recv(20) == b"still open"


def test_no_deadline_means_no_watching():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        done = threading.Event()

        def answer_later():
            time.sleep(0.5)
            theirs.sendall(b"late")
            done.set()

        threading.Thread(target=answer_later).start()
        with WATCHDOG.guard(ours.fileno(), 0):
            assert ours.recv(10) == b"late"
        done.wait(5)


def test_the_database_connections_carry_the_timeouts(settings):
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["connect_timeout"] == settings.DB_CONNECT_TIMEOUT
    assert f"statement_timeout={int(settings.DB_STATEMENT_TIMEOUT * 1000)}" in options["options"]
    assert f"lock_timeout={int(settings.DB_LOCK_TIMEOUT * 1000)}" in options["options"]
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_commit_and_rollback_wait_under_the_deadline(monkeypatch):
    """Through Django's public ``commit()`` and ``rollback()``, which every transaction ends in."""
    guarded = []
    real_guard = WATCHDOG.guard

    def recording_guard(fileno, timeout):
        guarded.append(fileno)
        return real_guard(fileno, timeout)

    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT 1")
        monkeypatch.setattr(WATCHDOG, "guard", recording_guard)
        other.commit()
        assert guarded == [other.connection.fileno()]
        other.rollback()
        assert guarded == [other.connection.fileno()] * 2
    finally:
        monkeypatch.undo()
        other.close()
