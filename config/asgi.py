"""ASGI entry point, served by ``config.server`` (uvicorn).

Django's handler is wrapped by ``config.request_guard``, which refuses oversized or slow
requests with the project's JSON errors and hands Django each body whole (a chunked body
included), before any worker thread is taken.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Each request runs in a thread of its own here: pool the connections (config/settings.py).
os.environ.setdefault("DB_POOL_SIZE", "5")

django_application = get_asgi_application()

# After Django's setup: the guard's imports (DRF among them) need the app registry ready.
from config.request_guard import RequestGuard  # noqa: E402

application = RequestGuard(django_application)

# Everything loaded so far (Django, the app, its imports) lives as long as the worker: freeze
# it, so that the cycle collector never walks it again, and collect less often (the guard
# collects the young generations after each answer; benchmarks/README.md).
gc.freeze()
gc.set_threshold(50_000, 50, 1000)
