"""The rules of claims.services, called directly: what each allows and what it refuses."""

import pytest

from claims import services
from claims.models import Article, Citation, Claim, Status, StatusChange
from core.errors import Conflict, Forbidden, InvalidInput
from core.policies import SYSTEM
from tests.factories import (
    ARTICLE_BODY,
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

QUOTE = "almost certainly conducted by a militia group"
START = ARTICLE_BODY.index(QUOTE)


def snapshot(model, pk) -> dict:
    return model.objects.values().get(pk=pk)


def with_verdict(reviewer, verdict=Status.VERIFIED, stance="supports") -> tuple[Claim, Citation]:
    claim = ClaimFactory(status=Status.IN_REVIEW)
    citation = CitationFactory(claim=claim, stance=stance)
    services.claim_transition(claim=claim, to=verdict, actor=reviewer, rationale="Checked.")
    claim.refresh_from_db()
    return claim, citation


# claim_create -----------------------------------------------------------------------


def test_claim_create_computes_offsets_and_trims(researcher):
    article = ArticleFactory()
    claim = services.claim_create(
        article=article,
        statement="  Militia attack.  ",
        quote=QUOTE,
        claimant=" CENTCOM ",
        created_by=researcher,
    )
    claim.refresh_from_db()
    assert (claim.quote_start, claim.quote_end) == (START, START + len(QUOTE))
    assert (claim.statement, claim.claimant) == ("Militia attack.", "CENTCOM")
    assert (claim.status, claim.created_by) == (Status.UNVERIFIED, researcher)


def test_claim_create_checks_given_offsets(researcher):
    article = ArticleFactory()
    end = START + len(QUOTE)
    claim = services.claim_create(
        article=article, statement="S.", quote=QUOTE, quote_start=START, quote_end=end, created_by=researcher
    )
    assert claim.quote_start == START
    with pytest.raises(InvalidInput) as caught:
        services.claim_create(
            article=article, statement="S.", quote=QUOTE, quote_start=START + 1, created_by=SYSTEM
        )
    assert "quote_start" in caught.value.errors
    assert Claim.objects.count() == 1


@pytest.mark.parametrize(
    ("quote", "field", "code"),
    [("eight missiles", "quote", "quote_not_found"), ("21 rockets", "quote_start", "quote_ambiguous")],
)
def test_claim_create_refuses_unanchored_quote(researcher, quote, field, code):
    article = ArticleFactory()
    with pytest.raises(InvalidInput) as caught:
        services.claim_create(article=article, statement="S.", quote=quote, created_by=researcher)
    assert caught.value.code == code
    assert list(caught.value.errors) == [field]
    assert not Claim.objects.exists()


# claim_update -----------------------------------------------------------------------


def test_claim_update_without_changes_writes_nothing(researcher):
    claim = ClaimFactory()
    before = snapshot(Claim, claim.pk)
    services.claim_update(actor=researcher, claim=claim, data={"status": "verified", "created_by": None})
    assert snapshot(Claim, claim.pk) == before


def test_claim_update_changes_text_fields(researcher):
    claim = ClaimFactory()
    services.claim_update(
        actor=researcher, claim=claim, data={"statement": " New. ", "claimant": " Officials "}
    )
    claim.refresh_from_db()
    assert (claim.statement, claim.claimant) == ("New.", "Officials")
    assert claim.quote_start == START


def test_claim_update_reanchors_a_new_quote(researcher):
    claim = ClaimFactory()
    services.claim_update(actor=researcher, claim=claim, data={"quote": "involved 21 rockets"})
    claim.refresh_from_db()
    start = ARTICLE_BODY.index("involved 21 rockets")
    assert (claim.quote, claim.quote_start, claim.quote_end) == ("involved 21 rockets", start, start + 19)


def test_claim_update_refuses_quote_not_in_body(researcher):
    claim = ClaimFactory()
    before = snapshot(Claim, claim.pk)
    with pytest.raises(InvalidInput) as caught:
        services.claim_update(
            actor=researcher, claim=claim, data={"quote": "eight missiles", "statement": "Other."}
        )
    assert list(caught.value.errors) == ["quote"]
    assert snapshot(Claim, claim.pk) == before


def test_claim_update_refuses_new_article_without_the_quote(researcher):
    claim = ClaimFactory()
    before = snapshot(Claim, claim.pk)
    with pytest.raises(InvalidInput):
        services.claim_update(
            actor=researcher, claim=claim, data={"article": ArticleFactory(body="Unrelated text.")}
        )
    assert snapshot(Claim, claim.pk) == before


def test_claim_update_moves_to_new_article(researcher):
    claim = ClaimFactory()
    other = ArticleFactory(body="Intro. " + ARTICLE_BODY)
    services.claim_update(actor=researcher, claim=claim, data={"article": other})
    claim.refresh_from_db()
    assert (claim.article, claim.quote_start) == (other, START + len("Intro. "))


def test_claim_update_refuses_any_change_under_a_verdict(reviewer):
    claim, _ = with_verdict(reviewer)
    before = snapshot(Claim, claim.pk)
    for data in ({"statement": "Other."}, {"claimant": "Someone else"}, {"quote": "involved 21 rockets"}):
        with pytest.raises(Conflict) as caught:
            services.claim_update(actor=reviewer, claim=claim, data=data)
        assert caught.value.code == "has_verdict"
    assert snapshot(Claim, claim.pk) == before


def test_claim_update_accepts_unchanged_values_under_a_verdict(reviewer):
    claim, _ = with_verdict(reviewer)
    services.claim_update(
        actor=reviewer, claim=claim, data={"statement": claim.statement, "quote": claim.quote}
    )
    claim.refresh_from_db()
    assert claim.status == Status.VERIFIED


def test_claim_update_allowed_after_reopening(reviewer):
    claim, _ = with_verdict(reviewer)
    services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer, rationale="Reopen.")
    claim.refresh_from_db()
    services.claim_update(actor=reviewer, claim=claim, data={"statement": "Narrower."})
    claim.refresh_from_db()
    assert claim.statement == "Narrower."


def test_claim_delete_removes_citations_and_history(reviewer):
    claim, citation = with_verdict(reviewer)
    services.claim_delete(claim=claim, actor=reviewer)
    # A move to the trash: the citations and history stay (tests/interchange/test_trash.py).
    assert Claim.objects.get(pk=claim.pk).deleted_at is not None
    assert Citation.objects.filter(pk=citation.pk).exists()
    assert StatusChange.objects.filter(claim=claim).count() == 1


# article_update re-anchoring --------------------------------------------------------


def test_article_body_edit_after_the_quote_keeps_offsets(researcher):
    claim = ClaimFactory()
    services.article_update(
        actor=researcher, article=claim.article, data={"body": ARTICLE_BODY + " More text."}
    )
    claim.refresh_from_db()
    assert (claim.quote_start, claim.quote_end) == (START, START + len(QUOTE))


def test_article_body_edit_before_the_quote_moves_it(researcher):
    claim = ClaimFactory()
    new_body = "Update: " + ARTICLE_BODY
    services.article_update(actor=researcher, article=claim.article, data={"body": new_body})
    claim.refresh_from_db()
    assert claim.article.body == new_body
    assert new_body[claim.quote_start : claim.quote_end] == QUOTE
    assert claim.quote_start == START + len("Update: ")


def test_article_body_edit_keeps_quote_at_offset_even_if_repeated(researcher):
    claim = ClaimFactory()
    new_body = ARTICLE_BODY + " Again: " + QUOTE
    services.article_update(actor=researcher, article=claim.article, data={"body": new_body})
    claim.refresh_from_db()
    assert claim.quote_start == START


@pytest.mark.parametrize(
    "new_body",
    [
        ARTICLE_BODY.replace(QUOTE, "possibly done by someone"),
        # Moved and repeated: no single place to go.
        "Intro. " + ARTICLE_BODY + " " + QUOTE,
    ],
)
def test_article_body_edit_that_loses_a_quote_is_refused(new_body, researcher):
    claim = ClaimFactory()
    safe = ClaimFactory(article=claim.article, quote="The attack involved 21 rockets.")
    safe_start = safe.quote_start
    article = claim.article
    before = snapshot(Article, article.pk)
    with pytest.raises(Conflict) as caught:
        services.article_update(actor=researcher, article=article, data={"body": new_body, "title": "Edited"})
    assert caught.value.code == "breaks_anchors"
    assert caught.value.extra["claims"] == [claim.pk]
    assert list(caught.value.errors) == ["body"]
    assert snapshot(Article, article.pk) == before
    claim.refresh_from_db()
    safe.refresh_from_db()
    assert (claim.quote_start, safe.quote_start) == (START, safe_start)


def test_article_update_without_body_leaves_claims_alone(researcher):
    claim = ClaimFactory()
    services.article_update(actor=researcher, article=claim.article, data={"title": "Renamed"})
    claim.refresh_from_db()
    assert (claim.article.title, claim.quote_start) == ("Renamed", START)


def test_article_delete_refused_while_it_has_claims(reviewer):
    claim = ClaimFactory()
    with pytest.raises(Conflict) as caught:
        services.article_delete(article=claim.article, actor=reviewer)
    assert caught.value.code == "in_use"
    assert caught.value.extra["claims"] == [claim.pk]
    assert Article.objects.filter(pk=claim.article_id).exists()


# Citations --------------------------------------------------------------------------


def test_citation_add(researcher):
    claim, source = ClaimFactory(), SourceFactory()
    citation = services.citation_add(
        claim=claim, source=source, role="evidence", stance="contradicts", added_by=researcher, locator="p. 4"
    )
    citation.refresh_from_db()
    assert (citation.claim, citation.source, citation.added_by, citation.locator) == (
        claim,
        source,
        researcher,
        "p. 4",
    )


def test_citation_add_refuses_duplicate_but_allows_other_role(researcher):
    existing = CitationFactory(role="attribution")
    with pytest.raises(Conflict) as caught:
        services.citation_add(
            claim=existing.claim,
            source=existing.source,
            role="attribution",
            stance="context",
            added_by=researcher,
        )
    assert caught.value.code == "duplicate"
    assert caught.value.extra == {"existing_id": existing.pk}
    assert Citation.objects.count() == 1
    services.citation_add(
        claim=existing.claim, source=existing.source, role="evidence", stance="context", added_by=researcher
    )
    assert Citation.objects.count() == 2


@pytest.mark.parametrize("field", ["claim", "source"])
def test_citation_update_refuses_new_claim_or_source(field, researcher):
    citation = CitationFactory()
    before = snapshot(Citation, citation.pk)
    other = ClaimFactory() if field == "claim" else SourceFactory()
    with pytest.raises(InvalidInput) as caught:
        services.citation_update(actor=researcher, citation=citation, data={field: other, "note": "Changed."})
    assert caught.value.code == "immutable"
    assert list(caught.value.errors) == [field]
    assert snapshot(Citation, citation.pk) == before


def test_citation_update_refuses_role_clash(researcher):
    first = CitationFactory(role="attribution")
    second = CitationFactory(claim=first.claim, source=first.source, role="evidence")
    with pytest.raises(Conflict):
        services.citation_update(actor=researcher, citation=second, data={"role": "attribution"})
    second.refresh_from_db()
    assert second.role == "evidence"


def test_citation_update_changes_editable_fields(researcher):
    citation = CitationFactory()
    services.citation_update(
        actor=researcher,
        citation=citation,
        data={"claim": citation.claim, "role": "evidence", "stance": "context", "quote": "q", "note": "n"},
    )
    citation.refresh_from_db()
    assert (citation.role, citation.stance, citation.quote, citation.note) == (
        "evidence",
        "context",
        "q",
        "n",
    )


@pytest.mark.parametrize(
    ("verdict", "stance", "flipped"),
    [
        (Status.VERIFIED, "supports", "contradicts"),
        (Status.PARTLY_VERIFIED, "supports", "context"),
        (Status.REFUTED, "contradicts", "supports"),
    ],
)
def test_verdict_keeps_the_citation_it_rests_on(reviewer, verdict, stance, flipped):
    claim, citation = with_verdict(reviewer, verdict, stance)
    before = snapshot(Citation, citation.pk)
    with pytest.raises(Conflict) as caught:
        services.citation_update(actor=reviewer, citation=citation, data={"stance": flipped})
    assert caught.value.code == "verdict_depends_on_citation"
    with pytest.raises(Conflict) as caught:
        services.citation_delete(actor=reviewer, citation=citation)
    assert caught.value.code == "verdict_depends_on_citation"
    assert snapshot(Citation, citation.pk) == before
    claim.refresh_from_db()
    assert claim.status == verdict


def test_verdict_citation_may_go_when_another_remains(reviewer):
    claim, citation = with_verdict(reviewer)
    spare = CitationFactory(claim=claim, stance="supports")
    services.citation_update(actor=reviewer, citation=citation, data={"stance": "contradicts"})
    citation.refresh_from_db()
    assert citation.stance == "contradicts"
    services.citation_delete(actor=reviewer, citation=citation)
    assert list(claim.citations.all()) == [spare]


@pytest.mark.parametrize("verdict", [Status.DISPUTED, Status.UNVERIFIABLE])
def test_verdicts_needing_no_citation_do_not_hold_citations(reviewer, verdict):
    claim, citation = with_verdict(reviewer, verdict)
    services.citation_update(actor=reviewer, citation=citation, data={"stance": "contradicts"})
    services.citation_delete(actor=reviewer, citation=citation)
    assert not claim.citations.exists()


# claim_transition -------------------------------------------------------------------


def assert_unchanged(claim, status) -> None:
    claim.refresh_from_db()
    assert claim.status == status
    assert not StatusChange.objects.filter(claim=claim).exists()


def test_transition_writes_claim_and_history(researcher):
    claim = ClaimFactory()
    change = services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=researcher, rationale=" Go. ")
    assert (change.claim, change.from_status, change.to_status, change.rationale, change.changed_by) == (
        claim,
        Status.UNVERIFIED,
        Status.IN_REVIEW,
        "Go.",
        researcher,
    )
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW


def test_transition_refuses_unknown_status(reviewer):
    claim = ClaimFactory()
    with pytest.raises(InvalidInput) as caught:
        services.claim_transition(claim=claim, to="approved", actor=reviewer, rationale="x")
    assert list(caught.value.errors) == ["status"]
    assert_unchanged(claim, Status.UNVERIFIED)


def test_transition_refuses_same_status(reviewer):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    with pytest.raises(Conflict) as caught:
        services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer, rationale="x")
    assert caught.value.code == "no_change"
    assert_unchanged(claim, Status.IN_REVIEW)


def test_transition_refuses_outsider():
    claim = ClaimFactory()
    with pytest.raises(Forbidden):
        services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=UserFactory())
    assert_unchanged(claim, Status.UNVERIFIED)


def test_transition_refuses_inactive_reviewer(reviewer):
    reviewer.is_active = False
    claim = ClaimFactory(status=Status.IN_REVIEW)
    CitationFactory(claim=claim)
    with pytest.raises(Forbidden):
        services.claim_transition(claim=claim, to=Status.VERIFIED, actor=reviewer, rationale="x")
    assert_unchanged(claim, Status.IN_REVIEW)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.IN_REVIEW, Status.VERIFIED),
        (Status.VERIFIED, Status.IN_REVIEW),
        (Status.REFUTED, Status.DISPUTED),
    ],
)
def test_transition_refuses_researcher_verdicts(researcher, current, target):
    claim = ClaimFactory(status=current)
    CitationFactory(claim=claim, stance="supports")
    with pytest.raises(Forbidden) as caught:
        services.claim_transition(claim=claim, to=target, actor=researcher, rationale="x")
    assert caught.value.code == "reviewer_required"
    assert_unchanged(claim, current)


@pytest.mark.parametrize(
    ("current", "target"), [(Status.IN_REVIEW, Status.DISPUTED), (Status.DISPUTED, Status.UNVERIFIED)]
)
def test_transition_needs_rationale_for_verdicts(reviewer, current, target):
    claim = ClaimFactory(status=current)
    with pytest.raises(InvalidInput) as caught:
        services.claim_transition(claim=claim, to=target, actor=reviewer, rationale=" \n ")
    assert list(caught.value.errors) == ["rationale"]
    assert_unchanged(claim, current)


def test_transition_needs_the_right_citation(reviewer):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    CitationFactory(claim=claim, stance="contradicts")
    with pytest.raises(Conflict) as caught:
        services.claim_transition(claim=claim, to=Status.VERIFIED, actor=reviewer, rationale="x")
    assert caught.value.code == "citation_required"
    assert_unchanged(claim, Status.IN_REVIEW)
    services.claim_transition(claim=claim, to=Status.REFUTED, actor=reviewer, rationale="Contradicted.")
    claim.refresh_from_db()
    assert claim.status == Status.REFUTED


def test_transition_by_superuser(superuser):
    claim = ClaimFactory()
    services.claim_transition(
        claim=claim, to=Status.UNVERIFIABLE, actor=superuser, rationale="Nothing found."
    )
    services.claim_transition(claim=claim, to=Status.UNVERIFIED, actor=superuser, rationale="Reopen.")
    assert StatusChange.objects.filter(claim=claim, changed_by=superuser).count() == 2
