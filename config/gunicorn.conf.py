"""Gunicorn settings for production: ``gunicorn -c config/gunicorn.conf.py``.

Sync workers, 2 x cores + 1 of them (gunicorn's own advice: while one worker waits on the
database another uses the core); ``GUNICORN_WORKERS`` overrides. ``GUNICORN_BIND`` says where
to listen (default ``127.0.0.1:8000``: put a proxy in front). The benchmark
(``make bench``) starts the app with this file.
"""

import gc
import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Access lines cost time per request; a proxy in front usually logs them already.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"


def post_worker_init(worker):
    """Everything loaded so far (Django, the app, its imports) lives as long as the worker:
    freeze it, so that the cycle collector never walks it again, and collect less often."""
    gc.freeze()
    gc.set_threshold(50_000, 50, 1000)


def post_request(worker, req, environ, resp):
    """A request leaves reference cycles behind (model instances and their caches). Collecting
    the young generations here, after the answer has gone out, frees them before they age into
    the old generation, whose collections stalled one request in ten by 100 ms and more
    (benchmarks/README.md)."""
    gc.collect(1)
