"""A claim's status history: newest first, paged, read-only."""

import pytest
from django.urls import reverse

from claims import services
from claims.models import Status, StatusChange
from tests.factories import CitationFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def history(client, claim, **params):
    return client.get(reverse("claim-history", args=[claim.pk]), params)


def walk(claim, actor, steps: int) -> None:
    """Move ``claim`` back and forth between unverified and in_review ``steps`` times."""
    for step in range(steps):
        to = Status.IN_REVIEW if step % 2 == 0 else Status.UNVERIFIED
        services.claim_transition(claim=claim, to=to, actor=actor, rationale=f"Step {step}.")


def test_history_newest_first_with_its_fields(researcher_client, researcher, reviewer):
    claim = ClaimFactory()
    CitationFactory(claim=claim, stance="supports")
    services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=researcher)
    services.claim_transition(claim=claim, to=Status.VERIFIED, actor=reviewer, rationale="Two sources.")
    services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer, rationale="Reopened.")
    other = ClaimFactory(article=claim.article)
    services.claim_transition(claim=other, to=Status.IN_REVIEW, actor=researcher)

    response = history(researcher_client, claim)
    assert response.status_code == 200
    assert response.data["count"] == 3
    rows = response.data["results"]
    assert [(r["from_status"], r["to_status"], r["rationale"], r["changed_by"]) for r in rows] == [
        ("verified", "in_review", "Reopened.", "rev"),
        ("in_review", "verified", "Two sources.", "rev"),
        ("unverified", "in_review", "", "res"),
    ]
    changes = {c.pk: c for c in StatusChange.objects.filter(claim=claim)}
    for row in rows:
        assert row["claim"] == claim.pk
        assert row["changed_at"] == changes[row["id"]].changed_at.isoformat().replace("+00:00", "Z")
    assert rows[0]["changed_at"] >= rows[1]["changed_at"] >= rows[2]["changed_at"]


def test_history_of_a_claim_never_changed_is_empty(researcher_client):
    claim = ClaimFactory()
    response = history(researcher_client, claim)
    assert response.status_code == 200
    assert response.data["count"] == 0
    assert response.data["results"] == []


def test_history_is_paged(researcher_client, researcher):
    claim = ClaimFactory()
    walk(claim, researcher, 5)
    first = history(researcher_client, claim, page_size=2)
    assert first.status_code == 200
    assert first.data["count"] == 5
    assert [r["rationale"] for r in first.data["results"]] == ["Step 4.", "Step 3."]
    assert first.data["next"] is not None
    last = history(researcher_client, claim, page_size=2, page=3)
    assert [r["rationale"] for r in last.data["results"]] == ["Step 0."]
    assert last.data["next"] is None


def test_history_page_out_of_range_is_404(researcher_client, researcher):
    claim = ClaimFactory()
    walk(claim, researcher, 1)
    response = history(researcher_client, claim, page=9)
    assert response.status_code == 404
    assert response.data["status"] == 404


def test_history_of_unknown_claim_is_404(researcher_client):
    claim = ClaimFactory()
    claim_id = claim.pk
    claim.delete()
    response = researcher_client.get(reverse("claim-history", args=[claim_id]))
    assert response.status_code == 404


def test_history_needs_sign_in(anon_client, outsider_client, researcher):
    claim = ClaimFactory()
    walk(claim, researcher, 1)
    assert history(anon_client, claim).status_code == 401
    response = history(outsider_client, claim)
    assert response.status_code == 200
    assert response.data["count"] == 1


def test_history_is_read_only(reviewer_client, researcher):
    claim = ClaimFactory()
    walk(claim, researcher, 1)
    response = reviewer_client.post(reverse("claim-history", args=[claim.pk]), {}, format="json")
    assert response.status_code == 405
    assert StatusChange.objects.filter(claim=claim).count() == 1


@pytest.mark.parametrize("rows", [1, 50])
def test_history_query_count(researcher_client, researcher, django_assert_num_queries, rows):
    claim = ClaimFactory()
    walk(claim, researcher, rows)
    # The claim, the count, the page.
    with django_assert_num_queries(3):
        response = history(researcher_client, claim)
    assert response.status_code == 200
    assert len(response.data["results"]) == rows
    assert all(r["changed_by"] == "res" for r in response.data["results"])
