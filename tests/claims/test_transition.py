import pytest
from django.urls import reverse

from claims.models import Claim, Status, StatusChange
from tests.factories import CitationFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def transition(client, claim, **body):
    return client.post(reverse("claim-transition", args=[claim.pk]), body, format="json")


def test_researcher_moves_claim_into_review(researcher_client, researcher):
    claim = ClaimFactory()
    response = transition(researcher_client, claim, status="in_review")
    assert response.status_code == 200, response.data
    assert response.data["status"] == "in_review"
    change = StatusChange.objects.get(claim=claim)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "unverified",
        "in_review",
        researcher,
    )


def test_researcher_may_not_give_verdict(researcher_client):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    CitationFactory(claim=claim)
    response = transition(researcher_client, claim, status="verified", rationale="Looks right.")
    assert response.status_code == 403
    assert response.data["code"] == "reviewer_required"
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    assert not StatusChange.objects.filter(claim=claim).exists()


def test_reviewer_verifies_with_supporting_citation(reviewer_client):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    CitationFactory(claim=claim, stance="supports")
    response = transition(reviewer_client, claim, status="verified", rationale="Two sources agree.")
    assert response.status_code == 200, response.data
    assert Claim.objects.get(pk=claim.pk).status == Status.VERIFIED
    assert StatusChange.objects.get(claim=claim).rationale == "Two sources agree."


def test_verdict_without_rationale_is_refused(reviewer_client):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    CitationFactory(claim=claim)
    response = transition(reviewer_client, claim, status="verified", rationale="  ")
    assert response.status_code == 400
    assert response.data["errors"][0]["field"] == "rationale"
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW
    assert not StatusChange.objects.exists()
