"""The matching measures (claims/evaluation.py) and ``manage.py evaluate_matching``, on a
TREC-style fixture whose figures are worked out by hand below."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims import evaluation
from claims.models import Article, Claim

FIXTURES = Path(__file__).parent / "fixtures"
QUERIES, QRELS, DOCS = (FIXTURES / name for name in ("trec.queries.tsv", "trec.qrels", "trec.docs.tsv"))


def test_measures_of_one_ranking_by_hand():
    # Relevant at ranks 2 and 4: AP@5 = (1/2 + 2/4) / 2.
    assert evaluation.measures(["x", "a", "y", "b", "z"], {"a", "b"}) == {
        "MAP@5": 0.5,
        "MRR": 0.5,
        "P@1": 0.0,
        "Recall@5": 1.0,
        "Recall@20": 1.0,
    }
    # Found at rank 6: outside the first 5, inside the first 20.
    assert evaluation.measures([*"uvwxyz", "a"][1:], {"a"}) == {
        "MAP@5": 0.0,
        "MRR": pytest.approx(1 / 6),
        "P@1": 0.0,
        "Recall@5": 0.0,
        "Recall@20": 1.0,
    }
    assert evaluation.measures([], {"a"})["MRR"] == 0.0
    assert evaluation.measures(["a"], {"a"}) == dict.fromkeys(evaluation.MEASURES, 1.0)


def test_qrels_with_a_wrong_line_are_refused(tmp_path):
    bad = tmp_path / "bad.qrels"
    bad.write_text("q1 0 5\n")
    with pytest.raises(ValueError, match=r"bad\.qrels:1: expected 4 columns"):
        evaluation.read_qrels(bad)


def run(*args) -> str:
    out = StringIO()
    call_command("evaluate_matching", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_loads_the_documents_and_prints_the_figures():
    output = run("--queries", str(QUERIES), "--qrels", str(QRELS), "--documents", str(DOCS))
    # q1 and q2 find their claim first. q3 finds one of its two claims first (the other shares
    # no word): AP@5 1/2, recall 1/2. q4 shares nothing with any claim: all 0. q5 is not judged.
    # MAP@5 = (1 + 1 + 0.5 + 0) / 4; MRR = P@1 = 3/4; recall = (1 + 1 + 0.5 + 0) / 4.
    assert output.splitlines() == [
        "queries: 4 (without any result: 1)",
        "MAP@5      0.625",
        "MRR        0.750",
        "P@1        0.750",
        "Recall@5   0.625",
        "Recall@20  0.625",
    ]
    assert Claim.objects.count() == 3
    shark = Claim.objects.get(article__title="Shark on a Houston highway")
    assert (
        shark.statement
        == shark.article.body
        == 'A shark swam on a flooded highway in Houston after the "hurricane".'
    )
    # Loaded once: a second run finds them and loads nothing.
    assert run("--queries", str(QUERIES), "--qrels", str(QRELS), "--documents", str(DOCS)) == output
    assert Article.objects.count() == 3


@pytest.mark.django_db
def test_the_command_on_claims_already_loaded_by_id(tmp_path):
    run("--queries", str(QUERIES), "--qrels", str(QRELS), "--documents", str(DOCS))
    ids = {claim.article.title: claim.pk for claim in Claim.objects.select_related("article")}
    qrels = tmp_path / "by-id.qrels"
    qrels.write_text(
        f"q1 0 {ids['Rockets on the Green Zone']} 1\nq3 0 {ids['Shark on a Houston highway']} 1\n"
    )
    output = run("--queries", str(QUERIES), "--qrels", str(qrels))
    # q1 first; q3 never finds the shark claim.
    assert output.splitlines()[:3] == [
        "queries: 2 (without any result: 0)",
        "MAP@5      0.500",
        "MRR        0.500",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--queries", "/nonexistent.tsv", "--qrels", str(QRELS)], "--queries: no such file"),
        (["--queries", str(QUERIES), "--qrels", str(QRELS)], "No query has a relevant claim"),
        (
            ["--queries", str(QUERIES), "--qrels", str(QRELS), "--documents", str(DOCS), "--user", "nobody"],
            "--user",
        ),
    ],
)
def test_the_command_refuses_what_it_cannot_evaluate(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert Claim.objects.count() == 0


EMBASSY = "U.S. Central Command said two rockets struck near the embassy in Baghdad on Monday."
REWORDED = "Two rockets hit close to the U.S. embassy in Baghdad on Monday, Central Command said."
TANKERS = "Iran seized two oil tankers in the Strait of Hormuz."


@pytest.mark.django_db
def test_the_command_scores_the_confirmed_links(researcher):
    from claims.services import same_claim_link
    from tests.factories import ArticleFactory, ClaimFactory

    embassy, reworded, tankers = (
        ClaimFactory(statement=text, article=ArticleFactory()) for text in (EMBASSY, REWORDED, TANKERS)
    )
    ClaimFactory(statement=TANKERS, article=ArticleFactory())  # a copy, not linked
    same_claim_link(claim=embassy, other=reworded, actor=researcher)
    queries = list(evaluation.confirmed_link_queries())
    assert [(q.id, q.relevant, q.exclude_id) for q in queries] == [
        (str(embassy.pk), frozenset({reworded.pk}), embassy.pk),
        (str(reworded.pk), frozenset({embassy.pk}), reworded.pk),
    ]
    # Each of the two linked claims finds the other first: every measure is 1.
    assert run("--confirmed-links").splitlines() == [
        "queries: 2 (without any result: 0)",
        "MAP@5      1.000",
        "MRR        1.000",
        "P@1        1.000",
        "Recall@5   1.000",
        "Recall@20  1.000",
    ]
    # The tankers claim is linked to nothing: it is no query.
    assert str(tankers.pk) not in {q.id for q in queries}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--confirmed-links"], "No confirmed same-claim links"),
        (["--confirmed-links", "--qrels", str(QRELS)], "takes no --queries"),
        ([], "Give --queries and --qrels"),
        (["--queries", str(QUERIES)], "Give --queries and --qrels"),
    ],
)
def test_the_command_refuses_a_missing_or_mixed_source(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
