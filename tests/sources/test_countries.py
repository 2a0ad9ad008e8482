"""A publisher's country is an assigned ISO 3166-1 alpha-2 code, through every door."""

import json

import pytest
from django.urls import reverse

from sources import services
from sources.models import Publisher
from tests.factories import PublisherFactory
from tests.helpers import if_match

pytestmark = pytest.mark.django_db

UNASSIGNED = ["XX", "ZZ", "QQ", "AA", "UK", "EU", "xx", "ZZ ", "X1"]
ASSIGNED = [("GB", "GB"), ("us", "US"), ("De", "DE"), ("IR", "IR"), ("", "")]


def _fields(response) -> list:
    return [item["field"] for item in json.loads(response.content)["errors"]]


@pytest.mark.parametrize("country", UNASSIGNED)
def test_an_unassigned_code_is_a_400_naming_country(researcher_client, country):
    response = researcher_client.post(
        reverse("publisher-list"), {"name": "Somewhere", "country": country}, format="json"
    )
    assert response.status_code == 400, response.content
    assert _fields(response) == ["country"]
    assert not Publisher.objects.exists()


@pytest.mark.parametrize(("country", "stored"), ASSIGNED)
def test_an_assigned_code_is_stored_upper_case(researcher_client, country, stored):
    response = researcher_client.post(
        reverse("publisher-list"), {"name": "Somewhere", "country": country}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Publisher.objects.get().country == stored


def test_an_edit_to_an_unassigned_code_is_refused(reviewer_client):
    publisher = PublisherFactory(country="US")
    url = reverse("publisher-detail", args=[publisher.pk])
    response = reviewer_client.patch(url, {"country": "XX"}, format="json", **if_match(publisher))
    assert response.status_code == 400
    assert _fields(response) == ["country"]
    publisher.refresh_from_db()
    assert publisher.country == "US"


def test_the_service_refuses_what_the_serializer_would(db, researcher):
    with pytest.raises(services.InvalidInput) as refused:
        services.publisher_create(actor=researcher, name="Somewhere", country="QQ")
    assert list(refused.value.errors) == ["country"]
    assert not Publisher.objects.exists()


def test_the_import_refuses_an_unassigned_code(researcher_client):
    response = researcher_client.post(
        reverse("import"), {"publishers": [{"name": "Somewhere", "country": "ZZ"}]}, format="json"
    )
    assert response.status_code == 400
    assert _fields(response) == ["publishers[1].country"]
    assert not Publisher.objects.exists()


def test_the_admin_refuses_an_unassigned_code(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:sources_publisher_add"), {"name": "Somewhere", "kind": "other", "country": "XX"}
    )
    assert response.status_code == 200
    assert "ISO 3166-1" in response.content.decode()
    assert not Publisher.objects.exists()
