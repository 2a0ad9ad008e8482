"""Loaded with ``-p`` so it runs before pytest-django configures Django.

A rootdir ``conftest.py`` runs too late to set ``DATABASE_URL``: pytest-django reads
the settings first. This hook is ``tryfirst`` and so runs early enough. Under pytest-xdist the
controller runs it first, so its embedded server (and ``DATABASE_URL``) is the workers' too;
pytest-django gives each worker a test database of its own (``test_<name>_gw0``, …).

Under pytest-xdist, the tests of ``tests/server/`` run on one worker, so that one PostgreSQL of
their own is started and migrated per run rather than one per worker (``TOGETHER``).

Tests marked ``redis`` need a Redis server: they are deselected unless
``CLAIMTRACK_REDIS_TESTS=1`` (``make test-redis``), so ``make test`` needs no Redis.
"""

import os

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    # Tests speak plain HTTP to the test client.
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    # The suite's own database work (migrations, races that hold locks on purpose, a loaded
    # machine) must not trip the production timeouts; tests/server runs the server with them.
    os.environ.setdefault("DB_STATEMENT_TIMEOUT", "60")
    os.environ.setdefault("DB_LOCK_TIMEOUT", "30")
    from config.localdb import ensure_database_url

    ensure_database_url()


REDIS_TESTS = "CLAIMTRACK_REDIS_TESTS"


@pytest.hookimpl(trylast=True)
def pytest_configure(config):

    # The manifest storage used with DEBUG off needs collectstatic, which tests do not run
    # (Django's advice for tests); WhiteNoise serves the files from the app finders instead.
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Each test client builds its own middleware, and WhiteNoise lists every static file of every
    # app when it is built (about 16 ms, a third of a typical test). Looking a file up when it is
    # asked for instead (WhiteNoise's development mode) serves the same files and headers.
    settings.WHITENOISE_AUTOREFRESH = True


def pytest_collection_modifyitems(config, items):
    if os.environ.get(REDIS_TESTS, "") not in ("", "0"):
        return
    deselected = [item for item in items if item.get_closest_marker("redis")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("redis")]


# Tests that run on one pytest-xdist worker together, by the start of their node ids.
TOGETHER = ("tests/server/",)


def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's default ("load") distribution, except that the tests of ``TOGETHER`` all go
    to the first worker served, before its first tests: one worker takes the server tests while
    the other works through the rest. (xdist's ``loadgroup`` cannot be used: with pytest 9.2 its
    group names never reach the node ids it schedules by; and schedulers by scope lose tests that
    share a node id, as schemathesis's do.)"""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScheduling

    class LoadWithGroups(LoadScheduling):
        together_sent = False

        def _send_tests(self, node, num: int) -> None:
            if not self.together_sent:
                self.together_sent = True
                together = [i for i in self.pending if self.collection[i].startswith(TOGETHER)]
                if together:
                    self.pending[:] = [i for i in self.pending if i not in set(together)]
                    self.node2pending[node].extend(together)
                    node.send_runtest_some(together)
            super()._send_tests(node, num)

    return LoadWithGroups(config, log)
