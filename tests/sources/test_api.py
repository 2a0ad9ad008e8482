import datetime

import pytest
from django.urls import reverse

from sources.models import Publisher, Source, SourceReliance
from tests.factories import CitationFactory, PublisherFactory, SourceFactory
from tests.helpers import assert_error, error_fields, if_match

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    return [row["id"] for row in response.data["results"]]


# Publishers: who may do what --------------------------------------------------------


def test_researcher_creates_publisher(researcher_client):
    response = researcher_client.post(
        reverse("publisher-list"),
        {"name": "  Reuters ", "kind": "news_media", "country": "gb", "url": "https://www.reuters.com/"},
    )
    assert response.status_code == 201, response.data
    publisher = Publisher.objects.get()
    assert response.data["id"] == publisher.pk
    assert response.data["name"] == publisher.name == "Reuters"
    assert response.data["country"] == publisher.country == "GB"
    assert response.data["kind"] == "news_media"


def test_researcher_edits_publisher(researcher_client):
    publisher = PublisherFactory(name="Old name", country="US")
    response = researcher_client.patch(
        reverse("publisher-detail", args=[publisher.pk]),
        {"name": "New name", "country": "de"},
        **if_match(publisher),
    )
    assert response.status_code == 200, response.data
    assert (response.data["name"], response.data["country"]) == ("New name", "DE")
    publisher.refresh_from_db()
    assert (publisher.name, publisher.country) == ("New name", "DE")


def test_researcher_replaces_publisher(researcher_client):
    publisher = PublisherFactory(name="Old name", kind="news_media")
    response = researcher_client.put(
        reverse("publisher-detail", args=[publisher.pk]),
        {"name": "Ministry", "kind": "government"},
        **if_match(publisher),
    )
    assert response.status_code == 200, response.data
    publisher.refresh_from_db()
    assert (publisher.name, publisher.kind) == ("Ministry", "government")


def test_researcher_may_not_delete_publisher(researcher_client):
    publisher = PublisherFactory()
    response = researcher_client.delete(
        reverse("publisher-detail", args=[publisher.pk]), **if_match(publisher)
    )
    assert_error(response, 403, "permission_denied")
    assert Publisher.objects.filter(pk=publisher.pk).exists()


def test_reviewer_deletes_publisher(reviewer_client):
    publisher = PublisherFactory()
    response = reviewer_client.delete(reverse("publisher-detail", args=[publisher.pk]), **if_match(publisher))
    assert response.status_code == 204
    assert not Publisher.objects.filter(pk=publisher.pk).exists()


def test_superuser_deletes_publisher(superuser_client):
    publisher = PublisherFactory()
    response = superuser_client.delete(
        reverse("publisher-detail", args=[publisher.pk]), **if_match(publisher)
    )
    assert response.status_code == 204
    assert not Publisher.objects.exists()


@pytest.mark.parametrize(("client_name", "status_code"), [("outsider_client", 403), ("anon_client", 401)])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_outsiders_and_anonymous_may_not_write_publishers(request, client_name, status_code, method):
    client = request.getfixturevalue(client_name)
    publisher = PublisherFactory(name="Keep me", country="US")
    url = reverse("publisher-list") if method == "post" else reverse("publisher-detail", args=[publisher.pk])
    response = getattr(client, method)(url, {"name": "Changed", "country": "FR"})
    assert_error(response, status_code)
    assert list(Publisher.objects.values_list("name", "country")) == [("Keep me", "US")]


def test_outsider_may_read_publishers(outsider_client):
    publisher = PublisherFactory()
    assert ids(outsider_client.get(reverse("publisher-list"))) == [publisher.pk]
    response = outsider_client.get(reverse("publisher-detail", args=[publisher.pk]))
    assert response.status_code == 200
    assert response.data["name"] == publisher.name


def test_anonymous_may_not_read_publishers(anon_client):
    publisher = PublisherFactory()
    assert_error(anon_client.get(reverse("publisher-list")), 401, "not_authenticated")
    assert_error(anon_client.get(reverse("publisher-detail", args=[publisher.pk])), 401)


def test_public_read_lets_anonymous_read_but_not_write(anon_client, settings):
    settings.CLAIMTRACK_PUBLIC_READ = True
    publisher = PublisherFactory()
    assert ids(anon_client.get(reverse("publisher-list"))) == [publisher.pk]
    assert anon_client.get(reverse("publisher-detail", args=[publisher.pk])).status_code == 200
    response = anon_client.post(reverse("publisher-list"), {"name": "Anonymous press"})
    assert response.status_code in (401, 403)
    assert_error(response, response.status_code)
    assert_error(
        anon_client.delete(reverse("publisher-detail", args=[publisher.pk]), **if_match(publisher)),
        response.status_code,
    )
    assert list(Publisher.objects.values_list("pk", flat=True)) == [publisher.pk]


# Publishers: rules -------------------------------------------------------------------


def test_publisher_name_unique_regardless_of_case(researcher_client):
    PublisherFactory(name="Reuters")
    response = researcher_client.post(reverse("publisher-list"), {"name": "REUTERS"})
    body = assert_error(response, 409, "duplicate")
    assert error_fields(body) == ["name"]
    assert list(Publisher.objects.values_list("name", flat=True)) == ["Reuters"]


def test_publisher_rename_onto_another_name_is_refused(researcher_client):
    PublisherFactory(name="Reuters")
    other = PublisherFactory(name="AP")
    response = researcher_client.patch(
        reverse("publisher-detail", args=[other.pk]), {"name": "reuters"}, **if_match(other)
    )
    assert_error(response, 409, "duplicate")
    other.refresh_from_db()
    assert other.name == "AP"


def test_publisher_may_change_case_of_own_name(researcher_client):
    publisher = PublisherFactory(name="reuters")
    response = researcher_client.patch(
        reverse("publisher-detail", args=[publisher.pk]), {"name": "Reuters"}, **if_match(publisher)
    )
    assert response.status_code == 200, response.data
    publisher.refresh_from_db()
    assert publisher.name == "Reuters"


@pytest.mark.parametrize("country", ["USA", "U", "1A", "é1", "ÜS"])
def test_publisher_bad_country_is_refused(researcher_client, country):
    response = researcher_client.post(reverse("publisher-list"), {"name": "Somewhere", "country": country})
    body = assert_error(response, 400, "invalid")
    assert "country" in error_fields(body)
    assert not Publisher.objects.exists()


def test_publisher_with_sources_cannot_be_deleted(reviewer_client):
    publisher = PublisherFactory()
    first, second = SourceFactory(publisher=publisher), SourceFactory(publisher=publisher)
    response = reviewer_client.delete(reverse("publisher-detail", args=[publisher.pk]), **if_match(publisher))
    body = assert_error(response, 409, "in_use")
    assert sorted(body["sources"]) == sorted([first.pk, second.pk])
    assert Publisher.objects.filter(pk=publisher.pk).exists()
    assert Source.objects.filter(publisher=publisher).count() == 2


def test_unknown_publisher_is_404(researcher_client):
    publisher = PublisherFactory()
    missing = publisher.pk + 1000
    assert_error(researcher_client.get(reverse("publisher-detail", args=[missing])), 404, "not_found")
    assert_error(researcher_client.patch(reverse("publisher-detail", args=[missing]), {"name": "X"}), 404)


def test_publisher_filters_search_and_ordering(researcher_client):
    ap = PublisherFactory(name="AP", kind="news_media", country="US")
    ministry = PublisherFactory(name="Ministry", kind="government", country="IR")
    army = PublisherFactory(name="Army", kind="military", country="US")
    url = reverse("publisher-list")
    assert ids(researcher_client.get(url)) == [ap.pk, army.pk, ministry.pk]
    assert ids(researcher_client.get(url, {"kind": ["government", "military"]})) == [army.pk, ministry.pk]
    assert ids(researcher_client.get(url, {"country": "us"})) == [ap.pk, army.pk]
    assert ids(researcher_client.get(url, {"search": "minis"})) == [ministry.pk]
    assert ids(researcher_client.get(url, {"ordering": "-name"})) == [ministry.pk, army.pk, ap.pk]


# Sources --------------------------------------------------------------------------


def test_researcher_creates_source_relying_on_others(researcher_client):
    publisher = PublisherFactory(name="Washington Post")
    review = SourceFactory(title="Command review", publisher=PublisherFactory(name="CENTCOM"))
    statement = SourceFactory(title="Statement", publisher=None, url="")
    response = researcher_client.post(
        reverse("source-list"),
        {
            "kind": "news_report",
            "title": "Report on the review",
            "publisher": publisher.pk,
            "url": "HTTPS://News.Example.COM/story?id=7&utm_source=feed&utm_medium=x#comments",
            "published_on": "2024-02-01",
            "relies_on": [review.pk, statement.pk],
        },
    )
    assert response.status_code == 201, response.data
    source = Source.objects.get(pk=response.data["id"])
    assert source.url == response.data["url"] == "https://news.example.com/story?id=7"
    assert response.data["publisher"] == {
        "id": publisher.pk,
        "name": "Washington Post",
        "kind": publisher.kind,
        "country": publisher.country,
    }
    assert response.data["relies_on"] == [
        {
            "id": review.pk,
            "kind": review.kind,
            "title": "Command review",
            "publisher_name": "CENTCOM",
            "url": review.url,
        },
        {"id": statement.pk, "kind": statement.kind, "title": "Statement", "publisher_name": None, "url": ""},
    ]
    assert set(source.relies_on.values_list("pk", flat=True)) == {review.pk, statement.pk}


def test_source_detail_shows_publisher_and_relies_on(outsider_client):
    base = SourceFactory()
    source = SourceFactory()
    SourceReliance.objects.create(source=source, relies_on=base)
    response = outsider_client.get(reverse("source-detail", args=[source.pk]))
    assert response.status_code == 200
    assert response.data["publisher"]["id"] == source.publisher_id
    assert [row["id"] for row in response.data["relies_on"]] == [base.pk]
    assert response.data["relies_on"][0]["publisher_name"] == base.publisher.name


def test_source_url_must_be_unique_after_normalising(researcher_client):
    existing = SourceFactory(url="https://news.example.com/story")
    response = researcher_client.post(
        reverse("source-list"),
        {"kind": "news_report", "title": "Copy", "url": "https://NEWS.example.com:443/story#top"},
    )
    body = assert_error(response, 409, "duplicate")
    assert error_fields(body) == ["url"]
    assert body["existing_id"] == existing.pk
    assert Source.objects.count() == 1


def test_source_with_exactly_the_same_url_is_a_409_too(researcher_client):
    SourceFactory(url="https://news.example.com/story")
    response = researcher_client.post(
        reverse("source-list"),
        {"kind": "news_report", "title": "Copy", "url": "https://news.example.com/story"},
    )
    assert_error(response, 409, "duplicate")
    assert Source.objects.count() == 1


def test_source_edit_onto_another_url_is_refused(researcher_client):
    SourceFactory(url="https://news.example.com/a")
    other = SourceFactory(url="https://news.example.com/b")
    response = researcher_client.patch(
        reverse("source-detail", args=[other.pk]),
        {"url": "https://news.example.com/a?utm_campaign=x"},
        **if_match(other),
    )
    assert_error(response, 409, "duplicate")
    other.refresh_from_db()
    assert other.url == "https://news.example.com/b"


def test_sources_without_url_may_share_the_empty_url(researcher_client):
    for title in ("Briefing one", "Briefing two"):
        response = researcher_client.post(reverse("source-list"), {"kind": "interview", "title": title})
        assert response.status_code == 201, response.data
        assert response.data["url"] == ""
    assert Source.objects.filter(url="").count() == 2


def test_source_cannot_rely_on_itself(researcher_client):
    base = SourceFactory()
    source = SourceFactory(title="Original title")
    SourceReliance.objects.create(source=source, relies_on=base)
    response = researcher_client.patch(
        reverse("source-detail", args=[source.pk]),
        {"title": "Changed", "relies_on": [source.pk]},
        **if_match(source),
    )
    body = assert_error(response, 400, "self_reliance")
    assert error_fields(body) == ["relies_on"]
    source.refresh_from_db()
    assert source.title == "Original title"
    assert list(source.relies_on.values_list("pk", flat=True)) == [base.pk]


def test_source_relies_on_unknown_id_is_refused(researcher_client):
    base = SourceFactory()
    response = researcher_client.post(
        reverse("source-list"),
        {"kind": "report", "title": "Report", "url": "", "relies_on": [base.pk, base.pk + 1000]},
    )
    body = assert_error(response, 400, "invalid")
    assert all(field.startswith("relies_on") for field in error_fields(body))
    assert error_fields(body)
    assert Source.objects.count() == 1
    assert not SourceReliance.objects.exists()


def test_source_edit_replaces_relies_on(researcher_client):
    old, new = SourceFactory(), SourceFactory()
    source = SourceFactory()
    SourceReliance.objects.create(source=source, relies_on=old)
    response = researcher_client.patch(
        reverse("source-detail", args=[source.pk]), {"relies_on": [new.pk]}, **if_match(source)
    )
    assert response.status_code == 200, response.data
    assert [row["id"] for row in response.data["relies_on"]] == [new.pk]
    assert list(source.relies_on.values_list("pk", flat=True)) == [new.pk]


def test_source_filters(researcher_client):
    publisher = PublisherFactory()
    old = SourceFactory(kind="report", publisher=publisher, published_on=datetime.date(2020, 1, 1))
    mid = SourceFactory(kind="video", published_on=datetime.date(2022, 6, 1))
    new = SourceFactory(kind="news_report", publisher=publisher, published_on=datetime.date(2024, 3, 1))
    url = reverse("source-list")
    assert ids(researcher_client.get(url, {"kind": ["report", "video"]})) == [mid.pk, old.pk]
    assert ids(researcher_client.get(url, {"publisher": publisher.pk})) == [new.pk, old.pk]
    assert ids(researcher_client.get(url, {"published_after": "2021-01-01"})) == [new.pk, mid.pk]
    assert ids(researcher_client.get(url, {"published_before": "2022-06-01"})) == [mid.pk, old.pk]
    between = {"published_after": "2021-01-01", "published_before": "2023-01-01"}
    assert ids(researcher_client.get(url, between)) == [mid.pk]


def test_source_search_and_ordering(researcher_client):
    alpha = SourceFactory(title="Alpha report", published_on=datetime.date(2020, 1, 1))
    beta = SourceFactory(
        title="Beta", summary="Mentions drones", published_on=datetime.date(2021, 1, 1), publisher=None
    )
    gamma = SourceFactory(title="Gamma", publisher=PublisherFactory(name="Drone Watch"), published_on=None)
    url = reverse("source-list")
    # Newest first, and PostgreSQL puts an unknown date first in a descending order.
    assert ids(researcher_client.get(url, {"search": "drone"})) == [gamma.pk, beta.pk]
    assert ids(researcher_client.get(url, {"search": "alpha"})) == [alpha.pk]
    assert ids(researcher_client.get(url, {"ordering": "title"})) == [alpha.pk, beta.pk, gamma.pk]
    assert ids(researcher_client.get(url, {"ordering": "-title"})) == [gamma.pk, beta.pk, alpha.pk]
    assert ids(researcher_client.get(url, {"ordering": "published_on"})) == [alpha.pk, beta.pk, gamma.pk]


def test_cited_source_cannot_be_deleted(reviewer_client):
    first = CitationFactory()
    second = CitationFactory(source=first.source)
    response = reviewer_client.delete(
        reverse("source-detail", args=[first.source.pk]), **if_match(first.source)
    )
    body = assert_error(response, 409, "in_use")
    assert body["claims"] == sorted([first.claim_id, second.claim_id])
    assert Source.objects.filter(pk=first.source.pk).exists()


def test_relied_on_source_cannot_be_deleted(reviewer_client):
    base = SourceFactory()
    dependent = SourceFactory()
    SourceReliance.objects.create(source=dependent, relies_on=base)
    response = reviewer_client.delete(reverse("source-detail", args=[base.pk]), **if_match(base))
    body = assert_error(response, 409, "in_use")
    assert body["sources"] == [dependent.pk]
    assert Source.objects.count() == 2
    assert SourceReliance.objects.count() == 1


def test_reviewer_deletes_source_and_its_outgoing_links(reviewer_client):
    base = SourceFactory()
    dependent = SourceFactory()
    SourceReliance.objects.create(source=dependent, relies_on=base)
    response = reviewer_client.delete(reverse("source-detail", args=[dependent.pk]), **if_match(dependent))
    assert response.status_code == 204
    # In the trash, links kept for a restore (tests/sources/test_trash.py).
    assert list(Source.objects.filter(deleted_at__isnull=True).values_list("pk", flat=True)) == [base.pk]
    assert SourceReliance.objects.filter(source=dependent, relies_on=base).exists()


def test_researcher_may_not_delete_source(researcher_client):
    source = SourceFactory()
    assert_error(
        researcher_client.delete(reverse("source-detail", args=[source.pk]), **if_match(source)), 403
    )
    assert Source.objects.filter(pk=source.pk).exists()


@pytest.mark.parametrize(("client_name", "status_code"), [("outsider_client", 403), ("anon_client", 401)])
def test_outsiders_and_anonymous_may_not_create_sources(request, client_name, status_code):
    client = request.getfixturevalue(client_name)
    response = client.post(reverse("source-list"), {"kind": "report", "title": "Sneaky"})
    assert_error(response, status_code)
    assert not Source.objects.exists()


# Query counts ---------------------------------------------------------------------


def _sources_with_links(count: int) -> list[Source]:
    sources = []
    for _ in range(count):
        source = SourceFactory()
        for base in SourceFactory.create_batch(2):
            SourceReliance.objects.create(source=source, relies_on=base)
        sources.append(source)
    return sources


@pytest.mark.parametrize("rows", [1, 50])
def test_publisher_list_and_detail_query_count(researcher_client, django_assert_num_queries, rows):
    publishers = PublisherFactory.create_batch(rows)
    with django_assert_num_queries(2):
        response = researcher_client.get(reverse("publisher-list"))
    assert response.data["count"] == rows
    with django_assert_num_queries(1):
        response = researcher_client.get(reverse("publisher-detail", args=[publishers[-1].pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_source_list_and_detail_query_count(researcher_client, django_assert_num_queries, rows):
    sources = _sources_with_links(rows)
    with django_assert_num_queries(3):
        response = researcher_client.get(reverse("source-list"), {"page_size": 200})
    assert response.data["count"] == rows * 3
    assert all(row["publisher"] for row in response.data["results"])
    with django_assert_num_queries(2):
        response = researcher_client.get(reverse("source-detail", args=[sources[-1].pk]))
    assert len(response.data["relies_on"]) == 2


# Pagination -----------------------------------------------------------------------


def test_pagination_page_sizes(researcher_client):
    PublisherFactory.create_batch(210)
    url = reverse("publisher-list")
    response = researcher_client.get(url)
    assert (response.data["count"], len(response.data["results"])) == (210, 50)
    assert response.data["next"] is not None
    assert response.data["previous"] is None
    assert len(researcher_client.get(url, {"page_size": 10}).data["results"]) == 10
    assert len(researcher_client.get(url, {"page_size": 1000}).data["results"]) == 200
    last = researcher_client.get(url, {"page_size": 200, "page": 2})
    assert len(last.data["results"]) == 10
    assert last.data["next"] is None


def test_pages_do_not_repeat_rows(researcher_client):
    PublisherFactory.create_batch(25, kind="ngo")
    url = reverse("publisher-list")
    seen = []
    for page in (1, 2, 3):
        seen += ids(researcher_client.get(url, {"page_size": 10, "page": page, "ordering": "kind"}))
    assert sorted(seen) == sorted(Publisher.objects.values_list("pk", flat=True))


def test_page_beyond_the_end_is_404(researcher_client):
    PublisherFactory()
    assert_error(researcher_client.get(reverse("publisher-list"), {"page": 999}), 404, "not_found")
