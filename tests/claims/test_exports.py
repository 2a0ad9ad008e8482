"""Claims in exchange formats: ClaimReview (one and the feed), Web Annotation and CSV."""

import csv
import datetime
import functools
import io
import json

import jsonschema
import pytest
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from drf_spectacular.generators import SchemaGenerator

from claims import services
from claims.exports import CLAIM_CSV_COLUMNS, SELECTOR_CONTEXT_LENGTH
from claims.models import Article, Citation, Claim, Status, StatusChange
from tests.factories import ARTICLE_BODY, ArticleFactory, CitationFactory, ClaimFactory, PublisherFactory
from tests.helpers import assert_error, error_fields

pytestmark = pytest.mark.django_db

ANNOTATION_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
WSJ_CLAIMANT = "The Wall Street Journal"


@functools.cache
def openapi() -> dict:
    return json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), cls=DjangoJSONEncoder)
    )


def assert_matches_component(instance, component: str) -> None:
    """``instance`` conforms to the OpenAPI component the schema documents for it."""
    schema = openapi()
    jsonschema.validate(
        instance, {"$ref": f"#/components/schemas/{component}", "components": schema["components"]}
    )


@pytest.fixture
def demo(researcher) -> Article:
    call_command("load_demo", user=researcher.username, verbosity=0)
    return Article.objects.get()


def give_verdict(claim: Claim, to: str, reviewer, *, stance: str | None = None) -> StatusChange:
    """Put the claim in review (if needed) and give it the verdict, through the service."""
    claim.refresh_from_db()
    if stance is not None:
        CitationFactory(claim=claim, stance=stance)
    if claim.status == Status.UNVERIFIED:
        services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer, rationale="")
    return services.claim_transition(claim=claim, to=to, actor=reviewer, rationale="Checked.")


def claimreview_url(claim) -> str:
    return reverse("claim-claimreview", args=[claim.pk])


def annotation_url(claim) -> str:
    return reverse("claim-annotation", args=[claim.pk])


# ClaimReview ------------------------------------------------------------------------


def test_claimreview_of_a_demo_claim_with_a_verdict(demo, reviewer, researcher_client):
    claim = Claim.objects.get(article=demo, claimant=WSJ_CLAIMANT)
    change = give_verdict(claim, Status.VERIFIED, reviewer)

    response = researcher_client.get(claimreview_url(claim))

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/ld+json"
    review = response.json()
    assert_matches_component(review, "ClaimReview")
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"http://testserver{reverse('claim-detail', args=[claim.pk])}"
    assert review["claimReviewed"] == claim.statement
    assert parse_datetime(review["datePublished"]) == change.changed_at
    assert review["author"] == {"@type": "Organization", "name": "Claimtrack"}
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 5,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Verified",
    }
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    # The claimant is a publisher of the demo (news media), so an Organization.
    assert item["author"] == {"@type": "Organization", "name": WSJ_CLAIMANT}
    assert item["datePublished"] == "2020-12-23"
    # The demo article has no URL and no date: those are left out, not empty.
    assert item["appearance"] == {
        "@type": "CreativeWork",
        "headline": demo.title,
        "author": {"@type": "Person", "name": "Shahriar Kia"},
        "publisher": {"@type": "Organization", "name": "NCRI (ncr-iran)"},
    }


@pytest.mark.parametrize(
    ("verdict", "stance", "value", "label"),
    [
        (Status.VERIFIED, Citation.Stance.SUPPORTS, 5, "Verified"),
        (Status.PARTLY_VERIFIED, Citation.Stance.SUPPORTS, 4, "Partly verified"),
        (Status.DISPUTED, None, 3, "Disputed"),
        (Status.REFUTED, Citation.Stance.CONTRADICTS, 1, "Refuted"),
    ],
)
def test_each_verdict_has_its_rating(reviewer, researcher_client, verdict, stance, value, label):
    claim = ClaimFactory()
    give_verdict(claim, verdict, reviewer, stance=stance)

    rating = researcher_client.get(claimreview_url(claim)).json()["reviewRating"]

    assert rating == {
        "@type": "Rating",
        "ratingValue": value,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": label,
    }


def test_unverifiable_has_no_number_on_the_scale(reviewer, researcher_client):
    claim = ClaimFactory()
    give_verdict(claim, Status.UNVERIFIABLE, reviewer)

    review = researcher_client.get(claimreview_url(claim)).json()

    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable"}
    assert_matches_component(review, "ClaimReview")


def test_claimreview_date_is_that_of_the_current_verdict(reviewer, researcher_client):
    claim = ClaimFactory()
    give_verdict(claim, Status.DISPUTED, reviewer)
    services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer, rationale="Reopened.")
    latest = services.claim_transition(claim=claim, to=Status.DISPUTED, actor=reviewer, rationale="Again.")

    review = researcher_client.get(claimreview_url(claim)).json()

    assert parse_datetime(review["datePublished"]) == latest.changed_at


def test_claimant_not_named_like_a_publisher_is_a_person_and_unknown_parts_are_left_out(
    reviewer, researcher_client
):
    article = ArticleFactory(url="https://blog.example.org/one", published_on=datetime.date(2024, 5, 1))
    claim = ClaimFactory(article=article, claimant="Jane Speaker", claim_date=None)
    give_verdict(claim, Status.DISPUTED, reviewer)

    item = researcher_client.get(claimreview_url(claim)).json()["itemReviewed"]

    assert item["author"] == {"@type": "Person", "name": "Jane Speaker"}
    assert "datePublished" not in item
    assert item["appearance"]["url"] == "https://blog.example.org/one"
    assert item["appearance"]["datePublished"] == "2024-05-01"


def test_claimant_named_like_a_person_publisher_is_a_person(reviewer, researcher_client):
    PublisherFactory(name="Jane Blogger", kind="person")
    claim = ClaimFactory(claimant="jane blogger", article=ArticleFactory(byline=""))
    give_verdict(claim, Status.DISPUTED, reviewer)

    review = researcher_client.get(claimreview_url(claim)).json()

    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "jane blogger"}
    assert "author" not in review["itemReviewed"]["appearance"]


def test_claim_without_claimant_has_no_item_author(reviewer, researcher_client):
    claim = ClaimFactory(claimant="")
    give_verdict(claim, Status.DISPUTED, reviewer)

    review = researcher_client.get(claimreview_url(claim)).json()

    assert "author" not in review["itemReviewed"]
    assert_matches_component(review, "ClaimReview")


def test_reviewing_organisation_comes_from_the_settings(settings, reviewer, researcher_client):
    settings.CLAIMTRACK_ORGANIZATION_NAME = "Example Fact Desk"
    settings.CLAIMTRACK_ORGANIZATION_URL = "https://facts.example.org/"
    claim = ClaimFactory()
    give_verdict(claim, Status.DISPUTED, reviewer)

    review = researcher_client.get(claimreview_url(claim)).json()

    assert review["author"] == {
        "@type": "Organization",
        "name": "Example Fact Desk",
        "url": "https://facts.example.org/",
    }


@pytest.mark.parametrize(
    ("kwargs", "content_type"),
    [
        ({"HTTP_ACCEPT": "application/json"}, "application/json"),
        ({"HTTP_ACCEPT": "application/ld+json"}, "application/ld+json"),
        ({"HTTP_ACCEPT": "text/html"}, "application/ld+json"),  # no match: the default
        ({"data": {"format": "json"}}, "application/json"),
        ({"data": {"format": "jsonld"}}, "application/ld+json"),
    ],
)
def test_claimreview_formats(reviewer, researcher_client, kwargs, content_type):
    claim = ClaimFactory()
    give_verdict(claim, Status.DISPUTED, reviewer)

    response = researcher_client.get(claimreview_url(claim), **kwargs)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.json()["@type"] == "ClaimReview"


def test_claim_without_verdict_is_a_conflict_and_nothing_else(demo, researcher_client):
    claim = Claim.objects.filter(article=demo, status=Status.IN_REVIEW).first()
    changes_before = StatusChange.objects.count()

    response = researcher_client.get(claimreview_url(claim), HTTP_ACCEPT="application/ld+json")

    body = assert_error(response, 409, "no_verdict")
    assert response["Content-Type"] == "application/json"
    assert set(body) == {"status", "code", "detail", "errors"}
    assert error_fields(body) == ["status"]
    assert StatusChange.objects.count() == changes_before
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW


def test_claimreview_refuses_an_unknown_format(reviewer, researcher_client):
    claim = ClaimFactory()
    give_verdict(claim, Status.DISPUTED, reviewer)

    body = assert_error(researcher_client.get(claimreview_url(claim), {"format": "xml"}), 400, "invalid")

    assert error_fields(body) == ["format"]


def test_claimreview_of_unknown_or_trashed_claim_is_404(reviewer, researcher_client):
    claim = ClaimFactory()
    give_verdict(claim, Status.DISPUTED, reviewer)
    Claim.objects.filter(pk=claim.pk).update(deleted_at=datetime.datetime.now(datetime.UTC))

    response = researcher_client.get(claimreview_url(claim))
    assert_error(response, 404)
    assert response["Content-Type"] == "application/json"
    assert_error(researcher_client.get("/api/v1/claims/not-a-number/claimreview/"), 404)


def test_exports_need_a_signed_in_user(anon_client):
    claim = ClaimFactory()
    for url in (
        claimreview_url(claim),
        annotation_url(claim),
        reverse("claim-export"),
        reverse("claimreview-list"),
    ):
        response = anon_client.get(url)
        assert_error(response, 401)
        assert response["Content-Type"] == "application/json"


def test_exports_are_public_when_public_read_is_on(settings, anon_client):
    settings.CLAIMTRACK_PUBLIC_READ = True
    claim = ClaimFactory()

    assert anon_client.get(annotation_url(claim)).status_code == 200
    assert anon_client.get(reverse("claim-export")).status_code == 200


# The feed ---------------------------------------------------------------------------


def test_feed_lists_claims_with_a_verdict_newest_verdict_first(demo, reviewer, researcher_client):
    first = ClaimFactory()
    give_verdict(first, Status.REFUTED, reviewer, stance=Citation.Stance.CONTRADICTS)
    second = Claim.objects.get(article=demo, claimant=WSJ_CLAIMANT)
    give_verdict(second, Status.VERIFIED, reviewer)
    # A verdict given earlier but reopened and given again is newest.
    services.claim_transition(claim=first, to=Status.IN_REVIEW, actor=reviewer, rationale="Reopened.")
    give_verdict(first, Status.DISPUTED, reviewer)

    response = researcher_client.get(reverse("claimreview-list"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    body = response.json()
    assert body["count"] == 2
    assert [review["claimReviewed"] for review in body["results"]] == [first.statement, second.statement]
    assert [review["reviewRating"]["alternateName"] for review in body["results"]] == ["Disputed", "Verified"]
    for review in body["results"]:
        assert_matches_component(review, "ClaimReview")


def test_feed_filters_by_verdict_and_pages(reviewer, researcher_client):
    disputed = [ClaimFactory() for _ in range(3)]
    for claim in disputed:
        give_verdict(claim, Status.DISPUTED, reviewer)
    give_verdict(ClaimFactory(), Status.UNVERIFIABLE, reviewer)

    body = researcher_client.get(reverse("claimreview-list"), {"status": "disputed", "page_size": 2}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None
    assert {review["reviewRating"]["alternateName"] for review in body["results"]} == {"Disputed"}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"status": "in_review"}, "status"), ({"article": "0"}, "article"), ({"format": "csv"}, "format")],
)
def test_feed_refuses_bad_parameters(researcher_client, params, field):
    body = assert_error(researcher_client.get(reverse("claimreview-list"), params), 400, "invalid")
    assert error_fields(body) == [field]


@pytest.mark.parametrize("size", [1, 12])
def test_feed_query_count_is_constant(reviewer, researcher_client, django_assert_num_queries, size):
    for _ in range(size):
        give_verdict(ClaimFactory(), Status.DISPUTED, reviewer)

    # session/auth are forced; count + page of claims (with article, publisher, verdict date).
    with django_assert_num_queries(2):
        response = researcher_client.get(reverse("claimreview-list"))
    assert len(response.json()["results"]) == size


# Web Annotation ---------------------------------------------------------------------


def test_annotation_selectors_match_every_demo_claim(demo, researcher_client):
    body = demo.body
    claims = list(Claim.objects.filter(article=demo))
    assert claims

    for claim in claims:
        response = researcher_client.get(annotation_url(claim))
        assert response.status_code == 200
        assert response["Content-Type"] == ANNOTATION_TYPE
        annotation = response.json()
        assert_matches_component(annotation, "ClaimAnnotation")
        quote, position = annotation["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector"
        assert position["type"] == "TextPositionSelector"
        start, end = position["start"], position["end"]
        assert body[start:end] == quote["exact"] == claim.quote
        assert body[start - len(quote["prefix"]) : start] == quote["prefix"]
        assert body[end : end + len(quote["suffix"])] == quote["suffix"]
        assert len(quote["prefix"]) == min(SELECTOR_CONTEXT_LENGTH, start)
        assert len(quote["suffix"]) == min(SELECTOR_CONTEXT_LENGTH, len(body) - end)


def test_annotation_of_a_demo_claim(demo, researcher, researcher_client):
    claim = Claim.objects.filter(article=demo, status=Status.IN_REVIEW).first()

    annotation = researcher_client.get(annotation_url(claim)).json()

    assert annotation["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert annotation["type"] == "Annotation"
    assert annotation["id"] == f"http://testserver{annotation_url(claim)}"
    assert annotation["motivation"] == "highlighting"
    assert annotation["creator"] == {"type": "Person", "nickname": researcher.username}
    assert parse_datetime(annotation["created"]) == claim.created_at
    assert [(b["purpose"], b["value"]) for b in annotation["body"]] == [
        ("describing", claim.statement),
        ("tagging", "In review"),
    ]
    # The demo article has no URL: the target is the article in this API.
    assert annotation["target"]["source"] == f"http://testserver{reverse('article-detail', args=[demo.pk])}"


def test_annotation_of_a_claim_with_a_verdict_assesses_the_article_url(reviewer, researcher_client):
    claim = ClaimFactory(created_by=None)
    give_verdict(claim, Status.DISPUTED, reviewer)

    annotation = researcher_client.get(annotation_url(claim)).json()

    assert annotation["motivation"] == "assessing"
    assert annotation["body"][1] == {
        "type": "TextualBody",
        "purpose": "assessing",
        "format": "text/plain",
        "value": "Disputed",
    }
    assert annotation["target"]["source"] == claim.article.url
    assert "creator" not in annotation
    assert_matches_component(annotation, "ClaimAnnotation")


def test_annotation_selector_context_stops_at_the_body_edges(researcher_client):
    start_claim = ClaimFactory(quote="The U.S. Central Command")  # the very start of the body
    end_claim = ClaimFactory(quote="21 rockets were fired.")  # the very end

    start = researcher_client.get(annotation_url(start_claim)).json()["target"]["selector"][0]
    end = researcher_client.get(annotation_url(end_claim)).json()["target"]["selector"][0]

    assert start["prefix"] == ""
    assert start["suffix"] == ARTICLE_BODY[len("The U.S. Central Command") :][:SELECTOR_CONTEXT_LENGTH]
    assert len(start["suffix"]) == SELECTOR_CONTEXT_LENGTH
    assert end["suffix"] == ""
    assert end["prefix"] == ARTICLE_BODY[: -len("21 rockets were fired.")][-SELECTOR_CONTEXT_LENGTH:]


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/json", "application/json"),
        # As the Web Annotation protocol asks: JSON-LD is answered with the annotation profile.
        ("application/ld+json", ANNOTATION_TYPE),
        (ANNOTATION_TYPE, ANNOTATION_TYPE),
        ("text/csv", ANNOTATION_TYPE),
        ("*/*", ANNOTATION_TYPE),
    ],
)
def test_annotation_formats(researcher_client, accept, content_type):
    claim = ClaimFactory()

    response = researcher_client.get(annotation_url(claim), HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type


def test_annotation_refuses_unknown_format_and_unknown_claim(researcher_client):
    claim = ClaimFactory()
    body = assert_error(researcher_client.get(annotation_url(claim), {"format": "csl"}), 400, "invalid")
    assert error_fields(body) == ["format"]
    assert_error(researcher_client.get(reverse("claim-annotation", args=[claim.pk + 1000])), 404)


# CSV --------------------------------------------------------------------------------

HEADER = [header for header, _field in CLAIM_CSV_COLUMNS]


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == HEADER
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


def test_csv_of_the_demo_claims(demo, researcher_client):
    response = researcher_client.get(reverse("claim-export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert response["Content-Disposition"] == 'attachment; filename="claims.csv"'
    rows = read_csv(response)
    claims = {claim.pk: claim for claim in Claim.objects.filter(article=demo).prefetch_related("citations")}
    assert {int(row["id"]) for row in rows} == set(claims)
    for row in rows:
        claim = claims[int(row["id"])]
        assert row["statement"] == claim.statement
        assert row["quote"] == claim.quote  # non-breaking spaces and curly quotes survive
        assert row["status"] == claim.status
        assert row["article_id"] == str(demo.pk)
        assert row["article_title"] == demo.title
        assert row["article_url"] == ""
        assert row["citation_count"] == str(len(claim.citations.all()))
        assert row["claim_date"] == (claim.claim_date.isoformat() if claim.claim_date else "")
        assert parse_datetime(row["created_at"]) == claim.created_at


def test_csv_counts_citations_by_stance(researcher_client):
    claim = ClaimFactory()
    CitationFactory.create_batch(2, claim=claim, stance=Citation.Stance.SUPPORTS)
    CitationFactory(claim=claim, stance=Citation.Stance.CONTRADICTS)
    CitationFactory(claim=claim, stance=Citation.Stance.CONTEXT)
    ClaimFactory()  # none

    rows = {int(row["id"]): row for row in read_csv(researcher_client.get(reverse("claim-export")))}

    assert (
        rows[claim.pk]["citation_count"],
        rows[claim.pk]["supporting_count"],
        rows[claim.pk]["contradicting_count"],
    ) == ("4", "2", "1")
    assert {row["citation_count"] for pk, row in rows.items() if pk != claim.pk} == {"0"}


def test_csv_escapes_commas_quotes_and_newlines(researcher_client):
    statement = 'The minister said, "no rockets"\nand then\r\nleft; twice.'
    ClaimFactory(statement=statement, claimant='Smith, "Jr."')

    (row,) = read_csv(researcher_client.get(reverse("claim-export")))

    assert row["statement"] == statement
    assert row["claimant"] == 'Smith, "Jr."'


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tTab", "\rCR"])
def test_csv_defuses_formulas(researcher_client, text):
    ClaimFactory(statement=text, claimant=text)

    (row,) = read_csv(researcher_client.get(reverse("claim-export")))

    assert row["statement"] == "'" + text
    assert row["claimant"] == "'" + text
    assert not row["id"].startswith("'")


def test_csv_applies_the_list_filters(reviewer, researcher_client):
    disputed = ClaimFactory(claimant="Ministry of Examples")
    give_verdict(disputed, Status.DISPUTED, reviewer)
    ClaimFactory(claimant="Someone else")

    rows = read_csv(researcher_client.get(reverse("claim-export"), {"status": "disputed"}))
    assert [int(row["id"]) for row in rows] == [disputed.pk]
    rows = read_csv(researcher_client.get(reverse("claim-export"), {"claimant": "ministry"}))
    assert [int(row["id"]) for row in rows] == [disputed.pk]
    rows = read_csv(researcher_client.get(reverse("claim-export"), {"article": disputed.article_id}))
    assert [int(row["id"]) for row in rows] == [disputed.pk]


def test_csv_follows_the_ordering_and_leaves_out_the_trash(researcher_client):
    first, second = ClaimFactory(claimant="A"), ClaimFactory(claimant="B")
    trashed = ClaimFactory(claimant="C")
    Claim.objects.filter(pk=trashed.pk).update(deleted_at=datetime.datetime.now(datetime.UTC))

    rows = read_csv(researcher_client.get(reverse("claim-export"), {"ordering": "claimant"}))

    assert [int(row["id"]) for row in rows] == [first.pk, second.pk]


def test_csv_at_its_file_name(researcher_client):
    claim = ClaimFactory()

    response = researcher_client.get("/api/v1/claims/export.csv")

    assert response.status_code == 200
    assert [int(row["id"]) for row in read_csv(response)] == [claim.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "nonsense"}, "status"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"ordering": "quote"}, "ordering"),
        ({"format": "json"}, "format"),
    ],
)
def test_csv_refuses_bad_parameters_in_json(researcher_client, params, field):
    response = researcher_client.get(reverse("claim-export"), params)

    body = assert_error(response, 400, "invalid")
    assert response["Content-Type"] == "application/json"
    assert error_fields(body) == [field]


@pytest.mark.parametrize("size", [1, 40])
def test_csv_query_count_does_not_grow_with_the_rows(researcher_client, django_assert_num_queries, size):
    claims = ClaimFactory.create_batch(size)
    CitationFactory.create_batch(3, claim=claims[0])

    # One query reads every row (server-side cursor, chunked), however many there are.
    with django_assert_num_queries(1):
        rows = read_csv(researcher_client.get(reverse("claim-export")))
    assert len(rows) == size


def test_claimreview_and_annotation_at_their_format_suffix(reviewer, researcher_client):
    claim = ClaimFactory()
    give_verdict(claim, Status.DISPUTED, reviewer)

    review = researcher_client.get(f"/api/v1/claims/{claim.pk}/claimreview.jsonld")
    annotation = researcher_client.get(f"/api/v1/claims/{claim.pk}/annotation.json")

    assert review.status_code == 200
    assert review["Content-Type"] == "application/ld+json"
    assert annotation.status_code == 200
    assert annotation["Content-Type"] == "application/json"
    assert_error(researcher_client.get(f"/api/v1/claims/{claim.pk}/claimreview.xml"), 400)


@pytest.mark.parametrize("citations", [0, 10])
def test_claimreview_and_annotation_read_one_query(
    reviewer, researcher_client, django_assert_num_queries, citations
):
    claim = ClaimFactory()
    CitationFactory.create_batch(citations, claim=claim, stance=Citation.Stance.CONTRADICTS)
    give_verdict(claim, Status.DISPUTED, reviewer)

    with django_assert_num_queries(1):
        assert researcher_client.get(claimreview_url(claim)).status_code == 200
    with django_assert_num_queries(1):
        assert researcher_client.get(annotation_url(claim)).status_code == 200


def test_csv_by_format_and_options_in_json(researcher_client):
    claim = ClaimFactory()

    response = researcher_client.get(reverse("claim-export"), {"format": "csv"})
    assert [int(row["id"]) for row in read_csv(response)] == [claim.pk]

    options = researcher_client.options(reverse("claim-export"))
    assert options.status_code == 200
    assert options["Content-Type"] == "application/json"
    assert options.json()["name"]
