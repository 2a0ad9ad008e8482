import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from claims.models import Article, Citation, Claim, Status, StatusChange
from core.roles import RESEARCHERS
from tests.factories import (
    ARTICLE_BODY,
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    PublisherFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_researcher_admin(db):
    """Staff with the researchers' model permissions, but not a reviewer."""
    client = Client()
    client.force_login(UserFactory(is_staff=True, roles=[RESEARCHERS]))
    return client


def form_data(response) -> dict:
    """What a browser posts back for an admin form left unchanged, inline formsets included."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def result_ids(response) -> set[int]:
    return {claim.pk for claim in response.context["cl"].result_list}


def changelist(client, **params):
    return client.get(reverse("admin:claims_claim_changelist"), params)


def transition(client, claim, **body):
    return client.post(reverse("admin:claims_claim_transition", args=[claim.pk]), body)


# The claims list ------------------------------------------------------------------------


@pytest.mark.parametrize("client_fixture", ["reviewer_admin", "superuser_admin"])
def test_changelist_shows_coloured_status_and_citation_count(request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    claim = ClaimFactory(status=Status.IN_REVIEW, claimant="Pentagon spokesperson")
    CitationFactory(claim=claim)
    CitationFactory(claim=claim, stance=Citation.Stance.CONTRADICTS)
    response = changelist(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="claim-status claim-status-in_review" data-status="in_review">In review<' in html
    assert '<td class="field-citation_count">2</td>' in html
    assert "Pentagon spokesperson" in html
    assert "claims/admin/claimtrack-admin.css" in html  # the colours, without inline styles
    assert str(claim.article) in html
    assert response.context["cl"].result_list[0].last_change >= claim.updated_at


def _claims_with_citations(count: int) -> None:
    for _ in range(count):
        claim = ClaimFactory()
        CitationFactory(claim=claim)
        CitationFactory(claim=claim, role=Citation.Role.EVIDENCE)


@pytest.mark.parametrize("size", [1, 20])
def test_changelist_query_count_does_not_grow(reviewer_admin, django_assert_num_queries, size):
    _claims_with_citations(size)
    # Session, user, the user's groups (read once by the policy), the history context, the
    # count, Django's permissions (two: only the auth app's admin in the side bar asks them)
    # and the page.
    with django_assert_num_queries(8):
        response = changelist(reviewer_admin)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == size


def test_status_and_article_filters(reviewer_admin):
    in_review = ClaimFactory(status=Status.IN_REVIEW)
    other = ClaimFactory()
    assert result_ids(changelist(reviewer_admin, status__exact="in_review")) == {in_review.pk}
    assert result_ids(changelist(reviewer_admin, article=other.article_id)) == {other.pk}
    titled = ClaimFactory(article=ArticleFactory(title="Rockets over the Green Zone"))
    assert result_ids(changelist(reviewer_admin, article="green zone")) == {titled.pk}


def test_publisher_filters_use_article_and_cited_sources(reviewer_admin):
    publisher = PublisherFactory(name="Reuters")
    from_article = ClaimFactory(article=ArticleFactory(publisher=publisher))
    citing = ClaimFactory()
    # Two citations of the same publisher must not list the claim twice.
    CitationFactory(claim=citing, source=SourceFactory(publisher=publisher))
    CitationFactory(claim=citing, source=SourceFactory(publisher=publisher))
    ClaimFactory()
    assert result_ids(changelist(reviewer_admin, article_publisher="reut")) == {from_article.pk}
    response = changelist(reviewer_admin, cited_publisher="Reuters")
    assert [claim.pk for claim in response.context["cl"].result_list] == [citing.pk]
    assert response.context["cl"].result_list[0].citation_count == 2


def test_search_matches_statement_quote_and_claimant(reviewer_admin):
    article = ArticleFactory()
    by_claimant = ClaimFactory(article=article, claimant="Kataib Hezbollah")
    by_quote = ClaimFactory(
        article=article, statement="Twenty-one rockets were launched.", quote="21 rockets"
    )
    assert result_ids(changelist(reviewer_admin, q="hezbollah")) == {by_claimant.pk}
    assert result_ids(changelist(reviewer_admin, q="21 rockets")) == {by_quote.pk}
    assert result_ids(changelist(reviewer_admin, q="twenty-one")) == {by_quote.pk}


# The transition page --------------------------------------------------------------------


def test_change_form_links_to_the_transition_page(reviewer_admin):
    claim = ClaimFactory()
    response = reviewer_admin.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert response.status_code == 200
    assert reverse("admin:claims_claim_transition", args=[claim.pk]) in response.content.decode()
    page = reviewer_admin.get(reverse("admin:claims_claim_transition", args=[claim.pk]))
    assert page.status_code == 200
    assert 'name="rationale"' in page.content.decode()


def test_transition_page_writes_claim_and_history(reviewer_admin, reviewer):
    claim = ClaimFactory()
    response = transition(reviewer_admin, claim, status="in_review", rationale="Starting the check.")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:claims_claim_change", args=[claim.pk])
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    change = StatusChange.objects.get(claim=claim)
    assert (change.from_status, change.to_status, change.changed_by, change.rationale) == (
        "unverified",
        "in_review",
        reviewer,
        "Starting the check.",
    )


def test_reviewer_gives_verdict_on_transition_page(reviewer_admin):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    CitationFactory(claim=claim, stance=Citation.Stance.SUPPORTS)
    response = transition(reviewer_admin, claim, status="verified", rationale="CENTCOM's statement says so.")
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == Status.VERIFIED
    assert StatusChange.objects.get(claim=claim).to_status == Status.VERIFIED


def test_verdict_without_rationale_is_refused_on_transition_page(reviewer_admin):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    CitationFactory(claim=claim)
    response = transition(reviewer_admin, claim, status="verified", rationale="   ")
    assert response.status_code == 200
    assert response.context["form"].errors["rationale"] == [
        "A rationale is required to give or reopen a verdict."
    ]
    assert "A rationale is required" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW
    assert not StatusChange.objects.exists()


def test_verified_without_supporting_citation_is_refused(reviewer_admin):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    CitationFactory(claim=claim, stance=Citation.Stance.CONTRADICTS)
    response = transition(reviewer_admin, claim, status="verified", rationale="Looks right.")
    assert response.status_code == 200
    assert "needs at least one citation whose stance is &#x27;supports&#x27;" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW
    assert not StatusChange.objects.exists()


def test_staff_researcher_may_not_give_verdict(staff_researcher_admin):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    CitationFactory(claim=claim)
    response = transition(staff_researcher_admin, claim, status="verified", rationale="Looks right.")
    assert response.status_code == 200
    assert response.context["form"].errors["status"] == ["Only reviewers may give a verdict."]
    assert "Only reviewers may give a verdict." in response.content.decode()
    assert response.context["form"]["rationale"].value() == "Looks right."  # nothing typed is lost
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW
    assert not StatusChange.objects.exists()


def test_staff_without_claim_permissions_cannot_open_transition_page(db):
    claim = ClaimFactory()
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    response = transition(client, claim, status="in_review")
    assert response.status_code == 403
    assert Claim.objects.get(pk=claim.pk).status == Status.UNVERIFIED
    assert not StatusChange.objects.exists()


# List actions -----------------------------------------------------------------------------


def test_bulk_verdict_asks_for_rationale_then_reports_each_claim(reviewer_admin, reviewer):
    supported = ClaimFactory(status=Status.IN_REVIEW)
    CitationFactory(claim=supported, stance=Citation.Stance.SUPPORTS)
    unsupported = ClaimFactory(status=Status.IN_REVIEW)
    url = reverse("admin:claims_claim_changelist")
    selection = {"action": "transition_selected", "_selected_action": [supported.pk, unsupported.pk]}

    page = reviewer_admin.post(url, {**selection, "index": 0})
    assert page.status_code == 200
    assert page.templates[0].name == "admin/claims/claim/transition_selected.html"
    assert not StatusChange.objects.exists()

    missing_rationale = reviewer_admin.post(url, {**selection, "apply": "yes", "status": "verified"})
    assert missing_rationale.status_code == 200
    assert missing_rationale.context["form"].errors["rationale"] == ["This field is required."]
    assert not StatusChange.objects.exists()

    response = reviewer_admin.post(
        url, {**selection, "apply": "yes", "status": "verified", "rationale": "Checked against CENTCOM."}
    )
    assert response.status_code == 302
    assert Claim.objects.get(pk=supported.pk).status == Status.VERIFIED
    assert Claim.objects.get(pk=unsupported.pk).status == Status.IN_REVIEW
    change = StatusChange.objects.get()
    assert (change.claim_id, change.changed_by, change.rationale) == (
        supported.pk,
        reviewer,
        "Checked against CENTCOM.",
    )
    shown = messages_of(response)
    assert shown[0] == "Moved 1 claim to Verified."
    assert f"#{unsupported.pk}" in shown[1]
    assert "needs at least one citation whose stance is 'supports'" in shown[1]


def test_move_to_in_review_action(reviewer_admin):
    fresh = ClaimFactory()
    judged = ClaimFactory(status=Status.DISPUTED)
    response = reviewer_admin.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "move_to_in_review", "_selected_action": [fresh.pk, judged.pk], "index": 0},
    )
    assert response.status_code == 302
    assert Claim.objects.get(pk=fresh.pk).status == Status.IN_REVIEW
    assert Claim.objects.get(pk=judged.pk).status == Status.DISPUTED
    assert list(StatusChange.objects.values_list("claim_id", flat=True)) == [fresh.pk]
    shown = messages_of(response)
    assert shown[0] == "Moved 1 claim to In review."
    assert "A rationale is required to give or reopen a verdict." in shown[1]


# The claim form -------------------------------------------------------------------------


def test_create_claim_anchors_the_quote(reviewer_admin, reviewer):
    article = ArticleFactory()
    response = reviewer_admin.get(reverse("admin:claims_claim_add"))
    data = {
        **form_data(response),
        "article": article.pk,
        "statement": "The attack involved 21 rockets.",
        "quote": "The attack involved 21 rockets.",
        "claimant": "CENTCOM",
    }
    response = reviewer_admin.post(reverse("admin:claims_claim_add"), data)
    assert response.status_code == 302
    claim = Claim.objects.get()
    start = ARTICLE_BODY.index("The attack involved")
    assert (claim.quote_start, claim.quote_end) == (start, start + len(claim.quote))
    assert (claim.created_by, claim.status) == (reviewer, Status.UNVERIFIED)


def test_create_claim_with_quote_not_in_body_writes_nothing(reviewer_admin):
    article = ArticleFactory()
    response = reviewer_admin.get(reverse("admin:claims_claim_add"))
    data = {
        **form_data(response),
        "article": article.pk,
        "statement": "Drones were used.",
        "quote": "drones were used",
        "status": "verified",
    }
    response = reviewer_admin.post(reverse("admin:claims_claim_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["quote"] == [
        "The quote does not occur in the article body; copy the article's exact words."
    ]
    assert not Claim.objects.exists()


def test_ambiguous_quote_needs_an_offset(reviewer_admin):
    article = ArticleFactory()
    data = {
        **form_data(reviewer_admin.get(reverse("admin:claims_claim_add"))),
        "article": article.pk,
        "statement": "21 rockets were fired.",
        "quote": "21 rockets",
    }
    refused = reviewer_admin.post(reverse("admin:claims_claim_add"), data)
    assert refused.status_code == 200
    assert "occurs 2 times" in refused.context["adminform"].form.errors["quote_start"][0]
    assert not Claim.objects.exists()
    second = ARTICLE_BODY.rindex("21 rockets")
    accepted = reviewer_admin.post(reverse("admin:claims_claim_add"), {**data, "quote_start": second})
    assert accepted.status_code == 302
    assert Claim.objects.get().quote_start == second


def test_status_cannot_be_posted_in_the_change_form(reviewer_admin):
    claim = ClaimFactory()
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = {**form_data(reviewer_admin.get(url)), "status": "verified", "statement": "Edited statement."}
    response = reviewer_admin.post(url, data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.statement, claim.status) == ("Edited statement.", Status.UNVERIFIED)
    assert not StatusChange.objects.exists()


def test_a_claim_with_a_verdict_is_read_only_and_refuses_edits(reviewer_admin):
    claim = ClaimFactory(status=Status.VERIFIED)
    citation = CitationFactory(claim=claim, stance=Citation.Stance.SUPPORTS)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    page = reviewer_admin.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="statement"' not in html  # shown, not offered
    assert 'name="_save"' not in html
    assert "data-reopen-form" in html
    assert not page.context["inline_admin_formsets"][0].has_change_permission
    before = Claim.objects.get(pk=claim.pk).version
    response = reviewer_admin.post(
        url, {"statement": "Something else.", "citations-0-id": citation.pk, "citations-0-DELETE": "on"}
    )
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.statement == "The attack was almost certainly conducted by a militia group."
    assert claim.version == before
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_citation_inline_adds_through_the_service(reviewer_admin, reviewer):
    claim = ClaimFactory()
    source = SourceFactory()
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = {
        **form_data(reviewer_admin.get(url)),
        "citations-2-TOTAL_FORMS": 1,
        "citations-2-0-source": source.pk,
        "citations-2-0-role": "evidence",
        "citations-2-0-stance": "supports",
        "citations-2-0-locator": "p. 2",
    }
    response = reviewer_admin.post(url, data)
    assert response.status_code == 302
    citation = Citation.objects.get(claim=claim)
    assert (citation.source, citation.locator, citation.added_by) == (source, "p. 2", reviewer)


def test_existing_citation_source_is_shown_not_offered(reviewer_admin):
    claim = ClaimFactory()
    citation = CitationFactory(claim=claim)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = {**form_data(reviewer_admin.get(url)), "citations-0-source": SourceFactory().pk}
    assert "citations-0-source" not in form_data(reviewer_admin.get(url))
    assert reviewer_admin.post(url, data).status_code == 302
    assert Citation.objects.get(pk=citation.pk).source_id == citation.source_id


def test_refused_inline_change_rolls_back_the_claim_edit_too(reviewer_admin):
    claim = ClaimFactory()
    source = SourceFactory()
    CitationFactory(claim=claim, source=source, role=Citation.Role.ATTRIBUTION)
    second = CitationFactory(claim=claim, source=source, role=Citation.Role.EVIDENCE)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = {
        **form_data(reviewer_admin.get(url)),
        "statement": "Edited statement.",
        "citations-1-role": "attribution",
    }
    response = reviewer_admin.post(url, data)
    assert response.status_code == 200
    assert "already cites this source" in str(response.context["adminform"].form.non_field_errors())
    assert response.context["adminform"].form["statement"].value() == "Edited statement."  # kept
    claim.refresh_from_db()
    second.refresh_from_db()
    assert claim.statement == "The attack was almost certainly conducted by a militia group."
    assert second.role == Citation.Role.EVIDENCE


def test_reviewer_deletes_claim_with_its_history(reviewer_admin, reviewer):
    claim = ClaimFactory()
    CitationFactory(claim=claim)
    StatusChange.objects.create(
        claim=claim, from_status="unverified", to_status="in_review", changed_by=reviewer
    )
    url = reverse("admin:claims_claim_delete", args=[claim.pk])
    assert reviewer_admin.get(url).status_code == 200
    response = reviewer_admin.post(url, {"post": "yes"})
    assert response.status_code == 302
    # In the trash, with its citations and history.
    assert Claim.objects.get(pk=claim.pk).deleted_at is not None
    assert Citation.objects.filter(claim=claim).count() == 1
    assert StatusChange.objects.filter(claim=claim).count() == 1


# History ------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_fixture", ["reviewer_admin", "superuser_admin"])
def test_status_history_is_read_only(request, client_fixture, reviewer):
    client = request.getfixturevalue(client_fixture)
    claim = ClaimFactory(status=Status.IN_REVIEW)
    change = StatusChange.objects.create(
        claim=claim, from_status="unverified", to_status="in_review", changed_by=reviewer
    )
    add = client.post(
        reverse("admin:claims_statuschange_add"),
        {"claim": claim.pk, "from_status": "in_review", "to_status": "verified"},
    )
    assert add.status_code == 403
    edit_url = reverse("admin:claims_statuschange_change", args=[change.pk])
    assert client.get(edit_url).status_code == 200  # view only
    assert client.post(edit_url, {"rationale": "rewritten"}).status_code == 403
    assert (
        client.post(
            reverse("admin:claims_statuschange_delete", args=[change.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert list(StatusChange.objects.values_list("rationale", flat=True)) == [""]
    claim_page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert [row["entry"].kind for row in claim_page.context["recent_history"]] == [
        "status_change",
        "claim_created",
    ]
    assert not any(
        inline.formset.model is StatusChange for inline in claim_page.context["inline_admin_formsets"]
    )


# Articles -----------------------------------------------------------------------------------


def test_article_pages_list_claims_with_links(reviewer_admin):
    claim = ClaimFactory()
    CitationFactory(claim=claim)
    listing = reviewer_admin.get(reverse("admin:claims_article_changelist"))
    assert listing.status_code == 200
    assert '<td class="field-claim_count">1</td>' in listing.content.decode()
    page = reviewer_admin.get(reverse("admin:claims_article_change", args=[claim.article_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("admin:claims_claim_change", args=[claim.pk]) in html
    assert re.search(r'<td class="field-citation_count">\s*<p>1</p>', html)


def test_article_body_edit_that_loses_a_quote_is_refused(reviewer_admin):
    claim = ClaimFactory()
    url = reverse("admin:claims_article_change", args=[claim.article_id])
    data = {**form_data(reviewer_admin.get(url)), "body": "A different text altogether."}
    response = reviewer_admin.post(url, data)
    assert response.status_code == 200
    assert "no longer contains the exact quote" in response.context["adminform"].form.errors["body"][0]
    assert Article.objects.get(pk=claim.article_id).body == ARTICLE_BODY


def test_article_with_claims_cannot_be_deleted(reviewer_admin):
    claim = ClaimFactory()
    url = reverse("admin:claims_article_delete", args=[claim.article_id])
    response = reviewer_admin.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:claims_article_change", args=[claim.article_id])
    assert messages_of(response) == ["The article still has claims; delete them first."]
    assert Article.objects.filter(pk=claim.article_id).exists()
