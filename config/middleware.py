"""Refuse oversized request bodies before any parser reads them.

DRF's JSON parser reads the stream directly, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE
(checked only when ``request.body`` is read) would not protect the API.
"""

from django.conf import settings
from django.http import JsonResponse

from config.exceptions import GENERIC_DETAIL, error_body


def body_limit(path: str) -> int | None:
    """The largest request body accepted at ``path``, in bytes."""
    if path == settings.IMPORT_PATH:
        return settings.IMPORT_MAX_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = body_limit(request.path)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse(error_body(400, "invalid", "Content-Length is not a number."), status=400)
        if limit is not None and length > limit:
            detail = f"{GENERIC_DETAIL[413]} The limit is {limit} bytes."
            return JsonResponse(error_body(413, "too_large", detail), status=413)
        return self.get_response(request)
