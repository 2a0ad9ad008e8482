"""Confirmed matches: a researcher records that two claims state the same thing (one link per
unordered pair), a reviewer removes it; the rules, the API, the selector, history, the trash
and the change feed."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from claims import selectors, services
from claims.models import SameClaimLink, SameClaimLinkEvent
from core.change_log import Change
from core.concurrency import etag_for
from core.errors import Conflict, Forbidden, InvalidInput, PreconditionFailed
from tests.factories import ClaimFactory, ResearcherFactory, UserFactory
from tests.helpers import assert_error, error_fields

pytestmark = pytest.mark.django_db


def link(first, second, actor, note=""):
    return services.same_claim_link(claim=first, other=second, actor=actor, note=note)


def same_as_url(claim) -> str:
    return reverse("claim-same-as", args=[claim.pk])


def remove_url(claim, other) -> str:
    return reverse("claim-same-as-detail", args=[claim.pk, other.pk])


def record(client, claim, other_id, **extra):
    return client.post(same_as_url(claim), {"other_claim": other_id, **extra}, format="json")


# Services: what they allow ----------------------------------------------------------------


def test_link_stores_the_pair_lower_id_first_with_who_and_note(researcher):
    first, second = ClaimFactory(), ClaimFactory()
    stored = link(second, first, researcher, note="  Same rockets, same night.  ")
    stored.refresh_from_db()
    assert (stored.claim_a_id, stored.claim_b_id) == (first.pk, second.pk)
    assert stored.created_by == researcher
    assert stored.note == "Same rockets, same night."
    assert stored.version == 1


def test_claims_in_different_articles_may_be_linked(reviewer):
    first, second = ClaimFactory(), ClaimFactory()
    assert first.article_id != second.article_id
    link(first, second, reviewer)
    assert SameClaimLink.objects.count() == 1


def test_unlink_by_a_reviewer_removes_the_link(researcher, reviewer):
    stored = link(ClaimFactory(), ClaimFactory(), researcher)
    services.same_claim_unlink(link=stored, actor=reviewer, expected_version=1)
    assert not SameClaimLink.objects.exists()


# Services: what they refuse, writing nothing ----------------------------------------------


def test_a_claim_cannot_be_linked_to_itself(researcher):
    claim = ClaimFactory()
    with pytest.raises(InvalidInput) as refused:
        link(claim, claim, researcher)
    assert refused.value.errors.keys() == {"other_claim"}
    assert not SameClaimLink.objects.exists()


@pytest.mark.parametrize("reverse_order", [False, True])
def test_a_pair_is_linked_once_whichever_way_round(researcher, reverse_order):
    first, second = ClaimFactory(), ClaimFactory()
    existing = link(first, second, researcher)
    with pytest.raises(Conflict) as refused:
        link(*((second, first) if reverse_order else (first, second)), researcher)
    assert refused.value.code == "duplicate"
    assert refused.value.extra == {"existing_id": existing.pk}
    assert refused.value.errors.keys() == {"other_claim"}
    assert list(SameClaimLink.objects.values_list("id", flat=True)) == [existing.pk]


@pytest.mark.parametrize("trashed_side", ["claim", "other_claim"])
def test_a_claim_in_the_trash_cannot_be_linked(researcher, reviewer, trashed_side):
    claim, other = ClaimFactory(), ClaimFactory()
    services.claim_delete(claim=claim if trashed_side == "claim" else other, actor=reviewer)
    with pytest.raises(Conflict) as refused:
        link(claim, other, researcher)
    assert refused.value.code == "in_trash"
    assert refused.value.errors.keys() == {trashed_side}
    assert not SameClaimLink.objects.exists()


@pytest.mark.parametrize("role", ["outsider", "anonymous"])
def test_only_researchers_and_reviewers_may_link(role):
    from django.contrib.auth.models import AnonymousUser

    actor = UserFactory() if role == "outsider" else AnonymousUser()
    with pytest.raises(Forbidden):
        link(ClaimFactory(), ClaimFactory(), actor)
    assert not SameClaimLink.objects.exists()


def test_a_researcher_may_not_unlink(researcher):
    stored = link(ClaimFactory(), ClaimFactory(), researcher)
    with pytest.raises(Forbidden):
        services.same_claim_unlink(link=stored, actor=ResearcherFactory(), expected_version=1)
    assert SameClaimLink.objects.filter(pk=stored.pk).exists()


def test_unlink_with_a_stale_version_is_refused(researcher, reviewer):
    stored = link(ClaimFactory(), ClaimFactory(), researcher)
    with pytest.raises(PreconditionFailed):
        services.same_claim_unlink(link=stored, actor=reviewer, expected_version=2)
    assert SameClaimLink.objects.filter(pk=stored.pk).exists()


def test_unlink_while_a_claim_is_in_the_trash_is_refused(researcher, reviewer):
    claim, other = ClaimFactory(), ClaimFactory()
    stored = link(claim, other, researcher)
    services.claim_delete(claim=other, actor=reviewer)
    with pytest.raises(Conflict) as refused:
        services.same_claim_unlink(link=stored, actor=reviewer, expected_version=1)
    assert refused.value.code == "in_trash"
    assert SameClaimLink.objects.filter(pk=stored.pk).exists()


def test_unlink_of_a_link_removed_meanwhile_is_refused(researcher, reviewer):
    stored = link(ClaimFactory(), ClaimFactory(), researcher)
    SameClaimLink.objects.filter(pk=stored.pk).delete()
    with pytest.raises(Conflict) as refused:
        services.same_claim_unlink(link=stored, actor=reviewer, expected_version=1)
    assert refused.value.code == "already_removed"


@pytest.mark.parametrize("pair", ["self", "descending"])
def test_the_database_refuses_an_unordered_or_self_pair(pair):
    claim, other = sorted((ClaimFactory(), ClaimFactory()), key=lambda c: c.pk)
    claim_a, claim_b = (claim, claim) if pair == "self" else (other, claim)
    with pytest.raises(IntegrityError), transaction.atomic():
        SameClaimLink.objects.create(claim_a=claim_a, claim_b=claim_b)
    assert not SameClaimLink.objects.exists()


def test_the_database_refuses_a_second_row_for_a_pair(researcher):
    claim, other = sorted((ClaimFactory(), ClaimFactory()), key=lambda c: c.pk)
    link(claim, other, researcher)
    with pytest.raises(IntegrityError), transaction.atomic():
        SameClaimLink.objects.create(claim_a=claim, claim_b=other)
    assert SameClaimLink.objects.count() == 1


# The selector -----------------------------------------------------------------------------


def test_confirmed_equivalents_in_one_query(researcher, reviewer, django_assert_num_queries):
    hub, spoke, other, lone, trashed = (ClaimFactory() for _ in range(5))
    link(hub, spoke, researcher)
    link(other, hub, researcher)
    link(trashed, hub, researcher)
    services.claim_delete(claim=trashed, actor=reviewer)
    with django_assert_num_queries(1):
        found = selectors.confirmed_equivalents(claim_ids=[hub.pk, spoke.pk, lone.pk])
    # Direct links only: spoke and other are both linked to hub, not to each other.
    assert found == {hub.pk: {spoke.pk, other.pk}, spoke.pk: {hub.pk}, lone.pk: set()}


def test_confirmed_equivalents_of_nothing_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.confirmed_equivalents(claim_ids=[]) == {}


# The API: listing ---------------------------------------------------------------------------


def test_list_shows_the_other_claim_with_who_and_when(researcher_client, researcher):
    claim, first, second = ClaimFactory(), ClaimFactory(), ClaimFactory()
    older = link(first, claim, researcher, note="Same figure.")
    newer = link(claim, second, researcher)
    response = researcher_client.get(same_as_url(claim))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2
    assert [entry["link"] for entry in body["results"]] == [newer.pk, older.pk]
    entry = body["results"][1]
    assert entry["claim"] == {
        "id": first.pk,
        "statement": first.statement,
        "status": "unverified",
        "article": {"id": first.article_id, "title": first.article.title, "url": first.article.url},
    }
    assert (entry["note"], entry["created_by"], entry["version"]) == ("Same figure.", "res", 1)
    assert entry["created_at"]
    # Seen from the other side, the link names this claim.
    other_side = researcher_client.get(same_as_url(first)).json()["results"]
    assert [entry["claim"]["id"] for entry in other_side] == [claim.pk]


def test_list_of_a_claim_in_the_trash_or_unknown_is_404(researcher_client, reviewer):
    claim = ClaimFactory()
    services.claim_delete(claim=claim, actor=reviewer)
    assert_error(researcher_client.get(same_as_url(claim)), 404)
    assert_error(researcher_client.get(reverse("claim-same-as", args=[10**15])), 404)


@pytest.mark.parametrize("size", [1, 30])
def test_list_query_count(researcher_client, researcher, django_assert_num_queries, size):
    claim = ClaimFactory()
    for _ in range(size):
        link(claim, ClaimFactory(), researcher)
    # The claim, the count, then the links with both claims, their articles and the users.
    with django_assert_num_queries(3):
        response = researcher_client.get(same_as_url(claim), {"page_size": 200})
    assert response.status_code == 200
    assert len(response.json()["results"]) == size


# The API: recording -------------------------------------------------------------------------


def test_researcher_records_a_link(researcher_client, researcher):
    claim, other = ClaimFactory(), ClaimFactory()
    response = record(researcher_client, claim, other.pk, note="Both say 21 rockets.")
    assert response.status_code == 201, response.content
    stored = SameClaimLink.objects.get()
    body = response.json()
    assert body["link"] == stored.pk
    assert body["claim"]["id"] == other.pk
    assert (body["note"], body["created_by"]) == ("Both say 21 rockets.", "res")
    assert response["ETag"] == etag_for(stored)
    assert response["Location"].endswith(remove_url(claim, other))
    assert stored.created_by == researcher


def test_server_owned_fields_in_a_record_are_ignored(researcher_client, researcher, reviewer):
    claim, other = ClaimFactory(), ClaimFactory()
    response = record(
        researcher_client,
        claim,
        other.pk,
        created_by=reviewer.pk,
        created_at="2000-01-01T00:00:00Z",
        version=7,
        id=10**9,
    )
    assert response.status_code == 201, response.content
    stored = SameClaimLink.objects.get()
    assert (stored.created_by, stored.version) == (researcher, 1)
    assert stored.pk != 10**9
    assert stored.created_at.year > 2000


def test_record_with_an_idempotency_key_is_replayed_not_doubled(researcher_client):
    claim, other = ClaimFactory(), ClaimFactory()
    headers = {"HTTP_IDEMPOTENCY_KEY": "same-claim-1"}
    first = researcher_client.post(same_as_url(claim), {"other_claim": other.pk}, format="json", **headers)
    again = researcher_client.post(same_as_url(claim), {"other_claim": other.pk}, format="json", **headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert SameClaimLink.objects.count() == 1


def test_record_the_claim_itself_is_400_naming_the_field(researcher_client):
    claim = ClaimFactory()
    body = assert_error(record(researcher_client, claim, claim.pk), 400, "same_claim")
    assert error_fields(body) == ["other_claim"]
    assert not SameClaimLink.objects.exists()


def test_record_a_duplicate_is_409_naming_the_existing_link(researcher_client, researcher):
    claim, other = ClaimFactory(), ClaimFactory()
    existing = link(other, claim, researcher)
    body = assert_error(record(researcher_client, claim, other.pk), 409, "duplicate")
    assert body["existing_id"] == existing.pk
    assert error_fields(body) == ["other_claim"]
    assert SameClaimLink.objects.count() == 1


@pytest.mark.parametrize(
    "other_claim",
    [None, "", "abc", True, 2.5, [1], {"id": 1}, -1, 10**30],
    ids=["null", "blank", "text", "bool", "float", "list", "object", "negative", "huge"],
)
def test_record_with_a_bad_other_claim_is_400_naming_it(researcher_client, other_claim):
    claim = ClaimFactory()
    body = assert_error(record(researcher_client, claim, other_claim), 400)
    assert error_fields(body) == ["other_claim"]
    assert not SameClaimLink.objects.exists()


def test_record_without_other_claim_or_with_a_bad_note_is_400(researcher_client):
    claim, other = ClaimFactory(), ClaimFactory()
    missing = assert_error(researcher_client.post(same_as_url(claim), {}, format="json"), 400)
    assert error_fields(missing) == ["other_claim"]
    for note in (12, "x" * 20_001):
        body = assert_error(record(researcher_client, claim, other.pk, note=note), 400)
        assert error_fields(body) == ["note"]
    assert not SameClaimLink.objects.exists()


def test_record_with_a_claim_in_the_trash_is_refused(researcher_client, reviewer):
    claim, other = ClaimFactory(), ClaimFactory()
    services.claim_delete(claim=other, actor=reviewer)
    body = assert_error(record(researcher_client, claim, other.pk), 400)
    assert error_fields(body) == ["other_claim"]
    assert_error(record(researcher_client, other, claim.pk), 404)
    assert not SameClaimLink.objects.exists()


# The API: removing --------------------------------------------------------------------------


def test_reviewer_removes_a_link_from_either_side(reviewer_client, researcher):
    for side in (0, 1):
        claim, other = ClaimFactory(), ClaimFactory()
        stored = link(claim, other, researcher)
        url = remove_url(*((claim, other) if side == 0 else (other, claim)))
        response = reviewer_client.delete(url, HTTP_IF_MATCH=etag_for(stored))
        assert response.status_code == 204, response.content
        assert not SameClaimLink.objects.filter(pk=stored.pk).exists()


def test_remove_needs_the_links_version(reviewer_client, researcher):
    claim, other = ClaimFactory(), ClaimFactory()
    stored = link(claim, other, researcher)
    assert_error(reviewer_client.delete(remove_url(claim, other)), 428)
    stale = reviewer_client.delete(remove_url(claim, other), HTTP_IF_MATCH='"sameclaimlink-0-v1"')
    assert_error(stale, 412)
    assert SameClaimLink.objects.filter(pk=stored.pk).exists()


def test_remove_of_pairs_not_linked_is_404(reviewer_client, researcher):
    claim, other, third = ClaimFactory(), ClaimFactory(), ClaimFactory()
    link(claim, other, researcher)
    assert_error(reviewer_client.delete(remove_url(claim, third)), 404)
    assert_error(reviewer_client.delete(remove_url(claim, claim)), 404)
    assert_error(reviewer_client.delete(reverse("claim-same-as-detail", args=[claim.pk, 10**25])), 404)
    assert SameClaimLink.objects.count() == 1


def test_researcher_may_not_remove(researcher_client, researcher):
    claim, other = ClaimFactory(), ClaimFactory()
    stored = link(claim, other, researcher)
    assert_error(researcher_client.delete(remove_url(claim, other), HTTP_IF_MATCH=etag_for(stored)), 403)
    assert SameClaimLink.objects.filter(pk=stored.pk).exists()


# History ----------------------------------------------------------------------------------


def test_history_of_both_claims_shows_the_link_recorded_and_removed(
    researcher_client, reviewer_client, researcher
):
    claim, other = ClaimFactory(), ClaimFactory()
    assert record(researcher_client, claim, other.pk, note="Same.").status_code == 201
    stored = SameClaimLink.objects.get()
    assert reviewer_client.delete(remove_url(other, claim), HTTP_IF_MATCH=etag_for(stored)).status_code == 204
    assert list(SameClaimLinkEvent.objects.order_by("pgh_id").values_list("pgh_label", flat=True)) == [
        "insert",
        "delete",
    ]
    for this, that in ((claim, other), (other, claim)):
        results = researcher_client.get(reverse("claim-history", args=[this.pk])).json()["results"]
        shown = [(e["kind"], e["same_as"], e["user"], e["door"]) for e in results if e["same_as"] is not None]
        assert shown == [
            ("same_claim_unlinked", that.pk, "rev", "api"),
            ("same_claim_linked", that.pk, "res", "api"),
        ]
        linked = next(e for e in results if e["kind"] == "same_claim_linked")
        assert linked["changes"]["note"] == {"after": "Same."}
        assert all(e["same_as"] is None for e in results if not e["kind"].startswith("same_claim"))


# The trash --------------------------------------------------------------------------------


def test_trashing_a_claim_hides_its_links_and_restoring_brings_them_back(
    researcher_client, researcher, reviewer
):
    claim, other = ClaimFactory(), ClaimFactory()
    stored = link(claim, other, researcher)
    services.claim_delete(claim=other, actor=reviewer)
    assert researcher_client.get(same_as_url(claim)).json()["count"] == 0
    assert selectors.confirmed_equivalents(claim_ids=[claim.pk]) == {claim.pk: set()}
    assert SameClaimLink.objects.filter(pk=stored.pk).exists()  # kept, only hidden
    services.claim_restore(claim=other, actor=reviewer)
    assert [e["link"] for e in researcher_client.get(same_as_url(claim)).json()["results"]] == [stored.pk]
    assert selectors.confirmed_equivalents(claim_ids=[claim.pk]) == {claim.pk: {other.pk}}


def test_purging_a_claim_removes_its_links_and_history_keeps_the_removal(researcher, reviewer, superuser):
    claim, other = ClaimFactory(), ClaimFactory()
    link(claim, other, researcher)
    services.claim_delete(claim=other, actor=reviewer)
    services.claim_purge(claim=other, actor=superuser)
    assert not SameClaimLink.objects.exists()
    from claims.history import claim_history

    kinds = [entry.kind for entry in claim_history(claim=claim)]
    assert kinds[:2] == ["same_claim_unlinked", "same_claim_linked"]


# The change log -------------------------------------------------------------------------
# (the feed's answers, which need committed transactions: tests/core/test_change_log.py)


def test_the_change_log_records_links_recorded_and_removed(researcher, reviewer):
    stored = link(ClaimFactory(), ClaimFactory(), researcher)
    logged = Change.objects.filter(type="same_claim_link", object_id=stored.pk)
    assert list(logged.values_list("operation", flat=True)) == ["created"]
    services.same_claim_unlink(link=stored, actor=reviewer)
    assert list(logged.order_by("id").values_list("operation", flat=True)) == ["created", "deleted"]


def test_the_version_rises_when_a_link_changes_whatever_the_way(researcher):
    stored = link(ClaimFactory(), ClaimFactory(), researcher)
    SameClaimLink.objects.filter(pk=stored.pk).update(note="Edited in the database.")
    SameClaimLink.objects.filter(pk=stored.pk).update(note="Edited in the database.")  # no change
    stored.refresh_from_db()
    assert stored.version == 2


def test_the_browsable_page_lists_and_offers_a_form_with_a_number_box(researcher_client, researcher):
    claim, other = ClaimFactory(), ClaimFactory()
    link(claim, other, researcher)
    response = researcher_client.get(same_as_url(claim), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        r'<input[^>]*name="other_claim"[^>]*type="number"|<input[^>]*type="number"[^>]*name="other_claim"',
        html,
    )
    assert re.search(r'<select[^>]*name="other_claim"', html) is None
    assert other.statement in html
