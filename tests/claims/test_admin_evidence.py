"""The reviewer's evidence page (a claim's admin change page), its status form, and the
claims list, through the test client."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import services
from claims.admin import EstimatedCountPaginator, planner_estimate
from claims.anchoring import quote_in_paragraph
from claims.models import Citation, Claim, Status, StatusChange
from core.roles import RESEARCHERS
from sources.models import SourceReliance
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    PublisherFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BODY = (
    "Officials met on Monday.\n"
    "The attack involved 21 rockets, officials said, not eight missiles.\n"
    "Nobody was hurt."
)
QUOTE = "involved 21 rockets"


@pytest.fixture
def staff_researcher_admin(db):
    client = Client()
    client.force_login(UserFactory(is_staff=True, roles=[RESEARCHERS]))
    return client


def evidence_page(client, claim):
    return client.get(reverse("admin:claims_claim_change", args=[claim.pk]))


def transition(client, claim, **body):
    return client.post(reverse("admin:claims_claim_transition", args=[claim.pk]), body)


def in_review_claim(**kwargs) -> Claim:
    article = ArticleFactory(body=BODY, publisher=PublisherFactory(name="The Daily Record"))
    return ClaimFactory(article=article, quote=QUOTE, status=Status.IN_REVIEW, **kwargs)


def section(html: str, name: str) -> str:
    match = re.search(rf"<section[^>]*data-evidence-{name}[^>]*>(.*?)</section>", html, re.S)
    assert match, f"no {name} section"
    return match.group(1)


def option_values(response) -> list[str]:
    return [option["value"] for option in response.context["status_options"]]


# What the page shows ---------------------------------------------------------------------------


def test_quote_in_paragraph_cuts_at_line_breaks_and_words():
    start = BODY.index(QUOTE)
    assert quote_in_paragraph(body=BODY, start=start, end=start + len(QUOTE)) == (
        "The attack ",
        QUOTE,
        ", officials said, not eight missiles.",
    )
    long = "word " * 50 + "QUOTE" + " more" * 50
    before, _quote, after = quote_in_paragraph(body=long, start=250, end=255, limit=20)
    assert before.startswith("…")
    assert len(before) <= 21
    assert not before.startswith("…ord")
    assert after.endswith("…")
    assert len(after) <= 21


def test_evidence_page_shows_quote_citations_sources_and_provenance(reviewer_admin):
    claim = in_review_claim(claimant="CENTCOM spokesman", statement="The attack involved 21 rockets.")
    review = SourceFactory(title="After-action review", publisher=PublisherFactory(name="CENTCOM"))
    report = SourceFactory(
        title="Journal report",
        url="https://news.example.org/rockets",
        archived_url="https://archive.example.org/rockets",
        publisher=PublisherFactory(name="Wall Street Journal"),
    )
    SourceReliance.objects.create(source=report, relies_on=review)
    CitationFactory(
        claim=claim,
        source=report,
        stance=Citation.Stance.SUPPORTS,
        quote="the attack involved 21 rockets",
        locator="para. 3",
    )
    denial = SourceFactory(title="Militia statement", publisher=None)
    CitationFactory(
        claim=claim, source=denial, stance=Citation.Stance.CONTRADICTS, role=Citation.Role.EVIDENCE
    )

    response = evidence_page(reviewer_admin, claim)

    assert response.status_code == 200
    html = response.content.decode()
    quote = section(html, "claim")
    assert (
        "<mark data-evidence-quote>involved 21 rockets</mark>, officials said, not eight missiles." in quote
    )
    assert "Nobody was hurt" not in quote  # another paragraph
    assert "The attack involved 21 rockets." in quote
    assert "CENTCOM spokesman" in quote
    assert "The Daily Record" in quote
    citations = section(html, "citations")
    for shown in (
        "Journal report",
        "Wall Street Journal",
        'href="https://news.example.org/rockets"',
        'href="https://archive.example.org/rockets"',
        "News report",
        "Attribution (the article credits this source)",
        "Supports",
        "the attack involved 21 rockets",
        "Locator: para. 3",
        "After-action review",  # where the report's chain ends
        "Militia statement",
        "no publisher",
        "Contradicts",
    ):
        assert shown in citations, shown
    provenance = section(html, "provenance")
    assert "Independent origins supporting: 1" in provenance
    assert "Independent origins contradicting: 1" in provenance
    assert reverse("admin:sources_source_change", args=[review.pk]) in provenance


def test_history_names_sources_and_people_rather_than_ids(reviewer_admin, reviewer):
    claim = in_review_claim()
    source = SourceFactory(title="Pentagon briefing")
    services.citation_add(
        claim=claim, source=source, role="evidence", stance="supports", added_by=reviewer, note="Seen."
    )
    html = evidence_page(reviewer_admin, claim).content.decode()
    history = section(html, "history")
    link = reverse("admin:sources_source_change", args=[source.pk])
    assert f'<a href="{link}" data-history-link="source">Pentagon briefing</a>' in history
    assert f"<ins>{source.pk}</ins>" not in history
    assert "<ins>rev</ins>" in history  # added by, as a username
    assert "<ins>this claim</ins>" in history
    full = reviewer_admin.get(reverse("admin:claims_claim_history", args=[claim.pk])).content.decode()
    assert "data-history-link" in full


# The status form ------------------------------------------------------------------------------


def test_status_form_offers_the_reviewers_moves_with_their_rules_and_none_chosen(reviewer_admin):
    claim = in_review_claim()
    CitationFactory(claim=claim, stance=Citation.Stance.CONTRADICTS)
    response = evidence_page(reviewer_admin, claim)
    assert option_values(response) == [
        "unverified", "verified", "partly_verified", "disputed", "refuted", "unverifiable",
    ]  # fmt: skip
    html = section(response.content.decode(), "status")
    assert "checked" not in html
    options = {option["value"]: option for option in response.context["status_options"]}
    assert (
        options["verified"]["rule"]
        == "Needs at least one citation whose stance is “Supports” and a rationale."
    )
    assert (options["verified"]["have"], options["refuted"]["have"]) == (0, 1)
    assert options["disputed"]["rule"] == "Needs a rationale."
    assert options["unverified"]["rule"] == "No rationale or citation needed."
    assert 'data-rule-met="no">This claim has 0.' in html
    assert 'data-rule-met="yes">This claim has 1.' in html
    assert '<textarea name="rationale"' in html


def test_staff_researcher_is_offered_only_research_moves(staff_researcher_admin):
    claim = in_review_claim()
    assert option_values(evidence_page(staff_researcher_admin, claim)) == ["unverified"]
    unverified = ClaimFactory()
    assert option_values(evidence_page(staff_researcher_admin, unverified)) == ["in_review"]


def test_reviewer_gives_a_verdict_from_the_evidence_page(reviewer_admin, reviewer):
    claim = in_review_claim()
    CitationFactory(claim=claim, stance=Citation.Stance.SUPPORTS)
    response = transition(reviewer_admin, claim, status="verified", rationale="CENTCOM's review says 21.")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:claims_claim_change", args=[claim.pk])
    change = StatusChange.objects.get(claim=claim)
    assert (change.to_status, change.changed_by, change.rationale) == (
        "verified",
        reviewer,
        "CENTCOM's review says 21.",
    )
    page = evidence_page(reviewer_admin, claim)
    html = page.content.decode()
    assert "data-verdict-readonly" in html
    assert "data-reopen-form" in html
    assert "data-status-form" not in html
    assert 'name="statement"' not in html


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"rationale": "No status chosen."}, "status", "This field is required."),
        ({"status": "verified", "rationale": " "}, "rationale", "A rationale is required"),
        ({"status": "verified", "rationale": "Supported."}, "status", "needs at least one citation"),
        ({"status": "in_review", "rationale": "Again."}, "status", "already in_review"),
        ({"status": "proven", "rationale": "Sure."}, "status", "Select a valid choice"),
    ],
)
def test_refused_status_changes_keep_what_was_typed_and_write_nothing(reviewer_admin, body, field, message):
    claim = in_review_claim()
    CitationFactory(claim=claim, stance=Citation.Stance.CONTRADICTS)
    version = Claim.objects.get(pk=claim.pk).version
    response = transition(reviewer_admin, claim, **body)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    html = response.content.decode()
    assert f'data-field-errors="{field}"' in html
    if body.get("rationale", "").strip():
        assert f"{body['rationale']}</textarea>" in html
    if body.get("status") in Status.values and body["status"] != "in_review":
        assert f'value="{body["status"]}" id="status_{body["status"]}" checked' in html
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (Status.IN_REVIEW, version)
    assert not StatusChange.objects.exists()


def test_reopen_needs_a_rationale_then_reopens(reviewer_admin):
    claim = ClaimFactory(status=Status.DISPUTED)
    refused = transition(reviewer_admin, claim, status="in_review", rationale="")
    assert refused.status_code == 200
    assert refused.context["form"].errors["rationale"] == [
        "A rationale is required to give or reopen a verdict."
    ]
    assert Claim.objects.get(pk=claim.pk).status == Status.DISPUTED
    assert not StatusChange.objects.exists()
    response = transition(reviewer_admin, claim, status="in_review", rationale="A new video surfaced.")
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW
    html = evidence_page(reviewer_admin, claim).content.decode()
    assert "data-status-form" in html
    assert 'name="statement"' in html


def test_staff_researcher_sees_a_verdict_without_reopen(staff_researcher_admin):
    claim = ClaimFactory(status=Status.REFUTED)
    html = evidence_page(staff_researcher_admin, claim).content.decode()
    assert "data-verdict-readonly" in html
    assert "data-reopen-form" not in html
    assert "Only reviewers may reopen a verdict." in html
    response = transition(staff_researcher_admin, claim, status="in_review", rationale="Please.")
    assert response.status_code == 200
    assert response.context["form"].errors["status"] == ["Only reviewers may reopen a verdict."]
    assert Claim.objects.get(pk=claim.pk).status == Status.REFUTED
    assert not StatusChange.objects.exists()


# Query counts ---------------------------------------------------------------------------------


def _claim_with_evidence(size: int, *, editor: User) -> Claim:
    claim = in_review_claim()
    for number in range(size):
        origin = SourceFactory(title=f"Origin {number}")
        source = SourceFactory(archived_url=f"https://archive.example.org/{number}")
        SourceReliance.objects.create(source=source, relies_on=origin)
        CitationFactory(claim=claim, source=source, quote="21 rockets", locator=f"p. {number}")
        services.claim_update(claim=claim, data={"claimant": f"Spokesman {number}"}, actor=editor)
    return claim


@pytest.mark.parametrize("size", [1, 8])
def test_evidence_page_query_count_does_not_grow(reviewer_admin, reviewer, django_assert_num_queries, size):
    claim = _claim_with_evidence(size, editor=reviewer)
    evidence_page(reviewer_admin, claim)  # the first request also fills Django's content-type cache
    # Session, user, the claim, permissions (two), the inline's citations, the article, the
    # citations with sources and publishers, the provenance (two, the second with the
    # history context), the role check, the history (four, same-claim links' events included:
    # the names it needs are on the page already), the article picker's selected option, the
    # confirmed equivalents.
    with django_assert_num_queries(17):
        response = evidence_page(reviewer_admin, claim)
    assert response.status_code == 200
    assert len(response.context["evidence"].citations) == size


# The claims list ------------------------------------------------------------------------------


def test_list_cuts_statements_at_a_word_with_the_full_text_on_hover(reviewer_admin):
    statement = (
        "The rocket attack on the International Zone near the embassy was almost certainly "
        "conducted by an Iranian-backed rogue militia group, the command said."
    )
    claim = ClaimFactory(statement=statement)
    html = reviewer_admin.get(reverse("admin:claims_claim_changelist")).content.decode()
    shown = re.search(r'<span title="([^"]*)" data-statement>([^<]*)</span>', html)
    assert shown.group(1) == statement
    assert (
        shown.group(2) == "The rocket attack on the International Zone near the embassy was almost certainly…"
    )
    assert reverse("admin:claims_claim_change", args=[claim.pk]) in html


def test_list_shows_article_claimant_citations_and_independent_support(reviewer_admin):
    claim = ClaimFactory(claimant="CENTCOM", article=ArticleFactory(title="Rockets on Baghdad"))
    CitationFactory(claim=claim, stance=Citation.Stance.SUPPORTS)
    CitationFactory(claim=claim, stance=Citation.Stance.SUPPORTS)
    html = reviewer_admin.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert '<td class="field-article nowrap">Rockets on Baghdad</td>' in html
    assert '<td class="field-claimant">CENTCOM</td>' in html
    assert '<td class="field-citation_count">2</td>' in html
    assert '<td class="field-independent_support">2</td>' in html


def test_publisher_filters_are_typed_not_listed(reviewer_admin):
    for number in range(30):
        PublisherFactory(name=f"Listed Publisher {number}")
    ClaimFactory()
    response = reviewer_admin.get(reverse("admin:claims_claim_changelist"), {"status__exact": "unverified"})
    html = response.content.decode()
    assert "Listed Publisher" not in html
    assert 'name="article_publisher"' in html
    assert 'name="cited_publisher"' in html
    # The typed filter keeps the list's other filters.
    assert '<input type="hidden" name="status__exact" value="unverified">' in html


def test_large_lists_are_counted_by_the_planner_not_by_counting_rows(reviewer_admin, monkeypatch):
    ClaimFactory.create_batch(3)
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_BELOW", 0)
    with CaptureQueriesContext(connection) as queries:
        response = reviewer_admin.get(reverse("admin:claims_claim_changelist"))
    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [text for text in sql if text.upper().startswith("SELECT COUNT(")]
    assert any("EXPLAIN (FORMAT JSON)" in text for text in sql)
    live = Claim.objects.filter(deleted_at__isnull=True)
    assert response.context["cl"].result_count == planner_estimate(live)
    assert len(response.context["cl"].result_list) == 3


def test_small_lists_are_counted_exactly(reviewer_admin):
    ClaimFactory.create_batch(3)
    response = reviewer_admin.get(reverse("admin:claims_claim_changelist"))
    assert response.context["cl"].result_count == 3
