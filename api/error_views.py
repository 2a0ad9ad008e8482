"""Django-level error pages: JSON in the error shape under /api/, Django's defaults elsewhere."""

import sys

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views import defaults

from api.exception_handler import GENERIC_DETAIL, error_body, unavailable_body, unavailable_dependency


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


# The code of an error Django answers, by status (the error shape needs one).
_CODES = {400: "bad_request", 403: "permission_denied", 404: "not_found", 405: "method_not_allowed"}


def json_error(status_code: int) -> JsonResponse:
    """The error shape for a status, with the generic words: what replaces a page of Django's."""
    if status_code >= 500:
        return _json(status_code, "server_error", "An unexpected error occurred; it has been logged.")
    return _json(status_code, _CODES.get(status_code, "error"))


def _json(status_code: int, code: str, detail: str | None = None) -> JsonResponse:
    return JsonResponse(
        error_body(status_code, code, detail or GENERIC_DETAIL.get(status_code, "Error.")), status=status_code
    )


def bad_request(request, exception=None):
    if _is_api(request):
        return _json(400, "bad_request")
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return _json(403, "permission_denied")
    return defaults.permission_denied(request, exception)


def not_found(request, exception=None):
    if _is_api(request):
        return _json(404, "not_found")
    return defaults.page_not_found(request, exception)


def server_error(request):
    # Django calls this while handling the exception: a database or Redis that did not answer
    # anywhere outside a DRF view (a middleware, the admin) is a 503 too, never a 500.
    dependency = unavailable_dependency(sys.exc_info()[1])
    if dependency:
        headers = {"Retry-After": str(settings.RETRY_AFTER_SECONDS)}
        body = unavailable_body(dependency)
        if _is_api(request):
            return JsonResponse(body, status=503, headers=headers)
        text = "text/plain; charset=utf-8"
        return HttpResponse(body["detail"], status=503, content_type=text, headers=headers)
    if _is_api(request):
        return _json(500, "server_error", "An unexpected error occurred; it has been logged.")
    return defaults.server_error(request)
