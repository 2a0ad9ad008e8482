"""Sources as CSL-JSON for citation managers (sources/csl.py)."""

import datetime
import functools
import json
import re

import jsonschema
import pytest
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from sources.csl import CSL_MEDIA_TYPE, csl_name
from sources.models import Publisher, Source
from tests.factories import PublisherFactory, SourceFactory
from tests.helpers import assert_error, error_fields

pytestmark = pytest.mark.django_db

# The item types of CSL 1.0.2 (csl-data.json).
CSL_TYPES = frozenset(
    [
        "article",
        "article-journal",
        "article-magazine",
        "article-newspaper",
        "bill",
        "book",
        "broadcast",
        "chapter",
        "classic",
        "collection",
        "dataset",
        "document",
        "entry",
        "entry-dictionary",
        "entry-encyclopedia",
        "event",
        "figure",
        "graphic",
        "hearing",
        "interview",
        "legal_case",
        "legislation",
        "manuscript",
        "map",
        "motion_picture",
        "musical_score",
        "pamphlet",
        "paper-conference",
        "patent",
        "performance",
        "periodical",
        "personal_communication",
        "post",
        "post-weblog",
        "regulation",
        "report",
        "review",
        "review-book",
        "software",
        "song",
        "speech",
        "standard",
        "thesis",
        "treaty",
        "webpage",
    ]
)
LIST_URL = reverse("source-list")


@functools.cache
def openapi() -> dict:
    return json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), cls=DjangoJSONEncoder)
    )


def assert_valid_csl_item(item: dict) -> None:
    """What CSL-JSON requires of an item (id and type), dates as valid date-parts, and the
    item as the OpenAPI schema documents it."""
    assert isinstance(item["id"], str | int)
    assert item["id"]
    assert item["type"] in CSL_TYPES
    for key in ("issued", "accessed"):
        if key in item:
            (parts,) = item[key]["date-parts"]
            assert 1 <= len(parts) <= 3
            assert all(isinstance(part, int) for part in parts)
            datetime.date(*parts)  # a real date
    components = openapi()["components"]
    jsonschema.validate(item, {"$ref": "#/components/schemas/CslItem", "components": components})


def csl_url(source) -> str:
    return reverse("source-detail", args=[source.pk])


@pytest.fixture
def demo(researcher):
    call_command("load_demo", user=researcher.username, verbosity=0)


def test_demo_sources_as_csl(demo, researcher_client):
    response = researcher_client.get(LIST_URL, {"format": "csl"})

    assert response.status_code == 200
    assert response["Content-Type"] == CSL_MEDIA_TYPE
    items = response.json()
    assert isinstance(items, list)
    assert len(items) == Source.objects.count()
    for item in items:
        assert_valid_csl_item(item)
    assert {item["id"] for item in items} == {
        f"source-{pk}" for pk in Source.objects.values_list("pk", flat=True)
    }
    report = next(item for item in items if item["type"] == "article-newspaper")
    # What Zotero reads: a newspaper article with its paper, date and title.
    assert report["container-title"] == "The Wall Street Journal"
    assert report["publisher"] == "The Wall Street Journal"
    assert report["issued"] == {"date-parts": [[2020, 12, 23]]}
    assert report["title"].startswith("The Wall Street Journal report")
    assert "abstract" in report
    statement = next(item for item in items if item["title"].startswith("U.S. Central Command statement"))
    assert statement["type"] == "document"
    assert statement["genre"] == "Official statement"
    # No author is credited: the command is the institutional author.
    assert statement["author"] == [{"literal": "U.S. Central Command"}]


def test_csl_by_accept_header_and_json_unchanged(demo, researcher_client):
    response = researcher_client.get(LIST_URL, HTTP_ACCEPT=CSL_MEDIA_TYPE)
    assert response["Content-Type"] == CSL_MEDIA_TYPE
    assert isinstance(response.json(), list)
    assert "Accept" in response["Vary"]

    plain = researcher_client.get(LIST_URL)
    assert plain["Content-Type"] == "application/json"
    assert plain.json().keys() == {"count", "next", "previous", "results"}


def test_csl_list_pages_in_link_headers(researcher_client):
    SourceFactory.create_batch(5)

    first = researcher_client.get(LIST_URL, {"format": "csl", "page_size": 2})
    assert len(first.json()) == 2
    assert first["X-Total-Count"] == "5"
    links = dict(re.findall(r'<([^>]+)>; rel="(\w+)"', first["Link"]))
    assert set(links.values()) == {"next"}
    next_url = next(url for url, rel in links.items() if rel == "next")
    assert "page=2" in next_url
    assert "format=csl" in next_url

    second = researcher_client.get(next_url)
    assert second["Content-Type"] == CSL_MEDIA_TYPE
    assert {rel for _url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', second["Link"])} == {"next", "prev"}
    ids = {item["id"] for item in first.json()} | {item["id"] for item in second.json()}
    assert len(ids) == 4

    single = researcher_client.get(LIST_URL, {"format": "csl"})
    assert "Link" not in single
    assert single["X-Total-Count"] == "5"


def test_csl_list_keeps_the_filters(researcher_client):
    video = SourceFactory(kind=Source.Kind.VIDEO)
    SourceFactory(kind=Source.Kind.REPORT)

    items = researcher_client.get(LIST_URL, {"format": "csl", "kind": "video"}).json()

    assert [item["id"] for item in items] == [f"source-{video.pk}"]
    assert items[0]["type"] == "motion_picture"


def test_csl_detail_is_one_item(researcher_client):
    source = SourceFactory(
        kind=Source.Kind.REPORT,
        title="Annual report on terrorism",
        authors="Jane Doe; Smith, John; Ludwig van Beethoven; Office of the Coordinator for Counterterrorism",
        published_on=datetime.date(2021, 3, 4),
        accessed_on=datetime.date(2024, 1, 2),
        identifier="Report 2021-7",
        language="en",
        summary="What the report says.",
        url="https://gov.example.org/report",
        archived_url="https://web.archive.org/web/2024/https://gov.example.org/report",
    )

    response = researcher_client.get(csl_url(source), {"format": "csl"})

    assert response.status_code == 200
    assert response["Content-Type"] == CSL_MEDIA_TYPE
    item = response.json()
    assert_valid_csl_item(item)
    assert item == {
        "id": f"source-{source.pk}",
        "citation-key": f"source_{source.pk}",
        "type": "report",
        "title": "Annual report on terrorism",
        "author": [
            {"family": "Doe", "given": "Jane"},
            {"family": "Smith", "given": "John"},
            {"family": "van Beethoven", "given": "Ludwig"},
            {"literal": "Office of the Coordinator for Counterterrorism"},
        ],
        "publisher": source.publisher.name,
        "issued": {"date-parts": [[2021, 3, 4]]},
        "accessed": {"date-parts": [[2024, 1, 2]]},
        "URL": "https://gov.example.org/report",
        "number": "Report 2021-7",
        "language": "en",
        "abstract": "What the report says.",
        "note": "Archived copy: https://web.archive.org/web/2024/https://gov.example.org/report",
    }


@pytest.mark.parametrize(
    ("kind", "url", "csl_type"),
    [
        (Source.Kind.NEWS_REPORT, "https://a.example/1", "article-newspaper"),
        (Source.Kind.OFFICIAL_STATEMENT, "https://a.example/2", "document"),
        (Source.Kind.PRESS_RELEASE, "https://a.example/3", "report"),
        (Source.Kind.GOVERNMENT_DESIGNATION, "https://a.example/4", "report"),
        (Source.Kind.REPORT, "https://a.example/5", "report"),
        (Source.Kind.SOCIAL_MEDIA_POST, "https://a.example/6", "post"),
        (Source.Kind.VIDEO, "https://a.example/7", "motion_picture"),
        (Source.Kind.INTERVIEW, "https://a.example/8", "interview"),
        (Source.Kind.OTHER, "https://a.example/9", "webpage"),
        (Source.Kind.OTHER, "", "document"),
    ],
)
def test_kind_maps_to_a_csl_type(researcher_client, kind, url, csl_type):
    source = SourceFactory(kind=kind, url=url, publisher=None)

    item = researcher_client.get(csl_url(source), {"format": "csl"}).json()

    assert item["type"] == csl_type
    assert_valid_csl_item(item)
    assert "publisher" not in item
    assert "author" not in item


@pytest.mark.parametrize(
    ("identifier", "key", "value"),
    [
        ("10.1000/xyz123", "DOI", "10.1000/xyz123"),
        ("doi:10.1038/nphys1170", "DOI", "10.1038/nphys1170"),
        ("https://doi.org/10.1038/nphys1170", "DOI", "10.1038/nphys1170"),
        ("978-0-306-40615-7", "ISBN", "9780306406157"),
        ("ISBN 0-306-40615-2", "ISBN", "0306406152"),
        ("978-0-306-40615-8", "number", "978-0-306-40615-8"),  # wrong check digit
        ("Executive Order 13224", "number", "Executive Order 13224"),
    ],
)
def test_identifier_becomes_doi_isbn_or_number(researcher_client, identifier, key, value):
    source = SourceFactory(identifier=identifier)

    item = researcher_client.get(csl_url(source), {"format": "csl"}).json()

    assert item[key] == value
    assert {"DOI", "ISBN", "number"} & item.keys() == {key}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jane Doe", {"family": "Doe", "given": "Jane"}),
        ("Doe, Jane A.", {"family": "Doe", "given": "Jane A."}),
        ("Maria de la Cruz", {"family": "de la Cruz", "given": "Maria"}),
        ("U.S. Central Command", {"literal": "U.S. Central Command"}),
        ("The Wall Street Journal", {"literal": "The Wall Street Journal"}),
        ("Reuters", {"literal": "Reuters"}),
        ("Ministry of Foreign Affairs", {"literal": "Ministry of Foreign Affairs"}),
    ],
)
def test_names_are_split_sensibly(name, expected):
    assert csl_name(name) == expected


def test_unknown_format_is_refused_naming_it(researcher_client):
    source = SourceFactory()

    for url in (LIST_URL, csl_url(source)):
        response = researcher_client.get(url, {"format": "bibtex"})
        body = assert_error(response, 400, "invalid")
        assert error_fields(body) == ["format"]
        assert response["Content-Type"] == "application/json"


def test_csl_is_not_offered_for_writes_and_nothing_is_written(researcher_client):
    publisher = PublisherFactory()
    before = Source.objects.count()

    response = researcher_client.post(
        f"{LIST_URL}?format=csl", {"kind": "report", "title": "New", "publisher": publisher.pk}
    )

    body = assert_error(response, 400, "invalid")
    assert error_fields(body) == ["format"]
    assert Source.objects.count() == before


def test_errors_asked_for_in_csl_are_json(researcher_client):
    response = researcher_client.get(LIST_URL, {"format": "csl", "page_size": "0"})
    body = assert_error(response, 400, "invalid")
    assert response["Content-Type"] == "application/json"
    assert error_fields(body) == ["page_size"]

    # Id 0 is no record (nor a canonical id: the JSON 404 either way).
    url = reverse("source-detail", args=[1]).replace("/1/", "/0/")
    response = researcher_client.get(url, HTTP_ACCEPT=CSL_MEDIA_TYPE)
    assert_error(response, 404)
    assert response["Content-Type"] == "application/json"


def test_csl_needs_a_signed_in_user(anon_client):
    response = anon_client.get(LIST_URL, {"format": "csl"})
    assert_error(response, 401)
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("size", [1, 15])
def test_csl_list_query_count_is_constant(researcher_client, django_assert_num_queries, size):
    publisher = Publisher.objects.create(name="One publisher")
    sources = SourceFactory.create_batch(size, publisher=publisher)
    sources[0].relies_on.add(SourceFactory(publisher=publisher))

    # count, page of sources with publisher, prefetch of relies_on
    with django_assert_num_queries(3):
        response = researcher_client.get(LIST_URL, {"format": "csl"})
    assert len(response.json()) == size + 1


@pytest.mark.parametrize("relied_on", [0, 6])
def test_csl_detail_query_count_is_constant(researcher_client, django_assert_num_queries, relied_on):
    source = SourceFactory()
    for other in SourceFactory.create_batch(relied_on):
        source.relies_on.add(other)

    # the source with its publisher, prefetch of relies_on
    with django_assert_num_queries(2):
        response = researcher_client.get(csl_url(source), {"format": "csl"})
    assert response.json()["id"] == f"source-{source.pk}"
