"""``GET /healthz`` and ``GET /readyz``, answered before any other middleware.

``/healthz``: the process is alive and serving (touches nothing else). ``/readyz``: the
database answers ``SELECT 1`` and, when ``REDIS_URL`` is set, Redis answers; otherwise 503 in
the error shape naming what is down, with ``Retry-After``. Neither needs a token, a session or
an allowed ``Host`` (probes often use the machine's address), neither is throttled, redirected
to HTTPS or cached.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse

from api.exception_handler import error_body

PATHS = ("/healthz", "/readyz")


def _check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_redis() -> None:
    cache.get("readyz")


def _checks() -> dict:
    checks = {"database": _check_database}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis
    return checks


def _json(body: dict, status: int, **headers) -> JsonResponse:
    response = JsonResponse(body, status=status, headers=headers)
    response["Cache-Control"] = "no-store"
    return response


def readiness() -> JsonResponse:
    results, down = {}, []
    for name, check in _checks().items():
        try:
            check()
        except Exception:  # whatever the failure, this dependency is not ready
            results[name] = "down"
            down.append(name)
        else:
            results[name] = "ok"
    if not down:
        return _json({"status": "ready", "checks": results}, 200)
    errors = [{"field": name, "code": "unavailable", "message": f"{name} is not reachable."} for name in down]
    detail = f"Not ready: {', '.join(down)} not reachable."
    body = error_body(503, "not_ready", detail, errors, checks=results)
    return _json(body, 503, **{"Retry-After": str(settings.RETRY_AFTER_SECONDS)})


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in PATHS:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            body = error_body(405, "method_not_allowed", f'Method "{request.method}" not allowed.')
            return _json(body, 405, Allow="GET, HEAD")
        if request.path == "/healthz":
            return _json({"status": "alive"}, 200)
        return readiness()
