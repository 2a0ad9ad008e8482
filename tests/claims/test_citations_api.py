"""The citations endpoints: one citation per claim, source and role; a verdict keeps its evidence."""

import pytest
from django.urls import reverse

from claims import services
from claims.models import Citation, Claim, Status
from tests.factories import CitationFactory, ClaimFactory, PublisherFactory, SourceFactory
from tests.helpers import if_match

pytestmark = pytest.mark.django_db


def cite(client, claim, source, **extra):
    body = {"claim": claim.pk, "source": source.pk, "role": "attribution", "stance": "supports", **extra}
    return client.post(reverse("citation-list"), body, format="json")


def fields(response) -> list:
    return [error["field"] for error in response.data["errors"]]


def verified_claim(
    reviewer, *, stance: str = "supports", to: str = Status.VERIFIED
) -> tuple[Claim, Citation]:
    claim = ClaimFactory()
    citation = CitationFactory(claim=claim, stance=stance)
    services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer)
    services.claim_transition(claim=claim, to=to, actor=reviewer, rationale="Checked.")
    return claim, citation


# Add --------------------------------------------------------------------------------


def test_researcher_adds_citation(researcher_client, researcher):
    claim, source = ClaimFactory(), SourceFactory(publisher=PublisherFactory(name="CENTCOM"))
    response = cite(researcher_client, claim, source, quote="21 rockets", locator="p. 2", note="Key line.")
    assert response.status_code == 201, response.data
    citation = Citation.objects.get(pk=response.data["id"])
    assert citation.added_by == researcher
    assert (citation.claim, citation.source) == (claim, source)
    assert response.data["claim"] == claim.pk
    assert response.data["added_by"] == "res"
    assert response.data["source"] == {
        "id": source.pk,
        "kind": source.kind,
        "title": source.title,
        "publisher_name": "CENTCOM",
        "url": source.url,
    }
    assert (response.data["role"], response.data["stance"]) == ("attribution", "supports")
    assert (response.data["quote"], response.data["locator"], response.data["note"]) == (
        "21 rockets",
        "p. 2",
        "Key line.",
    )


def test_added_by_in_payload_is_ignored(researcher_client, researcher, reviewer):
    claim, source = ClaimFactory(), SourceFactory()
    response = cite(researcher_client, claim, source, added_by=reviewer.pk)
    assert response.status_code == 201, response.data
    assert Citation.objects.get(pk=response.data["id"]).added_by == researcher


@pytest.mark.parametrize(("client_name", "expected"), [("outsider_client", 403), ("anon_client", 401)])
def test_outsider_and_anonymous_cannot_add(request, client_name, expected):
    claim, source = ClaimFactory(), SourceFactory()
    response = cite(request.getfixturevalue(client_name), claim, source)
    assert response.status_code == expected
    assert not Citation.objects.exists()


def test_duplicate_citation_is_refused(researcher_client):
    existing = CitationFactory()
    response = cite(researcher_client, existing.claim, existing.source, stance="contradicts")
    assert response.status_code == 409
    assert response.data["code"] == "duplicate"
    assert response.data["existing_id"] == existing.pk
    assert fields(response) == ["source"]
    assert Citation.objects.count() == 1
    existing.refresh_from_db()
    assert existing.stance == "supports"


def test_same_source_with_other_role_is_fine(researcher_client):
    existing = CitationFactory(role="attribution")
    response = cite(researcher_client, existing.claim, existing.source, role="evidence")
    assert response.status_code == 201, response.data
    assert Citation.objects.filter(claim=existing.claim, source=existing.source).count() == 2


def test_same_source_for_another_claim_is_fine(researcher_client):
    existing = CitationFactory()
    response = cite(researcher_client, ClaimFactory(), existing.source)
    assert response.status_code == 201, response.data


@pytest.mark.parametrize("field", ["claim", "source"])
def test_unknown_ids_are_refused(researcher_client, field):
    claim, source = ClaimFactory(), SourceFactory()
    gone = ClaimFactory() if field == "claim" else SourceFactory()
    gone_id = gone.pk
    gone.delete()
    body = {"claim": claim.pk, "source": source.pk, "role": "evidence", "stance": "supports", field: gone_id}
    response = researcher_client.post(reverse("citation-list"), body, format="json")
    assert response.status_code == 400
    assert fields(response) == [field]
    assert not Citation.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("role", "rumour"), ("stance", "maybe")])
def test_unknown_role_or_stance_is_refused(researcher_client, field, value):
    response = cite(researcher_client, ClaimFactory(), SourceFactory(), **{field: value})
    assert response.status_code == 400
    assert fields(response) == [field]
    assert not Citation.objects.exists()


def test_missing_fields_are_refused(researcher_client):
    response = researcher_client.post(reverse("citation-list"), {}, format="json")
    assert response.status_code == 400
    assert set(fields(response)) == {"claim", "source", "role", "stance"}
    assert not Citation.objects.exists()


# Edit -------------------------------------------------------------------------------


def test_edit_role_stance_and_text(researcher_client):
    citation = CitationFactory()
    response = researcher_client.patch(
        reverse("citation-detail", args=[citation.pk]),
        {"role": "evidence", "stance": "context", "note": "Background only."},
        format="json",
        **if_match(citation),
    )
    assert response.status_code == 200, response.data
    citation.refresh_from_db()
    assert (citation.role, citation.stance, citation.note) == ("evidence", "context", "Background only.")


@pytest.mark.parametrize("field", ["claim", "source"])
def test_claim_and_source_cannot_change(researcher_client, field):
    citation = CitationFactory()
    other = ClaimFactory() if field == "claim" else SourceFactory()
    response = researcher_client.patch(
        reverse("citation-detail", args=[citation.pk]),
        {field: other.pk, "note": "Moved."},
        format="json",
        **if_match(citation),
    )
    assert response.status_code == 400
    assert response.data["code"] == "immutable"
    assert fields(response) == [field]
    before = (citation.claim_id, citation.source_id, citation.note)
    citation.refresh_from_db()
    assert (citation.claim_id, citation.source_id, citation.note) == before


def test_sending_the_same_claim_and_source_is_fine(researcher_client):
    citation = CitationFactory()
    response = researcher_client.patch(
        reverse("citation-detail", args=[citation.pk]),
        {"claim": citation.claim_id, "source": citation.source_id, "note": "Same."},
        format="json",
        **if_match(citation),
    )
    assert response.status_code == 200, response.data
    citation.refresh_from_db()
    assert citation.note == "Same."


def test_role_change_onto_existing_citation_is_refused(researcher_client):
    attribution = CitationFactory(role="attribution")
    evidence = CitationFactory(claim=attribution.claim, source=attribution.source, role="evidence")
    response = researcher_client.patch(
        reverse("citation-detail", args=[evidence.pk]),
        {"role": "attribution"},
        format="json",
        **if_match(evidence),
    )
    assert response.status_code == 409
    assert response.data["code"] == "duplicate"
    evidence.refresh_from_db()
    assert evidence.role == "evidence"


@pytest.mark.parametrize("verdict", [Status.VERIFIED, Status.PARTLY_VERIFIED])
def test_flipping_the_only_supporting_citation_is_refused(researcher_client, reviewer, verdict):
    claim, citation = verified_claim(reviewer, to=verdict)
    response = researcher_client.patch(
        reverse("citation-detail", args=[citation.pk]),
        {"stance": "contradicts"},
        format="json",
        **if_match(citation),
    )
    assert response.status_code == 409
    assert response.data["code"] == "verdict_depends_on_citation"
    citation.refresh_from_db()
    assert citation.stance == "supports"
    claim.refresh_from_db()
    assert claim.status == verdict


def test_flipping_the_only_contradicting_citation_of_refuted_claim_is_refused(researcher_client, reviewer):
    claim, citation = verified_claim(reviewer, stance="contradicts", to=Status.REFUTED)
    response = researcher_client.patch(
        reverse("citation-detail", args=[citation.pk]),
        {"stance": "supports"},
        format="json",
        **if_match(citation),
    )
    assert response.status_code == 409
    assert response.data["code"] == "verdict_depends_on_citation"
    citation.refresh_from_db()
    assert citation.stance == "contradicts"
    claim.refresh_from_db()
    assert claim.status == Status.REFUTED


def test_flipping_is_allowed_when_another_supporting_citation_remains(researcher_client, reviewer):
    claim, citation = verified_claim(reviewer)
    CitationFactory(claim=claim, stance="supports")
    response = researcher_client.patch(
        reverse("citation-detail", args=[citation.pk]),
        {"stance": "contradicts"},
        format="json",
        **if_match(citation),
    )
    assert response.status_code == 200, response.data
    citation.refresh_from_db()
    assert citation.stance == "contradicts"


def test_editing_text_of_the_only_supporting_citation_is_fine(researcher_client, reviewer):
    _claim, citation = verified_claim(reviewer)
    response = researcher_client.patch(
        reverse("citation-detail", args=[citation.pk]),
        {"stance": "supports", "locator": "para. 3"},
        format="json",
        **if_match(citation),
    )
    assert response.status_code == 200, response.data
    citation.refresh_from_db()
    assert citation.locator == "para. 3"


# Delete -----------------------------------------------------------------------------


def test_researcher_cannot_delete(researcher_client):
    citation = CitationFactory()
    response = researcher_client.delete(reverse("citation-detail", args=[citation.pk]), **if_match(citation))
    assert response.status_code == 403
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_reviewer_deletes_citation(reviewer_client):
    citation = CitationFactory()
    response = reviewer_client.delete(reverse("citation-detail", args=[citation.pk]), **if_match(citation))
    assert response.status_code == 204
    assert not Citation.objects.filter(pk=citation.pk).exists()
    assert Claim.objects.filter(pk=citation.claim_id).exists()


def test_removing_the_only_supporting_citation_of_verified_claim_is_refused(reviewer_client, reviewer):
    claim, citation = verified_claim(reviewer)
    CitationFactory(claim=claim, stance="contradicts")
    response = reviewer_client.delete(reverse("citation-detail", args=[citation.pk]), **if_match(citation))
    assert response.status_code == 409
    assert response.data["code"] == "verdict_depends_on_citation"
    assert Citation.objects.filter(pk=citation.pk).exists()
    assert Citation.objects.filter(claim=claim).count() == 2
    claim.refresh_from_db()
    assert claim.status == Status.VERIFIED


def test_removing_is_allowed_when_another_supporting_citation_remains(reviewer_client, reviewer):
    claim, citation = verified_claim(reviewer)
    other = CitationFactory(claim=claim, stance="supports")
    response = reviewer_client.delete(reverse("citation-detail", args=[citation.pk]), **if_match(citation))
    assert response.status_code == 204
    assert list(Citation.objects.filter(claim=claim)) == [other]


def test_removing_supporting_citation_of_disputed_claim_is_fine(reviewer_client, reviewer):
    claim, citation = verified_claim(reviewer, to=Status.DISPUTED)
    response = reviewer_client.delete(reverse("citation-detail", args=[citation.pk]), **if_match(citation))
    assert response.status_code == 204
    assert not Citation.objects.filter(claim=claim).exists()


# Read -------------------------------------------------------------------------------


def test_list_filters(researcher_client):
    first = CitationFactory(role="attribution", stance="supports")
    second = CitationFactory(role="evidence", stance="contradicts")
    url = reverse("citation-list")
    assert [r["id"] for r in researcher_client.get(url, {"claim": first.claim_id}).data["results"]] == [
        first.pk
    ]
    assert [r["id"] for r in researcher_client.get(url, {"source": second.source_id}).data["results"]] == [
        second.pk
    ]
    assert [r["id"] for r in researcher_client.get(url, {"stance": "contradicts"}).data["results"]] == [
        second.pk
    ]
    assert [r["id"] for r in researcher_client.get(url, {"role": "attribution"}).data["results"]] == [
        first.pk
    ]


@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_count(researcher_client, django_assert_num_queries, rows):
    for _ in range(rows):
        CitationFactory(source=SourceFactory(publisher=PublisherFactory()))
    with django_assert_num_queries(1):
        response = researcher_client.get(reverse("citation-list"))
    assert response.status_code == 200
    assert len(response.data["results"]) == rows
    assert all(row["source"]["publisher_name"] for row in response.data["results"])


@pytest.mark.parametrize("rows", [1, 50])
def test_detail_query_count(researcher_client, django_assert_num_queries, rows):
    citations = [CitationFactory(source=SourceFactory(publisher=PublisherFactory())) for _ in range(rows)]
    with django_assert_num_queries(1):
        response = researcher_client.get(reverse("citation-detail", args=[citations[-1].pk]))
    assert response.status_code == 200
    assert response.data["id"] == citations[-1].pk
    assert response.data["source"]["publisher_name"]
