import pytest

from core.errors import Conflict, InvalidInput
from sources import services
from sources.models import Publisher, Source, SourceReliance
from sources.urls_normal import normalize_url
from tests.factories import CitationFactory, PublisherFactory, SourceFactory

# normalize_url ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ""),
        ("   ", ""),
        ("HTTPS://Example.COM/Path/Keeps/Case", "https://example.com/Path/Keeps/Case"),
        ("https://example.com", "https://example.com/"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        (
            "https://example.com/a?id=3&utm_source=x&UTM_Medium=y&fbclid=z&gclid=q&page=2",
            "https://example.com/a?id=3&page=2",
        ),
        ("https://example.com/a?utm_source=x", "https://example.com/a"),
        ("https://example.com/a?flag=&b=1", "https://example.com/a?flag=&b=1"),
        ("https://user:secret@Example.com/a", "https://user:secret@example.com/a"),
        ("http://[::1]:8000/x", "http://[::1]:8000/x"),
        ("HTTP://[2001:DB8::1]/", "http://[2001:db8::1]/"),
        ("https://[::1]:443/", "https://[::1]/"),
        ("https://example.com/s?q=%C3%A4", "https://example.com/s?q=%C3%A4"),
        ("https://example.com/s?q=ä", "https://example.com/s?q=%C3%A4"),
    ],
)
def test_normalize_url(raw, expected):
    assert normalize_url(raw) == expected


def test_normalize_url_is_idempotent():
    once = normalize_url("HTTP://News.Example.com:80/story?utm_term=a&x=1#top")
    assert normalize_url(once) == once == "http://news.example.com/story?x=1"


@pytest.mark.parametrize("raw", ["http://example.com:99999/", "https://example.com:-1/", "http://[::1/"])
def test_normalize_url_refuses_malformed(raw):
    with pytest.raises(ValueError, match=r"\S"):
        normalize_url(raw)


# Publishers -------------------------------------------------------------------------


@pytest.mark.django_db
def test_publisher_create_strips_name_and_upper_cases_country(researcher):
    publisher = services.publisher_create(
        actor=researcher, name="  Reuters ", country="gb", kind="news_media"
    )
    publisher.refresh_from_db()
    assert (publisher.name, publisher.country, publisher.kind) == ("Reuters", "GB", "news_media")


@pytest.mark.django_db
def test_publisher_url_is_normalised_and_checked(researcher):
    publisher = services.publisher_create(actor=researcher, name="AP", url="HTTPS://APNews.com/#top")
    assert publisher.url == "https://apnews.com/"
    with pytest.raises(InvalidInput) as caught:
        services.publisher_update(
            actor=researcher, publisher=publisher, data={"url": "https://apnews.com:99999/"}
        )
    assert list(caught.value.errors) == ["url"]
    publisher.refresh_from_db()
    assert publisher.url == "https://apnews.com/"


@pytest.mark.django_db
def test_publisher_create_refuses_name_in_other_case(researcher):
    PublisherFactory(name="Reuters")
    with pytest.raises(Conflict) as caught:
        services.publisher_create(actor=researcher, name="rEUTERS")
    assert caught.value.code == "duplicate"
    assert caught.value.errors.keys() == {"name"}
    assert Publisher.objects.count() == 1


@pytest.mark.django_db
def test_publisher_update_allows_own_name_and_refuses_another(researcher):
    PublisherFactory(name="Reuters")
    publisher = PublisherFactory(name="ap")
    services.publisher_update(actor=researcher, publisher=publisher, data={"name": "AP", "country": "us"})
    publisher.refresh_from_db()
    assert (publisher.name, publisher.country) == ("AP", "US")
    with pytest.raises(Conflict):
        services.publisher_update(
            actor=researcher, publisher=publisher, data={"name": " reuters ", "country": "fr"}
        )
    publisher.refresh_from_db()
    assert (publisher.name, publisher.country) == ("AP", "US")


@pytest.mark.django_db
def test_publisher_delete_refuses_while_in_use_and_deletes_otherwise(reviewer):
    used = SourceFactory().publisher
    unused = PublisherFactory()
    with pytest.raises(Conflict) as caught:
        services.publisher_delete(actor=reviewer, publisher=used)
    assert caught.value.code == "in_use"
    assert caught.value.extra["sources"] == [used.sources.get().pk]
    services.publisher_delete(actor=reviewer, publisher=unused)
    assert list(Publisher.objects.all()) == [used]


# Sources ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_source_create_normalises_urls_and_links_sources(researcher):
    base = SourceFactory()
    source = services.source_create(
        actor=researcher,
        kind="report",
        title="Review",
        url="HTTPS://Example.org/r?utm_source=x#p2",
        archived_url="HTTPS://Web.Archive.org/web/1/x#y",
        relies_on=[base],
    )
    source.refresh_from_db()
    assert source.url == "https://example.org/r"
    assert source.archived_url == "https://web.archive.org/web/1/x"
    assert list(source.relies_on.all()) == [base]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["url", "archived_url"])
def test_source_create_refuses_bad_url(field, researcher):
    with pytest.raises(InvalidInput) as caught:
        services.source_create(
            actor=researcher, kind="report", title="Review", **{field: "https://example.org:70000/"}
        )
    assert caught.value.errors.keys() == {field}
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_source_url_too_long_once_normalised_is_refused(researcher):
    # 1,000 characters as sent; every "ä" becomes "%C3%A4" once normalised.
    url = "https://example.org/s?q=" + "ä" * 976
    with pytest.raises(InvalidInput) as caught:
        services.source_create(actor=researcher, kind="report", title="Review", url=url)
    assert (caught.value.code, list(caught.value.errors)) == ("max_length", ["url"])
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_source_create_refuses_unknown_field(researcher):
    with pytest.raises(TypeError, match="status"):
        services.source_create(actor=researcher, kind="report", title="Review", status="x")
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_source_url_unique_when_present(researcher):
    existing = SourceFactory(url="https://example.org/r")
    with pytest.raises(Conflict) as caught:
        services.source_create(
            actor=researcher, kind="report", title="Copy", url="https://EXAMPLE.org/r?utm_medium=m"
        )
    assert caught.value.code == "duplicate"
    assert caught.value.extra == {"existing_id": existing.pk}
    services.source_create(actor=researcher, kind="report", title="No link one")
    services.source_create(actor=researcher, kind="report", title="No link two", url="")
    assert Source.objects.filter(url="").count() == 2


@pytest.mark.django_db
def test_source_update_keeps_own_url_and_replaces_links(researcher):
    first, second, third = SourceFactory.create_batch(3)
    source = SourceFactory(url="https://example.org/r")
    SourceReliance.objects.create(source=source, relies_on=first)
    SourceReliance.objects.create(source=source, relies_on=second)
    services.source_update(
        actor=researcher,
        source=source,
        data={"url": "https://example.org/r#again", "relies_on": [second, third]},
    )
    source.refresh_from_db()
    assert source.url == "https://example.org/r"
    assert set(source.relies_on.all()) == {second, third}


@pytest.mark.django_db
def test_source_update_refuses_self_reliance_and_changes_nothing(researcher):
    base = SourceFactory()
    source = SourceFactory(title="Before")
    SourceReliance.objects.create(source=source, relies_on=base)
    with pytest.raises(InvalidInput) as caught:
        services.source_update(
            actor=researcher, source=source, data={"title": "After", "relies_on": [base, source]}
        )
    assert caught.value.code == "self_reliance"
    source.refresh_from_db()
    assert source.title == "Before"
    assert list(source.relies_on.all()) == [base]


@pytest.mark.django_db
def test_source_delete_refuses_cited_source(reviewer):
    citation = CitationFactory()
    with pytest.raises(Conflict) as caught:
        services.source_delete(source=citation.source, actor=reviewer)
    assert caught.value.extra == {"claims": [citation.claim_id]}
    assert Source.objects.filter(pk=citation.source_id).exists()


@pytest.mark.django_db
def test_source_delete_refuses_relied_on_source_and_deletes_the_dependent(reviewer):
    base, dependent = SourceFactory(), SourceFactory()
    SourceReliance.objects.create(source=dependent, relies_on=base)
    with pytest.raises(Conflict) as caught:
        services.source_delete(source=base, actor=reviewer)
    assert caught.value.extra == {"sources": [dependent.pk]}
    services.source_delete(source=dependent, actor=reviewer)
    # The dependent is in the trash with its links (tests/sources/test_trash.py).
    assert list(Source.objects.filter(deleted_at__isnull=True)) == [base]
    assert SourceReliance.objects.filter(source=dependent, relies_on=base).exists()
