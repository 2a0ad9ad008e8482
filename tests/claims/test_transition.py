import pytest
from django.db import ProgrammingError, transaction
from django.urls import reverse

from claims import services
from claims.models import Claim, Status, StatusChange
from tests.factories import CitationFactory, ClaimFactory
from tests.helpers import if_match

pytestmark = pytest.mark.django_db


def transition(client, claim, **body):
    return client.post(reverse("claim-transition", args=[claim.pk]), body, format="json", **if_match(claim))


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


# The full matrix --------------------------------------------------------------------

VERDICTS = sorted(Status.verdicts())
NEEDED_STANCE = {
    Status.VERIFIED: "supports",
    Status.PARTLY_VERIFIED: "supports",
    Status.REFUTED: "contradicts",
    Status.DISPUTED: None,
    Status.UNVERIFIABLE: None,
}


def claim_ready_for(verdict, *, status=Status.IN_REVIEW) -> Claim:
    """A claim in ``status`` with the citation ``verdict`` needs, if any."""
    claim = ClaimFactory(status=status)
    if NEEDED_STANCE[verdict]:
        CitationFactory(claim=claim, stance=NEEDED_STANCE[verdict])
    return claim


def assert_refused(response, claim, *, status_code: int, status: str, code: str | None = None, field=None):
    assert response.status_code == status_code, response.data
    assert response.data["status"] == status_code
    if code is not None:
        assert response.data["code"] == code
    if field is not None:
        assert [error["field"] for error in response.data["errors"]] == [field]
    assert Claim.objects.get(pk=claim.pk).status == status
    assert not StatusChange.objects.filter(claim=claim).exists()


def assert_moved(response, claim, *, to: str, by, rationale: str = "") -> None:
    assert response.status_code == 200, response.data
    assert response.data["id"] == claim.pk
    assert response.data["status"] == to
    assert Claim.objects.get(pk=claim.pk).status == to
    change = StatusChange.objects.get(claim=claim)
    assert (change.from_status, change.to_status, change.changed_by, change.rationale) == (
        claim.status,
        to,
        by,
        rationale,
    )


# Researchers


def test_researcher_moves_claim_back_to_unverified(researcher_client, researcher):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    response = transition(researcher_client, claim, status="unverified")
    assert_moved(response, claim, to="unverified", by=researcher)


def test_researcher_rationale_is_recorded_when_given(researcher_client, researcher):
    claim = ClaimFactory()
    response = transition(researcher_client, claim, status="in_review", rationale="  Ready for review. ")
    assert_moved(response, claim, to="in_review", by=researcher, rationale="Ready for review.")


@pytest.mark.parametrize("start", [Status.UNVERIFIED, Status.IN_REVIEW])
@pytest.mark.parametrize("verdict", VERDICTS)
def test_researcher_may_not_give_any_verdict(researcher_client, start, verdict):
    claim = claim_ready_for(verdict, status=start)
    response = transition(researcher_client, claim, status=verdict, rationale="Checked.")
    assert_refused(response, claim, status_code=403, status=start, code="reviewer_required")


@pytest.mark.parametrize("target", [Status.IN_REVIEW, Status.UNVERIFIED])
@pytest.mark.parametrize("verdict", VERDICTS)
def test_researcher_may_not_reopen_a_verdict(researcher_client, verdict, target):
    claim = claim_ready_for(verdict, status=verdict)
    response = transition(researcher_client, claim, status=target, rationale="New evidence.")
    assert_refused(response, claim, status_code=403, status=verdict, code="reviewer_required")


def test_researcher_may_not_change_one_verdict_into_another(researcher_client):
    claim = claim_ready_for(Status.DISPUTED, status=Status.VERIFIED)
    response = transition(researcher_client, claim, status="disputed", rationale="Sources disagree.")
    assert_refused(response, claim, status_code=403, status=Status.VERIFIED, code="reviewer_required")


# Reviewers


@pytest.mark.parametrize("start", [Status.UNVERIFIED, Status.IN_REVIEW])
@pytest.mark.parametrize("verdict", VERDICTS)
def test_reviewer_gives_every_verdict(reviewer_client, reviewer, start, verdict):
    claim = claim_ready_for(verdict, status=start)
    response = transition(reviewer_client, claim, status=verdict, rationale="  Checked twice. ")
    assert_moved(response, claim, to=verdict, by=reviewer, rationale="Checked twice.")


@pytest.mark.parametrize("verdict", [Status.DISPUTED, Status.UNVERIFIABLE])
def test_disputed_and_unverifiable_need_no_citation(reviewer_client, reviewer, verdict):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    response = transition(reviewer_client, claim, status=verdict, rationale="Nothing to go on.")
    assert_moved(response, claim, to=verdict, by=reviewer, rationale="Nothing to go on.")


@pytest.mark.parametrize("verdict", VERDICTS)
@pytest.mark.parametrize("rationale", ["", "   ", None])
def test_every_verdict_needs_a_rationale(reviewer_client, verdict, rationale):
    claim = claim_ready_for(verdict)
    body = {"status": verdict} if rationale is None else {"status": verdict, "rationale": rationale}
    response = transition(reviewer_client, claim, **body)
    assert_refused(response, claim, status_code=400, status=Status.IN_REVIEW, field="rationale")


def test_null_rationale_is_refused(reviewer_client):
    claim = claim_ready_for(Status.DISPUTED)
    response = transition(reviewer_client, claim, status="disputed", rationale=None)
    assert_refused(response, claim, status_code=400, status=Status.IN_REVIEW, field="rationale")


@pytest.mark.parametrize(
    ("verdict", "stances"),
    [
        (Status.VERIFIED, []),
        (Status.VERIFIED, ["contradicts"]),
        (Status.VERIFIED, ["context", "contradicts"]),
        (Status.PARTLY_VERIFIED, ["contradicts"]),
        (Status.PARTLY_VERIFIED, ["context"]),
        (Status.REFUTED, []),
        (Status.REFUTED, ["supports", "context"]),
    ],
)
def test_verdict_without_the_citation_it_needs_is_refused(reviewer_client, verdict, stances):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    for stance in stances:
        CitationFactory(claim=claim, stance=stance)
    response = transition(reviewer_client, claim, status=verdict, rationale="Checked.")
    assert_refused(response, claim, status_code=409, status=Status.IN_REVIEW, code="citation_required")


def test_citation_of_another_claim_does_not_count(reviewer_client):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    CitationFactory(claim=ClaimFactory(article=claim.article), stance="supports")
    response = transition(reviewer_client, claim, status="verified", rationale="Checked.")
    assert_refused(response, claim, status_code=409, status=Status.IN_REVIEW, code="citation_required")


@pytest.mark.parametrize("current", [Status.UNVERIFIED, Status.IN_REVIEW, *VERDICTS])
def test_same_status_is_refused(reviewer_client, current):
    claim = claim_ready_for(Status.VERIFIED, status=current)
    response = transition(reviewer_client, claim, status=current, rationale="Again.")
    assert_refused(response, claim, status_code=409, status=current, code="no_change", field="status")


@pytest.mark.parametrize("value", ["approved", "", "VERIFIED", 7, None])
def test_unknown_status_is_refused(reviewer_client, value):
    claim = claim_ready_for(Status.VERIFIED)
    response = transition(reviewer_client, claim, status=value, rationale="Checked.")
    assert_refused(response, claim, status_code=400, status=Status.IN_REVIEW, field="status")


def test_missing_status_is_refused(reviewer_client):
    claim = claim_ready_for(Status.VERIFIED)
    response = transition(reviewer_client, claim, rationale="Checked.")
    assert_refused(response, claim, status_code=400, status=Status.IN_REVIEW, field="status")


@pytest.mark.parametrize("target", [Status.IN_REVIEW, Status.UNVERIFIED])
@pytest.mark.parametrize("verdict", VERDICTS)
def test_reviewer_reopens_a_verdict_with_rationale(reviewer_client, reviewer, verdict, target):
    claim = claim_ready_for(verdict, status=verdict)
    response = transition(reviewer_client, claim, status=target, rationale="New evidence.")
    assert_moved(response, claim, to=target, by=reviewer, rationale="New evidence.")


@pytest.mark.parametrize("target", [Status.IN_REVIEW, Status.UNVERIFIED])
def test_reopening_needs_a_rationale(reviewer_client, target):
    claim = claim_ready_for(Status.VERIFIED, status=Status.VERIFIED)
    response = transition(reviewer_client, claim, status=target)
    assert_refused(response, claim, status_code=400, status=Status.VERIFIED, field="rationale")


@pytest.mark.parametrize(("verdict", "other"), [(a, b) for a in VERDICTS for b in VERDICTS if a != b])
def test_reviewer_changes_one_verdict_into_another(reviewer_client, reviewer, verdict, other):
    claim = claim_ready_for(other, status=verdict)
    response = transition(reviewer_client, claim, status=other, rationale="On reflection.")
    assert_moved(response, claim, to=other, by=reviewer, rationale="On reflection.")


def test_verdict_to_verdict_needs_a_rationale(reviewer_client):
    claim = claim_ready_for(Status.DISPUTED, status=Status.VERIFIED)
    response = transition(reviewer_client, claim, status="disputed", rationale=" ")
    assert_refused(response, claim, status_code=400, status=Status.VERIFIED, field="rationale")


def test_verdict_to_verdict_needs_the_citation(reviewer_client):
    claim = claim_ready_for(Status.VERIFIED, status=Status.VERIFIED)
    response = transition(reviewer_client, claim, status="refuted", rationale="Turned out false.")
    assert_refused(response, claim, status_code=409, status=Status.VERIFIED, code="citation_required")


# Others


@pytest.mark.parametrize(
    ("client_name", "status_code", "target"),
    [
        ("outsider_client", 403, "in_review"),
        ("outsider_client", 403, "disputed"),
        ("anon_client", 401, "in_review"),
        ("anon_client", 401, "disputed"),
    ],
)
def test_outsider_and_anonymous_cannot_transition(request, client_name, status_code, target):
    claim = ClaimFactory()
    response = transition(request.getfixturevalue(client_name), claim, status=target, rationale="Because.")
    assert_refused(response, claim, status_code=status_code, status=Status.UNVERIFIED)


def test_unknown_claim_is_404(reviewer_client):
    claim = ClaimFactory()
    claim_id = claim.pk
    claim.delete()
    response = reviewer_client.post(
        reverse("claim-transition", args=[claim_id]), {"status": "in_review"}, format="json"
    )
    assert response.status_code == 404
    assert not StatusChange.objects.exists()


def test_superuser_does_everything(superuser_client, superuser):
    claim = ClaimFactory()
    CitationFactory(claim=claim, stance="supports")
    steps = [
        ("in_review", ""),
        ("verified", "Sourced."),
        ("disputed", "A second source disagrees."),
        ("unverified", "Start again."),
        ("in_review", ""),
        ("unverifiable", "Nothing more to find."),
        ("in_review", "Reopened."),
    ]
    for status, rationale in steps:
        response = transition(superuser_client, claim, status=status, rationale=rationale)
        assert response.status_code == 200, response.data
        assert response.data["status"] == status
    history = StatusChange.objects.filter(claim=claim).order_by("changed_at", "id")
    assert [(c.to_status, c.rationale, c.changed_by) for c in history] == [
        (status, rationale, superuser) for status, rationale in steps
    ]
    froms = [c.from_status for c in history]
    assert froms == ["unverified"] + [status for status, _ in steps[:-1]]


def test_whole_review_cycle(researcher_client, reviewer_client):
    claim = ClaimFactory()
    CitationFactory(claim=claim, stance="supports")
    assert transition(researcher_client, claim, status="in_review").status_code == 200
    assert transition(reviewer_client, claim, status="verified", rationale="Sourced.").status_code == 200
    assert transition(reviewer_client, claim, status="in_review", rationale="Reopened.").status_code == 200
    assert transition(researcher_client, claim, status="unverified").status_code == 200
    assert list(
        StatusChange.objects.filter(claim=claim).order_by("id").values_list("from_status", "to_status")
    ) == [
        ("unverified", "in_review"),
        ("in_review", "verified"),
        ("verified", "in_review"),
        ("in_review", "unverified"),
    ]


# The history is append-only in the database -----------------------------------------


@pytest.fixture
def change(reviewer):
    claim = ClaimFactory()
    return services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer)


def test_status_change_cannot_be_updated(change):
    change.rationale = "Rewritten history."
    with pytest.raises(ProgrammingError, match="Cannot update or delete rows"), transaction.atomic():
        change.save()
    with pytest.raises(ProgrammingError), transaction.atomic():
        StatusChange.objects.filter(pk=change.pk).update(to_status=Status.UNVERIFIED)
    change.refresh_from_db()
    assert (change.to_status, change.rationale) == ("in_review", "")


def test_status_change_cannot_be_deleted(change):
    with pytest.raises(ProgrammingError), transaction.atomic():
        change.delete()
    with pytest.raises(ProgrammingError), transaction.atomic():
        StatusChange.objects.filter(pk=change.pk).delete()
    assert StatusChange.objects.filter(pk=change.pk).exists()


def test_deleting_a_claim_leaves_other_history_protected(change, reviewer, superuser):
    doomed = ClaimFactory()
    services.claim_transition(claim=doomed, to=Status.IN_REVIEW, actor=reviewer)
    services.claim_delete(claim=doomed, actor=reviewer)
    services.claim_purge(claim=doomed, actor=superuser)
    assert list(StatusChange.objects.all()) == [change]
    with pytest.raises(ProgrammingError), transaction.atomic():
        StatusChange.objects.all().delete()
    assert StatusChange.objects.filter(pk=change.pk).exists()
