"""A source's provenance chain, and the rule that keeps reliance links free of cycles."""

import itertools
import threading

import pytest
from django.db import connection
from django.urls import reverse

from core.errors import Conflict
from core.policies import SYSTEM
from sources import services
from sources.models import Source, SourceReliance
from sources.provenance import reliance_cycle, reliance_graph
from tests.factories import PublisherFactory, SourceFactory
from tests.helpers import assert_error, if_match

pytestmark = pytest.mark.django_db


def link(source: Source, *targets: Source) -> None:
    """Links written straight to the table, as a fixture (the rules are tested on their own)."""
    SourceReliance.objects.bulk_create([SourceReliance(source=source, relies_on=t) for t in targets])


def chain(length: int) -> list[Source]:
    """``length`` sources, each relying on the next."""
    sources = [SourceFactory() for _ in range(length)]
    for first, second in itertools.pairwise(sources):
        link(first, second)
    return sources


def links() -> set[tuple[int, int]]:
    return set(SourceReliance.objects.values_list("source_id", "relies_on_id"))


def provenance(client, source: Source):
    return client.get(reverse("source-provenance", args=[source.pk]))


# Refusing cycles ------------------------------------------------------------------------


def test_a_source_cannot_rely_on_a_source_that_relies_on_it(researcher):
    report, review = SourceFactory(title="Report"), SourceFactory(title="Review")
    link(report, review)
    before = links()

    with pytest.raises(Conflict) as refused:
        services.source_update(
            actor=researcher, source=review, data={"relies_on": [report], "title": "Changed"}
        )

    assert refused.value.code == "reliance_cycle"
    assert [step["id"] for step in refused.value.extra["cycle"]] == [review.pk, report.pk, review.pk]
    assert [step["title"] for step in refused.value.extra["cycle"]] == ["Review", "Report", "Review"]
    assert "relies_on" in refused.value.errors
    assert f'{review.pk} "Review" → {report.pk} "Report" → {review.pk} "Review"' in refused.value.message
    # Nothing written: neither the link nor the other field of the same edit.
    assert links() == before
    review.refresh_from_db()
    assert (review.title, review.version) == ("Review", 1)


def test_a_long_cycle_is_refused_and_named_in_order(researcher):
    sources = chain(40)
    before = links()

    with pytest.raises(Conflict) as refused:
        services.source_update(actor=researcher, source=sources[-1], data={"relies_on": [sources[0]]})

    cycle = [step["id"] for step in refused.value.extra["cycle"]]
    assert cycle == [sources[-1].pk, *(s.pk for s in sources)]
    assert links() == before


def test_the_cycle_named_is_the_shortest_way_round(researcher):
    a, b, c, d = (SourceFactory() for _ in range(4))
    link(b, c)
    link(c, d)
    link(d, a)
    link(b, a)  # b reaches a directly too

    with pytest.raises(Conflict) as refused:
        services.source_update(actor=researcher, source=a, data={"relies_on": [b]})

    assert [step["id"] for step in refused.value.extra["cycle"]] == [a.pk, b.pk, a.pk]


def test_one_cycling_target_refuses_the_whole_edit(researcher):
    a, b, c = SourceFactory(), SourceFactory(), SourceFactory()
    link(b, a)

    with pytest.raises(Conflict):
        services.source_update(actor=researcher, source=a, data={"relies_on": [c, b]})

    assert links() == {(b.pk, a.pk)}


def test_diamonds_and_shared_origins_are_allowed(researcher):
    top, left, right, bottom = (SourceFactory() for _ in range(4))
    services.source_update(actor=researcher, source=left, data={"relies_on": [bottom]})
    services.source_update(actor=researcher, source=right, data={"relies_on": [bottom]})
    services.source_update(actor=researcher, source=top, data={"relies_on": [left, right]})
    # A shortcut to a source already reached is no cycle either.
    services.source_update(actor=researcher, source=top, data={"relies_on": [left, right, bottom]})

    assert links() == {
        (left.pk, bottom.pk),
        (right.pk, bottom.pk),
        (top.pk, left.pk),
        (top.pk, right.pk),
        (top.pk, bottom.pk),
    }


def test_keeping_existing_links_and_removing_some_is_no_cycle(researcher):
    a, b, c = SourceFactory(), SourceFactory(), SourceFactory()
    services.source_update(actor=researcher, source=a, data={"relies_on": [b, c]})
    services.source_update(actor=researcher, source=a, data={"relies_on": [c]})
    services.source_update(actor=researcher, source=b, data={"relies_on": [c]})
    assert links() == {(a.pk, c.pk), (b.pk, c.pk)}


def test_a_new_source_relying_on_a_chain_is_allowed(researcher):
    sources = chain(5)
    new = services.source_create(
        actor=researcher, kind=Source.Kind.NEWS_REPORT, title="New", relies_on=[sources[0]]
    )
    assert (new.pk, sources[0].pk) in links()


def test_reliance_cycle_finds_nothing_without_targets_or_way_back():
    a, b = SourceFactory(), SourceFactory()
    assert reliance_cycle(source_id=a.pk, targets=[]) is None
    assert reliance_cycle(source_id=a.pk, targets=[b.pk]) is None


def test_the_api_refuses_a_cycle_with_409_naming_it(researcher_client):
    report, review = SourceFactory(title="Report"), SourceFactory(title="Review")
    link(report, review)
    url = reverse("source-detail", args=[review.pk])

    response = researcher_client.patch(url, {"relies_on": [report.pk]}, format="json", **if_match(review))

    body = assert_error(response, 409, "reliance_cycle")
    assert [e["field"] for e in body["errors"]] == ["relies_on"]
    assert [step["id"] for step in body["cycle"]] == [review.pk, report.pk, review.pk]
    assert "Report" in body["detail"]
    assert links() == {(report.pk, review.pk)}


def test_the_admin_refuses_a_cycle_and_shows_why(superuser_admin):
    report, review = SourceFactory(title="Report"), SourceFactory(title="Review")
    link(report, review)
    url = reverse("admin:sources_source_change", args=[review.pk])
    form = {
        "kind": review.kind,
        "title": review.title,
        "publisher": review.publisher_id,
        "url": review.url,
        "language": review.language,
        "relies_on": [report.pk],
    }

    response = superuser_admin.post(url, form)

    assert response.status_code == 200  # the form again, with the reason
    assert "would make a cycle" in response.content.decode()
    assert links() == {(report.pk, review.pk)}


@pytest.mark.django_db(transaction=True)
def test_two_edits_closing_a_cycle_together_cannot_both_pass(researcher):
    """Each link alone is fine; together they would be a cycle. The graph lock makes the
    second edit wait for the first and then see its link."""
    for _ in range(5):
        first, second = SourceFactory(), SourceFactory()
        barrier = threading.Barrier(2)
        results: list = [None, None]

        def run(index, source, target, barrier=barrier, results=results):
            try:
                barrier.wait(timeout=10)
                services.source_update(actor=SYSTEM, source=source, data={"relies_on": [target]})
                results[index] = "linked"
            except Exception as exc:
                results[index] = exc
            finally:
                connection.close()

        threads = [
            threading.Thread(target=run, args=(0, first, second)),
            threading.Thread(target=run, args=(1, second, first)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in threads)

        refused = [r for r in results if isinstance(r, Conflict)]
        assert sorted(results, key=str) == sorted([*refused, "linked"], key=str), results
        assert [r.code for r in refused] == ["reliance_cycle"]
        pair = {(first.pk, second.pk), (second.pk, first.pk)}
        assert len(links() & pair) == 1


# The provenance endpoint ----------------------------------------------------------------


def test_a_source_relying_on_nothing_is_its_own_origin(researcher_client):
    source = SourceFactory()

    response = provenance(researcher_client, source)

    assert response.status_code == 200
    body = response.json()
    assert body["source"] == source.pk
    assert body["depth"] == 0
    assert body["edges"] == []
    assert [(n["id"], n["depth"], n["is_origin"], n["in_trash"]) for n in body["nodes"]] == [
        (source.pk, 0, True, False)
    ]
    assert body["nodes"][0]["publisher"]["name"] == source.publisher.name


def test_provenance_shows_the_whole_chain_with_shortest_depths(researcher_client):
    article, newspaper, review, press = (SourceFactory() for _ in range(4))
    press.publisher = None
    press.save()
    link(article, newspaper, review)  # the article also cites the review directly
    link(newspaper, review)
    link(review, press)
    unrelated = SourceFactory()
    link(unrelated, article)  # what relies on the source is not its provenance

    body = provenance(researcher_client, article).json()

    nodes = {n["id"]: n for n in body["nodes"]}
    assert set(nodes) == {article.pk, newspaper.pk, review.pk, press.pk}
    assert {pk: n["depth"] for pk, n in nodes.items()} == {
        article.pk: 0,
        newspaper.pk: 1,
        review.pk: 1,
        press.pk: 2,
    }
    assert [pk for pk, n in nodes.items() if n["is_origin"]] == [press.pk]
    assert nodes[press.pk]["publisher"] is None
    assert sorted(nodes[article.pk]["relies_on"]) == sorted([newspaper.pk, review.pk])
    assert body["depth"] == 2
    assert sorted((e["source"], e["relies_on"]) for e in body["edges"]) == sorted(
        [
            (article.pk, newspaper.pk),
            (article.pk, review.pk),
            (newspaper.pk, review.pk),
            (review.pk, press.pk),
        ]
    )
    assert body["nodes"][0]["id"] == article.pk  # the source itself comes first


def test_a_long_chain_is_followed_to_its_end(researcher_client):
    sources = chain(150)

    body = provenance(researcher_client, sources[0]).json()

    assert body["depth"] == 149
    assert [n["id"] for n in body["nodes"]] == [s.pk for s in sources]
    assert [n["id"] for n in body["nodes"] if n["is_origin"]] == [sources[-1].pk]


def test_a_cycle_written_behind_the_services_back_still_ends(researcher_client):
    a, b, c = SourceFactory(), SourceFactory(), SourceFactory()
    link(a, b)
    link(b, c)
    link(c, a)  # straight into the table: no service refused it

    body = provenance(researcher_client, a).json()

    assert {n["id"]: n["depth"] for n in body["nodes"]} == {a.pk: 0, b.pk: 1, c.pk: 2}
    assert not any(n["is_origin"] for n in body["nodes"])
    assert len(body["edges"]) == 3
    graph = reliance_graph(roots=[b.pk])
    assert graph.origins_of(b.pk) == []


def test_a_trashed_source_in_a_chain_is_shown_flagged(researcher_client):
    source, trashed = SourceFactory(), SourceFactory()
    link(source, trashed)
    Source.objects.filter(pk=trashed.pk).update(deleted_at="2024-01-01T00:00:00Z")

    body = provenance(researcher_client, source).json()

    assert {n["id"]: n["in_trash"] for n in body["nodes"]} == {source.pk: False, trashed.pk: True}


def test_provenance_of_a_trashed_or_unknown_source_is_404(researcher_client, reviewer):
    source = SourceFactory()
    services.source_delete(source=source, actor=reviewer)

    assert_error(provenance(researcher_client, source), 404)
    assert_error(researcher_client.get(reverse("source-provenance", args=[source.pk + 1000])), 404)
    assert_error(researcher_client.get("/api/v1/sources/abc/provenance/"), 404)


def test_provenance_needs_a_signed_in_user(anon_client):
    assert_error(provenance(anon_client, SourceFactory()), 401)


def test_provenance_is_read_only(researcher_client):
    response = researcher_client.post(reverse("source-provenance", args=[SourceFactory().pk]))
    assert_error(response, 405)


@pytest.mark.parametrize("length", [2, 60])
def test_provenance_query_count_does_not_grow_with_the_chain(
    researcher_client, django_assert_num_queries, length
):
    sources = chain(length)
    link(sources[0], *(SourceFactory(publisher=PublisherFactory()) for _ in range(length)))

    with django_assert_num_queries(2):
        response = provenance(researcher_client, sources[0])

    assert len(response.json()["nodes"]) == 2 * length


def test_the_reliance_graph_of_nothing_is_empty():
    graph = reliance_graph(roots=[])
    assert (graph.node_list, graph.edges, graph.depth, graph.root) == ([], [], 0, None)


def test_an_outsider_may_read_provenance(outsider_client):
    """Reading is open to every signed-in user, like the source itself."""
    assert provenance(outsider_client, SourceFactory()).status_code == 200
