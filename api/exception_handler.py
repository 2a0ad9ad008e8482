"""One JSON body for every 4xx response.

    {"status": 400, "code": "invalid", "detail": "…",
     "errors": [{"field": "quote", "code": "invalid", "message": "…"}]}

``field`` is a dotted path into the request body (``relies_on.1``), a query parameter
name, or null when the error concerns the request as a whole.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from api.throttles import AuthFailureThrottle
from core.errors import DomainError

logger = logging.getLogger(__name__)

GENERIC_DETAIL = {
    400: "The request is invalid.",
    401: "Authentication credentials were not provided or are not valid.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    405: "Method not allowed.",
    406: "The requested format is not available.",
    408: "The request did not arrive in time.",
    409: "The request conflicts with the current state of the record.",
    413: "The request body is too large.",
    414: "The URL is too long.",
    415: "Unsupported media type.",
    429: "Too many requests.",
    431: "The request header fields are too large.",
    503: "The service is unavailable for a moment; try again.",
}


def _flatten(detail, path: str | None, default_code: str) -> list[dict]:
    """Turn DRF's nested error detail into a flat list of {field, code, message}."""
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            whole = key in ("non_field_errors", "__all__")
            sub = path if whole else (f"{path}.{key}" if path else str(key))
            items.extend(_flatten(value, sub, default_code))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and not isinstance(value, exceptions.ErrorDetail):
                items.extend(_flatten(value, f"{path}.{index}" if path else str(index), default_code))
            else:
                items.extend(_flatten(value, path, default_code))
        return items
    code = getattr(detail, "code", None) or default_code
    return [{"field": path, "code": str(code), "message": str(detail)}]


def error_body(status_code: int, code: str, detail: str, errors: list[dict] | None = None, **extra) -> dict:
    body = {"status": status_code, "code": code, "detail": detail, "errors": errors or []}
    body.update(extra)
    return body


def unavailable_dependency(exc: BaseException | None) -> str | None:
    """ "database" or "redis" when ``exc`` says that one did not answer (a stall, an outage, a
    statement or lock timeout), else None. Such a failure is answered 503, not 500."""
    if isinstance(exc, OperationalError | InterfaceError):
        return "database"
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is a dependency
        return None
    if isinstance(exc, RedisConnectionError | RedisTimeoutError):
        return "redis"
    return None


def unavailable_body(dependency: str) -> dict:
    detail = f"The {dependency} did not answer in time; try again in a few seconds."
    return error_body(503, f"{dependency}_unavailable", detail, retry_after=settings.RETRY_AFTER_SECONDS)


def exception_handler(exc, context):
    dependency = unavailable_dependency(exc)
    if dependency:
        logger.warning("503: the %s did not answer: %s", dependency, exc)
        set_rollback()
        return Response(
            unavailable_body(dependency), 503, headers={"Retry-After": str(settings.RETRY_AFTER_SECONDS)}
        )
    request = context.get("request")
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed) and request is not None:
        # Refused authentication is counted per address; over the anonymous rate it is a 429.
        wait = AuthFailureThrottle().count(request)
        if wait is not None:
            exc = exceptions.Throttled(wait)
    if isinstance(exc, DomainError):
        errors = [
            {"field": field if field != "__all__" else None, "code": exc.code, "message": message}
            for field, messages in exc.errors.items()
            for message in messages
        ]
        return Response(
            error_body(exc.status_code, exc.code, exc.message, errors, **exc.extra), exc.status_code
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, IntegrityError):
        # Services check rules first; a constraint firing here means a race with another
        # writer. The transaction is rolled back, so nothing is half-written.
        logger.warning("Integrity error reached the API: %s", exc)
        return Response(
            error_body(409, "conflict", "The change conflicts with another record; reload and try again."),
            409,
        )
    elif isinstance(exc, DataError):
        logger.warning("Data error reached the API: %s", exc)
        return Response(error_body(400, "invalid", "A value is out of range or malformed."), 400)
    elif isinstance(exc, RequestDataTooBig):
        return Response(error_body(413, "too_large", GENERIC_DETAIL[413]), 413)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code_default = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail, None, "invalid")
        detail = "Invalid input: " + "; ".join(
            f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors[:5]
        )
        code = "invalid"
    else:
        detail_value = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        detail = (
            str(detail_value)
            if not isinstance(detail_value, dict | list)
            else GENERIC_DETAIL.get(response.status_code, "Error.")
        )
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else code_default
        code = code if isinstance(code, str) else code_default
        errors = []
        if isinstance(exc, exceptions.ParseError):
            errors = [{"field": None, "code": "parse_error", "message": detail}]
    body = error_body(response.status_code, code, detail, errors)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        body["retry_after"] = int(exc.wait)
    response.data = body
    return response


__all__ = ["error_body", "exception_handler", "status"]
