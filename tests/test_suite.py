"""The suite's own machinery: a test database per pytest-xdist worker, copied from a template
(tests/db_template.py), and the Redis tests left out unless asked for (config/pytest_plugin.py)."""

import os
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from config import pytest_plugin
from tests import db_template


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


@pytest.mark.django_db
def test_the_test_database_is_a_copy_of_the_template_of_this_code(worker_id):
    """Made from the template of the current key (tests/db_template.py), with every migration
    applied."""
    base = os.environ.get("TEST_DATABASE_NAME") or "test_" + urlsplit(os.environ["DATABASE_URL"]).path[1:]
    template = connection.settings_dict["TEST"]["TEMPLATE"]
    assert template == db_template.template_name(base, db_template.current_key())
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        assert cursor.fetchone() == (1,)
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def _tree(root, files: dict[str, str]):
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


PROGRAM = {
    "claims/migrations/0001_initial.py": "operations = []",
    "claims/sql/rule.sql": "CREATE OR REPLACE FUNCTION f() ...",
    "config/settings.py": "DEBUG = False",
}


def _key(root, distributions=("Django==5.2",), values=None):
    return db_template.template_key(root, distributions, values or {"USE_TZ": True})


@pytest.mark.parametrize(
    "change",
    [
        {"claims/migrations/0001_initial.py": "operations = [1]"},
        {"claims/migrations/0002_more.py": "operations = []"},
        {"claims/sql/rule.sql": "CREATE OR REPLACE FUNCTION g() ..."},
        {"claims/services.py": "def claim_create(): ..."},
    ],
)
def test_a_change_to_the_program_makes_a_new_template_key(tmp_path, change):
    before = _key(_tree(tmp_path, PROGRAM))
    assert _key(_tree(tmp_path, change)) != before


def test_installed_versions_and_settings_are_in_the_template_key(tmp_path):
    root = _tree(tmp_path, PROGRAM)
    assert _key(root) == _key(root)
    assert _key(root, distributions=("Django==5.2.1",)) != _key(root)
    assert _key(root, values={"USE_TZ": False}) != _key(root)


def test_tests_documents_and_caches_keep_the_template_key(tmp_path):
    before = _key(_tree(tmp_path, PROGRAM))
    _tree(
        tmp_path,
        {
            "tests/test_claims.py": "def test(): ...",
            "docs/notes.py": "",
            "claims/__pycache__/services.cpython-311.pyc": "",
            "var/postgres/x.sql": "",
            "README.md": "words",
        },
    )
    assert _key(tmp_path) == before


class FakeNode:
    shutting_down = False

    def __init__(self, name: str):
        self.sent: list[int] = []
        self.gateway = SimpleNamespace(id=name)

    def send_runtest_some(self, indexes):
        self.sent += indexes

    def shutdown(self):
        pass


def _scheduler(dist: str):
    options = {"dist": dist, "tx": ["2*popen"], "maxschedchunk": None}
    config = SimpleNamespace(getvalue=options.get, getoption=options.get)
    return pytest_plugin.pytest_xdist_make_scheduler(config=config, log=None)


def test_the_server_tests_go_to_one_worker_first_and_no_test_is_lost():
    """One worker takes them all (one PostgreSQL of their own per run), before anything else;
    the rest is spread as pytest-xdist spreads it, tests that share a node id (schemathesis's)
    included."""
    collection = [
        *[f"tests/api/test_a.py::test_{i}" for i in range(40)],
        *["tests/fuzz/test_schema_fuzz.py::test_every_operation_conforms_as_reviewer"] * 30,
        *[f"tests/server/test_b.py::test_{i}" for i in range(6)],
        *[f"tests/sources/test_c.py::test_{i}" for i in range(40)],
    ]
    scheduler, nodes = _scheduler("load"), [FakeNode("gw0"), FakeNode("gw1")]
    for node in nodes:
        scheduler.add_node(node)
        scheduler.add_node_collection(node, collection)
    scheduler.schedule()
    while scheduler.pending:
        for node in nodes:
            for index in list(scheduler.node2pending[node]):
                scheduler.mark_test_complete(node, index)
    first, second = (node.sent for node in nodes)
    server = [i for i, nodeid in enumerate(collection) if nodeid.startswith("tests/server/")]
    assert first[: len(server)] == server
    assert not set(server) & set(second)
    assert sorted(first + second) == list(range(len(collection)))
    assert len(second) > 20  # the rest is shared


def test_another_distribution_asked_for_is_left_alone():
    assert _scheduler("loadfile") is None
