"""Django's PostgreSQL backend with a client-side deadline on every call to the server.

``statement_timeout`` and ``lock_timeout`` are enforced by the server; a server that does not
answer at all (paused, overloaded to a standstill, or behind a link that drops packets)
enforces nothing, and libpq would wait for ever. Here each query, commit, rollback and
connection health check is registered with a watchdog thread while it waits; one that has had
no answer for ``STALL_TIMEOUT`` seconds (``settings.DATABASES[...]``; the statement timeout plus
a margin, 0 for none) has its socket shut down, so psycopg raises ``OperationalError``: the
API answers 503 with ``Retry-After`` (``api.exception_handler``), Django drops the connection at
the end of the request, and the next request connects afresh (``connect_timeout``) once the
server is back.

With a connection pool (``DB_POOL_SIZE``), each connection taken from the pool is checked
first, under the same watchdog: one that fails at once (the server restarted since it was
opened) is handed back, so the pool drops it, and the next is tried; one that does not answer
at all means the server is stalled, and the request fails at once rather than trying them all.
"""

import os
import socket
import threading
import time
from contextlib import contextmanager

from django.db import OperationalError
from django.db.backends.postgresql import base

# A health check is one "SELECT 1": a healthy server answers it in well under a millisecond.
HEALTH_CHECK_TIMEOUT = 1.0
_TICK = 0.1


class _Watchdog:
    """Cuts the connections whose call has waited past its deadline. Its thread starts with
    the first guarded call, never at import."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[object, tuple[float, int]] = {}
        self._thread: threading.Thread | None = None

    @contextmanager
    def guard(self, fileno: int | None, timeout: float):
        if fileno is None or not timeout:
            yield
            return
        token = object()
        with self._lock:
            self._waiting[token] = (time.monotonic() + timeout, fileno)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._watch, name="db-stall-watchdog", daemon=True)
                self._thread.start()
        try:
            yield
        finally:
            with self._lock:
                self._waiting.pop(token, None)

    def _watch(self) -> None:
        while True:
            time.sleep(_TICK)
            now = time.monotonic()
            with self._lock:
                # Under the lock: a call still registered is still waiting, so its socket is open.
                for token, (deadline, fileno) in list(self._waiting.items()):
                    if deadline <= now:
                        del self._waiting[token]
                        _shut_down(fileno)


def _shut_down(fileno: int) -> None:
    """Shut the connection down for both directions; the blocked read then returns at once.
    A duplicate of the descriptor is used and closed, so the original stays valid for psycopg."""
    try:
        with socket.socket(fileno=os.dup(fileno)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


WATCHDOG = _Watchdog()


def _answers(connection) -> bool:
    """Whether a pooled connection answers an empty query within the health-check time."""
    try:
        with WATCHDOG.guard(connection.fileno(), HEALTH_CHECK_TIMEOUT):
            connection.execute("")
    except Exception:  # any failure: this connection is not to be used
        return False
    return True


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stall_timeout = float(self.settings_dict.get("STALL_TIMEOUT") or 0)
        # First in the list, and never popped: connection.execute_wrapper() pops only its own.
        self.execute_wrappers.insert(0, self._deadline_wrapper)

    def _fileno(self) -> int | None:
        try:
            return self.connection.fileno() if self.connection is not None else None
        except Exception:  # a closed or broken connection has no socket to watch
            return None

    def _deadline(self, timeout: float | None = None):
        return WATCHDOG.guard(self._fileno(), self.stall_timeout if timeout is None else timeout)

    def _deadline_wrapper(self, execute, sql, params, many, context):
        with self._deadline():
            return execute(sql, params, many, context)

    def commit(self):
        with self._deadline():
            return super().commit()

    def rollback(self):
        with self._deadline():
            return super().rollback()

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self.pool is None or not self.stall_timeout:
            return connection
        for _ in range(self.pool.max_size + 1):
            started = time.monotonic()
            if _answers(connection):
                return connection
            self.pool.putconn(connection)  # broken: the pool drops it and opens another
            if time.monotonic() - started >= HEALTH_CHECK_TIMEOUT:
                raise OperationalError("The database did not answer a health check in time.")
            connection = self.pool.getconn()
        raise OperationalError("No pooled database connection answered.")

    def is_usable(self):
        with self._deadline(HEALTH_CHECK_TIMEOUT if self.stall_timeout else 0):
            return super().is_usable()
