import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from sources.models import Publisher, Source, SourceReliance
from tests.factories import CitationFactory, PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def listed(client, **params) -> set[int]:
    response = client.get(reverse("admin:sources_source_changelist"), params)
    assert response.status_code == 200
    return {source.pk for source in response.context["cl"].result_list}


def source_form(**values) -> dict:
    return {"kind": "report", "title": "A report", "url": "", "archived_url": "", **values}


@pytest.mark.parametrize("client_fixture", ["reviewer_admin", "superuser_admin"])
def test_source_pages_render(request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    source = SourceFactory(title="CENTCOM statement on the Tower 22 attack")
    response = client.get(reverse("admin:sources_source_changelist"))
    assert response.status_code == 200
    assert "CENTCOM statement on the Tower 22 attack" in response.content.decode()
    assert client.get(reverse("admin:sources_source_change", args=[source.pk])).status_code == 200
    assert client.get(reverse("admin:sources_source_add")).status_code == 200
    assert client.get(reverse("admin:sources_publisher_changelist")).status_code == 200


@pytest.mark.parametrize("size", [1, 20])
def test_source_list_query_count_does_not_grow(reviewer_admin, django_assert_num_queries, size):
    SourceFactory.create_batch(size)
    # One more than Django's own checks would take: the user's groups, read once by the policy.
    with django_assert_num_queries(9):
        response = reviewer_admin.get(reverse("admin:sources_source_changelist"))
    assert len(response.context["cl"].result_list) == size


def test_filter_by_publisher_and_kind_and_search(reviewer_admin):
    reuters = PublisherFactory(name="Reuters")
    report = SourceFactory(publisher=reuters, kind=Source.Kind.REPORT, identifier="EO 13224")
    video = SourceFactory(publisher=reuters, kind=Source.Kind.VIDEO, authors="Jane Roe")
    other = SourceFactory()
    assert listed(reviewer_admin, publisher__id__exact=reuters.pk) == {report.pk, video.pk}
    assert listed(reviewer_admin, kind__exact="video") == {video.pk}
    assert listed(reviewer_admin, q="reuters") == {report.pk, video.pk}
    assert listed(reviewer_admin, q="13224") == {report.pk}
    assert listed(reviewer_admin, q="jane roe") == {video.pk}
    assert listed(reviewer_admin, q=other.title) == {other.pk}


def test_source_is_created_through_the_service(reviewer_admin):
    base = SourceFactory()
    publisher = PublisherFactory()
    data = source_form(
        publisher=publisher.pk, url="HTTPS://Example.ORG/Report?utm_source=x#top", relies_on=[base.pk]
    )
    response = reviewer_admin.post(reverse("admin:sources_source_add"), data)
    assert response.status_code == 302
    source = Source.objects.get(title="A report")
    assert source.url == "https://example.org/Report"
    assert list(source.relies_on.all()) == [base]


def test_source_relying_on_itself_is_refused(reviewer_admin):
    source = SourceFactory(title="Original title")
    url = reverse("admin:sources_source_change", args=[source.pk])
    data = source_form(title="New title", publisher=source.publisher_id, relies_on=[source.pk])
    response = reviewer_admin.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["relies_on"] == ["A source cannot rely on itself."]
    source.refresh_from_db()
    assert source.title == "Original title"
    assert not SourceReliance.objects.exists()


def test_deleting_a_cited_source_is_refused_with_a_message(reviewer_admin):
    citation = CitationFactory()
    url = reverse("admin:sources_source_delete", args=[citation.source_id])
    confirmation = reviewer_admin.get(url)
    assert confirmation.status_code == 200
    assert confirmation.context["protected"]
    response = reviewer_admin.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:sources_source_change", args=[citation.source_id])
    assert messages_of(response) == ["The source is still cited; remove the citations first."]
    assert Source.objects.filter(pk=citation.source_id).exists()


def test_bulk_delete_reports_refused_sources(reviewer_admin):
    cited = CitationFactory().source
    unused = SourceFactory()
    response = reviewer_admin.post(
        reverse("admin:sources_source_changelist"),
        {"action": "delete_selected", "_selected_action": [cited.pk, unused.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert set(Source.objects.filter(deleted_at__isnull=True).values_list("pk", flat=True)) == {cited.pk}
    shown = messages_of(response)
    assert shown[0] == "Deleted 1 source."
    assert "The source is still cited" in shown[1]


def test_unused_source_is_deleted(reviewer_admin):
    source = SourceFactory()
    response = reviewer_admin.post(reverse("admin:sources_source_delete", args=[source.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert Source.objects.get(pk=source.pk).deleted_at is not None  # in the trash


def test_source_autocomplete_for_citations_answers(reviewer_admin):
    wanted = SourceFactory(title="Executive Order 13224 designation")
    SourceFactory(title="Something else")
    response = reviewer_admin.get(
        reverse("admin:autocomplete"),
        {"app_label": "claims", "model_name": "citation", "field_name": "source", "term": "13224"},
    )
    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(wanted.pk), "text": wanted.title}]


def test_publisher_autocomplete_answers(reviewer_admin):
    publisher = PublisherFactory(name="Associated Press")
    response = reviewer_admin.get(
        reverse("admin:autocomplete"),
        {"app_label": "sources", "model_name": "source", "field_name": "publisher", "term": "associated"},
    )
    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(publisher.pk), "text": "Associated Press"}]


def test_publisher_name_clash_is_refused(reviewer_admin):
    PublisherFactory(name="Reuters")
    response = reviewer_admin.post(
        reverse("admin:sources_publisher_add"), {"name": " reuters ", "kind": "news_media", "country": "gb"}
    )
    assert response.status_code == 200
    # Django's own constraint check answers before the service, with the model's wording.
    assert response.context["adminform"].form.non_field_errors() == [
        "A publisher with this name (ignoring case) already exists."
    ]
    assert Publisher.objects.count() == 1


def test_publisher_is_created_through_the_service(reviewer_admin):
    response = reviewer_admin.post(
        reverse("admin:sources_publisher_add"), {"name": " Reuters ", "kind": "news_media", "country": "gb"}
    )
    assert response.status_code == 302
    publisher = Publisher.objects.get()
    assert (publisher.name, publisher.country) == ("Reuters", "GB")


def test_publisher_with_sources_cannot_be_deleted(reviewer_admin):
    source = SourceFactory()
    url = reverse("admin:sources_publisher_delete", args=[source.publisher_id])
    response = reviewer_admin.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert messages_of(response) == [
        "The publisher still has sources or articles; reassign or delete them first."
    ]
    assert Publisher.objects.filter(pk=source.publisher_id).exists()
