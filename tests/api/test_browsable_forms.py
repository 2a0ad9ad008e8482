"""The browsable API's forms (api/renderers.py): a refused submission keeps what was typed,
with each error beside its field; create forms have no version, edit forms the record's; no
form lists the rows of a related table."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.matching import DEFAULT_LIMIT, DEFAULT_THRESHOLD
from claims.models import Citation, Claim, Status
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, SourceFactory
from tests.html import field_errors, field_value, parse

pytestmark = pytest.mark.django_db

HTML = {"HTTP_ACCEPT": "text/html"}


def page(response):
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
    return parse(response.content)


def form(document, name: str):
    return document.find(data_form=name)


def shown_json(document) -> dict:
    """The JSON body the page shows above its forms (DRF's response-info block)."""
    text = document.find("div", class_="response-info").find("pre").text()
    return json.loads(text[text.index("{") :])


def stored_version(record) -> int:
    return type(record).objects.values_list("version", flat=True).get(pk=record.pk)


def bump(claim, times: int) -> None:
    """Raise the claim's version by editing it (the database counts versions)."""
    for n in range(times):
        Claim.objects.filter(pk=claim.pk).update(claimant=f"Claimant {n}")


def test_refused_create_keeps_every_typed_value_with_the_error_beside_its_field(researcher_client):
    article = ArticleFactory()
    typed = {
        "article": str(article.pk),
        "statement": "Twenty rockets hit the embassy compound.",
        "quote": "words the article never says",
        "claimant": "A spokesman",
        "claim_date": "2020-12-20",
    }
    response = researcher_client.post(reverse("claim-list"), typed, format="multipart", **HTML)
    assert response.status_code == 400
    post = form(page(response), "post")
    for name, value in typed.items():
        assert field_value(post, name) == value
    assert field_errors(post, "quote")
    assert field_errors(post, "statement") == []
    assert not Claim.objects.exists()


def test_refused_create_still_shows_the_json_error_body(researcher_client):
    response = researcher_client.post(reverse("claim-list"), {"statement": "x"}, format="multipart", **HTML)
    body = shown_json(page(response))
    assert body["status"] == 400
    assert {error["field"] for error in body["errors"]} >= {"article", "quote"}


def test_create_form_has_no_version_and_edit_form_carries_the_record_version(researcher_client):
    claim = ClaimFactory()
    bump(claim, 2)
    listing = page(researcher_client.get(reverse("claim-list"), **HTML))
    assert form(listing, "post").find_all(data_field="version") == []
    detail = page(researcher_client.get(reverse("claim-detail", args=[claim.pk]), **HTML))
    assert field_value(form(detail, "put"), "version") == "3" == str(stored_version(claim))
    assert field_value(form(detail, "put"), "statement") == claim.statement


def test_successful_create_offers_the_form_again_empty(researcher_client):
    article = ArticleFactory()
    quote = "almost certainly conducted by a militia group"
    response = researcher_client.post(
        reverse("claim-list"),
        {"article": str(article.pk), "statement": "A militia did it.", "quote": quote},
        format="multipart",
        **HTML,
    )
    assert response.status_code == 201
    post = form(page(response), "post")
    assert field_value(post, "statement") == ""
    assert field_value(post, "quote") == ""
    assert Claim.objects.filter(quote=quote).count() == 1


@pytest.mark.parametrize(
    ("version", "status_code"),
    [pytest.param(None, 428, id="no version: 428"), pytest.param("1", 412, id="stale version: 412")],
)
def test_refused_edit_keeps_the_typed_values(researcher_client, version, status_code):
    claim = ClaimFactory()
    bump(claim, 1)
    typed = {"article": str(claim.article_id), "statement": "Reworded by hand.", "quote": claim.quote}
    if version is not None:
        typed["version"] = version
    response = researcher_client.put(
        reverse("claim-detail", args=[claim.pk]), typed, format="multipart", **HTML
    )
    assert response.status_code == status_code
    put = form(page(response), "put")
    assert field_value(put, "statement") == "Reworded by hand."
    assert field_value(put, "version") == (version or "")
    assert field_errors(put, "version")
    assert Claim.objects.get(pk=claim.pk).statement == claim.statement


def test_refused_citation_409_keeps_the_typed_values_and_names_the_source(researcher_client):
    citation = CitationFactory()
    typed = {
        "claim": str(citation.claim_id),
        "source": str(citation.source_id),
        "role": citation.role,
        "stance": Citation.Stance.CONTRADICTS,
        "quote": "The source's own words.",
    }
    response = researcher_client.post(reverse("citation-list"), typed, format="multipart", **HTML)
    assert response.status_code == 409
    post = form(page(response), "post")
    for name, value in typed.items():
        assert field_value(post, name) == value
    assert field_errors(post, "source")
    assert Citation.objects.count() == 1


def test_choice_fields_have_no_silent_default(researcher_client):
    post = form(page(researcher_client.get(reverse("citation-list"), **HTML)), "post")
    assert field_value(post, "role") == ""
    assert field_value(post, "stance") == ""


LIST_PAGES = ["claim-list", "citation-list", "article-list", "source-list"]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_no_form_lists_the_rows_of_a_related_table(reviewer_client, name):
    citation = CitationFactory()
    SourceFactory().relies_on.add(citation.source)
    pages = [reviewer_client.get(reverse(name), **HTML)]
    pages.append(
        reviewer_client.get(reverse(name.replace("list", "detail"), args=[_pk(name, citation)]), **HTML)
    )
    for response in pages:
        assert response.status_code == 200
        document = page(response)
        assert document.find_all("datalist") == []
        for select in document.find_all("select"):
            assert select.attrs.get("name") not in {"article", "claim", "source", "publisher", "relies_on"}
        for name_ in ("article", "claim", "source"):
            for group in document.find_all(data_field=name_):
                assert group.attrs.get("data-lookup", "").endswith(f"/{name_}s/")


def _pk(name, citation) -> int:
    return {
        "claim-list": citation.claim_id,
        "citation-list": citation.pk,
        "article-list": citation.claim.article_id,
        "source-list": citation.source_id,
    }[name]


def offered(document) -> list[str]:
    select = form(document, "post").find(data_field="status").find("select")
    return [option.attrs["value"] for option in select.find_all("option") if option.attrs["value"]]


def transition_page(client, claim):
    return client.get(reverse("claim-transition", args=[claim.pk]), **HTML)


def test_transition_page_is_a_form_not_a_405(researcher_client):
    claim = ClaimFactory()
    bump(claim, 2)
    response = transition_page(researcher_client, claim)
    assert response.status_code == 200
    document = page(response)
    post = form(document, "post")
    assert field_value(post, "version") == str(stored_version(claim))
    assert post.find(data_field="rationale").find_all("textarea")
    assert "405" not in document.find("div", class_="page-header").text()


VERDICTS = sorted(Status.verdicts())


@pytest.mark.parametrize(
    ("role", "current", "expected"),
    [
        ("researcher", Status.UNVERIFIED, [Status.IN_REVIEW]),
        ("researcher", Status.IN_REVIEW, [Status.UNVERIFIED]),
        ("researcher", Status.VERIFIED, []),
        ("reviewer", Status.IN_REVIEW, [Status.UNVERIFIED, *VERDICTS]),
        ("reviewer", Status.REFUTED, [s for s in Status.values if s != Status.REFUTED]),
    ],
)
def test_transition_form_offers_only_the_moves_the_user_may_make(request, role, current, expected):
    client = request.getfixturevalue(f"{role}_client")
    claim = ClaimFactory(status=current)
    document = page(transition_page(client, claim))
    assert sorted(offered(document)) == sorted(expected)
    assert current not in offered(document)


def test_transition_form_says_which_verdicts_need_which_citations(reviewer_client):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    help_text = form(page(transition_page(reviewer_client, claim)), "post").find(data_field="status").text()
    assert "Verified: Needs at least one citation whose stance is “Supports” and a rationale." in help_text
    assert "Refuted: Needs at least one citation whose stance is “Contradicts” and a rationale." in help_text
    assert "Disputed: Needs a rationale." in help_text


def test_transition_moves_as_json_for_applications(researcher_client):
    claim = ClaimFactory()
    response = researcher_client.get(reverse("claim-transition", args=[claim.pk]))
    assert response.status_code == 200
    assert response.json() == {
        "status": "unverified",
        "version": stored_version(claim),
        "moves": [
            {
                "status": "in_review",
                "label": "In review",
                "rationale_required": False,
                "citation_stance_required": None,
                "text": "No rationale or citation needed.",
            }
        ],
    }


def test_refused_transition_keeps_the_rationale(reviewer_client):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    typed = {"status": "verified", "rationale": "Two sources\nagree.", "version": str(stored_version(claim))}
    response = reviewer_client.post(
        reverse("claim-transition", args=[claim.pk]), typed, format="multipart", **HTML
    )
    assert response.status_code == 409  # no supporting citation yet
    post = form(page(response), "post")
    assert field_value(post, "rationale") == "Two sources\nagree."
    assert field_value(post, "status") == "verified"
    assert field_errors(post, "status")
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW


def test_match_has_its_own_form_and_keeps_the_text(researcher_client):
    ClaimFactory()
    response = researcher_client.post(
        reverse("claim-match"), {"text": "a militia group attacked", "limit": "5"}, format="multipart", **HTML
    )
    assert response.status_code == 200
    post = form(page(response), "post")
    assert {g.attrs["data-field"] for g in post.find_all(data_field=True)} == {"text", "limit", "min_score"}
    assert field_value(post, "text") == "a militia group attacked"


def test_refused_match_names_the_field(researcher_client):
    response = researcher_client.post(
        reverse("claim-match"), {"text": "words", "min_score": "7"}, format="multipart", **HTML
    )
    assert response.status_code == 400
    post = form(page(response), "post")
    assert field_errors(post, "min_score")
    assert field_value(post, "min_score") == "7"


def extra_actions(document) -> list[str]:
    menu = document.find_all("ul", aria_labelledby="extra-actions-menu")
    return [link.text().strip() for link in menu[0].find_all("a")] if menu else []


def test_reviewer_only_actions_are_not_offered_to_researchers(researcher_client, reviewer_client):
    claim = ClaimFactory()
    url = reverse("claim-detail", args=[claim.pk])
    researcher_actions = extra_actions(page(researcher_client.get(url, **HTML)))
    reviewer_actions = extra_actions(page(reviewer_client.get(url, **HTML)))
    assert "Transition" in researcher_actions
    assert "Restore" not in researcher_actions
    assert "Restore" in reviewer_actions


def test_claim_page_offers_to_cite_a_source_with_the_claim_fixed(researcher_client):
    claim = ClaimFactory()
    document = page(researcher_client.get(reverse("claim-detail", args=[claim.pk]), **HTML))
    panel = document.find(data_panel="cite")
    html_form = panel.find("form")
    assert html_form.attrs["action"] == reverse("citation-list")
    assert panel.find("input", type="hidden", name="claim").attrs["value"] == str(claim.pk)
    cite = form(panel, "cite")
    assert cite.find_all(data_field="claim") == []
    assert cite.find(data_field="source").attrs["data-lookup"] == reverse("source-list")
    assert field_value(cite, "role") == ""
    assert field_value(cite, "stance") == ""


def test_claim_page_of_a_reader_outside_the_groups_has_no_citation_form(outsider_client):
    claim = ClaimFactory()
    document = page(outsider_client.get(reverse("claim-detail", args=[claim.pk]), **HTML))
    assert document.find_all(data_panel="cite") == []


def test_the_citation_form_without_script_adds_the_citation(researcher_client):
    claim = ClaimFactory()
    source = SourceFactory()
    sent = {"claim": str(claim.pk), "source": str(source.pk), "role": "evidence", "stance": "supports"}
    response = researcher_client.post(reverse("citation-list"), sent, format="multipart", **HTML)
    assert response.status_code == 201
    assert Citation.objects.filter(claim=claim, source=source, role="evidence").exists()


def test_the_delete_button_knows_the_version_shown(reviewer_client):
    claim = ClaimFactory()
    bump(claim, 1)
    document = page(reviewer_client.get(reverse("claim-detail", args=[claim.pk]), **HTML))
    assert document.find(data_record_version=True).attrs["data-record-version"] == str(stored_version(claim))
    response = reviewer_client.delete(
        reverse("claim-detail", args=[claim.pk]),
        "version=2",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 204


@pytest.mark.parametrize("name", ["claim-list", "citation-list", "source-list", "article-list"])
def test_a_list_page_with_its_forms_costs_the_same_queries_for_1_or_many_rows(
    reviewer_client, django_assert_num_queries, name
):
    CitationFactory()
    reviewer_client.get(reverse(name), **HTML)  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        assert reviewer_client.get(reverse(name), **HTML).status_code == 200
    for _ in range(6):
        CitationFactory()
    with django_assert_num_queries(len(one)):
        assert reviewer_client.get(reverse(name), **HTML).status_code == 200


def test_a_refused_raw_json_body_comes_back_in_the_raw_data_form(researcher_client):
    sent = {"statement": "Typed in the raw data tab.", "quote": "not in any article"}
    response = researcher_client.post(reverse("claim-list"), sent, format="json", **HTML)
    assert response.status_code == 400
    content = page(response).find("textarea", data_override="content").text()
    assert json.loads(content) == sent


def similar_page(client, claim, query: str = ""):
    return client.get(reverse("claim-similar", args=[claim.pk]) + query, **HTML)


def test_similar_has_its_own_get_form_with_the_values_of_the_query(researcher_client):
    claim = ClaimFactory()
    document = page(similar_page(researcher_client, claim, "?limit=3&min_score=0.25"))
    panel = document.find(data_panel="similar")
    html_form = panel.find("form")
    assert html_form.attrs["method"] == "GET"
    assert html_form.attrs["action"] == reverse("claim-similar", args=[claim.pk])
    similar = form(panel, "similar")
    assert {g.attrs["data-field"] for g in similar.find_all(data_field=True)} == {"limit", "min_score"}
    assert field_value(similar, "limit") == "3"
    assert field_value(similar, "min_score") == "0.25"


def test_similar_form_shows_the_defaults_when_the_query_gives_none(researcher_client):
    document = page(similar_page(researcher_client, ClaimFactory()))
    similar = form(document.find(data_panel="similar"), "similar")
    assert field_value(similar, "limit") == str(DEFAULT_LIMIT)
    assert float(field_value(similar, "min_score")) == DEFAULT_THRESHOLD


def test_refused_similar_query_shows_the_error_beside_its_field_and_keeps_the_values(researcher_client):
    response = similar_page(researcher_client, ClaimFactory(), "?limit=999&min_score=0.5")
    assert response.status_code == 400
    similar = form(page(response).find(data_panel="similar"), "similar")
    assert field_errors(similar, "limit")
    assert field_errors(similar, "min_score") == []
    assert field_value(similar, "limit") == "999"
    assert field_value(similar, "min_score") == "0.5"


def test_similar_of_an_unknown_claim_has_no_form(researcher_client):
    claim = ClaimFactory()
    Claim.objects.filter(pk=claim.pk).delete()
    response = similar_page(researcher_client, claim)
    assert response.status_code == 404
    assert page(response).find_all(data_panel="similar") == []


def test_similar_as_json_carries_no_form(researcher_client):
    response = researcher_client.get(reverse("claim-similar", args=[ClaimFactory().pk]), {"limit": "2"})
    assert response.status_code == 200
    assert set(response.json()) == {"min_score", "results"}
    refused = researcher_client.get(reverse("claim-similar", args=[ClaimFactory().pk]), {"limit": "0"})
    assert refused.status_code == 400
    assert [error["field"] for error in refused.json()["errors"]] == ["limit"]


def test_match_opened_in_a_browser_is_its_form_not_a_405(researcher_client):
    response = researcher_client.get(reverse("claim-match"), **HTML)
    assert response.status_code == 200
    document = page(response)
    assert "405" not in document.find("div", class_="page-header").text()
    assert "405" not in document.find("div", class_="response-info").text()
    post = form(document, "post")
    assert {g.attrs["data-field"] for g in post.find_all(data_field=True)} == {"text", "limit", "min_score"}
    assert field_value(post, "text") == ""


def test_match_opened_by_an_application_is_still_a_405(researcher_client):
    response = researcher_client.get(reverse("claim-match"))
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["status"] == 405


def test_other_post_only_actions_opened_in_a_browser_stay_405(reviewer_client):
    claim = ClaimFactory()
    response = reviewer_client.get(reverse("claim-restore", args=[claim.pk]), **HTML)
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"


def test_match_opened_in_a_browser_signed_out_is_refused(client, settings):
    settings.CLAIMTRACK_PUBLIC_READ = False
    response = client.get(reverse("claim-match"), **HTML)
    assert response.status_code in (401, 403)
    assert page(response).find_all(data_form="post") == []


def test_the_schema_still_documents_match_as_post_only():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert set(paths["/api/v1/claims/match/"]) == {"post"}


def test_a_list_page_without_filters_renders_in_a_browser(reviewer_client):
    # The trash has no queryset of its own: DRF's filter form asked for one (a 500).
    response = reviewer_client.get(reverse("trash-list"), **HTML)
    assert response.status_code == 200
    assert page(response).find_all("div", id="filtersModal") == []


def test_a_list_page_with_filters_still_offers_them(reviewer_client):
    assert page(reviewer_client.get(reverse("claim-list"), **HTML)).find_all("div", id="filtersModal")
