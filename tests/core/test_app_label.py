"""The app installed as "config" is "core" (issue 12): a database that applied config's
migrations counts core's applied, and the content types (with the permissions that name them)
move to the new label. The tables' names: tests/core/test_table_names.py."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    yield
    ContentType.objects.clear_cache()


MIGRATIONS = Path(apps.get_app_config("core").path) / "migrations"


def relabel_migration():
    (path,) = MIGRATIONS.glob("*_app_label_core.py")
    return importlib.import_module(f"core.migrations.{path.stem}")


def config_migrations():
    """core's migrations that came from config, by name."""
    loader = MigrationLoader(connection)
    return {
        key[1]: migration.replaces
        for key, migration in loader.disk_migrations.items()
        if key[0] == "core" and migration.replaces
    }


def test_every_moved_migration_replaces_configs_of_its_name():
    moved = config_migrations()
    assert {"0001_roles", "0002_idempotencyrecord", "0004_change_log", "0006_merge_branches"} <= moved.keys()
    assert all(replaces == [("config", name)] for name, replaces in moved.items())


def test_a_database_migrated_as_config_needs_no_migration_of_core():
    recorder = MigrationRecorder(connection)
    moved = config_migrations()
    recorder.migration_qs.filter(app="core", name__in=moved).delete()
    for name in moved:
        recorder.record_applied("config", name)

    executor = MigrationExecutor(connection)
    executor.loader.check_consistent_history(connection)
    assert all(("core", name) in executor.loader.applied_migrations for name in moved)
    leaves = executor.loader.graph.leaf_nodes("core")
    assert executor.migration_plan(leaves) == []

    # Without config's records the same migrations are not applied: the check above can fail.
    recorder.migration_qs.filter(app="config").delete()
    executor = MigrationExecutor(connection)
    plan = {migration.name for migration, _ in executor.migration_plan([("core", name) for name in moved])}
    assert set(moved) <= plan


class SchemaEditor:
    connection = connection


def test_content_types_and_their_permissions_move_to_core():
    old = ContentType.objects.create(app_label="config", model="retired")
    permission = Permission.objects.create(content_type=old, codename="view_retired", name="Can view")
    group = Group.objects.create(name="keepers")
    group.permissions.add(permission)

    relabel_migration().relabel("config", "core")(apps, SchemaEditor())

    old.refresh_from_db()
    assert (old.app_label, old.model) == ("core", "retired")
    assert group.permissions.get() == permission
    assert not ContentType.objects.filter(app_label="config").exists()


def test_the_old_content_type_takes_the_place_of_one_made_under_core():
    """Django may have made core's content type already; the one holding permissions wins."""
    made = ContentType.objects.create(app_label="core", model="retired")
    old = ContentType.objects.create(app_label="config", model="retired")
    Permission.objects.create(content_type=old, codename="view_retired", name="Can view")

    relabel_migration().relabel("config", "core")(apps, SchemaEditor())

    assert not ContentType.objects.filter(pk=made.pk).exists()
    assert ContentType.objects.get(app_label="core", model="retired").pk == old.pk
    assert Permission.objects.get(codename="view_retired").content_type_id == old.pk


def test_backwards_the_content_types_go_back_to_config():
    moved = ContentType.objects.get(app_label="core", model="change")
    relabel_migration().relabel("core", "config")(apps, SchemaEditor())
    moved.refresh_from_db()
    assert moved.app_label == "config"
