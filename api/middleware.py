"""Refuse oversized request bodies before any parser reads them.

DRF's JSON parser reads the stream directly, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE
(checked only when ``request.body`` is read) would not protect the API.
"""

import secrets

from django.conf import settings
from django.http import JsonResponse
from django.http.response import HttpResponseRedirectBase

from api.exception_handler import GENERIC_DETAIL, error_body


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


# Headers of Django's own page that describe its body, not the answer; the rest (Allow,
# Retry-After, CORS, Vary…) carries over to the JSON that replaces it.
_BODY_HEADERS = {"content-type", "content-length", "content-encoding", "content-disposition"}


class ApiJsonErrorsMiddleware:
    """Under /api/ every error is JSON in the error shape, whatever Django itself answers.

    With ``DEBUG`` on, Django bypasses the ``handler404``/``handler500`` views and answers its
    technical HTML pages (an unknown URL, an exception, a ``DisallowedHost``…); other pages
    come from code that is not DRF's (a 405 of a plain view, the CSRF failure page). The API's
    own answers (DRF responses, the browsable API's HTML included) pass untouched; any other
    error answer whose body is not JSON is replaced by the error shape with the same status.
    First in MIDDLEWARE, so that it also sees what the other middleware answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith("/api/")
            or hasattr(response, "accepted_renderer")  # a DRF answer, rendered as asked
            or response.get("Content-Type", "").split(";")[0].strip().endswith("json")
        ):
            return response
        from api.error_views import json_error

        replacement = json_error(response.status_code)
        for header, value in response.items():
            if header.lower() not in _BODY_HEADERS:
                replacement[header] = value
        return replacement


class HttpResponsePermanentRedirectKeepingMethod(HttpResponseRedirectBase):
    status_code = 308


class HttpsRedirect308Middleware:
    """The HTTPS redirect (``SECURE_SSL_REDIRECT``) as a 308, not Django's 301: a client
    follows a 301 to a POST with a GET and no body, losing what was sent; a 308 keeps the
    method and the body. Just outside Django's SecurityMiddleware, which ``check --deploy``
    wants by name, so only its redirect is turned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 301
            and settings.SECURE_SSL_REDIRECT
            and not request.is_secure()
            and response.get("Location", "").startswith("https://")
        ):
            redirect = HttpResponsePermanentRedirectKeepingMethod(response["Location"])
            for header, value in response.items():
                if header.lower() not in _BODY_HEADERS:
                    redirect[header] = value
            return redirect
        return response


# Scripts only from the app's own origin (its static files: DRF's, the admin's, the docs'
# bundles from drf-spectacular-sidecar, the pages' own modules) or carrying this request's
# nonce; no inline script runs otherwise. Styles may be inline: the docs pages and the
# libraries they load (Swagger UI, Redoc) set styles in the page, and a style runs no code.
# Redoc's search runs in a worker made from a blob; Swagger UI's icons are data: images.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "worker-src 'self' blob:; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    """A Content-Security-Policy on every answer, with a fresh nonce per request
    (``request.csp_nonce``, for a template that must have an inline script)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        response.setdefault(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY.format(nonce=request.csp_nonce)
        )
        return response
