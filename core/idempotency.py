"""``Idempotency-Key`` for POSTs: a retried request returns the first answer, once.

The first request with a key inserts its record before it runs, in the same transaction as
the work, and fills in the answer before committing. A second request with the same key
blocks on the unique (user, key) index until the first commits, then replays the stored
answer (or, if the first rolled back, runs itself). So two concurrent first uses never both
execute, and a crash leaves no record behind.

- Keys are per user and live 24 hours; an older record is ignored and overwritten
  (``manage.py purge_idempotency_keys`` deletes them).
- The same key with another method, path or body is a 422 ``idempotency_key_reused``.
- Every answer below 500 is stored, errors included, as the bytes sent: a retry gets
  exactly what the first attempt got, byte for byte, in the same content type. 5xx answers
  are not stored, so the client may retry.
- Anonymous requests (the token endpoint) are not covered.
"""

import functools
import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from core.errors import DomainError, InvalidInput
from core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
TTL = timedelta(hours=24)
REPLAYED_HEADER = "Idempotent-Replayed"
STORED_HEADERS = ("ETag", "Location")
IN_PROGRESS = 0  # response_status of a record whose request is still running


class IdempotencyKeyReused(DomainError):
    """The key was first used for another request (422)."""

    status_code = 422
    default_code = "idempotency_key_reused"


def _key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " <= char <= "~" for char in key):
        raise InvalidInput(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters (a UUID is a good choice).",
            field=HEADER,
        )
    return key


def _canonical_body(request):
    data = request.data
    if hasattr(data, "lists"):  # a QueryDict from a form
        return dict(data.lists())
    return data


def request_hash(request) -> str:
    """SHA-256 of the method, path and parsed body, so JSON spacing and key order do not matter."""
    body = json.dumps(_canonical_body(request), cls=JSONEncoder, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


def _take(*, user, key: str, method: str, path: str, digest: str) -> tuple[IdempotencyRecord, bool]:
    """The key's record, locked, and whether this request is the one to run."""
    fresh = {"method": method, "path": path, "request_hash": digest, "response_status": IN_PROGRESS}
    for _attempt in range(3):
        try:
            with transaction.atomic():
                # Blocks while another transaction holds an uncommitted record for the key.
                return IdempotencyRecord.objects.create(user=user, key=key, **fresh), True
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.select_for_update().filter(user=user, key=key).first()
        if record is None:  # purged in between: try the insert again
            continue
        if record.created_at < timezone.now() - TTL:
            for field, value in fresh.items():
                setattr(record, field, value)
            record.response_body, record.response_headers = None, {}
            record.created_at = timezone.now()
            record.save()
            return record, True
        return record, False
    raise IntegrityError(f"Could not take the idempotency key {key!r}.")


def _replay(record: IdempotencyRecord, *, method: str, path: str, digest: str) -> HttpResponse:
    if (record.method, record.path, record.request_hash) != (method, path, digest):
        raise IdempotencyKeyReused(
            f"This {HEADER} was already used for another request ({record.method} {record.path} with "
            "another body); use a new key for a new request.",
            field=HEADER,
        )
    headers = {**record.response_headers, REPLAYED_HEADER: "true"}
    if record.response_content is None:
        return Response(record.response_body, status=record.response_status, headers=headers)
    return HttpResponse(
        bytes(record.response_content),
        status=record.response_status,
        content_type=record.response_content_type,
        headers=headers,
    )


def run_idempotently(view, request, handler) -> HttpResponse:
    """Run ``handler()`` at most once per (user, ``Idempotency-Key``) within ``TTL``."""
    key = _key(request)
    if key is None or not request.user.is_authenticated:
        return handler()
    method, path, digest = request.method, request.path, request_hash(request)
    with transaction.atomic():
        record, first = _take(user=request.user, key=key, method=method, path=path, digest=digest)
        if not first:
            return _replay(record, method=method, path=path, digest=digest)
        try:
            # A savepoint: whatever the handler does is undone on error, the record is kept.
            with transaction.atomic():
                response = handler()
        except Exception as exc:  # turned into its 4xx answer, or re-raised
            response = view.handle_exception(exc)
        if response.status_code >= 500:
            record.delete()
            return response
        # Rendered here, as it will be sent, so that the replay is the same bytes.
        response = view.finalize_response(request, response)
        response.render()
        record.response_status = response.status_code
        record.response_content = response.content
        record.response_content_type = response.get("Content-Type", "")
        record.response_body = None
        record.response_headers = {name: response[name] for name in STORED_HEADERS if name in response}
        record.save()
        return response


def idempotent(handler):
    """Decorate a view method (``create``, a POST action) to honour ``Idempotency-Key``."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        return run_idempotently(view, request, lambda: handler(view, request, *args, **kwargs))

    wrapper.idempotent = True
    return wrapper
