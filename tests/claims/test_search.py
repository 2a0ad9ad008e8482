"""?q= on the claims, sources and articles lists: PostgreSQL full-text search."""

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from tests.factories import ArticleFactory, ClaimFactory, PublisherFactory, SourceFactory
from tests.helpers import assert_error, error_fields

pytestmark = pytest.mark.django_db


def claim(statement: str, **kwargs):
    return ClaimFactory(statement=statement, **kwargs)


def found(client, params, name="claim-list") -> list[int]:
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.data["results"]]


def test_words_match_in_any_form(researcher_client):
    attacked = claim("Two rockets attacked the embassy compound.")
    claim("The ministry denied any involvement.")
    assert found(researcher_client, {"q": "attacks"}) == [attacked.pk]
    assert found(researcher_client, {"q": "ROCKET"}) == [attacked.pk]


@pytest.mark.parametrize(
    ("stored", "searched"),
    [
        ("Foreign Minister Żarif rejected the accusation.", "Zarif"),
        ("Foreign Minister Zarif rejected the accusation.", "Żarif"),
        ("Qāsem Soleimani travelled to Baghdad.", "qasem"),
        ("Les forces de sécurité ont été déployées.", "securite"),
    ],
)
def test_accents_are_ignored_both_ways(researcher_client, stored, searched):
    match = claim(stored)
    claim("Nothing to see here.")
    assert found(researcher_client, {"q": searched}) == [match.pk]


def test_web_search_syntax(researcher_client):
    phrase = claim("Two rockets struck near the embassy.")
    scattered = claim("The embassy said two of the rockets were intercepted.")
    other = claim("Militia leaders met in Tehran.")
    assert found(researcher_client, {"q": '"two rockets"'}) == [phrase.pk]
    assert set(found(researcher_client, {"q": "rockets embassy"})) == {phrase.pk, scattered.pk}
    assert set(found(researcher_client, {"q": "intercepted or tehran"})) == {scattered.pk, other.pk}
    assert found(researcher_client, {"q": "rockets -intercepted"}) == [phrase.pk]


def test_claimant_and_quote_are_searched_and_the_statement_ranks_first(researcher_client):
    in_statement = claim("Kataib Hezbollah fired the rockets.", claimant="Analysts")
    by_claimant = claim("Rockets were fired.", claimant="Kataib Hezbollah")
    in_quote = ClaimFactory(statement="A militia group did it.")
    assert set(found(researcher_client, {"q": "militia"})) >= {in_quote.pk}
    ranked = found(researcher_client, {"q": "hezbollah"})
    assert set(ranked) == {in_statement.pk, by_claimant.pk}


def test_better_matches_come_first(researcher_client):
    weak = claim("The rockets landed in a field; officials later spoke about many other things at length.")
    strong = claim("Rockets, rockets and more rockets.")
    assert found(researcher_client, {"q": "rockets"}) == [strong.pk, weak.pk]


def test_search_combines_with_filters_and_ordering(researcher_client):
    unverified = claim("Rockets hit the embassy.")
    in_review = claim("Rockets hit the airport.", status="in_review")
    claim("Drones hit the airport.", status="in_review")
    assert found(researcher_client, {"q": "rockets", "status": "in_review"}) == [in_review.pk]
    assert found(researcher_client, {"q": "rockets", "ordering": "id"}) == [unverified.pk, in_review.pk]
    assert found(researcher_client, {"q": "rockets", "ordering": "-id"}) == [in_review.pk, unverified.pk]


def test_trashed_claims_are_not_found(researcher_client):
    gone = claim("Rockets hit the embassy.")
    gone.deleted_at = gone.created_at
    gone.save()
    assert found(researcher_client, {"q": "rockets"}) == []


@override_settings(SEARCH_RANK_WINDOW=2)
def test_ranking_covers_the_newest_matches_only(researcher_client):
    oldest = claim("Rockets rockets rockets rockets.")
    newer = [claim("Rockets were fired.") for _ in range(2)]
    ranked = found(researcher_client, {"q": "rockets"})
    assert sorted(ranked) == sorted(c.pk for c in newer)
    # Ordered explicitly, every match is there.
    everything = found(researcher_client, {"q": "rockets", "ordering": "id"})
    assert everything == [oldest.pk, *(c.pk for c in newer)]


def test_ranked_results_page_by_cursor(researcher_client):
    claims = [claim("Rockets " * (n + 1) + "were fired.") for n in range(5)]
    url = reverse("claim-list")
    response = researcher_client.get(url, {"q": "rockets", "page_size": 2})
    seen = [row["id"] for row in response.data["results"]]
    while response.data["next"]:
        response = researcher_client.get(response.data["next"])
        seen += [row["id"] for row in response.data["results"]]
    assert seen == found(researcher_client, {"q": "rockets", "page_size": 50})
    assert sorted(seen) == sorted(c.pk for c in claims)


def test_ranked_results_with_equal_ranks_page_without_repeats(researcher_client):
    """Equal ranks leave the order to the id; the rank in the cursor must compare equal to the
    row's own, or the page after would start with the same rows again."""
    claims = [claim("The attack was conducted by a militia group.") for _ in range(5)]
    claim("A militia group fired rockets at the militia's rivals.")
    url = reverse("claim-list")
    response = researcher_client.get(url, {"q": "militia", "page_size": 2})
    seen = [row["id"] for row in response.data["results"]]
    for _ in range(5):  # three pages are enough; a cursor that repeats a page never ends
        if not response.data["next"]:
            break
        response = researcher_client.get(response.data["next"])
        seen += [row["id"] for row in response.data["results"]]
    assert response.data["next"] is None
    assert len(seen) == len(set(seen)) == 6
    assert set(seen) >= {c.pk for c in claims}


@pytest.mark.parametrize("q", ["", "   ", "\t"])
def test_an_empty_query_filters_nothing(researcher_client, q):
    claims = [claim("Rockets hit."), claim("Drones hit.")]
    assert sorted(found(researcher_client, {"q": q})) == sorted(c.pk for c in claims)


@pytest.mark.parametrize(
    "q",
    ["the", "!!!", '"', '"unbalanced', "-", "or", "or or", "&|!():*", "'; DROP TABLE claims_claim; --",
     "\\", "%", "_", "😀😀", "a:*", "<->"],
)  # fmt: skip
def test_absurd_queries_answer_cleanly(researcher_client, q):
    claim("Rockets hit the embassy.")
    response = researcher_client.get(reverse("claim-list"), {"q": q})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def test_sql_looking_text_is_just_words(researcher_client):
    table = claim("Officials said the rockets table was dropped from the agenda.")
    assert found(researcher_client, {"q": "'; DROP TABLE rockets; --"}) == [table.pk]


@pytest.mark.parametrize(("q", "message"), [("a\x00b", "NUL"), ("rocket " * 100, "at most")])
def test_unusable_queries_are_a_400_naming_q(researcher_client, q, message):
    body = assert_error(researcher_client.get(reverse("claim-list"), {"q": q}), 400)
    assert error_fields(body) == ["q"]
    assert message in body["errors"][0]["message"]


def test_sources_are_searched_by_title_identifier_summary_and_publisher(researcher_client):
    wsj = PublisherFactory(name="Wall Street Journal")
    by_publisher = SourceFactory(title="Report on the attack", publisher=wsj)
    by_identifier = SourceFactory(title="Designation", identifier="EO-13224")
    by_summary = SourceFactory(title="Statement", summary="Iran's foreign minister denies involvement.")
    SourceFactory(title="Something else")
    assert found(researcher_client, {"q": "journal"}, "source-list") == [by_publisher.pk]
    assert found(researcher_client, {"q": "EO-13224"}, "source-list") == [by_identifier.pk]
    assert found(researcher_client, {"q": "denied"}, "source-list") == [by_summary.pk]


def test_articles_are_searched_by_title_and_byline(researcher_client):
    by_title = ArticleFactory(title="Rocket attack near the U.S. embassy")
    by_byline = ArticleFactory(title="Another story", byline="Shahriar Kia")
    assert found(researcher_client, {"q": "rockets"}, "article-list") == [by_title.pk]
    assert found(researcher_client, {"q": "kia"}, "article-list") == [by_byline.pk]


def test_lists_without_search_vectors_ignore_q(researcher_client):
    publishers = [PublisherFactory(), PublisherFactory()]
    response = researcher_client.get(reverse("publisher-list"), {"q": "anything"})
    assert response.status_code == 200
    assert response.data["count"] == len(publishers)


def test_the_search_column_follows_edits(researcher_client):
    record = claim("Rockets hit the embassy.")
    record.statement = "Drones hit the embassy."
    record.save()
    assert found(researcher_client, {"q": "rockets"}) == []
    assert found(researcher_client, {"q": "drones"}) == [record.pk]


@pytest.mark.parametrize("rows", [1, 20])
def test_search_runs_a_constant_number_of_queries(researcher_client, django_assert_num_queries, rows):
    for _ in range(rows):
        claim("Rockets hit the embassy.")
    with django_assert_num_queries(2):
        response = researcher_client.get(reverse("claim-list"), {"q": "rockets"})
    assert len(response.data["results"]) == rows


def test_the_search_indexes_are_the_ones_queries_can_use():
    """The GIN indexes exist on the generated columns the ?q= filter reads."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('claim_search_gin', 'source_search_gin', 'article_search_gin')"
        )
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {"claim_search_gin", "source_search_gin", "article_search_gin"}
    assert all("USING gin (search_vector)" in definition for definition in indexes.values())
