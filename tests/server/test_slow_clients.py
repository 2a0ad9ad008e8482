"""Slow clients cannot starve the production server (issue 11, items 1 and 7).

Dozens of connections trickle their headers, or send their headers and then one body byte a
second, while a probe keeps asking for ``/api/v1/auth/me/`` with a token. Each slow request is
answered properly in the end, so the server held them rather than dropping them."""

import socket
import threading
import time

import pytest

from tests.server.harness import request, split_answer

SLOW_CONNECTIONS = 40
HOLD_SECONDS = 8

# The server tests copy the migrated test database into a PostgreSQL of their own.
pytestmark = pytest.mark.django_db


def _auth(token: str) -> dict:
    return {"Authorization": f"Token {token}"}


def _open(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def _read_answer(sock: socket.socket) -> tuple[int, dict, bytes]:
    received = b""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
        head, sep, body = received.partition(b"\r\n\r\n")
        if sep and b"content-length:" in head.lower():
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            if len(body) >= length:
                break
    return split_answer(received)


def _probe(port: int, token: str, stop: threading.Event, results: list) -> None:
    while not stop.is_set():
        try:
            answer = request(port, "GET", "/api/v1/auth/me/", headers=_auth(token), timeout=5)
            results.append((answer.status, answer.seconds))
        except OSError as exc:
            results.append((repr(exc), 5.0))
        time.sleep(0.2)


def test_dozens_of_slow_clients_do_not_starve_the_server(app_server, token):
    port = app_server.port
    half = SLOW_CONNECTIONS // 2
    # Headers then one body byte a second: a JSON object padded with spaces, complete at the end.
    body = b"{" + b" " * (HOLD_SECONDS - 2) + b"}"
    body_senders = [_open(port) for _ in range(half)]
    for sock in body_senders:
        sock.sendall(
            b"POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
    header_senders = [_open(port) for _ in range(SLOW_CONNECTIONS - half)]
    for sock in header_senders:
        sock.sendall(b"GET /api/v1/auth/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")

    results: list = []
    stop = threading.Event()
    prober = threading.Thread(target=_probe, args=(port, token, stop, results))
    prober.start()
    try:
        for second in range(HOLD_SECONDS):
            for sock in body_senders:
                sock.sendall(body[second : second + 1])
            for sock in header_senders:
                sock.sendall(f"X-Slow-{second}: trickle\r\n".encode())
            time.sleep(1)
    finally:
        stop.set()
        prober.join(timeout=10)

    for sock in header_senders:
        sock.sendall(f"Authorization: Token {token}\r\nConnection: close\r\n\r\n".encode())
    answers_to_headers = [_read_answer(sock) for sock in header_senders]
    answers_to_bodies = [_read_answer(sock) for sock in body_senders]
    for sock in body_senders + header_senders:
        sock.close()

    assert len(results) >= HOLD_SECONDS, results  # the probe kept asking all along
    assert all(status == 200 for status, _ in results), results
    # A starved server would not answer within the probe's 5 s at all; generous on a busy machine.
    assert max(seconds for _, seconds in results) < 4, results
    # Every slow request was held and answered when it was complete.
    assert [status for status, _, _ in answers_to_headers] == [200] * len(header_senders)
    for status, headers, content in answers_to_bodies:
        assert status == 400
        assert headers["content-type"] == "application/json"
        assert b'"username"' in content  # the body was read: its fields are what is missing


def test_a_probe_answers_while_a_body_is_still_arriving(app_server, token):
    """One connection in the middle of its body does not hold up a request on another."""
    sock = _open(app_server.port)
    try:
        sock.sendall(
            b"POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        for _ in range(2 * 2 + 1):  # more requests than the server has workers
            answer = request(app_server.port, "GET", "/api/v1/auth/me/", headers=_auth(token))
            assert answer.status == 200
    finally:
        sock.close()
