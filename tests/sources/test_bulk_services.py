"""publishers_create_bulk and sources_create_bulk: the rules of publisher_create and
source_create, for many records at once (the import's path); a refusal names the item and
creates none."""

import pytest

from core.errors import Conflict, Forbidden, InvalidInput
from sources import services
from sources.models import Publisher, Source, SourceReliance
from tests.factories import PublisherFactory, SourceFactory
from tests.policy_roles import make_actor

pytestmark = pytest.mark.django_db

NOT_RECORDERS = ("none", "anonymous", "outsider", "staff outsider", "inactive reviewer")


def refusal(call, error=Conflict):
    with pytest.raises(error) as refused:
        call()
    return refused.value


# Publishers -------------------------------------------------------------------------------


def test_publishers_are_created_as_publisher_create_stores_them(researcher):
    created = services.publishers_create_bulk(
        publishers=[
            {"name": "  Reuters ", "kind": "news_media", "country": "gb", "url": "HTTPS://Reuters.com/#top"},
            {"name": "CENTCOM"},
        ],
        actor=researcher,
    )

    stored = Publisher.objects.get(pk=created[0].pk)
    assert (stored.name, stored.kind, stored.country, stored.url) == (
        "Reuters",
        "news_media",
        "GB",
        "https://reuters.com/",
    )
    assert stored.name_key == Publisher.objects.get(pk=created[0].pk).name_key is not None
    assert Publisher.objects.get(pk=created[1].pk).kind == Publisher.Kind.OTHER


@pytest.mark.parametrize(
    ("item", "field", "code"),
    [
        ({"name": " \u200b "}, "publishers.1.name", "blank"),
        ({"name": "Other", "country": "XX"}, "publishers.1.country", "invalid"),
        ({"name": "REUTERS"}, "publishers.1.name", "duplicate"),  # the batch's first, by case
        ({"name": "Stored press"}, "publishers.1.name", "duplicate"),  # a stored one
    ],
)
def test_a_publisher_the_service_would_refuse_refuses_the_batch_naming_it(researcher, item, field, code):
    PublisherFactory(name="Stored Press")
    refused = refusal(
        lambda: services.publishers_create_bulk(publishers=[{"name": "Reuters"}, item], actor=researcher),
        error=(InvalidInput, Conflict),
    )
    assert (list(refused.errors), refused.code, refused.extra["index"]) == ([field], code, 1)
    assert Publisher.objects.count() == 1


def test_a_stored_publisher_clashing_is_named_as_publisher_create_names_it(researcher):
    stored = PublisherFactory(name="Stored Press")
    refused = refusal(
        lambda: services.publishers_create_bulk(publishers=[{"name": "STORED PRESS"}], actor=researcher)
    )
    assert refused.extra["existing_id"] == stored.pk
    assert (
        refused.message
        == refusal(lambda: services.publisher_create(name="STORED PRESS", actor=researcher)).message
    )


@pytest.mark.parametrize("name", NOT_RECORDERS)
def test_publishers_create_bulk_is_refused_without_the_role_and_writes_nothing(name):
    refused = refusal(
        lambda: services.publishers_create_bulk(publishers=[{"name": "Reuters"}], actor=make_actor(name)),
        error=Forbidden,
    )
    assert refused.code == "researcher_required"
    assert not Publisher.objects.exists()


# Sources ----------------------------------------------------------------------------------


def test_sources_are_created_with_their_reliance_on_stored_sources_and_on_each_other(researcher):
    stored = SourceFactory()
    publisher = PublisherFactory()

    created = services.sources_create_bulk(
        sources=[
            {"kind": "report", "title": "Later", "relies_on": [1, stored]},  # an item further on
            {
                "kind": "press_release",
                "title": "Release",
                "publisher": publisher,
                "url": "HTTP://X.example/a#b",
            },
            {"kind": "report", "title": "Plain"},
        ],
        actor=researcher,
    )

    later, release, plain = (Source.objects.get(pk=source.pk) for source in created)
    assert set(later.relies_on.all()) == {release, stored}
    assert (release.url, release.publisher, plain.url) == ("http://x.example/a", publisher, "")
    assert not plain.relies_on.exists()
    assert SourceReliance.objects.count() == 2


@pytest.mark.parametrize(
    ("relies_on", "code"),
    [([0], "self_reliance"), ([1], "reliance_cycle")],
)
def test_a_source_relying_on_itself_or_on_a_circle_refuses_the_batch(researcher, relies_on, code):
    refused = refusal(
        lambda: services.sources_create_bulk(
            sources=[
                {"kind": "report", "title": "A", "relies_on": relies_on},
                {"kind": "report", "title": "B", "relies_on": [2]},
                {"kind": "report", "title": "C", "relies_on": [0]},
            ],
            actor=researcher,
        ),
        error=(InvalidInput, Conflict),
    )
    assert (list(refused.errors), refused.code) == ([f"sources.{refused.extra['index']}.relies_on"], code)
    assert not Source.objects.exists()
    if code == "reliance_cycle":
        assert refused.message == (
            'This would make a cycle of sources relying on each other: item 0 "A" → item 1 "B" → '
            'item 2 "C" → item 0 "A".'
        )


def test_a_source_relying_on_one_in_the_trash_refuses_the_batch(researcher, reviewer):
    trashed = SourceFactory()
    services.source_delete(source=trashed, actor=reviewer)
    refused = refusal(
        lambda: services.sources_create_bulk(
            sources=[
                {"kind": "report", "title": "A"},
                {"kind": "report", "title": "B", "relies_on": [trashed]},
            ],
            actor=researcher,
        )
    )
    assert (list(refused.errors), refused.code, refused.extra["index"]) == (
        ["sources.1.relies_on"],
        "in_trash",
        1,
    )
    assert Source.objects.count() == 1


@pytest.mark.parametrize(("stored_url", "index"), [("https://x.example/a", 1), ("", 2)])
def test_a_url_already_stored_or_twice_in_the_batch_refuses_it(researcher, stored_url, index):
    stored = SourceFactory(url=stored_url)
    refused = refusal(
        lambda: services.sources_create_bulk(
            sources=[
                {"kind": "report", "title": "A", "url": "https://y.example/"},
                {"kind": "report", "title": "B", "url": "HTTPS://X.example/a"},
                {
                    "kind": "report",
                    "title": "C",
                    "url": "https://z.example/" if stored_url else "https://x.example/a",
                },
            ],
            actor=researcher,
        )
    )
    assert (list(refused.errors), refused.code, refused.extra["index"]) == (
        [f"sources.{index}.url"],
        "duplicate",
        index,
    )
    expected = (
        f"Source {stored.pk} already has this URL." if stored_url else "Item 1 of the batch has this URL too."
    )
    assert refused.message == expected
    assert list(Source.objects.all()) == [stored]


def test_an_invalid_url_is_named_with_its_item(researcher):
    refused = refusal(
        lambda: services.sources_create_bulk(
            sources=[{"kind": "report", "title": "A", "archived_url": "https://x.example/" + "a" * 2100}],
            actor=researcher,
        ),
        error=InvalidInput,
    )
    assert (list(refused.errors), refused.extra["index"]) == (["sources.0.archived_url"], 0)


@pytest.mark.parametrize("name", NOT_RECORDERS)
def test_sources_create_bulk_is_refused_without_the_role_and_writes_nothing(name):
    refused = refusal(
        lambda: services.sources_create_bulk(
            sources=[{"kind": "report", "title": "A"}], actor=make_actor(name)
        ),
        error=Forbidden,
    )
    assert refused.code == "researcher_required"
    assert not Source.objects.exists()
