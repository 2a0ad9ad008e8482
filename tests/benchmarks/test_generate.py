import io
import random
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from benchmarks import textgen
from benchmarks.generate import generate, targets
from claims.models import Article, Citation, Claim, Status, StatusChange
from sources.models import Publisher, Source
from tests.factories import ClaimFactory

CLAIMS = 300


@pytest.fixture
def generated(db):
    return generate(claims=CLAIMS, seed=7, batch=120)


def test_every_quote_stands_in_its_article_at_its_offsets(generated):
    claims = list(Claim.objects.select_related("article"))
    assert len(claims) == CLAIMS
    for claim in claims:
        assert claim.article.body[claim.quote_start : claim.quote_end] == claim.quote
        # A whole sentence of the body: it starts a sentence and ends with a full stop.
        assert claim.quote.endswith(".")
        assert claim.quote_start == 0 or claim.article.body[claim.quote_start - 1] in " \n"


def test_proportions(generated):
    publishers, sources = targets(CLAIMS)
    assert Publisher.objects.count() == publishers
    assert Source.objects.count() == sources
    assert Source.objects.values("kind").distinct().count() >= 5
    articles = Article.objects.count()
    assert CLAIMS / 15 <= articles <= CLAIMS / 5
    citations = Citation.objects.count()
    assert 2.5 <= citations / CLAIMS <= 3.5
    assert Citation.objects.values("role").distinct().count() == 2
    assert Citation.objects.values("stance").distinct().count() == 3
    by_status = dict(Claim.objects.values_list("status").annotate(n=Count("id")))
    assert by_status[Status.UNVERIFIED] + by_status[Status.IN_REVIEW] > CLAIMS / 2
    assert sum(n for status, n in by_status.items() if status in Status.verdicts()) > CLAIMS / 10
    # Spread over about two years, none in the future.
    first, last = Claim.objects.order_by("created_at").first(), Claim.objects.order_by("created_at").last()
    assert last.created_at <= timezone.now()
    assert last.created_at - first.created_at > timedelta(days=500)
    assert set(Claim.objects.values_list("version", flat=True)) == {1}
    assert generated.claims == CLAIMS
    assert generated.citations == citations


def test_citations_are_unique_per_claim_source_and_role(generated):
    duplicates = (
        Citation.objects.values("claim", "source", "role").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    assert duplicates == 0


def test_statuses_have_their_history_and_verdicts_their_grounds(generated):
    for claim in Claim.objects.prefetch_related("status_changes", "citations"):
        steps = sorted(claim.status_changes.all(), key=lambda change: (change.changed_at, change.id))
        if claim.status == Status.UNVERIFIED:
            assert steps == []
            continue
        assert steps[0].from_status == Status.UNVERIFIED
        assert steps[-1].to_status == claim.status
        stances = {citation.stance for citation in claim.citations.all()}
        if claim.status in (Status.VERIFIED, Status.PARTLY_VERIFIED):
            assert Citation.Stance.SUPPORTS in stances
        if claim.status == Status.REFUTED:
            assert Citation.Stance.CONTRADICTS in stances
    assert StatusChange.objects.count() == generated.status_changes


def test_search_words_have_their_intended_shares(generated):
    def share(word: str) -> float:
        return Claim.objects.filter(statement__contains=word, quote__contains=word).count() / CLAIMS

    # One claim in every 10,000 carries the rare word, the first one included.
    assert Claim.objects.filter(statement__contains=textgen.RARE_WORD).count() == 1
    assert 0.01 <= share(textgen.COMMON_WORD) <= 0.08
    assert 0.5 < share(textgen.VERY_COMMON_WORD) < 0.7
    # The words are in claims and nowhere else.
    for word in ("hovercraft", "drone", "report"):
        assert not Article.objects.filter(title__icontains=word).exists()
        assert not Claim.objects.filter(claimant__icontains=word).exists()
        assert not Source.objects.filter(title__icontains=word).exists()
        assert not Citation.objects.filter(quote__icontains=word).exists()


def test_no_history_events_are_written(generated):
    for model in (Claim, Citation, Article):
        event_model = apps.get_model(model._meta.app_label, f"{model.__name__}Event")
        assert not event_model.objects.exists()


def test_top_up_adds_only_what_is_missing_and_sequences_follow(generated):
    assert generate(claims=CLAIMS, seed=7).claims == 0
    assert Claim.objects.count() == CLAIMS
    summary = generate(claims=CLAIMS + 40, seed=7, batch=25)
    assert summary.claims == 40
    assert Claim.objects.count() == CLAIMS + 40
    assert summary.publishers == 0
    for claim in Claim.objects.select_related("article"):
        assert claim.article.body[claim.quote_start : claim.quote_end] == claim.quote
    # Ids were taken past the sequences, which were moved on: a normal insert still works.
    newest = max(Claim.objects.values_list("id", flat=True))
    assert ClaimFactory().pk > newest


def test_the_command_says_what_it_does(db):
    out = io.StringIO()
    call_command("generate_bench_data", claims=60, seed=3, stdout=out)
    assert "Added 60 claims" in out.getvalue()
    out = io.StringIO()
    call_command("generate_bench_data", claims=50, stdout=out)
    assert "60 claims already there (50 asked): nothing to do." in out.getvalue()
    assert Claim.objects.count() == 60


def test_vocabularies_keep_the_search_words_where_they_belong():
    rng = random.Random(5)  # noqa: S311 - made-up text, not secrets
    texts = [textgen.filler(rng, place=place) for place in textgen.PLACES]
    texts += [textgen.title(rng, place=place, day=timezone.now().date()) for place in textgen.PLACES]
    texts += [textgen.citation_quote(rng, place=place) for place in textgen.PLACES]
    texts += textgen.CLAIMANTS + textgen.GROUPS + textgen.PLACES + textgen.TARGETS + textgen.WEAPONS
    for text in texts:
        for word in ("hovercraft", "drone", "report"):
            assert word not in text.lower()


def _indexes() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
            "('claims_article', 'claims_claim', 'claims_citation', 'claims_statuschange')"
        )
        return set(cursor.fetchall())


def test_a_big_load_rebuilds_the_indexes_it_dropped(db):
    before = _indexes()
    out = io.StringIO()
    generate(claims=40, seed=5, out=out, rebuild_indexes=True)
    assert "Rebuilding" in out.getvalue()
    assert _indexes() == before
    assert Claim.objects.count() == 40


def test_a_failed_load_still_rebuilds_the_indexes(db, monkeypatch):
    before = _indexes()

    def broken(*args, **kwargs):
        raise RuntimeError("the load broke")

    monkeypatch.setattr("benchmarks.generate.Generator._article", broken)
    with pytest.raises(RuntimeError, match="the load broke"):
        generate(claims=40, seed=5, rebuild_indexes=True)
    assert _indexes() == before
    assert not Claim.objects.exists()
