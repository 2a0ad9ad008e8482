"""The ASGI guard in front of Django (``config.asgi``): what is refused before Django runs.

Runs on the server's event loop, so nothing here takes a worker thread:

- a target (path and query) longer than ``MAX_URI_BYTES`` is a 414, header fields larger than
  ``MAX_HEADER_BYTES`` in all or more than ``MAX_HEADER_COUNT`` of them a 431;
- a ``Content-Length`` that is not a number is a 400, one over the body limit (the same as
  ``RequestSizeLimitMiddleware``'s) a 413, before a byte of the body is read;
- the body is read whole, within ``REQUEST_BODY_TIMEOUT`` seconds (else 408) and within the
  limit (else 413), and handed to Django in one piece: a ``Transfer-Encoding: chunked`` body
  reaches the app with its ``Content-Length``, so DRF reads it instead of seeing no body.

Every refusal is the project's JSON error shape with ``Connection: close``. After each
answer has gone out, the young garbage generations are collected (``config.asgi``).
"""

import asyncio
import gc
import json

from django.conf import settings

from api.exception_handler import GENERIC_DETAIL, error_body
from api.middleware import body_limit


class _Refusal(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


class _ClientGone(Exception):
    pass


def _check_head(scope) -> None:
    """Refuse what the request line and headers alone show to be unacceptable."""
    target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
    if target > settings.MAX_URI_BYTES:
        raise _Refusal(414, "uri_too_long", f"The URL is longer than {settings.MAX_URI_BYTES} bytes.")
    headers = scope["headers"]
    size = sum(len(name) + len(value) for name, value in headers)
    if len(headers) > settings.MAX_HEADER_COUNT or size > settings.MAX_HEADER_BYTES:
        raise _Refusal(
            431,
            "headers_too_large",
            f"The request has more than {settings.MAX_HEADER_COUNT} header fields or more than "
            f"{settings.MAX_HEADER_BYTES} bytes of them.",
        )
    lengths = {value.strip() for name, value in headers if name == b"content-length"}
    if not lengths:
        return
    if len(lengths) > 1 or not next(iter(lengths)).isdigit():
        raise _Refusal(400, "invalid", "Content-Length is not a number.")
    limit = body_limit(scope["path"])
    if limit is not None and int(next(iter(lengths))) > limit:
        raise _Refusal(413, "too_large", f"{GENERIC_DETAIL[413]} The limit is {limit} bytes.")


async def _read_body(receive, limit: int | None) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            raise _Refusal(413, "too_large", f"{GENERIC_DETAIL[413]} The limit is {limit} bytes.")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _refuse(send, refusal: _Refusal) -> None:
    body = json.dumps(error_body(refusal.status, refusal.code, refusal.detail)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            _check_head(scope)
            async with asyncio.timeout(settings.REQUEST_BODY_TIMEOUT):
                body = await _read_body(receive, body_limit(scope["path"]))
        except _Refusal as refusal:
            await _refuse(send, refusal)
            return
        except TimeoutError:
            detail = f"The request body did not arrive within {settings.REQUEST_BODY_TIMEOUT} seconds."
            await _refuse(send, _Refusal(408, "request_timeout", detail))
            return
        except _ClientGone:
            return
        if any(name == b"transfer-encoding" for name, _ in scope["headers"]):
            # The body is whole now: say how long it is, as Django and DRF expect.
            framing = (b"transfer-encoding", b"content-length")
            headers = [(n, v) for n, v in scope["headers"] if n not in framing]
            scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        delivered = False

        async def replay():
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        try:
            await self.app(scope, replay, send)
        finally:
            gc.collect(1)
