"""Article text that stays what it was: one normalisation at every door, no-op edits that
write nothing, re-anchorings recorded as such, and the data migration's function."""

import pghistory
import pytest
from django.urls import reverse

from claims import services
from claims.anchoring import normalise_stored_bodies, normalise_text, normalised_offset
from claims.history import HistoryKind, claim_history
from claims.models import Article, ArticleEvent, Claim, ClaimEvent, Status
from core.errors import Conflict
from core.policies import SYSTEM
from tests.factories import ArticleFactory, ClaimFactory
from tests.helpers import assert_error, if_match

pytestmark = pytest.mark.django_db

LINES = "First line of the report.\nRockets hit the base.\n\nOfficials confirmed it."
QUOTE = "Rockets hit the base."


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def counts(article: Article) -> dict:
    """What an edit could write: versions, offsets and history rows of the article and claims."""
    claims = list(Claim.objects.filter(article=article).order_by("pk").values_list("version", "quote_start"))
    return {
        "article_version": Article.objects.get(pk=article.pk).version,
        "claims": claims,
        "article_events": ArticleEvent.objects.filter(pgh_obj_id=article.pk).count(),
        "claim_events": ClaimEvent.objects.filter(article_id=article.pk).count(),
    }


def article_with_claim(*, status: str = Status.UNVERIFIED, body: str = LINES) -> tuple[Article, Claim]:
    article = services.article_create(created_by=SYSTEM, title="Report", body=body)
    claim = services.claim_create(article=article, statement="Rockets hit.", quote=QUOTE, created_by=SYSTEM)
    if status != Status.UNVERIFIED:
        Claim.objects.filter(pk=claim.pk).update(status=status)
        claim.refresh_from_db()
    return article, claim


# The rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\n\r\nb\r", "a\n\nb\n"),
        ("a\n\rb", "a\n\nb"),
        ("no breaks ✓ 😀  double  spaces ", "no breaks ✓ 😀  double  spaces "),
        ("Cafe\u0301", "Cafe\u0301"),  # no Unicode normalisation: quoted characters stay
    ],
)
def test_normalise_text_changes_only_line_endings(raw, stored):
    assert normalise_text(raw) == stored


def test_normalised_offset_keeps_a_crlf_pair_whole():
    text = "ab\r\ncd"
    assert [normalised_offset(text, n) for n in (0, 2, 4, 6)] == [0, 2, 3, 5]
    assert normalised_offset(text, 3) == 2  # a start inside the pair moves before it
    assert normalised_offset(text, 3, end=True) == 3  # an end inside the pair moves after it


# Every door stores the normalised body ---------------------------------------------------------


def test_service_create_stores_newlines_and_offsets_count_them():
    article, claim = article_with_claim(body=crlf(LINES))
    article.refresh_from_db()
    assert article.body == LINES
    assert (claim.quote_start, claim.quote_end) == (LINES.index(QUOTE), LINES.index(QUOTE) + len(QUOTE))


def test_api_create_stores_newlines(researcher_client):
    response = researcher_client.post(
        reverse("article-list"), {"title": "From a browser", "body": crlf(LINES)}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Article.objects.get(pk=response.json()["id"]).body == LINES


def test_quote_sent_with_crlf_matches_the_normalised_body(researcher_client):
    article = services.article_create(created_by=SYSTEM, title="Report", body=LINES)
    quote = "Rockets hit the base.\n\nOfficials"
    response = researcher_client.post(
        reverse("claim-list"),
        {"article": article.pk, "statement": "They confirmed.", "quote": crlf(quote)},
        format="json",
    )
    assert response.status_code == 201, response.content
    claim = Claim.objects.get(pk=response.json()["id"])
    assert claim.quote == quote
    assert article.body[claim.quote_start : claim.quote_end] == quote


def test_admin_article_form_with_crlf_body_touches_no_claim(reviewer_admin):
    article, _claim = article_with_claim(status=Status.VERIFIED)
    before = counts(article)
    url = reverse("admin:claims_article_change", args=[article.pk])
    response = reviewer_admin.post(
        url,
        {
            "title": article.title,
            "byline": "New Byline",
            "body": crlf(LINES),
            "url": "",
            "language": "",
            "claims-TOTAL_FORMS": "1",
            "claims-INITIAL_FORMS": "1",
            "claims-MIN_NUM_FORMS": "0",
            "claims-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.byline == "New Byline"
    assert article.body == LINES
    after = counts(article)
    assert after["claims"] == before["claims"]
    assert after["claim_events"] == before["claim_events"]


# Edits that change nothing write nothing ----------------------------------------------------


def test_same_body_with_other_line_endings_and_a_new_byline_touches_no_claim(researcher):
    article, _claim = article_with_claim()
    before = counts(article)
    services.article_update(
        actor=researcher, article=article, data={"byline": "B. Writer", "body": crlf(LINES)}
    )
    after = counts(article)
    assert after["claims"] == before["claims"]
    assert after["claim_events"] == before["claim_events"]
    assert after["article_version"] == before["article_version"] + 1  # the byline did change
    assert Article.objects.get(pk=article.pk).body == LINES


def test_edit_that_changes_nothing_writes_nothing(researcher_client):
    article, _claim = article_with_claim()
    before = counts(article)
    response = researcher_client.patch(
        reverse("article-detail", args=[article.pk]),
        {"title": "Report", "body": crlf(LINES)},
        format="json",
        **if_match(article),
    )
    assert response.status_code == 200, response.content
    assert counts(article) == before


# A claim whose quote moves: re-anchored, and recorded as a re-anchoring ------------------------


def test_body_edit_moving_a_verdict_records_a_reanchoring(researcher):
    article, claim = article_with_claim(status=Status.VERIFIED)
    old_start = claim.quote_start
    services.article_update(actor=researcher, article=article, data={"body": "Update: " + crlf(LINES)})
    claim.refresh_from_db()
    new_start = old_start + len("Update: ")
    assert (claim.quote_start, claim.quote_end) == (new_start, new_start + len(QUOTE))
    assert claim.status == Status.VERIFIED
    latest = claim_history(claim=claim)[0]
    assert latest.kind == HistoryKind.CLAIM_REANCHORED
    assert latest.changes == {
        "quote_start": {"before": old_start, "after": new_start},
        "quote_end": {"before": old_start + len(QUOTE), "after": new_start + len(QUOTE)},
    }
    offset_entries = [entry.kind for entry in claim_history(claim=claim) if "quote_start" in entry.changes]
    assert offset_entries == [HistoryKind.CLAIM_REANCHORED, HistoryKind.CLAIM_CREATED]


def test_claim_edit_of_offsets_is_still_an_edit(researcher):
    body = "hit the base. Later it hit the base again."
    article = services.article_create(created_by=SYSTEM, title="Twice", body=body)
    claim = services.claim_create(
        article=article, statement="Hit.", quote="hit the base", quote_start=0, created_by=SYSTEM
    )
    services.claim_update(actor=researcher, claim=claim, data={"quote_start": body.rindex("hit the base")})
    assert claim_history(claim=claim)[0].kind == HistoryKind.CLAIM_CHANGED


def test_body_edit_losing_a_verdict_quote_is_refused_and_writes_nothing(researcher):
    article, claim = article_with_claim(status=Status.VERIFIED)
    before = counts(article)
    with pytest.raises(Conflict) as refused:
        services.article_update(actor=researcher, article=article, data={"body": "Nothing of the kind."})
    assert refused.value.extra == {"claims": [claim.pk]}
    assert counts(article) == before
    assert Article.objects.get(pk=article.pk).body == LINES


def test_api_body_edit_losing_a_quote_names_the_claims(researcher_client):
    article, claim = article_with_claim(status=Status.REFUTED)
    before = counts(article)
    response = researcher_client.patch(
        reverse("article-detail", args=[article.pk]), {"body": "Gone."}, format="json", **if_match(article)
    )
    body = assert_error(response, 409, "breaks_anchors")
    assert body["claims"] == [claim.pk]
    assert counts(article) == before


# The data migration's function, on crafted rows ---------------------------------------------


def test_normalise_stored_bodies_moves_quotes_and_offsets_with_the_body():
    raw = "Intro.\r\nRockets hit the base.\r\n\r\nOfficials\r\nconfirmed it.\rEnd."
    # Rows as an older version stored them: raw line endings, offsets counting "\r".
    article = ArticleFactory(body=raw)
    plain = ArticleFactory(body=LINES)
    first = ClaimFactory(article=article, quote="Rockets hit the base.")
    spanning = ClaimFactory(article=article, quote="Officials\r\nconfirmed it.\rEnd")
    untouched = ClaimFactory(article=plain, quote=QUOTE)
    plain_version = Article.objects.get(pk=plain.pk).version

    with pghistory.context(migration="test"):
        changed = normalise_stored_bodies(article_model=Article, claim_model=Claim)

    assert changed == 1
    article.refresh_from_db()
    assert article.body == normalise_text(raw)
    for claim, quote in ((first, "Rockets hit the base."), (spanning, "Officials\nconfirmed it.\nEnd")):
        claim.refresh_from_db()
        assert claim.quote == quote
        assert article.body[claim.quote_start : claim.quote_end] == quote
    assert first.quote_start == article.body.index("Rockets")
    untouched_before = untouched.quote_start
    untouched.refresh_from_db()
    assert untouched.quote_start == untouched_before
    assert Article.objects.get(pk=plain.pk).version == plain_version
    event = ClaimEvent.objects.filter(pgh_obj_id=spanning.pk).order_by("-pgh_id").first()
    assert event.pgh_context.metadata["migration"] == "test"
    assert normalise_stored_bodies(article_model=Article, claim_model=Claim) == 0


def test_admin_keeps_the_body_as_typed_apart_from_line_endings(reviewer_admin):
    body = "  Indented first line.\r\nRockets hit the base.\r\n"
    response = reviewer_admin.post(
        reverse("admin:claims_article_add"),
        {
            "title": "Typed in the admin",
            "body": body,
            "url": "",
            "byline": "",
            "language": "",
            "claims-TOTAL_FORMS": "0",
            "claims-INITIAL_FORMS": "0",
            "claims-MIN_NUM_FORMS": "0",
            "claims-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (
        Article.objects.get(title="Typed in the admin").body
        == "  Indented first line.\nRockets hit the base.\n"
    )
