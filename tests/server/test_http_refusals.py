"""What the production server answers to requests it refuses before the app runs, and to
chunked bodies (issue 11, items 6, 7 and 10). Never an HTML page, never a Server banner."""

import json
import time

import pytest

from tests.server.conftest import DATABASE, PASSWORD, USERNAME
from tests.server.harness import AppServer, raw, request, split_answer

HOST = b"Host: 127.0.0.1\r\n"
POST_CLAIMS = b"POST /api/v1/claims/ HTTP/1.1\r\n" + HOST

# The server tests copy the migrated test database into a PostgreSQL of their own.
pytestmark = pytest.mark.django_db


def _chunked(payload: bytes, size: int = 7) -> bytes:
    pieces = [payload[i : i + size] for i in range(0, len(payload), size)]
    return b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in pieces) + b"0\r\n\r\n"


def _chunked_post(path: bytes, payload: bytes) -> bytes:
    return (
        b"POST " + path + b" HTTP/1.1\r\n" + HOST + b"Content-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + _chunked(payload)
    )


def test_a_chunked_post_is_read(app_server):
    payload = json.dumps({"username": USERNAME, "password": PASSWORD}).encode()
    status, _, body = split_answer(raw(app_server.port, _chunked_post(b"/api/v1/auth/token/", payload)))
    assert status == 201, body
    assert json.loads(body)["username"] == USERNAME


def test_a_chunked_post_with_wrong_credentials_is_refused_for_them(app_server):
    payload = json.dumps({"username": USERNAME, "password": "not-it"}).encode()
    status, _, body = split_answer(raw(app_server.port, _chunked_post(b"/api/v1/auth/token/", payload)))
    assert status == 400
    # Refused for the credentials, not for a missing body.
    assert b"required" not in body


def test_a_chunked_body_over_the_limit_is_a_413(app_server):
    payload = b'{"text": "' + b"a" * (2 * 1024 * 1024 + 10) + b'"}'
    data = (
        b"POST /api/v1/claims/match/ HTTP/1.1\r\n" + HOST + b"Content-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + _chunked(payload, 65536)
    )
    status, headers, body = split_answer(raw(app_server.port, data))
    assert status == 413
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["code"] == "too_large"


def test_a_content_length_over_the_limit_is_refused_before_the_body(app_server):
    data = POST_CLAIMS + b"Content-Type: application/json\r\nContent-Length: 5000000\r\n\r\n"
    status, headers, body = split_answer(raw(app_server.port, data))  # no body sent at all
    assert status == 413
    assert json.loads(body)["code"] == "too_large"
    assert headers["connection"] == "close"


def test_a_body_within_the_limit_is_accepted(app_server):
    data = (
        b"POST /api/v1/auth/token/ HTTP/1.1\r\n" + HOST + b"Content-Type: application/json\r\n"
        b"Content-Length: 2\r\n\r\n{}"
    )
    status, _, body = split_answer(raw(app_server.port, data))
    assert status == 400
    assert b"username" in body  # read and validated by the app


REFUSED = {
    "bad request line": (b"GARBAGE\r\n\r\n", 400, "text/plain"),
    "URI over the app's limit": (
        b"GET /api/v1/claims/?q=" + b"a" * 9000 + b" HTTP/1.1\r\n" + HOST + b"\r\n",
        414,
        "application/json",
    ),
    "URI over the parser's limit": (
        b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\n" + HOST + b"\r\n",
        400,
        "text/plain",
    ),
    "one huge header": (
        b"GET /api/v1/ HTTP/1.1\r\n" + HOST + b"X-Big: " + b"a" * 40_000 + b"\r\n\r\n",
        431,
        "application/json",
    ),
    "too many headers": (
        b"GET /api/v1/ HTTP/1.1\r\n" + HOST + b"".join(b"X-%d: a\r\n" % i for i in range(150)) + b"\r\n",
        431,
        "application/json",
    ),
    "Content-Length with Transfer-Encoding": (
        POST_CLAIMS + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400,
        "text/plain",
    ),
    "Content-Length not a number": (POST_CLAIMS + b"Content-Length: 1e3\r\n\r\n", 400, None),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_server_level_refusals_are_json_or_plain_text(app_server, case):
    data, expected_status, expected_type = REFUSED[case]
    status, headers, body = split_answer(raw(app_server.port, data))
    assert status == expected_status
    content_type = headers.get("content-type", "")
    if expected_type:
        assert content_type.startswith(expected_type)
    assert content_type.startswith(("application/json", "text/plain"))
    assert b"<html" not in body.lower()
    if content_type.startswith("application/json"):
        answer = json.loads(body)
        assert answer["status"] == status
        assert set(answer) >= {"code", "detail", "errors"}
    assert "server" not in headers


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/auth/me/", "/api/v1/nowhere/"])
def test_no_server_banner(app_server, path):
    answer = request(app_server.port, "GET", path)
    assert answer.status in (200, 401, 404)
    assert "server" not in answer.headers


@pytest.fixture(scope="module")
def impatient_server(own_postgres, tmp_path_factory):
    """The production server with a short REQUEST_BODY_TIMEOUT."""
    log = tmp_path_factory.mktemp("impatient") / "server.log"
    with AppServer(own_postgres.url(DATABASE), log, REQUEST_BODY_TIMEOUT="2") as server:
        yield server


def test_a_body_that_does_not_arrive_in_time_is_a_408(impatient_server):
    started = time.monotonic()
    data = (
        b"POST /api/v1/auth/token/ HTTP/1.1\r\n" + HOST + b"Content-Type: application/json\r\n"
        b"Content-Length: 50\r\n\r\n{"
    )
    status, headers, body = split_answer(raw(impatient_server.port, data, timeout=20))
    assert status == 408
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["code"] == "request_timeout"
    assert time.monotonic() - started < 15  # refused, not held until the client gives up


def test_a_body_that_arrives_in_time_is_read(impatient_server):
    payload = json.dumps({"username": USERNAME, "password": PASSWORD}).encode()
    status, _, body = split_answer(raw(impatient_server.port, _chunked_post(b"/api/v1/auth/token/", payload)))
    assert status == 201, body
