"""Two people changing the same claim at the same moment, on real threads and real database
connections: one wins, the other is told (409 or 412), and nothing is lost or doubled."""

import threading
from functools import partial

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from claims import services
from claims.models import Claim, SameClaimLink, Status, StatusChange
from core.errors import Conflict, PreconditionFailed
from tests.factories import CitationFactory, ClaimFactory, ResearcherFactory, ReviewerFactory
from tests.helpers import etag

pytestmark = pytest.mark.django_db(transaction=True)

RUNS = 5  # each race is repeated, so a pass means more than one lucky interleaving


def race(*calls):
    """Run the calls at the same moment, each on its own thread and database connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = calls[index]()
        except Exception as exc:  # the service's refusal is the result
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def claim_under_review():
    claim = ClaimFactory(status=Status.IN_REVIEW)
    CitationFactory(claim=claim, stance="supports")
    CitationFactory(claim=claim, stance="contradicts")
    return Claim.objects.get(pk=claim.pk)


def test_two_reviewers_giving_verdicts_at_once_through_the_api(working_groups):
    first, second = ReviewerFactory(), ReviewerFactory()
    verdicts = {first.pk: Status.VERIFIED, second.pk: Status.REFUTED}
    for _ in range(RUNS):
        claim = claim_under_review()
        url = reverse("claim-transition", args=[claim.pk])
        tag = etag(claim)  # both read the same version

        def give(reviewer, url=url, tag=tag):
            body = {"status": verdicts[reviewer.pk], "rationale": "Checked the sources."}
            return reviewer, client_for(reviewer).post(url, body, format="json", HTTP_IF_MATCH=tag)

        results = race(lambda: give(first), lambda: give(second))
        codes = sorted(response.status_code for _, response in results)
        assert codes == [200, 412], [response.content for _, response in results]
        winner, won = next((user, response) for user, response in results if response.status_code == 200)
        lost = next(response for _, response in results if response.status_code == 412)
        assert lost.json()["current_version"] == won.json()["version"] == claim.version + 1
        change = StatusChange.objects.get(claim=claim)  # exactly one history row
        assert (change.to_status, change.changed_by_id) == (verdicts[winner.pk], winner.pk)
        claim.refresh_from_db()
        assert (claim.status, claim.version) == (verdicts[winner.pk], won.json()["version"])


def test_two_transitions_without_a_version_at_once_through_the_service(working_groups):
    """Internal callers skip the version check; the row lock still lets one change through
    and the other sees the new status (409)."""
    first, second = ReviewerFactory(), ReviewerFactory()
    for _ in range(RUNS):
        claim = claim_under_review()

        def give(reviewer, claim=claim):
            return services.claim_transition(
                claim=claim, to=Status.VERIFIED, actor=reviewer, rationale="Checked."
            )

        results = race(lambda: give(first), lambda: give(second))
        assert sorted(type(result).__name__ for result in results) == ["Conflict", "StatusChange"]
        refusal = next(result for result in results if isinstance(result, Conflict))
        assert refusal.code == "no_change"
        winner = next(result for result in results if isinstance(result, StatusChange))
        assert list(StatusChange.objects.filter(claim=claim).values_list("pk", flat=True)) == [winner.pk]
        assert Claim.objects.get(pk=claim.pk).status == Status.VERIFIED


def test_two_edits_of_the_same_version_at_once_lose_nothing(working_groups):
    first, second = ResearcherFactory(), ResearcherFactory()
    for run in range(RUNS):
        claim = ClaimFactory(statement="Original.")
        url = reverse("claim-detail", args=[claim.pk])
        tag = etag(claim)
        statements = {first.pk: f"First's wording {run}.", second.pk: f"Second's wording {run}."}

        def edit(researcher, url=url, tag=tag, statements=statements):
            body = {"statement": statements[researcher.pk]}
            return researcher, client_for(researcher).patch(url, body, format="json", HTTP_IF_MATCH=tag)

        results = race(lambda: edit(first), lambda: edit(second))
        codes = sorted(response.status_code for _, response in results)
        assert codes == [200, 412], [response.content for _, response in results]
        winner, won = next((user, response) for user, response in results if response.status_code == 200)
        claim.refresh_from_db()
        # The loser's edit did not silently overwrite the winner's: no lost update.
        assert (claim.statement, claim.version) == (statements[winner.pk], 2)
        assert won.json()["statement"] == statements[winner.pk]


def test_two_edits_through_the_service_at_once(working_groups, researcher):
    for run in range(RUNS):
        claim = ClaimFactory(statement="Original.")

        def edit(wording, claim=claim):
            return services.claim_update(
                actor=researcher, claim=claim, data={"statement": wording}, expected_version=1
            )

        results = race(partial(edit, f"A{run}."), partial(edit, f"B{run}."))
        refusals = [result for result in results if isinstance(result, PreconditionFailed)]
        saved = [result for result in results if isinstance(result, Claim)]
        assert (len(refusals), len(saved)) == (1, 1), results
        assert refusals[0].extra == {"current_version": 2}
        claim.refresh_from_db()
        assert (claim.statement, claim.version) == (saved[0].statement, 2)


def test_two_researchers_linking_the_same_pair_at_once(working_groups):
    """Each from their own side of the pair: one link is recorded, the other is told which."""
    first, second = ResearcherFactory(), ResearcherFactory()
    for _ in range(RUNS):
        claim, other = ClaimFactory(), ClaimFactory()

        def record(researcher, this, that):
            url = reverse("claim-same-as", args=[this.pk])
            return client_for(researcher).post(url, {"other_claim": that.pk}, format="json")

        results = race(partial(record, first, claim, other), partial(record, second, other, claim))
        codes = sorted(response.status_code for response in results)
        assert codes == [201, 409], [response.content for response in results]
        won = next(response for response in results if response.status_code == 201)
        lost = next(response for response in results if response.status_code == 409)
        stored = SameClaimLink.objects.get(claim_a_id=min(claim.pk, other.pk))
        assert won.json()["link"] == stored.pk
        assert (lost.json()["code"], lost.json()["existing_id"]) == ("duplicate", stored.pk)


def test_linking_while_a_reviewer_trashes_the_claim(working_groups):
    """The link waits for the trash move (or the move for the link): never a link to a claim in
    the trash."""
    researcher, reviewer = ResearcherFactory(), ReviewerFactory()
    for _ in range(RUNS):
        claim, other = ClaimFactory(), ClaimFactory()
        results = race(
            lambda claim=claim, other=other: services.same_claim_link(
                claim=claim, other=other, actor=researcher
            ),
            lambda other=other: services.claim_delete(claim=other, actor=reviewer),
        )
        linked, trashed = results
        assert trashed is None, trashed  # the trash move always goes through
        assert Claim.objects.get(pk=other.pk).deleted_at is not None
        if isinstance(linked, Conflict):
            assert linked.code == "in_trash"
            assert not SameClaimLink.objects.filter(claim_b_id=max(claim.pk, other.pk)).exists()
        else:  # linked first: the link stays, hidden with the trashed claim
            assert isinstance(linked, SameClaimLink), linked
