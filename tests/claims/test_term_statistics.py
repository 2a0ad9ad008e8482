"""The term statistics matching weighs words by (claims.models.ClaimTerm): kept by the claim
triggers through every write, equal at all times to a count made from scratch."""

from threading import Barrier

import pytest
from django.db import connection, transaction

from claims import matching, services
from claims.matching import rebuild_term_statistics, term_statistics
from claims.models import ClaimTerm, ClaimTermDelta
from core.policies import SYSTEM
from tests.claims.test_races import race
from tests.factories import ArticleFactory, ClaimFactory

RECOUNT = """
SELECT lexeme, count(*), sum(coalesce(array_length(positions, 1), 1))
FROM claims_claim, unnest(claims_claim.search_vector)
WHERE claims_claim.deleted_at IS NULL GROUP BY lexeme
UNION ALL
SELECT '', count(*), coalesce(sum((
    SELECT sum(coalesce(array_length(positions, 1), 1)) FROM unnest(claims_claim.search_vector)
)), 0)
FROM claims_claim WHERE claims_claim.deleted_at IS NULL
"""


def recounted() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT)
        return {term: (claims, occurrences) for term, claims, occurrences in cursor.fetchall() if claims}


def kept() -> dict[str, tuple[int, int]]:
    """What matching reads: the counters plus the deltas not folded yet, zeros left out."""
    terms = set(ClaimTerm.objects.values_list("term", flat=True))
    terms |= set(ClaimTermDelta.objects.values_list("term", flat=True))
    with connection.cursor() as cursor:
        stats = term_statistics(cursor, terms)
    return {term: counts for term, counts in stats.items() if counts[0]}


def claim(statement: str, **extra):
    return ClaimFactory(statement=statement, **extra)


@pytest.mark.django_db
def test_statistics_follow_create_edit_trash_restore_and_purge(reviewer, superuser):
    assert kept() == recounted() == {}

    rockets = claim("Rockets struck the embassy; rockets again.")
    other = claim("The ministry denied the report.")
    assert kept() == recounted()
    assert kept()["rocket"] == (1, 2)  # one claim, twice
    assert kept()[""][0] == 2

    services.claim_update(actor=reviewer, claim=rockets, data={"statement": "Drones struck the embassy."})
    assert "rocket" not in kept()
    assert kept()["drone"] == (1, 1)
    assert kept() == recounted()

    services.claim_delete(claim=rockets, actor=reviewer)
    assert "drone" not in kept()
    assert kept()[""][0] == 1
    assert kept() == recounted()

    services.claim_restore(claim=rockets, actor=reviewer)
    assert kept()["drone"] == (1, 1)
    assert kept() == recounted()

    services.claim_delete(claim=rockets, actor=reviewer)
    services.claim_purge(claim=rockets, actor=superuser)
    assert kept() == recounted()
    assert "drone" not in kept()

    other.refresh_from_db()
    services.claim_delete(claim=other, actor=reviewer)
    services.claim_purge(claim=other, actor=superuser)
    assert kept() == recounted() == {}
    # Nothing left behind but the zero totals row.
    assert list(ClaimTerm.objects.exclude(term="").values_list("term", flat=True)) == []


@pytest.mark.django_db
def test_statistics_follow_bulk_writes_and_ignore_unrelated_updates():
    article = ArticleFactory()
    quote = "almost certainly conducted by a militia group"
    services.claims_create_bulk(
        article=article,
        claims=[{"statement": f"Claim number {n} about rockets.", "quote": quote} for n in range(5)],
        created_by=SYSTEM,
    )
    assert kept()["rocket"] == (5, 5)
    assert kept() == recounted()
    # The claimant is part of the words counted; a date is not.
    before = kept()
    article.claims.update(claimant="Pentagon")
    assert kept() == recounted() != before
    assert kept()["pentagon"] == (5, 5)
    after = kept()
    article.claims.update(claim_date="2020-01-01")
    assert kept() == after


@pytest.mark.django_db
def test_a_refused_write_changes_no_statistic():
    claim("Rockets struck the embassy.")
    before = kept()

    def refused():
        with transaction.atomic():
            claim("Drones struck the ministry.")
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError, match="refused"):
        refused()
    assert kept() == before == recounted()


@pytest.mark.django_db(transaction=True)
def test_writers_at_once_neither_deadlock_nor_lose_counts():
    """Each writer creates, in one transaction, claims sharing words in opposite orders and
    then edits them: counters updated row by row in that order could deadlock; the deltas
    cannot, and the sums stay exact."""
    articles = [ArticleFactory(), ArticleFactory()]
    quote = "almost certainly conducted by a militia group"
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
    barrier = Barrier(2)

    def write(article, order):
        with transaction.atomic():
            made = services.claims_create_bulk(
                article=article,
                claims=[{"statement": f"{word} {n}", "quote": quote} for n, word in enumerate(order)],
                created_by=SYSTEM,
            )
            barrier.wait(timeout=10)
            for claim in made:
                services.claim_update(
                    actor=SYSTEM, claim=claim, data={"statement": claim.statement + " zulu"}
                )
        return len(made)

    for _ in range(3):
        results = race(lambda: write(articles[0], words), lambda: write(articles[1], words[::-1]))
        assert results == [6, 6], results
    assert kept() == recounted()
    assert kept()["zulu"] == (36, 36)


@pytest.mark.django_db
def test_a_load_that_bypassed_the_triggers_is_counted_again():
    claim("Rockets struck the embassy.")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        claim("Drones struck the ministry.")
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    assert "drone" not in kept()  # the triggers did not fire
    assert kept() != recounted()
    rebuild_term_statistics()
    assert kept() == recounted()
    assert kept()["drone"] == (1, 1)
    assert not ClaimTermDelta.objects.exists()


def test_the_migration_and_the_rebuild_count_by_the_same_sql_file():
    import importlib

    migration = importlib.import_module("claims.migrations.0006_term_statistics")
    assert migration.BACKFILL == matching.REBUILD_TERM_STATISTICS
    assert "INSERT INTO claims_claimterm" in matching.REBUILD_TERM_STATISTICS


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "Rockets struck the embassy; rockets again.",
        "Die Raketen trafen die Botschaft in Zürich, sagte der Minister.",
        "Le ministre a déclaré que des roquettes ont frappé l'ambassade à Genève.",
        "Rockets struck the embassy. " * 700,
        "",
        "the of and a to",
    ],
    ids=["english", "german-accents", "french", "very-long", "empty", "stop-words"],
)
def test_text_statistics_are_the_statistics_of_the_texts_lexemes(text):
    """One query for what took two: the text's lexemes as the ``claimtrack`` configuration cuts
    them, each with the counts ``term_statistics`` gives, and the empty term's row."""
    claim("Rockets struck the embassy in Zürich.")
    claim("Die Raketen trafen die Botschaft, sagte der Minister.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme FROM unnest(to_tsvector('claimtrack', %s))", [text])
        lexemes = [lexeme for (lexeme,) in cursor.fetchall()]
        expected = term_statistics(cursor, lexemes)
        found = matching.text_statistics(cursor, text)
    assert found == expected
    assert set(found) == {*lexemes, ""}
    assert found[""][0] == 2
