"""The claims endpoints: who may write, what is read, filters, and the verdict freeze."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.models import Citation, Claim, Status, StatusChange
from tests.factories import (
    ARTICLE_BODY,
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    PublisherFactory,
    SourceFactory,
)
from tests.helpers import if_match

pytestmark = pytest.mark.django_db

QUOTE = "almost certainly conducted by a militia group"


def claim_payload(article, **extra) -> dict:
    return {"article": article.pk, "statement": "A militia group attacked.", "quote": QUOTE, **extra}


def ids(response) -> list[int]:
    return [row["id"] for row in response.data["results"]]


# Create -----------------------------------------------------------------------------


def test_researcher_creates_claim(researcher_client, researcher):
    article = ArticleFactory()
    response = researcher_client.post(
        reverse("claim-list"), claim_payload(article, claimant="  CENTCOM  "), format="json"
    )
    assert response.status_code == 201, response.data
    claim = Claim.objects.get(pk=response.data["id"])
    assert claim.created_by == researcher
    assert claim.status == Status.UNVERIFIED
    assert claim.claimant == "CENTCOM"
    assert response.data["created_by"] == "res"
    assert response.data["status"] == "unverified"
    assert response.data["article"] == {"id": article.pk, "title": article.title, "url": article.url}
    assert response.data["citations"] == []
    assert response.data["citation_count"] == 0


def test_server_owned_fields_in_payload_are_ignored(researcher_client, researcher, reviewer):
    article = ArticleFactory()
    response = researcher_client.post(
        reverse("claim-list"),
        claim_payload(article, status="verified", created_by=reviewer.pk, id=999_999),
        format="json",
    )
    assert response.status_code == 201, response.data
    claim = Claim.objects.get(pk=response.data["id"])
    assert claim.status == Status.UNVERIFIED
    assert claim.created_by == researcher
    assert response.data["status"] == "unverified"
    assert response.data["created_by"] == "res"
    assert not StatusChange.objects.exists()


def test_patch_status_does_not_change_status(researcher_client):
    claim = ClaimFactory()
    response = researcher_client.patch(
        reverse("claim-detail", args=[claim.pk]), {"status": "verified"}, format="json", **if_match(claim)
    )
    assert response.status_code == 200, response.data
    assert response.data["status"] == "unverified"
    claim.refresh_from_db()
    assert claim.status == Status.UNVERIFIED
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize(("client_name", "expected"), [("outsider_client", 403), ("anon_client", 401)])
def test_outsider_and_anonymous_cannot_create(request, client_name, expected):
    client = request.getfixturevalue(client_name)
    article = ArticleFactory()
    response = client.post(reverse("claim-list"), claim_payload(article), format="json")
    assert response.status_code == expected
    assert response.data["status"] == expected
    assert not Claim.objects.exists()


@pytest.mark.parametrize(("client_name", "expected"), [("outsider_client", 403), ("anon_client", 401)])
def test_outsider_and_anonymous_cannot_edit(request, client_name, expected):
    claim = ClaimFactory()
    client = request.getfixturevalue(client_name)
    response = client.patch(
        reverse("claim-detail", args=[claim.pk]), {"statement": "Other."}, format="json", **if_match(claim)
    )
    assert response.status_code == expected
    claim.refresh_from_db()
    assert claim.statement == ClaimFactory.statement


def test_create_with_unknown_article_is_refused(researcher_client):
    article = ArticleFactory()
    payload = claim_payload(article)
    article.delete()
    response = researcher_client.post(reverse("claim-list"), payload, format="json")
    assert response.status_code == 400
    assert [e["field"] for e in response.data["errors"]] == ["article"]
    assert not Claim.objects.exists()


def test_create_with_blank_statement_is_refused(researcher_client):
    response = researcher_client.post(
        reverse("claim-list"), claim_payload(ArticleFactory(), statement="   "), format="json"
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.data["errors"]] == ["statement"]
    assert not Claim.objects.exists()


# Delete -----------------------------------------------------------------------------


def test_researcher_cannot_delete(researcher_client):
    claim = ClaimFactory()
    CitationFactory(claim=claim)
    response = researcher_client.delete(reverse("claim-detail", args=[claim.pk]), **if_match(claim))
    assert response.status_code == 403
    assert response.data["code"] == "permission_denied"
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert Citation.objects.filter(claim=claim).count() == 1


def test_reviewer_deletes_claim_with_citations_and_history(reviewer_client, reviewer):
    claim = ClaimFactory()
    CitationFactory(claim=claim)
    services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer)
    services.claim_transition(claim=claim, to=Status.VERIFIED, actor=reviewer, rationale="Sourced.")
    other = ClaimFactory(article=claim.article)
    services.claim_transition(claim=other, to=Status.IN_REVIEW, actor=reviewer)
    response = reviewer_client.delete(reverse("claim-detail", args=[claim.pk]), **if_match(claim))
    assert response.status_code == 204
    # Moved to the trash with its citations and history (tests/interchange/test_trash.py).
    assert Claim.objects.get(pk=claim.pk).deleted_at is not None
    assert Citation.objects.filter(claim_id=claim.pk).count() == 1
    assert StatusChange.objects.filter(claim_id=claim.pk).count() == 2
    assert Claim.objects.get(pk=other.pk).deleted_at is None
    assert StatusChange.objects.filter(claim=other).count() == 1


# Read -------------------------------------------------------------------------------


def test_read_shape(researcher_client):
    claim = ClaimFactory()
    publisher = PublisherFactory(name="CENTCOM Press")
    source = SourceFactory(publisher=publisher)
    orphan = SourceFactory(publisher=None)
    CitationFactory(claim=claim, source=source)
    CitationFactory(claim=claim, source=orphan, role="evidence", stance="contradicts")
    response = researcher_client.get(reverse("claim-detail", args=[claim.pk]))
    assert response.status_code == 200
    data = response.data
    assert data["id"] == claim.pk
    assert data["article"] == {"id": claim.article.pk, "title": claim.article.title, "url": claim.article.url}
    assert data["status"] == "unverified"
    assert data["citation_count"] == 2
    assert [c["source"] for c in data["citations"]] == [
        {
            "id": source.pk,
            "kind": source.kind,
            "title": source.title,
            "publisher_name": "CENTCOM Press",
            "url": source.url,
        },
        {
            "id": orphan.pk,
            "kind": orphan.kind,
            "title": orphan.title,
            "publisher_name": None,
            "url": orphan.url,
        },
    ]
    assert [(c["role"], c["stance"]) for c in data["citations"]] == [
        ("attribution", "supports"),
        ("evidence", "contradicts"),
    ]
    assert data["quote"] == QUOTE
    assert ARTICLE_BODY[data["quote_start"] : data["quote_end"]] == QUOTE


def test_anonymous_cannot_read(anon_client):
    claim = ClaimFactory()
    assert anon_client.get(reverse("claim-list")).status_code == 401
    assert anon_client.get(reverse("claim-detail", args=[claim.pk])).status_code == 401


def test_outsider_can_read(outsider_client):
    claim = ClaimFactory()
    response = outsider_client.get(reverse("claim-list"))
    assert response.status_code == 200
    assert ids(response) == [claim.pk]


def test_unknown_claim_is_404(researcher_client):
    claim = ClaimFactory()
    url = reverse("claim-detail", args=[claim.pk])
    claim.delete()
    response = researcher_client.get(url)
    assert response.status_code == 404
    assert response.data["code"] == "not_found"


# Filters, search, ordering ----------------------------------------------------------


def test_filter_by_several_statuses(researcher_client):
    unverified = ClaimFactory()
    in_review = ClaimFactory(status=Status.IN_REVIEW)
    ClaimFactory(status=Status.VERIFIED)
    response = researcher_client.get(reverse("claim-list"), {"status": ["unverified", "in_review"]})
    assert response.status_code == 200
    assert sorted(ids(response)) == sorted([unverified.pk, in_review.pk])
    response = researcher_client.get(reverse("claim-list"), {"status": "in_review"})
    assert ids(response) == [in_review.pk]


def test_filter_by_unknown_status_is_refused(researcher_client):
    response = researcher_client.get(reverse("claim-list"), {"status": "nonsense"})
    assert response.status_code == 400
    assert [e["field"] for e in response.data["errors"]] == ["status"]


def test_filter_by_article(researcher_client):
    claim = ClaimFactory()
    ClaimFactory()
    response = researcher_client.get(reverse("claim-list"), {"article": claim.article.pk})
    assert ids(response) == [claim.pk]


def test_filter_by_claimant(researcher_client):
    claim = ClaimFactory(claimant="Iraqi officials")
    ClaimFactory(claimant="U.S. Central Command")
    response = researcher_client.get(reverse("claim-list"), {"claimant": "iraqi"})
    assert ids(response) == [claim.pk]


def test_filter_by_source_and_publisher(researcher_client):
    publisher = PublisherFactory()
    source = SourceFactory(publisher=publisher)
    same_publisher = SourceFactory(publisher=publisher)
    cites_source = ClaimFactory()
    CitationFactory(claim=cites_source, source=source)
    # Cited twice (both roles): must still appear once.
    CitationFactory(claim=cites_source, source=source, role="evidence")
    cites_sibling = ClaimFactory()
    CitationFactory(claim=cites_sibling, source=same_publisher)
    CitationFactory(claim=ClaimFactory())
    ClaimFactory()

    response = researcher_client.get(reverse("claim-list"), {"source": source.pk})
    assert response.status_code == 200
    assert ids(response) == [cites_source.pk]

    response = researcher_client.get(reverse("claim-list"), {"publisher": publisher.pk})
    assert sorted(ids(response)) == sorted([cites_source.pk, cites_sibling.pk])


def test_filter_by_unknown_source_is_refused(researcher_client):
    source = SourceFactory()
    source_id = source.pk
    source.delete()
    response = researcher_client.get(reverse("claim-list"), {"source": source_id})
    assert response.status_code == 400
    assert [e["field"] for e in response.data["errors"]] == ["source"]


def test_filter_by_created_and_updated_ranges(researcher_client):
    now = timezone.now()
    old, recent = ClaimFactory(), ClaimFactory()
    Claim.objects.filter(pk=old.pk).update(
        created_at=now - timedelta(days=10), updated_at=now - timedelta(days=1)
    )
    Claim.objects.filter(pk=recent.pk).update(
        created_at=now - timedelta(days=2), updated_at=now - timedelta(days=8)
    )
    cut = (now - timedelta(days=5)).isoformat()
    url = reverse("claim-list")
    assert ids(researcher_client.get(url, {"created_after": cut})) == [recent.pk]
    assert ids(researcher_client.get(url, {"created_before": cut})) == [old.pk]
    assert ids(researcher_client.get(url, {"updated_after": cut})) == [old.pk]
    assert ids(researcher_client.get(url, {"updated_before": cut})) == [recent.pk]


def test_times_with_offsets_postgresql_cannot_hold_are_compared_in_utc(researcher_client):
    claim = ClaimFactory()
    stored = Claim.objects.get(pk=claim.pk).updated_at
    url = reverse("claim-list")
    # -20:22 is a valid ISO 8601 offset that PostgreSQL refuses; compared as UTC it works.
    just_before = (stored - timedelta(minutes=1)).astimezone(timezone.get_fixed_timezone(-(20 * 60 + 22)))
    assert ids(researcher_client.get(url, {"updated_after": just_before.isoformat()})) == [claim.pk]
    assert ids(researcher_client.get(url, {"updated_before": just_before.isoformat()})) == []
    # Past year 9999 in UTC: later than every stored time.
    last = "9999-12-31T23:00:00-15:00"
    assert ids(researcher_client.get(url, {"created_after": last})) == []
    assert ids(researcher_client.get(url, {"created_before": last})) == [claim.pk]


def test_filter_by_malformed_date_is_refused(researcher_client):
    response = researcher_client.get(reverse("claim-list"), {"created_after": "yesterday"})
    assert response.status_code == 400
    assert response.data["errors"][0]["field"].startswith("created")


def test_search(researcher_client):
    by_statement = ClaimFactory(statement="Twenty-one rockets were fired.")
    by_claimant = ClaimFactory(claimant="Kataib Hezbollah spokesman")
    by_title = ClaimFactory(article=ArticleFactory(title="Rockets over Baghdad"))
    ClaimFactory()
    url = reverse("claim-list")
    assert ids(researcher_client.get(url, {"search": "twenty-one"})) == [by_statement.pk]
    assert ids(researcher_client.get(url, {"search": "hezbollah"})) == [by_claimant.pk]
    assert ids(researcher_client.get(url, {"search": "baghdad"})) == [by_title.pk]


def test_ordering(researcher_client):
    b = ClaimFactory(claimant="Bravo")
    a = ClaimFactory(claimant="Alpha")
    c = ClaimFactory(claimant="Charlie")
    url = reverse("claim-list")
    assert ids(researcher_client.get(url, {"ordering": "claimant"})) == [a.pk, b.pk, c.pk]
    assert ids(researcher_client.get(url, {"ordering": "-claimant"})) == [c.pk, b.pk, a.pk]
    # Default: newest first.
    assert ids(researcher_client.get(url)) == [c.pk, a.pk, b.pk]


# The verdict freeze -----------------------------------------------------------------


def give_verdict(claim, reviewer):
    CitationFactory(claim=claim, stance="supports")
    services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer)
    services.claim_transition(claim=claim, to=Status.VERIFIED, actor=reviewer, rationale="Sourced.")


def test_claim_with_verdict_cannot_be_edited(researcher_client, reviewer):
    claim = ClaimFactory()
    give_verdict(claim, reviewer)
    before = Claim.objects.values().get(pk=claim.pk)
    response = researcher_client.patch(
        reverse("claim-detail", args=[claim.pk]),
        {"statement": "Something else."},
        format="json",
        **if_match(claim),
    )
    assert response.status_code == 409
    assert response.data["code"] == "has_verdict"
    assert Claim.objects.values().get(pk=claim.pk) == before


def test_claim_with_verdict_cannot_be_reanchored(reviewer_client, reviewer):
    claim = ClaimFactory()
    give_verdict(claim, reviewer)
    before = Claim.objects.values().get(pk=claim.pk)
    response = reviewer_client.patch(
        reverse("claim-detail", args=[claim.pk]),
        {"quote": "The attack involved 21 rockets."},
        format="json",
        **if_match(claim),
    )
    assert response.status_code == 409
    assert response.data["code"] == "has_verdict"
    assert Claim.objects.values().get(pk=claim.pk) == before


def test_claim_with_verdict_accepts_unchanged_values(researcher_client, reviewer):
    claim = ClaimFactory()
    give_verdict(claim, reviewer)
    response = researcher_client.patch(
        reverse("claim-detail", args=[claim.pk]),
        {"statement": claim.statement},
        format="json",
        **if_match(claim),
    )
    assert response.status_code == 200, response.data
    assert response.data["status"] == "verified"


def test_claim_can_be_edited_after_reopening(researcher_client, reviewer_client, reviewer):
    claim = ClaimFactory()
    give_verdict(claim, reviewer)
    reopened = reviewer_client.post(
        reverse("claim-transition", args=[claim.pk]),
        {"status": "in_review", "rationale": "The statement needs narrowing."},
        format="json",
        **if_match(claim),
    )
    assert reopened.status_code == 200, reopened.data
    response = researcher_client.patch(
        reverse("claim-detail", args=[claim.pk]),
        {"statement": "Something else."},
        format="json",
        **if_match(claim),
    )
    assert response.status_code == 200, response.data
    assert response.data["statement"] == "Something else."
    claim.refresh_from_db()
    assert claim.statement == "Something else."


def test_put_replaces_claim(researcher_client):
    claim = ClaimFactory(claimant="Someone")
    article = claim.article
    response = researcher_client.put(
        reverse("claim-detail", args=[claim.pk]),
        {"article": article.pk, "statement": "Twenty-one rockets.", "quote": "involved 21 rockets"},
        format="json",
        **if_match(claim),
    )
    assert response.status_code == 200, response.data
    claim.refresh_from_db()
    start = ARTICLE_BODY.index("involved 21 rockets")
    assert (claim.statement, claim.quote, claim.quote_start) == (
        "Twenty-one rockets.",
        "involved 21 rockets",
        start,
    )


# Query counts -----------------------------------------------------------------------


def claims_with_citations(count: int) -> list[Claim]:
    article = ArticleFactory()
    claims = []
    for _ in range(count):
        claim = ClaimFactory(article=article)
        for role, stance in (
            ("attribution", "supports"),
            ("evidence", "contradicts"),
            ("evidence", "context"),
        ):
            CitationFactory(
                claim=claim, source=SourceFactory(publisher=PublisherFactory()), role=role, stance=stance
            )
        claims.append(claim)
    return claims


@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_count(researcher_client, django_assert_num_queries, rows):
    claims_with_citations(rows)
    # The claims, then their citations with sources and publishers; nothing is counted.
    with django_assert_num_queries(2):
        response = researcher_client.get(reverse("claim-list"))
    assert response.status_code == 200
    assert len(response.data["results"]) == rows
    assert all(row["citation_count"] == 3 for row in response.data["results"])
    assert all(c["source"]["publisher_name"] for row in response.data["results"] for c in row["citations"])


@pytest.mark.parametrize("rows", [1, 50])
def test_detail_query_count(researcher_client, django_assert_num_queries, rows):
    """Rows here are the claim's citations."""
    claim = ClaimFactory()
    for _ in range(rows):
        CitationFactory(claim=claim, source=SourceFactory(publisher=PublisherFactory()))
    with django_assert_num_queries(2):
        response = researcher_client.get(reverse("claim-detail", args=[claim.pk]))
    assert response.status_code == 200
    assert response.data["citation_count"] == rows
