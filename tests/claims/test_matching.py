"""Claim matching: ``/claims/{id}/similar/``, ``/claims/match/`` and the likely duplicates
listed when a claim is created (claims/matching.py)."""

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from claims import matching
from claims.models import Claim
from tests.factories import ArticleFactory, ClaimFactory
from tests.helpers import assert_error, error_fields

pytestmark = pytest.mark.django_db

QUOTE = "almost certainly conducted by a militia group"
EMBASSY = "U.S. Central Command said two rockets struck near the embassy in Baghdad on Monday."
EMBASSY_REWORDED = "U.S. Central Command said three rockets struck near the embassy in Baghdad on Tuesday."
UNRELATED = "The health ministry said 40 percent of hospitals in Khartoum have no electricity."


def claim(statement: str, **extra) -> Claim:
    return ClaimFactory(statement=statement, **extra)


def match(client, text, **extra):
    return client.post(reverse("claim-match"), {"text": text, **extra}, format="json")


def similar(client, target: Claim, **params):
    return client.get(reverse("claim-similar", args=[target.pk]), params)


def result_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.data["results"]]


def scores(response) -> dict[int, float]:
    return {row["id"]: row["similarity"] for row in response.data["results"]}


# What matches -------------------------------------------------------------------------


def test_exact_duplicate_ranks_first_with_score_one(researcher_client):
    reworded = claim(EMBASSY_REWORDED)
    exact = claim(EMBASSY)
    unrelated = claim(UNRELATED)

    response = match(researcher_client, EMBASSY)

    # The unrelated claim shares one common word ("said"): ranked, but far below.
    assert result_ids(response) == [exact.pk, reworded.pk, unrelated.pk]
    first = response.data["results"][0]
    assert first == {
        "id": exact.pk,
        "statement": EMBASSY,
        "status": "unverified",
        "article": {"id": exact.article.pk, "title": exact.article.title, "url": exact.article.url},
        "similarity": first["similarity"],
        "confirmed": False,
    }
    found = scores(response)
    assert found[exact.pk] >= 0.9
    assert found[exact.pk] > found[reworded.pk] >= matching.DUPLICATE_THRESHOLD
    assert found[unrelated.pk] < 0.1
    assert response.data["min_score"] == matching.DEFAULT_THRESHOLD


def test_near_duplicate_found_across_articles(researcher_client):
    original = claim(EMBASSY, article=ArticleFactory(title="First report"))
    elsewhere = claim(EMBASSY_REWORDED, article=ArticleFactory(title="Second report"))
    claim(UNRELATED, article=original.article)

    response = similar(researcher_client, original)

    assert result_ids(response)[0] == elsewhere.pk
    found = response.data["results"][0]
    assert found["article"]["title"] == "Second report"
    assert found["similarity"] == round(found["similarity"], 3)
    assert matching.DUPLICATE_THRESHOLD <= found["similarity"] < 1


def test_ties_are_ordered_by_id(researcher_client):
    first, second, third = (claim(EMBASSY) for _ in range(3))
    assert result_ids(match(researcher_client, EMBASSY)) == [first.pk, second.pk, third.pk]


ZARIF = "Iran's foreign minister Javad {} denied the report."
SOLEIMANI = "{} Soleimani was killed in a drone strike in Baghdad."
ERDOGAN = "{} said Turkey would send troops to {}."


@pytest.mark.parametrize(
    ("stored", "text"),
    [
        (ZARIF.format("Żarif"), ZARIF.format("Zarif")),
        (ZARIF.format("Zarif"), ZARIF.format("Żarif")),
        (SOLEIMANI.format("Qasem"), SOLEIMANI.format("Qāsem")),
        (SOLEIMANI.format("Qāsem"), SOLEIMANI.format("Qasem")),
        (ERDOGAN.format("Erdoğan", "São Paulo"), ERDOGAN.format("Erdogan", "Sao Paulo")),
    ],
)
def test_accents_do_not_count(researcher_client, stored, text):
    target = claim(stored)
    response = match(researcher_client, text)
    assert result_ids(response) == [target.pk]
    assert scores(response)[target.pk] >= 0.9


@pytest.mark.parametrize(
    "text",
    [
        '"U.S. Central Command said two rockets struck near the embassy in Baghdad on Monday."',
        "“U.S. Central Command said two rockets struck near the embassy in Baghdad on Monday”",
        "U.S. CENTRAL COMMAND SAID: two rockets struck -- near the embassy, in Baghdad (on Monday)!!!",
        "u s central command said two rockets struck near the embassy in baghdad on monday",
        "  U.S. Central Command said two rockets\nstruck near the embassy in Baghdad on Monday.  ",
    ],
)
def test_case_quotes_and_punctuation_do_not_count(researcher_client, text):
    target = claim(EMBASSY)
    response = match(researcher_client, text)
    assert result_ids(response) == [target.pk]
    assert scores(response)[target.pk] >= 0.9


def test_trashed_claims_are_never_returned(researcher_client):
    live = claim(EMBASSY)
    trashed = claim(EMBASSY)
    Claim.objects.filter(pk=trashed.pk).update(deleted_at=timezone.now())

    assert result_ids(match(researcher_client, EMBASSY)) == [live.pk]
    assert result_ids(similar(researcher_client, live)) == []
    assert [found.claim for found in matching.similar_claims(text=EMBASSY)] == [live]


def test_similar_leaves_the_claim_itself_out(researcher_client):
    target = claim(EMBASSY)
    twin = claim(EMBASSY)
    response = similar(researcher_client, target)
    assert result_ids(response) == [twin.pk]
    assert scores(response)[twin.pk] >= 0.9


def test_nothing_similar_is_an_empty_list(researcher_client):
    target = claim(EMBASSY)
    unrelated = claim(UNRELATED)
    # Sharing only "said", the unrelated claim is ranked with a low score, and a floor drops it.
    assert result_ids(similar(researcher_client, target)) == [unrelated.pk]
    assert similar(researcher_client, target, min_score=matching.DUPLICATE_THRESHOLD).data == {
        "min_score": matching.DUPLICATE_THRESHOLD,
        "results": [],
    }
    # No word and too few letters in common: nothing to rank.
    assert match(researcher_client, "Completely different words about cricket scores").data["results"] == []


# Text: refused or matching nothing -----------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": ""},
        {"text": "   \n\t "},
        {"text": None},
        {"text": 42},
        {"text": True},
        {"text": ["U.S. Central Command"]},
        {"text": {"statement": "U.S. Central Command"}},
        {"text": "x" * (matching.MAX_TEXT_LENGTH + 1)},
        {"text": "two rockets\x00 struck"},
    ],
    ids=["missing", "empty", "whitespace", "null", "number", "boolean", "list", "object", "too-long", "nul"],
)
def test_bad_text_is_refused_naming_text(researcher_client, body):
    claim(EMBASSY)
    response = researcher_client.post(reverse("claim-match"), body, format="json")
    body = assert_error(response, 400, "invalid")
    assert error_fields(body) == ["text"]


def test_a_body_that_is_no_object_is_refused(researcher_client):
    response = researcher_client.post(reverse("claim-match"), ["text"], format="json")
    assert_error(response, 400, "invalid")


@pytest.mark.parametrize(
    "text",
    ["😀🚀🔥", "!!! ??? ... --- «»", "\u200b\u200b"],
    ids=["emoji", "punctuation", "zero-width"],
)
def test_text_without_letters_or_digits_matches_nothing(researcher_client, django_assert_num_queries, text):
    claim(EMBASSY)
    with django_assert_num_queries(0):
        response = match(researcher_client, text)
    assert response.status_code == 200
    assert response.data == {"min_score": matching.DEFAULT_THRESHOLD, "results": []}


@pytest.mark.parametrize(
    ("text", "finds"),
    [
        ("x" * matching.MAX_TEXT_LENGTH, False),
        ("'; DROP TABLE claims_claim; --", False),
        ("embassy') OR 1=1 --", True),
        ("% _ \\ %% <-> <% %> & | ! :* 'a':1", False),
        ("a", False),
        ("the of and a to", False),
        ("https://t.co/CsHG8R9cHp pic.twitter.com/0eJtwJyS1J", False),
        ("Rockets " * 2400, True),
        (" ".join(f"word{n}" for n in range(2000)), False),
    ],
    ids=[
        "longest-x",
        "sql-drop",
        "sql-or",
        "operators",
        "one-letter",
        "stop-words",
        "only-links",
        "one-word-repeated",
        "thousands-of-words",
    ],
)
def test_absurd_texts_are_answered_cleanly(researcher_client, text, finds):
    target = claim(EMBASSY)
    claim(UNRELATED)
    response = match(researcher_client, text)
    assert response.status_code == 200, response.content
    assert result_ids(response) == ([target.pk] if finds else [])
    assert all(0 <= score <= 1 for score in scores(response).values())
    assert Claim.objects.filter(pk=target.pk).exists()


def test_a_long_text_still_finds_its_claim(researcher_client):
    target = claim(EMBASSY)
    response = match(researcher_client, EMBASSY, min_score=0.5)
    assert result_ids(response) == [target.pk]
    # Repeating the sentence adds no trigram: still the same words, at the longest length allowed.
    longest = "  " + (EMBASSY + " ") * (matching.MAX_TEXT_LENGTH // (len(EMBASSY) + 1)) + "  "
    assert len(longest.strip()) <= matching.MAX_TEXT_LENGTH < len(longest) + len(EMBASSY)
    response = match(researcher_client, longest)
    assert result_ids(response) == [target.pk]
    assert scores(response)[target.pk] >= 0.5


# Options -------------------------------------------------------------------------------


def test_limit_and_min_score(researcher_client):
    target = claim(EMBASSY)
    twins = [claim(EMBASSY) for _ in range(3)]
    reworded = claim(EMBASSY_REWORDED)
    everything = [*(twin.pk for twin in twins), reworded.pk]

    assert result_ids(similar(researcher_client, target, limit=2)) == [twins[0].pk, twins[1].pk]
    ranked = similar(researcher_client, target, limit=50, min_score=0)
    assert result_ids(ranked) == everything
    twin_score, reworded_score = scores(ranked)[twins[0].pk], scores(ranked)[reworded.pk]
    assert twin_score > reworded_score
    between = round((twin_score + reworded_score) / 2, 3)
    assert result_ids(similar(researcher_client, target, min_score=between)) == everything[:3]
    assert result_ids(similar(researcher_client, target, min_score=twin_score)) == everything[:3]
    assert result_ids(similar(researcher_client, target, min_score=reworded_score)) == everything
    # An empty value is no value.
    assert result_ids(similar(researcher_client, target, limit="", min_score="")) == everything
    response = match(researcher_client, EMBASSY, limit=1, min_score=between)
    assert result_ids(response) == [target.pk]
    assert response.data["min_score"] == between
    assert result_ids(match(researcher_client, EMBASSY, min_score=1)) == (
        [target.pk, *everything[:3]] if twin_score == 1 else []
    )


@pytest.mark.parametrize("min_score", [0, 0.0, 0.25, "0.5", 1, "1.0"])
def test_min_score_takes_anything_from_0_to_1(researcher_client, min_score):
    claim(EMBASSY)
    assert similar(researcher_client, claim(EMBASSY), min_score=min_score).status_code == 200
    assert match(researcher_client, EMBASSY, min_score=min_score).status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 51}, "limit"),
        ({"limit": -1}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "2.5"}, "limit"),
        ({"min_score": -0.1}, "min_score"),
        ({"min_score": -1}, "min_score"),
        ({"min_score": 1.01}, "min_score"),
        ({"min_score": 50}, "min_score"),
        ({"min_score": "nan"}, "min_score"),
        ({"min_score": "inf"}, "min_score"),
        ({"min_score": "high"}, "min_score"),
    ],
)
def test_similar_refuses_bad_options(researcher_client, params, field):
    body = assert_error(similar(researcher_client, claim(EMBASSY), **params), 400, "invalid")
    assert error_fields(body) == [field]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 51}, "limit"),
        ({"limit": 2.5}, "limit"),
        ({"limit": True}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"min_score": -0.001}, "min_score"),
        ({"min_score": 2}, "min_score"),
        ({"min_score": False}, "min_score"),
        ({"min_score": "nan"}, "min_score"),
    ],
)
def test_match_refuses_bad_options(researcher_client, options, field):
    body = assert_error(match(researcher_client, EMBASSY, **options), 400, "invalid")
    assert error_fields(body) == [field]


def test_similar_of_unknown_or_trashed_claim_is_404(researcher_client):
    trashed = claim(EMBASSY)
    Claim.objects.filter(pk=trashed.pk).update(deleted_at=timezone.now())
    assert_error(similar(researcher_client, trashed), 404, "not_found")
    unknown = Claim.objects.order_by("-pk").first().pk + 1000
    assert_error(researcher_client.get(reverse("claim-similar", args=[unknown])), 404, "not_found")
    not_an_id = reverse("claim-similar", args=[1]).replace("/1/", "/abc/")
    assert_error(researcher_client.get(not_an_id), 404, "not_found")
    assert_error(researcher_client.get(reverse("claim-similar", args=[2**70])), 404, "not_found")


# Who may ------------------------------------------------------------------------------


def test_anonymous_users_may_not_match(anon_client):
    target = claim(EMBASSY)
    assert_error(match(anon_client, EMBASSY), 401)
    assert_error(similar(anon_client, target), 401)


def test_readers_outside_the_working_groups_may_match(outsider_client):
    target = claim(EMBASSY)
    twin = claim(EMBASSY)
    assert result_ids(match(outsider_client, EMBASSY)) == [target.pk, twin.pk]
    assert result_ids(similar(outsider_client, target)) == [twin.pk]


def test_anyone_may_match_when_reading_is_public(anon_client, settings):
    settings.CLAIMTRACK_PUBLIC_READ = True
    target = claim(EMBASSY)
    assert result_ids(match(anon_client, EMBASSY)) == [target.pk]


def test_matching_writes_nothing_and_ignores_idempotency_keys(researcher_client):
    target = claim(EMBASSY)
    before = Claim.objects.get(pk=target.pk)
    headers = {"HTTP_IDEMPOTENCY_KEY": "match-1"}
    first = researcher_client.post(reverse("claim-match"), {"text": EMBASSY}, format="json", **headers)
    twin = claim(EMBASSY)
    second = researcher_client.post(reverse("claim-match"), {"text": EMBASSY}, format="json", **headers)
    assert result_ids(first) == [target.pk]
    assert result_ids(second) == [target.pk, twin.pk]  # answered afresh, not replayed
    assert "Idempotent-Replayed" not in second
    after = Claim.objects.get(pk=target.pk)
    assert (after.version, after.updated_at) == (before.version, before.updated_at)


# Query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 20])
def test_similar_query_count(researcher_client, django_assert_num_queries, rows):
    target = claim(EMBASSY)
    for _ in range(rows):
        claim(EMBASSY, article=ArticleFactory())
    # The claim; then the text's lexemes with their statistics (one query, no savepoint), the
    # candidates, their evidence, the statistics of their words; the claims shown; then the
    # claim's confirmed equivalents.
    with django_assert_num_queries(7):
        response = similar(researcher_client, target, limit=50)
    assert len(result_ids(response)) == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_match_query_count(researcher_client, django_assert_num_queries, rows):
    for _ in range(rows):
        claim(EMBASSY, article=ArticleFactory())
    # The text's lexemes with their statistics (one query, no savepoint), the candidates, their
    # evidence, the statistics of their words, the claims shown; then which results are
    # confirmed as the same claim as another.
    with django_assert_num_queries(6):
        response = match(researcher_client, EMBASSY, limit=50)
    assert len(result_ids(response)) == rows


# Creating a claim ----------------------------------------------------------------------


def create(client, article, statement, **headers):
    payload = {"article": article.pk, "statement": statement, "quote": QUOTE}
    return client.post(reverse("claim-list"), payload, format="json", **headers)


def test_create_lists_likely_duplicates(researcher_client):
    existing = claim(EMBASSY)
    reworded = claim(EMBASSY_REWORDED)
    claim(UNRELATED)

    response = create(researcher_client, ArticleFactory(), EMBASSY)

    assert response.status_code == 201, response.data
    duplicates = response.data["likely_duplicates"]
    assert [row["id"] for row in duplicates] == [existing.pk, reworded.pk]
    assert response.data["id"] not in [row["id"] for row in duplicates]
    assert duplicates[0]["similarity"] >= 0.9
    assert duplicates[0]["article"]["id"] == existing.article.pk
    assert all(row["similarity"] >= matching.DUPLICATE_THRESHOLD for row in duplicates)


def test_create_without_duplicates_lists_none(researcher_client):
    claim(UNRELATED)
    response = create(researcher_client, ArticleFactory(), EMBASSY)
    assert response.status_code == 201, response.data
    assert response.data["likely_duplicates"] == []


def test_duplicates_are_listed_only_when_creating(researcher_client):
    target = claim(EMBASSY)
    claim(EMBASSY)
    response = researcher_client.get(reverse("claim-detail", args=[target.pk]))
    assert "likely_duplicates" not in response.data


def test_create_replay_returns_the_first_list(researcher_client):
    existing = claim(EMBASSY)
    article = ArticleFactory()
    headers = {"HTTP_IDEMPOTENCY_KEY": "create-embassy"}
    first = create(researcher_client, article, EMBASSY, **headers)
    claim(EMBASSY)  # a new duplicate after the first answer

    replay = create(researcher_client, article, EMBASSY, **headers)

    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert [row["id"] for row in replay.json()["likely_duplicates"]] == [existing.pk]
    assert Claim.objects.filter(statement=EMBASSY).count() == 3


def test_refused_create_lists_nothing_and_writes_nothing(researcher_client):
    claim(EMBASSY)
    response = create(researcher_client, ArticleFactory(), "   ")
    body = assert_error(response, 400, "invalid")
    assert "likely_duplicates" not in body
    assert Claim.objects.count() == 1


# The index -----------------------------------------------------------------------------


def _explain(sql: str, params) -> str:
    """The plan of a query with plain table and index scans priced out, so that only bitmap
    index scans are left to find the rows."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _trigram_plan(text: str, threshold: float) -> str:
    queryset = matching.matching_queryset(text=text, threshold=threshold)[:10]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(threshold)])
    return _explain(sql, params)


def test_the_search_index_keeps_no_pending_list():
    """Every stage-1 scan would read GIN's pending list whole (claims/models.py): the index the
    migrations build must have it turned off, and the model must say so too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'claim_search_gin'")
        assert cursor.fetchone()[0] == ["fastupdate=off"]
    (index,) = [index for index in Claim._meta.indexes if index.name == "claim_search_gin"]
    assert index.fastupdate is False


def test_the_trigram_fallback_can_use_the_trigram_index():
    """Turning scans off only makes them expensive; it cannot make PostgreSQL use an index whose
    expression differs from the query's. So the trigram index showing up proves that the
    query's filter is the indexed expression itself (``claimtrack_unaccent(statement) %``)."""
    for statement in (EMBASSY, EMBASSY_REWORDED, UNRELATED):
        claim(statement)
    plan = _trigram_plan(EMBASSY, matching.TRIGRAM_FLOOR)
    assert "Bitmap Index Scan on claim_statement_trgm" in plan, plan
    assert "claimtrack_unaccent(statement) %" in plan, plan


def test_short_texts_are_narrowed_by_trigram_count():
    claim(EMBASSY)
    plan = _trigram_plan("rockets", 0.5)
    assert "claim_statement_trgm_count" in plan, plan
    assert "claimtrack_trigram_count(statement) >= 4" in plan, plan
    assert "claimtrack_trigram_count(statement) <= 16" in plan, plan


def test_the_trigram_count_filter_loses_no_match():
    # "rockets" has 8 trigrams, "rockets mortars" 16 of which it shares 8: exactly 0.5, the
    # edge of the range the count filter keeps.
    edge = claim("Rockets, mortars!")
    same = claim("ROCKETS")
    claim("rockets mortars drones")  # 0.5 is out of reach: 8 of 23
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', '0.5', true)")
        found = {
            c.pk: round(c.similarity, 3) for c in matching.matching_queryset(text="rockets", threshold=0.5)
        }
    assert found == {same.pk: 1.0, edge.pk: 0.5}


def test_candidates_are_found_through_the_search_index(monkeypatch):
    """Stage 1 is one GIN scan per rare lexeme or pair of lexemes: the plan must read
    claim_search_gin and never the trigram index (at a million claims that costs seconds for a
    sentence)."""
    for statement in (EMBASSY, EMBASSY_REWORDED, UNRELATED):
        claim(statement)
    monkeypatch.setattr(matching, "MAX_POSTINGS", 4)
    held = {"embassi": 1, "rocket": 3, "baghdad": 3}
    params = {**matching.stage_one(held, dict.fromkeys(held, 1.0)), "exclude": -1, "limit": 300}
    assert params["queries"] == ["'embassi'", "'baghdad' & 'rocket'"]
    plan = _explain(matching.CANDIDATES_BY_TERMS, params)
    assert "Bitmap Index Scan on claim_search_gin" in plan, plan
    assert "claim_statement_trgm" not in plan, plan


@pytest.mark.django_db(transaction=True)
def test_the_trigram_fallback_applies_its_floor_outside_any_transaction(monkeypatch):
    """A text none of whose lexemes any claim holds (misspelt) takes its candidates from the
    trigram index, at the floor set for its own transaction: matching runs no transaction of its
    own, and the floor set by ``set_config(..., true)`` must still be the one the query uses."""
    close = claim("Kandahar airport closed")
    far = claim("Kandahar airport was closed to all flights on Monday")
    text = "Kandaharr airportt closd"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT similarity(claimtrack_unaccent(%s), claimtrack_unaccent(%s)), "
            "similarity(claimtrack_unaccent(%s), claimtrack_unaccent(%s))",
            [close.statement, text, far.statement, text],
        )
        close_similarity, far_similarity = cursor.fetchone()
    floor = 0.45
    assert far_similarity < floor < close_similarity  # the default floor 0.3 would keep both
    assert far_similarity > 0.3
    monkeypatch.setattr(matching, "TRIGRAM_FLOOR", floor)
    assert connection.get_autocommit()
    assert list(matching.rank(text=text)) == [close.pk]
    with connection.cursor() as cursor:  # the floor stayed in its transaction
        cursor.execute("SHOW pg_trgm.similarity_threshold")
        assert cursor.fetchone()[0] == "0.3"


# Retrieval: every claim sharing a meaningful word, rare words first ------------------------


def test_a_claim_sharing_one_rare_word_is_reached():
    common = [claim(f"The ministry said report number {n} was false.") for n in range(5)]
    rare = claim("Hovercraft patrols were seen on the Tigris.")
    claim("Hospitals in Khartoum have no electricity.")
    found = matching.rank(text="The ministry said hovercraft were false.")
    assert set(found) == {rare.pk, *(c.pk for c in common)}


def test_rare_words_weigh_more_than_common_ones():
    for n in range(20):
        claim(f"Officials said rockets struck on day {n}.")
    rare = claim("Officials said a hovercraft struck.")
    common = claim("Officials said rockets struck.")
    found = matching.rank(text="hovercraft rockets")
    assert found[rare.pk] > found[common.pk]


def test_stage_one_reads_the_rarest_words_within_the_budget(monkeypatch):
    monkeypatch.setattr(matching, "MAX_POSTINGS", 10)
    monkeypatch.setattr(matching, "MAX_HELD", 60)
    held = {"hovercraft": 1, "tigri": 2, "patrol": 2, "said": 40, "report": 30, "the": 90, "unknown": 0}
    weights = {term: 10.0 - count / 10 for term, count in held.items()}
    plan = matching.stage_one(held, weights)
    # Rarest first, each read whole, within half the budget (5 claims); then the claims holding
    # the rarest three of the others at once, the rarest two, the rarest with the third, up to
    # the other half. "the" (held by more than MAX_HELD) is never read alone, only with "report".
    assert plan == {
        "queries": [
            "'hovercraft'",
            "'patrol'",
            "'tigri'",
            "'report' & 'said' & 'the'",
            "'report' & 'said'",
            "'report' & 'the'",
        ],
        "weights": [
            weights["hovercraft"],
            weights["patrol"],
            weights["tigri"],
            weights["report"] + weights["said"] + weights["the"],
            weights["report"] + weights["said"],
            weights["report"] + weights["the"],
        ],
        "caps": [1, 2, 2, 1, 1, 1],
        "common": False,
    }


def test_stage_one_of_only_common_words_reads_a_bounded_number(monkeypatch):
    monkeypatch.setattr(matching, "MAX_POSTINGS", 12)
    monkeypatch.setattr(matching, "MAX_HELD", 80)
    held = {"minist": 50, "said": 90, "report": 60, "offici": 70}
    weights = {term: 1.0 / count for term, count in held.items()}
    plan = matching.stage_one(held, weights)
    # The rarest up to half the budget, then the claims holding the rarest three and two at once,
    # and the rarest with the third, up to the other half.
    assert plan["queries"] == [
        "'minist'",
        "'minist' & 'report' & 'offici'",
        "'minist' & 'report'",
        "'minist' & 'offici'",
    ]
    assert plan["caps"] == [6, 2, 2, 2]
    # A text of only words held by more than MAX_HELD: its rarest, up to half the budget.
    alone = matching.stage_one({"said": 90, "the": 95}, {"said": 0.2, "the": 0.1})
    assert (alone["queries"], alone["caps"], alone["common"]) == (["'said'"], [6], True)
    assert not plan["common"]
    assert matching.stage_one({"unknown": 0}, {})["queries"] == []


def test_stage_one_reads_within_the_budget_it_is_given(monkeypatch):
    monkeypatch.setattr(matching, "MAX_HELD", 60)
    held = {"hovercraft": 1, "tigri": 2, "patrol": 2, "said": 40, "report": 30, "the": 90}
    weights = {term: 10.0 - count / 10 for term, count in held.items()}
    monkeypatch.setattr(matching, "MAX_POSTINGS", 10)
    assert matching.stage_one(held, weights, postings=10) == matching.stage_one(held, weights)
    small = matching.stage_one(held, weights, postings=6)
    # Half of 6 for the rarest read whole, half for the rarest of the others together.
    assert small["queries"] == [
        "'hovercraft'",
        "'patrol'",
        "'tigri' & 'report' & 'said'",
        "'tigri' & 'report'",
        "'tigri' & 'said'",
    ]
    assert small["caps"] == [1, 2, 1, 1, 1]
    assert sum(small["caps"]) <= 6 < sum(matching.stage_one(held, weights)["caps"])


def test_likely_duplicates_read_the_duplicate_budget(monkeypatch):
    target = claim(EMBASSY)
    given = []
    real = matching.stage_one

    def spy(held, weights, *, postings=None):
        given.append(postings)
        return real(held, weights, postings=postings)

    monkeypatch.setattr(matching, "stage_one", spy)
    new = claim(EMBASSY_REWORDED)
    assert [match.claim for match in matching.likely_duplicates(claim=new)] == [target]
    matching.similar_claims(text=EMBASSY)
    assert given == [matching.DUPLICATE_POSTINGS, None]
    assert matching.DUPLICATE_POSTINGS < matching.MAX_POSTINGS


def test_a_text_of_only_common_words_finds_claims_holding_them_together(monkeypatch):
    """The case that once fell back to the trigram scan (seconds at a million claims): every
    word held by more claims than the budget. The claims holding the two rarest words at once
    come first, and no more claims are read than the budget."""
    both = claim("The ministry report was false.")
    for n in range(6):
        claim(f"The ministry said number {n}.")
        claim(f"A report said number {n}.")
    monkeypatch.setattr(matching, "MAX_POSTINGS", 4)
    found = matching.candidate_evidence(text="ministry report")
    # The rarest word's first 2 claims and those holding both words (2 at most).
    assert next(iter(found)) == both.pk
    assert 1 < len(found) <= 2 + 2, found


def test_a_text_of_only_very_common_words_reads_its_rarest_up_to_the_budget(monkeypatch):
    ministry = [claim(f"The ministry said number {n}.") for n in range(6)]
    for n in range(8):
        claim(f"A report said number {n}.")
    monkeypatch.setattr(matching, "MAX_POSTINGS", 8)
    monkeypatch.setattr(matching, "MAX_HELD", 5)
    found = matching.candidate_evidence(text="ministry report")
    assert len(found) == 4
    assert set(found) <= {c.pk for c in ministry}


def test_scores_are_between_0_and_1(researcher_client):
    statements = [EMBASSY, EMBASSY_REWORDED, UNRELATED, "Rockets.", "The embassy said nothing at all."]
    for statement in statements:
        claim(statement)
    for text in [*statements, "rockets embassy Baghdad", "said", "Baghdad " * 500]:
        values = list(matching.rank(text=text).values())
        assert values, text
        assert all(0 <= value <= 1 for value in values), (text, values)


def test_the_demo_paraphrase_finds_the_21_rocket_claim(researcher):
    from claims.demo.loader import load_demo

    load_demo(user=researcher)
    # The spokesman's claim, quoting "the 21--rocket attack was the largest rocket attack since
    # 2010 on central Baghdad"; the Wall Street Journal's claim of 21 rockets is another.
    target = Claim.objects.get(quote__contains="21--rocket")
    found = matching.similar_claims(
        text="Twenty one rockets were fired at the Green Zone in Baghdad, the largest attack since 2010"
    )
    assert found[0].claim == target, [f.claim.statement for f in found]


TWEET = (
    "BREAKING: @CENTCOM says 21 rockets hit the #GreenZone in Baghdad, biggest attack since 2010 "
    "https://t.co/CsHG8R9cHp pic.twitter.com/0eJtwJyS1J — Jane Roe (@janeroe) December 23, 2019"
)


def test_a_tweet_finds_its_claim(researcher_client):
    target = claim("The attack on the Green Zone in Baghdad involved 21 rockets, the largest since 2010.")
    claim("Jane Roe said on December 23 that the report was false.")
    claim(UNRELATED)
    assert result_ids(match(researcher_client, TWEET))[0] == target.pk


@pytest.mark.parametrize(
    ("stored", "text"),
    [
        (
            "Le ministre iranien a démenti le rapport sur l'ambassade.",
            "le ministre iranien dementi rapport ambassade",
        ),
        (
            "Der Außenminister bestätigte den Raketenangriff auf Bagdad.",
            "Außenminister Raketenangriff Bagdad",
        ),
        ("وزير الخارجية نفى التقرير", "وزير الخارجية نفى التقرير"),
        ("Министр отверг сообщение.", "министр отверг сообщение"),
        ("外交部长否认了这份报告", "外交部长否认了这份报告"),
    ],
    ids=["french-accents-dropped", "german", "arabic", "russian", "chinese"],
)
def test_non_english_texts_find_their_claim(researcher_client, stored, text):
    target = claim(stored)
    claim(EMBASSY)
    response = match(researcher_client, text)
    assert result_ids(response)[:1] == [target.pk]
