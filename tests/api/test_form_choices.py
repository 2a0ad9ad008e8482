"""A choice is read alike from JSON and from forms (api.serializers.ChoiceField): an empty
choice sent is a 400 naming the field, whatever the content type, and writes nothing; leaving
the field out gives its default. DRF alone reads an empty form field of an optional field as
not sent, so ``kind=`` in a form used to create a publisher of the default kind (a fuzz finding:
the schema says "" is no kind)."""

import json
from urllib.parse import urlencode

import pytest
from django.test.client import encode_multipart
from django.urls import reverse
from rest_framework import serializers

from api.serializers import ChoiceField
from sources.models import Publisher
from tests.factories import PublisherFactory
from tests.helpers import assert_error, error_fields, if_match
from tests.html import parse

pytestmark = pytest.mark.django_db

BOUNDARY = "BoUnDaRy"
CONTENT_TYPES = ["json", "urlencoded", "multipart"]
HTML = {"HTTP_ACCEPT": "text/html"}


def send(client, method: str, url: str, data: dict, content_type: str, **extra):
    """``data`` sent as JSON, as an urlencoded form or as a multipart form."""
    if content_type == "json":
        body, header = json.dumps(data), "application/json"
    elif content_type == "urlencoded":
        body, header = urlencode(data), "application/x-www-form-urlencoded"
    else:
        body, header = encode_multipart(BOUNDARY, data), f"multipart/form-data; boundary={BOUNDARY}"
    return getattr(client, method)(url, data=body, content_type=header, **extra)


def stored() -> list[dict]:
    return list(Publisher.objects.order_by("pk").values())


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_an_empty_kind_is_refused_naming_the_field_and_nothing_is_written(researcher_client, content_type):
    PublisherFactory()
    before = stored()
    response = send(
        researcher_client, "post", reverse("publisher-list"), {"name": "Empty", "kind": ""}, content_type
    )
    body = assert_error(response, 400, "invalid")
    assert error_fields(body) == ["kind"]
    assert body["errors"][0]["code"] == "invalid_choice"
    assert body["errors"][0]["message"] == '"" is not a valid choice.'
    assert stored() == before


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_an_edit_with_an_empty_kind_is_refused_and_changes_nothing(researcher_client, content_type):
    publisher = PublisherFactory(kind=Publisher.Kind.GOVERNMENT)
    before = stored()
    url = reverse("publisher-detail", args=[publisher.pk])
    for method in ("patch", "put"):
        response = send(
            researcher_client,
            method,
            url,
            {"name": publisher.name, "kind": ""},
            content_type,
            **if_match(publisher),
        )
        assert error_fields(assert_error(response, 400)) == ["kind"]
    assert stored() == before


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_a_kind_left_out_is_the_default_and_a_kind_sent_is_kept(researcher_client, content_type):
    url = reverse("publisher-list")
    left_out = send(researcher_client, "post", url, {"name": "Left out"}, content_type)
    assert left_out.status_code == 201, left_out.content
    assert left_out.json()["kind"] == Publisher.Kind.OTHER == Publisher._meta.get_field("kind").default
    chosen = send(researcher_client, "post", url, {"name": "Chosen", "kind": "government"}, content_type)
    assert chosen.status_code == 201, chosen.content
    assert Publisher.objects.get(name="Chosen").kind == Publisher.Kind.GOVERNMENT


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_a_kind_that_is_no_choice_is_refused_alike(researcher_client, content_type):
    response = send(
        researcher_client, "post", reverse("publisher-list"), {"name": "X", "kind": "tabloid"}, content_type
    )
    body = assert_error(response, 400)
    assert error_fields(body) == ["kind"]
    assert body["errors"][0]["message"] == '"tabloid" is not a valid choice.'
    assert not Publisher.objects.exists()


def test_the_create_form_shows_the_default_kind_chosen(researcher_client):
    """So a person sending the browsable API's form unchanged sends the default, not ""."""
    document = parse(researcher_client.get(reverse("publisher-list"), **HTML).content)
    select = document.find(data_form="post").find("select", name="kind")
    (chosen,) = [option for option in select.find_all("option") if "selected" in option.attrs]
    assert chosen.attrs["value"] == Publisher.Kind.OTHER


def project_serializers():
    """Every serializer class of the project's packages that can be built without arguments."""
    found, pending = [], [serializers.BaseSerializer]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.__module__.split(".")[0] in {"api", "core", "sources", "claims", "interchange"}:
            try:
                found.append((cls, cls().fields))
            except AssertionError:  # an abstract base without Meta
                continue
    return found


def test_every_optional_choice_reads_an_empty_form_value_as_a_value():
    """Only an optional choice that takes neither blank nor null meets DRF's reading of an
    empty form field as not sent; every such field is the project's ``ChoiceField``."""
    reverse("api-root")  # loads the URLs, so every view and every serializer
    optional = [
        (cls.__name__, name, field)
        for cls, fields in project_serializers()
        for name, field in fields.items()
        if type(field) is not serializers.MultipleChoiceField
        and isinstance(field, serializers.ChoiceField)
        and not (field.read_only or field.required or field.allow_blank or field.allow_null)
    ]
    assert ("PublisherWriteSerializer", "kind") in {(cls, name) for cls, name, _ in optional}
    assert [(cls, name) for cls, name, field in optional if not isinstance(field, ChoiceField)] == []
