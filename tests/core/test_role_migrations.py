"""The working groups come from core (core/migrations/0001_roles.py), their model permissions
from each app's own ``role_permissions`` migration (core.roles.grant_model_permissions): core
depends on no app that uses it, a fresh database gets the grants, and a database seeded before
(by the old 0001_roles) keeps its groups as they are, an admin's changes included."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

from core.roles import RESEARCHERS, REVIEWERS, grant_model_permissions

# What the seeding gave the groups before issue 12, and what a fresh database must still get.
SOURCES = ("publisher", "source", "sourcereliance")
CLAIMS = ("article", "claim", "citation")
RESEARCHER_PERMISSIONS = {
    f"{app}.{action}_{model}"
    for app, models in (("sources", SOURCES), ("claims", (*CLAIMS, "statuschange")))
    for model in models
    for action in ("view", "add", "change")
}
REVIEWER_PERMISSIONS = {
    f"{app}.{action}_{model}"
    for app, models in (("sources", SOURCES), ("claims", CLAIMS))
    for model in models
    for action in ("view", "add", "change", "delete")
} | {"claims.view_statuschange"}
APPS_USING_CORE = {"sources", "claims", "interchange", "api"}
# Historical: the change log's triggers, installed by hand on the apps' tables (0004, 0005) and
# their old function dropped once the apps declared their own (0008). No new one may join.
OLD_CHANGE_LOG_MIGRATIONS = {
    "0004_change_log",
    "0005_change_log_same_claim_links",
    "0008_drop_hand_change_log_function",
}


def held(name: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def grant_migration(app: str):
    (key,) = [
        key for key in MigrationLoader(None).disk_migrations if key[0] == app and "role_permissions" in key[1]
    ]
    return importlib.import_module(f"{app}.migrations.{key[1]}")


def run_grant(app: str) -> None:
    """The app's grant, as its migration runs it."""
    (operation,) = grant_migration(app).Migration.operations
    operation.code(apps, None)


def test_core_migrations_depend_on_no_app_that_uses_core():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    depending = {
        name
        for (app, name), node in graph.nodes.items()
        if app == "core"
        for dependency_app, _ in node.dependencies
        if dependency_app in APPS_USING_CORE
    }
    assert "0001_roles" not in depending
    assert depending == OLD_CHANGE_LOG_MIGRATIONS
    # The grants are the apps' own migrations, after core's groups.
    for app in ("sources", "claims"):
        (key,) = [key for key in graph.nodes if key[0] == app and "role_permissions" in key[1]]
        assert ("core", "0001_roles") in graph.nodes[key].dependencies


@pytest.mark.django_db
def test_a_fresh_database_grants_what_the_seeding_gave():
    assert held(RESEARCHERS) == RESEARCHER_PERMISSIONS
    assert held(REVIEWERS) == REVIEWER_PERMISSIONS


@pytest.mark.django_db
def test_a_group_holding_some_permission_of_the_app_is_left_as_it_is():
    """As on a database the old 0001_roles seeded, then an admin changed."""
    reviewers = Group.objects.get(name=REVIEWERS)
    reviewers.permissions.remove(
        Permission.objects.get(content_type__app_label="claims", codename="delete_claim")
    )
    reviewers.permissions.add(
        Permission.objects.get(content_type__app_label="claims", codename="add_sameclaimlink")
    )
    customised = held(REVIEWERS)

    for app in ("sources", "claims"):
        run_grant(app)

    assert held(REVIEWERS) == customised
    assert "claims.delete_claim" not in customised
    assert held(RESEARCHERS) == RESEARCHER_PERMISSIONS


@pytest.mark.django_db
def test_a_group_without_the_apps_permissions_gets_its_grant_and_no_more():
    researchers = Group.objects.get(name=RESEARCHERS)
    researchers.permissions.remove(*researchers.permissions.filter(content_type__app_label="claims"))
    assert {permission.split(".")[0] for permission in held(RESEARCHERS)} == {"sources"}

    run_grant("claims")

    assert held(RESEARCHERS) == RESEARCHER_PERMISSIONS
    assert held(REVIEWERS) == REVIEWER_PERMISSIONS


@pytest.mark.django_db
def test_a_missing_group_is_not_made_and_an_unknown_permission_is_refused():
    Group.objects.filter(name=REVIEWERS).delete()
    run_grant("claims")
    assert not Group.objects.filter(name=REVIEWERS).exists()

    Group.objects.get(name=RESEARCHERS).permissions.clear()
    with pytest.raises(ValueError, match="view_nothing"):
        grant_model_permissions("claims", {RESEARCHERS: ["view_claim", "view_nothing"]}).code(apps, None)
    assert held(RESEARCHERS) == set()


@pytest.mark.django_db(transaction=True)
def test_migrating_the_grants_back_and_forth_keeps_what_an_admin_changed(working_groups):
    researchers = Group.objects.get(name=RESEARCHERS)
    researchers.permissions.remove(
        Permission.objects.get(content_type__app_label="sources", codename="add_source")
    )
    customised = held(RESEARCHERS)
    sources, claims = grant_migration("sources"), grant_migration("claims")
    previous = {
        "sources": sources.Migration.dependencies[0][1],
        "claims": claims.Migration.dependencies[0][1],
    }
    try:
        for app, name in previous.items():
            call_command("migrate", app, name, verbosity=0)
        assert held(RESEARCHERS) == customised  # backwards the groups keep what they hold
    finally:
        call_command("migrate", verbosity=0)
    assert held(RESEARCHERS) == customised
    assert held(REVIEWERS) == REVIEWER_PERMISSIONS
