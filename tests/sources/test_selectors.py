"""The natural-key lookups the import and the demo loader share (sources.selectors)."""

import pytest
from django.utils import timezone

from sources.identity import name_key
from sources.selectors import publishers_by_name_key, source_natural_key, sources_by_key, stored_source_key
from tests.factories import PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_publishers_are_found_by_the_identity_key_of_their_name(django_assert_num_queries):
    reuters = PublisherFactory(name="Reuters")
    PublisherFactory(name="Associated Press")

    with django_assert_num_queries(1):
        found = publishers_by_name_key([name_key("REUTERS"), name_key("Reut\u0435rs"), name_key("Nobody")])

    # Letter case and a Cyrillic look-alike give the same key; a name no one has, nothing.
    assert found == {name_key("Reuters"): reuters}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"url": "https://a.example/", "identifier": "ID", "title": "T"}, ("url", "https://a.example/")),
        ({"url": "", "identifier": "ID", "title": "T"}, ("identifier", "ID")),
        ({"url": "", "identifier": "", "title": "T"}, ("title", "T", 7)),
    ],
)
def test_a_source_is_known_by_its_url_else_identifier_else_title_and_publisher(fields, expected):
    assert source_natural_key(**fields, publisher=7) == expected


def test_sources_are_found_by_each_kind_of_key_in_one_query(django_assert_num_queries):
    by_url = SourceFactory(url="https://a.example/report")
    by_identifier = SourceFactory(url="", identifier="EO 13224")
    by_title = SourceFactory(url="", identifier="", title="A statement")
    trashed = SourceFactory(url="https://a.example/old", deleted_at=timezone.now())
    SourceFactory(url="", identifier="", title="A statement", publisher=None)  # another publisher's
    keys = [
        ("url", "https://a.example/report"),
        ("identifier", "EO 13224"),
        ("title", "A statement", by_title.publisher_id),
        ("id", by_identifier.pk),
        ("url", "https://a.example/old"),
        ("url", "https://a.example/none"),
    ]

    with django_assert_num_queries(1):
        found = sources_by_key(keys)

    assert found == {
        ("url", "https://a.example/report"): [by_url],
        ("identifier", "EO 13224"): [by_identifier],
        ("title", "A statement", by_title.publisher_id): [by_title],
        ("id", by_identifier.pk): [by_identifier],
        ("url", "https://a.example/old"): [trashed],
    }


def test_a_source_with_a_url_is_not_found_by_its_identifier_nor_title():
    source = SourceFactory(url="https://a.example/report", identifier="EO 13224", title="A report")

    assert sources_by_key([("identifier", "EO 13224"), ("title", "A report", source.publisher_id)]) == {}
    assert stored_source_key(source) == ("url", "https://a.example/report")


def test_sources_sharing_an_identifier_are_all_found_oldest_first():
    first = SourceFactory(url="", identifier="EO 13224")
    second = SourceFactory(url="", identifier="EO 13224")

    assert sources_by_key([("identifier", "EO 13224")]) == {("identifier", "EO 13224"): [first, second]}


def test_no_keys_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert sources_by_key([]) == {}
        assert publishers_by_name_key([]) == {}
