"""A claim's provenance and its independence counts, kept by the database on every change."""

import itertools

import pytest
from django.db import connection
from django.urls import reverse

from claims import services
from claims.demo.loader import load_demo
from claims.history import HistoryKind, claim_history
from claims.models import Citation, Claim, ClaimEvent
from claims.provenance import claim_provenance, refresh_independence
from sources import services as source_services
from sources.models import Source, SourceReliance
from tests.factories import CitationFactory, ClaimFactory, PublisherFactory, SourceFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

SUPPORTS, CONTRADICTS, CONTEXT = (
    Citation.Stance.SUPPORTS,
    Citation.Stance.CONTRADICTS,
    Citation.Stance.CONTEXT,
)


def counts(claim: Claim) -> tuple[int, int]:
    return tuple(
        Claim._base_manager.filter(pk=claim.pk)
        .values_list("independent_support", "independent_contradiction")
        .get()
    )


def cite(
    claim: Claim, source: Source, stance: str = SUPPORTS, role: str = Citation.Role.EVIDENCE
) -> Citation:
    return CitationFactory(claim=claim, source=source, stance=stance, role=role)


def relies(source: Source, *targets: Source) -> None:
    SourceReliance.objects.bulk_create([SourceReliance(source=source, relies_on=t) for t in targets])


def repeaters(origin: Source, number: int) -> list[Source]:
    """``number`` articles from as many publishers, each repeating ``origin``."""
    articles = [SourceFactory(publisher=PublisherFactory()) for _ in range(number)]
    for article in articles:
        relies(article, origin)
    return articles


def get_provenance(client, claim: Claim):
    return client.get(reverse("claim-provenance", args=[claim.pk]))


# Counting independent origins ---------------------------------------------------------------


def test_ten_articles_repeating_one_press_release_count_as_one(researcher_client):
    press_release = SourceFactory(kind=Source.Kind.PRESS_RELEASE, title="Press release")
    claim = ClaimFactory()
    for article in repeaters(press_release, 10):
        cite(claim, article)

    assert counts(claim) == (1, 0)
    body = get_provenance(researcher_client, claim).json()
    assert body["independence"]["support"] == 1
    assert body["independence"]["supporting"] == [
        {
            "publisher": {
                "id": press_release.publisher_id,
                "name": press_release.publisher.name,
                "kind": press_release.publisher.kind,
                "country": press_release.publisher.country,
            },
            "origins": [press_release.pk],
        }
    ]
    assert [origin["id"] for origin in body["origins"]] == [press_release.pk]
    assert len(body["origins"][0]["citations"]) == 10
    assert all(citation["origins"] == [press_release.pk] for citation in body["citations"])


def test_origins_of_two_publishers_count_as_two_and_of_one_publisher_as_one():
    claim = ClaimFactory()
    same = PublisherFactory()
    cite(claim, SourceFactory(publisher=same))
    cite(claim, SourceFactory(publisher=same))
    assert counts(claim) == (1, 0)

    cite(claim, SourceFactory(publisher=PublisherFactory()))
    assert counts(claim) == (2, 0)


def test_an_origin_without_a_publisher_counts_on_its_own():
    claim = ClaimFactory()
    cite(claim, SourceFactory(publisher=None))
    cite(claim, SourceFactory(publisher=None))
    assert counts(claim) == (2, 0)


def test_contradicting_origins_are_counted_apart_and_context_not_at_all(researcher_client):
    claim = ClaimFactory()
    cite(claim, SourceFactory(), SUPPORTS)
    cite(claim, SourceFactory(), CONTRADICTS)
    cite(claim, SourceFactory(), CONTRADICTS)
    cite(claim, SourceFactory(), CONTEXT)

    assert counts(claim) == (1, 2)
    body = get_provenance(researcher_client, claim).json()
    assert (body["independence"]["support"], body["independence"]["contradiction"]) == (1, 2)
    assert len(body["independence"]["contradicting"]) == 2
    # The context citation's source is still shown, as an origin counted for neither side.
    context_origin = next(o for o in body["origins"] if o["stances"] == [CONTEXT])
    assert all(context_origin["id"] not in g["origins"] for g in body["independence"]["supporting"])


def test_an_origin_reached_from_both_sides_counts_on_both():
    claim = ClaimFactory()
    review = SourceFactory()
    praise, doubt = SourceFactory(), SourceFactory()
    relies(praise, review)
    relies(doubt, review)
    cite(claim, praise, SUPPORTS)
    cite(claim, doubt, CONTRADICTS)

    assert counts(claim) == (1, 1)
    provenance = claim_provenance(claim=claim)
    assert [(o.id, o.stances) for o in provenance.origins] == [(review.pk, [CONTRADICTS, SUPPORTS])]


def test_a_chain_counts_only_its_ends():
    """A newspaper relying on a review: the review is the origin, the newspaper is not."""
    claim = ClaimFactory()
    review = SourceFactory()
    newspaper = SourceFactory()
    relies(newspaper, review)
    cite(claim, newspaper)
    cite(claim, review)  # cited directly as well: still one origin

    assert counts(claim) == (1, 0)


# The counts follow every change, through any door -------------------------------------------


def test_citations_added_changed_and_removed_update_the_counts(researcher, reviewer):
    claim = ClaimFactory()
    first = services.citation_add(
        claim=claim, source=SourceFactory(), role="evidence", stance=SUPPORTS, added_by=researcher
    )
    second = services.citation_add(
        claim=claim, source=SourceFactory(), role="evidence", stance=SUPPORTS, added_by=researcher
    )
    assert counts(claim) == (2, 0)

    services.citation_update(actor=researcher, citation=second, data={"stance": CONTRADICTS})
    assert counts(claim) == (1, 1)

    services.citation_update(actor=researcher, citation=first, data={"stance": CONTEXT})
    assert counts(claim) == (0, 1)

    services.citation_delete(actor=reviewer, citation=second)
    assert counts(claim) == (0, 0)


def test_a_citation_moves_the_claims_version_once(researcher):
    """The counts ride on the version move the citation already makes (touch_claim)."""
    claim = ClaimFactory()
    services.citation_add(
        claim=claim, source=SourceFactory(), role="evidence", stance=SUPPORTS, added_by=researcher
    )

    claim.refresh_from_db()
    assert (claim.version, claim.independent_support) == (2, 1)
    # One write to the claim, so one history event after its creation.
    assert list(ClaimEvent.objects.filter(pgh_obj_id=claim.pk).values_list("pgh_label", flat=True)) == [
        "insert",
        "update",
    ]


def test_reliance_links_added_and_removed_update_the_counts_and_move_the_version(researcher):
    claim = ClaimFactory()
    review = SourceFactory()
    first, second = SourceFactory(), SourceFactory()
    cite(claim, first)
    cite(claim, second)
    assert counts(claim) == (2, 0)
    claim.refresh_from_db()
    before = (claim.version, claim.updated_at)

    # Both now rest on the review: one origin.
    source_services.source_update(actor=researcher, source=first, data={"relies_on": [review]})
    source_services.source_update(actor=researcher, source=second, data={"relies_on": [review]})
    assert counts(claim) == (1, 0)
    claim.refresh_from_db()
    assert claim.version == before[0] + 1  # 2 → 1 once; 1 → 1 changes nothing
    assert claim.updated_at > before[1]

    source_services.source_update(actor=researcher, source=second, data={"relies_on": []})
    assert counts(claim) == (2, 0)


def test_a_link_deep_in_the_chain_updates_the_counts():
    claim = ClaimFactory()
    top, middle, bottom = SourceFactory(), SourceFactory(), SourceFactory()
    relies(top, middle)
    cite(claim, top)
    cite(claim, bottom)
    assert counts(claim) == (2, 0)

    relies(middle, bottom)  # straight into the table: the triggers still see it

    assert counts(claim) == (1, 0)


def test_an_origins_publisher_change_updates_the_counts(researcher):
    claim = ClaimFactory()
    one, other = SourceFactory(), SourceFactory()
    cite(claim, one)
    cite(claim, other)
    assert counts(claim) == (2, 0)

    source_services.source_update(actor=researcher, source=other, data={"publisher": one.publisher})
    assert counts(claim) == (1, 0)

    Source.objects.filter(pk=other.pk).update(publisher=None)  # a raw update counts too
    assert counts(claim) == (2, 0)


def test_the_publisher_of_a_source_that_is_no_origin_does_not_count(researcher):
    claim = ClaimFactory()
    newspaper, review = SourceFactory(), SourceFactory()
    relies(newspaper, review)
    cite(claim, newspaper)
    claim.refresh_from_db()
    version = claim.version

    source_services.source_update(actor=researcher, source=newspaper, data={"publisher": PublisherFactory()})

    claim.refresh_from_db()
    assert (claim.independent_support, claim.version) == (1, version)


def test_count_changes_are_not_shown_as_edits_in_the_history(researcher):
    claim = ClaimFactory()
    source = SourceFactory()
    services.citation_add(claim=claim, source=source, role="evidence", stance=SUPPORTS, added_by=researcher)
    source_services.source_update(actor=researcher, source=source, data={"relies_on": [SourceFactory()]})

    kinds = [entry.kind for entry in claim_history(claim=claim)]
    assert HistoryKind.CLAIM_CHANGED not in kinds
    assert HistoryKind.CITATION_ADDED in kinds


def test_refresh_independence_repairs_counts_written_behind_the_triggers():
    claims = [ClaimFactory() for _ in range(3)]
    for claim in claims:
        cite(claim, SourceFactory())
    with connection.cursor() as cursor:  # a bulk load that bypassed the rule
        cursor.execute(
            "UPDATE claims_claim SET independent_support = 7, independent_contradiction = 3 "
            "WHERE id = ANY(%s)",
            [[c.pk for c in claims[:2]]],
        )
    versions = dict(Claim.objects.values_list("pk", "version"))
    events = ClaimEvent.objects.count()

    assert refresh_independence(batch_size=2) == 2

    assert [counts(claim) for claim in claims] == [(1, 0)] * 3
    # Derived numbers put right: no version move, no history event.
    assert dict(Claim.objects.values_list("pk", "version")) == versions
    assert ClaimEvent.objects.count() == events
    assert refresh_independence() == 0


def test_refresh_independence_without_claims_does_nothing():
    assert refresh_independence() == 0


# The claims list: counts and filters ---------------------------------------------------------


def claims_with_support(*supports: int) -> list[Claim]:
    claims = []
    for support in supports:
        claim = ClaimFactory()
        for _ in range(support):
            cite(claim, SourceFactory())
        claims.append(claim)
    return claims


def listed(client, **params) -> list[int]:
    response = client.get(reverse("claim-list"), params)
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_list_and_detail_carry_the_counts(researcher_client):
    claim = ClaimFactory()
    cite(claim, SourceFactory(), SUPPORTS)
    cite(claim, SourceFactory(), CONTRADICTS)

    row = researcher_client.get(reverse("claim-list")).json()["results"][0]
    detail = researcher_client.get(reverse("claim-detail", args=[claim.pk])).json()

    assert (row["independent_support"], row["independent_contradiction"]) == (1, 1)
    assert (detail["independent_support"], detail["independent_contradiction"]) == (1, 1)


def test_filters_on_the_counts(researcher_client):
    none, one, two = claims_with_support(0, 1, 2)
    doubted = ClaimFactory()
    cite(doubted, SourceFactory(), CONTRADICTS)

    assert listed(researcher_client, independent_support_min=2) == [two.pk]
    assert listed(researcher_client, independent_support_min=1) == sorted([one.pk, two.pk])
    assert listed(researcher_client, independent_support_max=0) == sorted([none.pk, doubted.pk])
    assert listed(researcher_client, independent_support_min=1, independent_support_max=1) == [one.pk]
    assert listed(researcher_client, independent_contradiction_min=1) == [doubted.pk]
    assert listed(researcher_client, independent_contradiction_max=0) == sorted([none.pk, one.pk, two.pk])
    assert listed(researcher_client, independent_support_min="") == sorted(
        [none.pk, one.pk, two.pk, doubted.pk]
    )


@pytest.mark.parametrize(
    "name",
    [
        "independent_support_min",
        "independent_support_max",
        "independent_contradiction_min",
        "independent_contradiction_max",
    ],
)
@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "99999999999", "1e3", "\x00"])
def test_bad_count_filters_are_400_naming_the_parameter(researcher_client, name, value):
    claims_with_support(1)
    response = researcher_client.get(reverse("claim-list"), {name: value})
    body = assert_error(response, 400, "invalid")
    assert name in [error["field"] for error in body["errors"]]


@pytest.mark.parametrize("rows", [1, 40])
def test_list_with_count_filters_query_count(researcher_client, django_assert_num_queries, rows):
    claims_with_support(*([2] * rows))
    with django_assert_num_queries(2):  # the page of claims, then their citations
        response = researcher_client.get(
            reverse("claim-list"), {"independent_support_min": 2, "independent_contradiction_max": 0}
        )
    assert len(response.json()["results"]) == rows


# The provenance endpoint ---------------------------------------------------------------------


def test_a_claim_without_citations_has_an_empty_provenance(researcher_client):
    claim = ClaimFactory()

    response = get_provenance(researcher_client, claim)

    assert response.status_code == 200
    assert response.json() == {
        "claim": claim.pk,
        "citations": [],
        "depth": 0,
        "nodes": [],
        "edges": [],
        "origins": [],
        "independence": {"support": 0, "contradiction": 0, "supporting": [], "contradicting": []},
    }


def test_provenance_shows_citations_chains_and_origins(researcher_client):
    claim = ClaimFactory()
    review = SourceFactory(publisher=None, title="Review")
    newspaper = SourceFactory(title="Newspaper")
    relies(newspaper, review)
    citation = cite(claim, newspaper, role=Citation.Role.ATTRIBUTION)

    body = get_provenance(researcher_client, claim).json()

    assert body["citations"] == [
        {
            "id": citation.pk,
            "source": newspaper.pk,
            "role": "attribution",
            "stance": "supports",
            "origins": [review.pk],
        }
    ]
    assert [(n["id"], n["depth"], n["is_origin"]) for n in body["nodes"]] == [
        (newspaper.pk, 0, False),
        (review.pk, 1, True),
    ]
    assert body["edges"] == [{"source": newspaper.pk, "relies_on": review.pk}]
    assert body["depth"] == 1
    assert body["origins"] == [
        {
            "id": review.pk,
            "title": "Review",
            "publisher": None,
            "citations": [citation.pk],
            "stances": ["supports"],
        }
    ]
    assert body["independence"]["supporting"] == [{"publisher": None, "origins": [review.pk]}]


def test_provenance_counts_match_the_stored_counts(researcher_client):
    claim = ClaimFactory()
    shared = SourceFactory()
    for article in repeaters(shared, 3):
        cite(claim, article, SUPPORTS)
    cite(claim, SourceFactory(publisher=None), SUPPORTS)
    cite(claim, shared, CONTRADICTS)
    cite(claim, SourceFactory(publisher=shared.publisher), CONTRADICTS)

    body = get_provenance(researcher_client, claim).json()

    assert (body["independence"]["support"], body["independence"]["contradiction"]) == counts(claim) == (2, 1)


def test_provenance_of_a_trashed_or_unknown_claim_is_404(researcher_client, reviewer):
    claim = ClaimFactory()
    services.claim_delete(claim=claim, actor=reviewer)

    assert_error(get_provenance(researcher_client, claim), 404)
    assert_error(researcher_client.get(reverse("claim-provenance", args=[claim.pk + 1000])), 404)
    assert_error(researcher_client.get("/api/v1/claims/abc/provenance/"), 404)


def test_provenance_needs_a_signed_in_user(anon_client):
    assert_error(get_provenance(anon_client, ClaimFactory()), 401)


@pytest.mark.parametrize("length", [1, 30])
def test_provenance_query_count_does_not_grow_with_the_chains(
    researcher_client, django_assert_num_queries, length
):
    claim = ClaimFactory()
    for _ in range(3):
        sources = [SourceFactory() for _ in range(length)]
        for first, second in itertools.pairwise(sources):
            relies(first, second)
        cite(claim, sources[0])

    with django_assert_num_queries(3):
        response = get_provenance(researcher_client, claim)

    assert response.json()["depth"] == length - 1
    assert len(response.json()["nodes"]) == 3 * length


# The demo and the admin ----------------------------------------------------------------------


def test_the_demo_wsj_claim_rests_on_the_centcom_review(researcher, researcher_client):
    load_demo(user=researcher)
    claim = Claim.objects.get(claimant="The Wall Street Journal")
    report = Source.objects.get(title__startswith="The Wall Street Journal report")
    review = Source.objects.get(title__startswith="U.S. Central Command after-action review")

    body = get_provenance(researcher_client, claim).json()

    assert [c["source"] for c in body["citations"]] == [report.pk]
    assert body["citations"][0]["origins"] == [review.pk]
    assert body["edges"] == [{"source": report.pk, "relies_on": review.pk}]
    nodes = {n["id"]: n for n in body["nodes"]}
    assert (nodes[report.pk]["depth"], nodes[report.pk]["is_origin"]) == (0, False)
    assert (nodes[review.pk]["depth"], nodes[review.pk]["is_origin"]) == (1, True)
    assert nodes[report.pk]["publisher"]["name"] == "The Wall Street Journal"
    assert body["independence"]["support"] == 1
    assert body["independence"]["supporting"][0]["publisher"]["name"] == "U.S. Central Command"
    claim.refresh_from_db()
    assert (claim.independent_support, claim.independent_contradiction) == (1, 0)
    # Loading again changes nothing.
    load_demo(user=researcher)
    assert counts(claim) == (1, 0)


def test_the_admin_claim_page_shows_its_origins(reviewer_admin):
    claim = ClaimFactory()
    review = SourceFactory(title="After-action review")
    newspaper = SourceFactory(title="Newspaper report")
    relies(newspaper, review)
    cite(claim, newspaper, SUPPORTS)
    cite(claim, SourceFactory(title="Denial", publisher=None), CONTRADICTS)

    response = reviewer_admin.get(reverse("admin:claims_claim_change", args=[claim.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Independent origins supporting: 1" in page
    assert "Independent origins contradicting: 1" in page
    assert "After-action review" in page
    assert review.publisher.name in page
    assert reverse("admin:sources_source_change", args=[review.pk]) in page


def test_the_admin_add_page_has_no_origins_yet(superuser_admin):
    response = superuser_admin.get(reverse("admin:claims_claim_add"))
    assert response.status_code == 200
