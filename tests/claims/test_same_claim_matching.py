"""Confirmed matches in matching's answers: ``confirmed`` per result, and the claim's confirmed
equivalents first in ``/claims/{id}/similar/``."""

import pytest
from django.urls import reverse

from claims import services
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

EMBASSY = "U.S. Central Command said two rockets struck near the embassy in Baghdad on Monday."
EMBASSY_REWORDED = "U.S. Central Command said three rockets struck near the embassy in Baghdad on Tuesday."
PARAPHRASE = "Two missiles hit close to the American mission in Iraq's capital, the military said."


def claim(statement: str):
    return ClaimFactory(statement=statement, article=ArticleFactory())


def rows(response) -> list[tuple[int, bool]]:
    assert response.status_code == 200, response.content
    return [(row["id"], row["confirmed"]) for row in response.json()["results"]]


def similar(client, target, **params):
    return client.get(reverse("claim-similar", args=[target.pk]), params)


def test_similar_lists_confirmed_equivalents_first_even_below_the_floor(researcher_client, researcher):
    target, reworded, paraphrase = claim(EMBASSY), claim(EMBASSY_REWORDED), claim(PARAPHRASE)
    copy = claim(EMBASSY)
    # A floor, so that the paraphrase is below it.
    assert rows(similar(researcher_client, target, min_score=0.5)) == [(copy.pk, False), (reworded.pk, False)]

    services.same_claim_link(claim=target, other=paraphrase, actor=researcher)
    services.same_claim_link(claim=reworded, other=target, actor=researcher)

    response = similar(researcher_client, target, min_score=0.5)
    # Confirmed first (best score first), the paraphrase too although matching misses it.
    assert rows(response) == [(reworded.pk, True), (paraphrase.pk, True), (copy.pk, False)]
    scores = [row["similarity"] for row in response.json()["results"]]
    assert 0 <= scores[1] < response.json()["min_score"] <= scores[0]


def test_similar_keeps_to_the_limit_and_leaves_out_trashed_equivalents(
    researcher_client, researcher, reviewer
):
    target, reworded, paraphrase, copy = (
        claim(EMBASSY),
        claim(EMBASSY_REWORDED),
        claim(PARAPHRASE),
        claim(EMBASSY),
    )
    services.same_claim_link(claim=target, other=paraphrase, actor=researcher)
    services.same_claim_link(claim=target, other=reworded, actor=researcher)
    assert rows(similar(researcher_client, target, limit=1)) == [(reworded.pk, True)]
    services.claim_delete(claim=reworded, actor=reviewer)
    assert rows(similar(researcher_client, target, min_score=0.5)) == [
        (paraphrase.pk, True),
        (copy.pk, False),
    ]


def test_match_marks_results_confirmed_as_the_same_as_another_result(researcher_client, researcher):
    first, second, third = claim(EMBASSY), claim(EMBASSY_REWORDED), claim(EMBASSY)
    outside = claim(PARAPHRASE)
    services.same_claim_link(claim=first, other=third, actor=researcher)
    services.same_claim_link(claim=second, other=outside, actor=researcher)  # not in the answer
    # A floor, so that the paraphrase (linked to the second) is not in the answer.
    response = researcher_client.post(
        reverse("claim-match"), {"text": EMBASSY, "min_score": 0.5}, format="json"
    )
    assert sorted(rows(response)) == sorted([(first.pk, True), (third.pk, True), (second.pk, False)])


def test_likely_duplicates_are_never_confirmed(researcher_client):
    existing = claim(EMBASSY)
    body = {"article": ArticleFactory().pk, "statement": EMBASSY, "quote": existing.quote}
    response = researcher_client.post(reverse("claim-list"), body, format="json")
    assert response.status_code == 201, response.content
    assert [(row["id"], row["confirmed"]) for row in response.json()["likely_duplicates"]] == [
        (existing.pk, False)
    ]


@pytest.mark.parametrize("links", [1, 20])
def test_similar_query_count_with_confirmed_equivalents(
    researcher_client, researcher, django_assert_num_queries, links
):
    target = claim(EMBASSY)
    for _ in range(links):
        services.same_claim_link(claim=target, other=claim(PARAPHRASE), actor=researcher)
        services.same_claim_link(claim=target, other=claim(EMBASSY), actor=researcher)
    # The matching of test_matching.test_similar_query_count (7: the claim, the text's lexemes
    # with their statistics, the candidates, their evidence, their words' statistics, the claims
    # shown, the equivalents), all of them among its results here, so no ranking again.
    with django_assert_num_queries(7):
        response = similar(researcher_client, target, limit=50)
    assert rows(response) == sorted(rows(response), key=lambda row: not row[1])
    assert len(rows(response)) == 2 * links
