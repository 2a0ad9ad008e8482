"""The suite's own machinery: a test database per pytest-xdist worker, and the Redis tests left
out unless asked for (config/pytest_plugin.py)."""

import os
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.db import connection

from config import pytest_plugin


@pytest.mark.django_db
def test_each_worker_has_a_test_database_of_its_own(worker_id):
    """pytest-django names it test_<name> (or TEST_DATABASE_NAME), plus _gw0, _gw1, … under
    pytest-xdist, on the embedded server and on any DATABASE_URL alike."""
    base = os.environ.get("TEST_DATABASE_NAME") or "test_" + urlsplit(os.environ["DATABASE_URL"]).path[1:]
    expected = base if worker_id == "master" else f"{base}_{worker_id}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        assert cursor.fetchone()[0] == expected


class FakeItem:
    def __init__(self, name: str, *markers: str):
        self.name, self.markers = name, markers

    def get_closest_marker(self, name: str):
        return name if name in self.markers else None


def collect(monkeypatch, value: str | None) -> tuple[list[str], list[str]]:
    """The names kept and deselected by the plugin, with CLAIMTRACK_REDIS_TESTS set to ``value``."""
    if value is None:
        monkeypatch.delenv(pytest_plugin.REDIS_TESTS, raising=False)
    else:
        monkeypatch.setenv(pytest_plugin.REDIS_TESTS, value)
    deselected: list[str] = []
    config = SimpleNamespace(
        hook=SimpleNamespace(pytest_deselected=lambda items: deselected.extend(i.name for i in items))
    )
    items = [FakeItem("plain"), FakeItem("needs_redis", "redis"), FakeItem("other", "django_db")]
    pytest_plugin.pytest_collection_modifyitems(config, items)
    return [item.name for item in items], deselected


@pytest.mark.parametrize("value", [None, "", "0"])
def test_redis_tests_are_left_out_by_default(monkeypatch, value):
    assert collect(monkeypatch, value) == (["plain", "other"], ["needs_redis"])


def test_redis_tests_run_when_asked_for(monkeypatch):
    assert collect(monkeypatch, "1") == (["plain", "needs_redis", "other"], [])
