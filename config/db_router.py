"""Send safe reads to a read replica when one is configured (DATABASE_REPLICA_URL).

Reads go to the primary whenever they could need to see a write: inside a transaction on the
primary (services lock and re-read there), and for the whole of any request that is not GET,
HEAD or OPTIONS. Migrations run on the primary only. A replica lags a little behind the
primary, so a client may not see its own write in the GET that follows at once.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_pinned: ContextVar[bool] = ContextVar("claimtrack_pinned_to_primary", default=False)


@contextmanager
def use_primary():
    """Every read in the block goes to the primary."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


class PrimaryReplicaRouter:
    @staticmethod
    def has_replica() -> bool:
        return REPLICA in settings.DATABASES

    def db_for_read(self, model, **hints):
        if not self.has_replica() or _pinned.get() or connections["default"].in_atomic_block:
            return "default"
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class PrimaryForWritesMiddleware:
    """A request that may write reads from the primary from start to end."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        with use_primary():
            return self.get_response(request)
