"""Publisher identity that resists look-alikes: names with the same identity key
(sources.identity) are the same publisher, refused with 409 naming it through every door."""

import importlib
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from sources import services
from sources.identity import fill_name_keys, name_key
from sources.models import Publisher, Source
from tests.factories import PublisherFactory

pytestmark = pytest.mark.django_db

# Each looks like "Reuters" to a reader. Written with escapes so the file shows what they hold.
LOOKALIKES = [
    "\uff32\uff45\uff55\uff54\uff45\uff52\uff53",  # fullwidth
    "R\u0435ut\u0435rs",  # Cyrillic ie twice
    "Reuters\u200b",  # zero-width space after
    "Reu\u200dters",  # zero-width joiner inside
    "\ufeffReuters",  # byte-order mark before
    "Reu\u00adters",  # soft hyphen
    "REUTERS",
    "reuters",
    "Reuter\u0455",  # Cyrillic dze
    "\U0001d411\U0001d41e\U0001d42e\U0001d42d\U0001d41e\U0001d42b\U0001d42c",  # mathematical bold
    "\u211beuters",  # script capital R
    "Reuters\u202e",  # right-to-left override
    " Reuters ",
]
# Look-alikes of a name with a space: collapsed white space.
SPACED = ["The  Guardian", "The\u00a0Guardian", "The\tGuardian", "The\u2003Guardian", "THE GUARDIAN"]
DIFFERENT = ["Reuter", "Reuters Foundation", "Router", "Reuters Institute", "Guardian"]


@pytest.fixture
def reuters(db, researcher):
    return services.publisher_create(actor=researcher, name="Reuters", kind="news_media")


@pytest.fixture
def guardian(db, researcher):
    return services.publisher_create(actor=researcher, name="The Guardian", kind="news_media")


def test_the_key_of_every_lookalike_is_the_key_of_the_name():
    assert all(name_key(name) == name_key("Reuters") for name in LOOKALIKES)
    assert all(name_key(name) == name_key("The Guardian") for name in SPACED)
    keys = {name_key(name) for name in [*DIFFERENT, "Reuters", "The Guardian"]}
    assert len(keys) == len(DIFFERENT) + 2


@pytest.mark.parametrize("name", LOOKALIKES)
def test_a_lookalike_is_a_409_naming_the_publisher(researcher_client, reuters, name):
    before = list(Publisher.objects.values())
    response = researcher_client.post(reverse("publisher-list"), {"name": name}, format="json")
    assert response.status_code == 409, response.content
    body = json.loads(response.content)
    assert body["code"] == "duplicate"
    assert body["existing_id"] == reuters.pk
    assert "Reuters" in body["detail"]
    assert [item["field"] for item in body["errors"]] == ["name"]
    assert list(Publisher.objects.values()) == before


@pytest.mark.parametrize("name", SPACED)
def test_a_name_with_other_white_space_is_a_409(researcher_client, guardian, name):
    response = researcher_client.post(reverse("publisher-list"), {"name": name}, format="json")
    assert response.status_code == 409, response.content
    assert Publisher.objects.count() == 1


@pytest.mark.parametrize("name", DIFFERENT)
def test_a_different_name_is_accepted(researcher_client, reuters, guardian, name):
    response = researcher_client.post(reverse("publisher-list"), {"name": name}, format="json")
    assert response.status_code == 201, response.content
    assert Publisher.objects.get(pk=response.data["id"]).name_key == name_key(name)


def test_renaming_into_a_lookalike_is_a_409_and_a_case_change_of_its_own_name_is_not(
    reviewer_client, reuters, researcher
):
    other = services.publisher_create(actor=researcher, name="Agence France-Presse")
    url = reverse("publisher-detail", args=[other.pk])
    response = reviewer_client.patch(url, {"name": "R\u0435uters", "version": other.version}, format="json")
    assert response.status_code == 409
    assert json.loads(response.content)["existing_id"] == reuters.pk
    other.refresh_from_db()
    assert other.name == "Agence France-Presse"
    url = reverse("publisher-detail", args=[reuters.pk])
    response = reviewer_client.patch(url, {"name": "REUTERS", "version": reuters.version}, format="json")
    assert response.status_code == 200, response.content
    reuters.refresh_from_db()
    assert (reuters.name, reuters.name_key) == ("REUTERS", name_key("Reuters"))


def test_the_database_refuses_a_second_publisher_with_the_same_key(reuters):
    with pytest.raises(IntegrityError), transaction.atomic():
        Publisher.objects.create(name="R\u0435uters", name_key=reuters.name_key)
    assert Publisher.objects.count() == 1


def test_the_admin_refuses_a_lookalike_naming_the_publisher(client, superuser, reuters):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:sources_publisher_add"), {"name": "R\u0435ut\u0435rs", "kind": "news_media"}
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Reuters" in response.content.decode()
    assert "already exists" in response.content.decode()
    assert Publisher.objects.count() == 1


def _import(client, document):
    return client.post(reverse("import"), document, format="json")


def test_the_import_refuses_a_lookalike_publisher_row_naming_it(researcher_client, reuters):
    response = _import(researcher_client, {"publishers": [{"name": "R\u0435ut\u0435rs"}]})
    assert response.status_code == 400, response.content
    body = json.loads(response.content)
    # An import refuses the file with its list of problems (400); the row's names the publisher.
    assert [(item["field"], item["code"]) for item in body["errors"]] == [("publishers[1].name", "duplicate")]
    assert f'"Reuters" (publisher {reuters.pk})' in body["errors"][0]["message"]
    assert Publisher.objects.count() == 1


def test_the_import_refuses_a_lookalike_reference_and_takes_a_case_variant(researcher_client, reuters):
    response = _import(
        researcher_client, {"sources": [{"kind": "report", "title": "A", "publisher": "Reuters\u200b"}]}
    )
    assert response.status_code == 400, response.content
    body = json.loads(response.content)
    assert [(item["field"], item["code"]) for item in body["errors"]] == [
        ("sources[1].publisher", "duplicate")
    ]
    assert f'"Reuters" (publisher {reuters.pk})' in body["errors"][0]["message"]
    assert Source.objects.count() == 0
    response = _import(
        researcher_client, {"sources": [{"kind": "report", "title": "A", "publisher": "reuters"}]}
    )
    assert response.status_code in (200, 201), response.content
    assert Source.objects.get().publisher == reuters


def test_the_import_refuses_two_lookalike_rows_in_one_file(researcher_client):
    response = _import(researcher_client, {"publishers": [{"name": "Reuters"}, {"name": "Reuters\u200b"}]})
    assert response.status_code == 400
    assert Publisher.objects.count() == 0


def test_the_migration_fills_keys_and_the_command_reports_stored_lookalikes(capsys, researcher):
    # As stored before the key existed: no keys, and two look-alike groups.
    Publisher.objects.bulk_create(
        [Publisher(name=name) for name in ["Reuters", "R\u0435uters", "AP", "Reuters\u200b", "A P", "BBC"]]
    )
    ids = dict(Publisher.objects.values_list("name", "id"))
    groups = fill_name_keys(Publisher)
    assert groups == [[ids["Reuters"], ids["R\u0435uters"], ids["Reuters\u200b"]]]
    keys = dict(Publisher.objects.values_list("name", "name_key"))
    assert keys["Reuters"] == name_key("Reuters")
    assert keys["R\u0435uters"] is None
    assert keys["Reuters\u200b"] is None
    assert keys["BBC"] == name_key("BBC")
    assert keys["A P"] == name_key("A P") != keys["AP"]
    with pytest.raises(SystemExit) as exit_info:
        call_command("publisher_lookalikes")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert f"{ids['Reuters']} 'Reuters'" in out
    assert "\\u200b" in out
    # A new look-alike is still refused: the oldest of the group holds the key.
    with pytest.raises(services.Conflict):
        services.publisher_create(actor=researcher, name="\uff32euters")


def test_the_command_reports_nothing_when_names_are_distinct(capsys):
    PublisherFactory.create_batch(3)
    call_command("publisher_lookalikes")
    assert "No look-alike publishers." in capsys.readouterr().out


def test_the_migration_adding_the_key_uses_the_same_fill():
    migration = importlib.import_module("sources.migrations.0004_publisher_name_key")
    assert migration.fill_name_keys is fill_name_keys
