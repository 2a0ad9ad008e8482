"""No input, however malformed, gives a 5xx: every case answers a 4xx in the error shape,
names the field at fault, and writes nothing."""

import json
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from knox.models import AuthToken

from claims.models import Article, Citation, Claim, StatusChange
from sources.models import Publisher, Source, SourceReliance
from tests.factories import CitationFactory, PublisherFactory, SourceFactory
from tests.helpers import if_match

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"status", "code", "detail", "errors"}
ITEM_KEYS = {"field", "code", "message"}
MODELS = (Publisher, Source, SourceReliance, Article, Claim, Citation, StatusChange, AuthToken)
HUGE = 10**30
HUGE_PATH_ID = "99999999999999999999"
UNKNOWN = 10**6

LISTS = ["publisher-list", "source-list", "article-list", "claim-list", "citation-list"]
CURSOR_LISTS = {"claim-list", "citation-list"}
DETAILS = ["publisher-detail", "source-detail", "article-detail", "claim-detail", "citation-detail"]
WRITE_URLS = [*LISTS, *DETAILS, "claim-transition", "auth-token"]


@pytest.fixture
def world(db):
    citation = CitationFactory()
    source = citation.source
    SourceReliance.objects.create(source=source, relies_on=SourceFactory(publisher=source.publisher))
    return SimpleNamespace(
        publisher=source.publisher,
        source=source,
        article=citation.claim.article,
        claim=citation.claim,
        citation=citation,
    )


def url_for(name: str, world) -> str:
    if name in LISTS or name == "auth-token":
        return reverse(name)
    return reverse(name, args=[record_for(name, world).pk])


def if_match_for(name: str, world) -> dict:
    """An edit must name its version; these tests are about the body, so they send the current one."""
    return {} if name in LISTS or name == "auth-token" else if_match(record_for(name, world))


def record_for(name: str, world):
    return {
        "publisher-detail": world.publisher,
        "source-detail": world.source,
        "article-detail": world.article,
        "claim-detail": world.claim,
        "citation-detail": world.citation,
        "claim-transition": world.claim,
    }[name]


def method_for(name: str) -> str:
    return "patch" if name in DETAILS else "post"


def snapshot() -> dict:
    """Every row of every table the API writes, to show that a refusal wrote nothing."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def assert_error(response, status_code: int, *fields: str) -> dict:
    assert response.status_code == status_code, response.content
    body = json.loads(response.content)
    assert body.keys() >= ERROR_KEYS
    assert body["status"] == status_code
    assert isinstance(body["code"], str)
    assert body["code"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert isinstance(body["errors"], list)
    assert all(item.keys() == ITEM_KEYS for item in body["errors"])
    named = [item["field"] for item in body["errors"]]
    for field in fields:
        assert any(name == field or str(name).startswith(f"{field}.") for name in named), (field, body)
    return body


def send_raw(client, method: str, url: str, data: str, content_type: str = "application/json", **extra):
    return getattr(client, method)(url, data=data, content_type=content_type, **extra)


# Bodies that are not a JSON object -----------------------------------------------------


@pytest.mark.parametrize("name", WRITE_URLS)
@pytest.mark.parametrize(
    "raw", ['{"title": ', "{'title': 'x'}", '{"title": "x",}', "\x00", "[" * 100_000, '{"quote_start": NaN}']
)
def test_malformed_json(researcher_client, world, name, raw):
    before = snapshot()
    response = send_raw(researcher_client, method_for(name), url_for(name, world), raw)
    body = assert_error(response, 400)
    assert body["code"] == "parse_error"
    assert snapshot() == before


@pytest.mark.parametrize("name", WRITE_URLS)
@pytest.mark.parametrize("raw", ["[]", '[{"title": "x"}]', '"a string"', "42", "true", "null"])
def test_json_that_is_not_an_object(researcher_client, world, name, raw):
    before = snapshot()
    response = send_raw(researcher_client, method_for(name), url_for(name, world), raw)
    body = assert_error(response, 400)
    assert body["errors"]
    assert snapshot() == before


@pytest.mark.parametrize("name", WRITE_URLS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-yaml"])
def test_unsupported_content_type(researcher_client, world, name, content_type):
    before = snapshot()
    response = send_raw(researcher_client, method_for(name), url_for(name, world), "title: x", content_type)
    assert assert_error(response, 415)["code"] == "unsupported_media_type"
    assert snapshot() == before


@pytest.mark.parametrize("name", WRITE_URLS)
def test_body_over_the_size_limit(researcher_client, world, name):
    before = snapshot()
    raw = json.dumps({"title": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE, "body": "y"})
    response = send_raw(researcher_client, method_for(name), url_for(name, world), raw)
    assert assert_error(response, 413)["code"] == "too_large"
    assert snapshot() == before


def test_content_length_that_is_not_a_number(researcher_client, world):
    before = snapshot()
    response = send_raw(
        researcher_client, "post", reverse("publisher-list"), '{"name": "X"}', CONTENT_LENGTH="many"
    )
    assert_error(response, 400)
    assert snapshot() == before


# Field values -------------------------------------------------------------------------

TEXT_501 = "t" * 501

# (endpoint, body, field at fault)
BAD_FIELDS = [
    # wrong types
    ("publisher-list", {"name": {"a": 1}}, "name"),
    ("publisher-list", {"name": ["AP"]}, "name"),
    ("publisher-list", {"name": "AP", "kind": 3}, "kind"),
    ("source-list", {"kind": "report", "title": True}, "title"),
    ("source-list", {"kind": "report", "title": ["x"]}, "title"),
    ("source-list", {"kind": "report", "title": "T", "publisher": "abc"}, "publisher"),
    ("source-list", {"kind": "report", "title": "T", "publisher": {"id": 1}}, "publisher"),
    ("source-list", {"kind": "report", "title": "T", "published_on": {"y": 2020}}, "published_on"),
    ("source-list", {"kind": "report", "title": "T", "published_on": 20200101}, "published_on"),
    ("source-list", {"kind": "report", "title": "T", "relies_on": "abc"}, "relies_on"),
    ("source-list", {"kind": "report", "title": "T", "relies_on": [{"id": 1}]}, "relies_on"),
    ("source-list", {"kind": ["report"], "title": "T"}, "kind"),
    ("article-list", {"title": {"text": "x"}}, "title"),
    ("article-list", {"title": "T", "body": ["a", "b"]}, "body"),
    ("article-list", {"title": "T", "publisher": "abc"}, "publisher"),
    ("article-list", {"title": "T", "published_on": {"y": 2020}}, "published_on"),
    ("claim-list", {"article": "abc", "statement": "S", "quote": "q"}, "article"),
    ("claim-detail", {"quote_start": "abc"}, "quote_start"),
    ("claim-detail", {"quote_start": -1}, "quote_start"),
    ("claim-detail", {"quote_start": HUGE}, "quote_start"),
    ("claim-detail", {"claim_date": {"y": 2020}}, "claim_date"),
    ("citation-detail", {"note": {"a": 1}}, "note"),
    ("claim-transition", {"status": ["verified"]}, "status"),
    ("claim-transition", {"status": "in_review", "rationale": {"why": 1}}, "rationale"),
    ("auth-token", {"username": 42.5, "password": ["x"]}, "password"),
    # too long
    ("publisher-list", {"name": "n" * 201}, "name"),
    ("publisher-list", {"name": "AP", "url": "https://example.com/" + "a" * 500}, "url"),
    ("source-list", {"kind": "report", "title": TEXT_501}, "title"),
    ("source-list", {"kind": "report", "title": "T", "authors": "a" * 501}, "authors"),
    ("source-list", {"kind": "report", "title": "T", "identifier": "i" * 301}, "identifier"),
    ("source-list", {"kind": "report", "title": "T", "language": "l" * 36}, "language"),
    ("source-list", {"kind": "report", "title": "T", "summary": "s" * 20_001}, "summary"),
    ("source-list", {"kind": "report", "title": "T", "url": "https://example.com/" + "a" * 2000}, "url"),
    ("article-list", {"title": TEXT_501}, "title"),
    ("article-list", {"title": "T", "byline": "b" * 301}, "byline"),
    ("article-list", {"title": "T", "body": "b" * 500_001}, "body"),
    ("claim-detail", {"statement": "s" * 20_001}, "statement"),
    ("claim-detail", {"claimant": "c" * 301}, "claimant"),
    ("citation-detail", {"locator": "l" * 201}, "locator"),
    ("claim-transition", {"status": "in_review", "rationale": "r" * 20_001}, "rationale"),
    ("auth-token", {"username": "u" * 151, "password": "p"}, "username"),
    # NUL bytes
    ("publisher-list", {"name": "A\x00P"}, "name"),
    ("source-list", {"kind": "report", "title": "T\x00"}, "title"),
    ("source-list", {"kind": "report", "title": "T", "summary": "\x00"}, "summary"),
    ("article-list", {"title": "T\x00itle"}, "title"),
    ("article-list", {"title": "T", "body": "Body with \x00 inside"}, "body"),
    ("article-detail", {"body": "\x00"}, "body"),
    ("claim-detail", {"statement": "S\x00"}, "statement"),
    ("citation-detail", {"note": "\x00"}, "note"),
    ("auth-token", {"username": "res\x00", "password": "p"}, "username"),
    # bad URLs
    ("publisher-list", {"name": "AP", "url": "not a url"}, "url"),
    ("publisher-list", {"name": "AP", "url": "javascript:alert(1)"}, "url"),
    ("source-list", {"kind": "report", "title": "T", "url": "not a url"}, "url"),
    ("source-list", {"kind": "report", "title": "T", "url": "javascript:alert(1)"}, "url"),
    ("source-list", {"kind": "report", "title": "T", "url": "http://a:99999"}, "url"),
    ("source-list", {"kind": "report", "title": "T", "url": "http://example.com:99999/"}, "url"),
    (
        "source-list",
        {"kind": "report", "title": "T", "archived_url": "http://example.com:99999/"},
        "archived_url",
    ),
    ("source-detail", {"url": "file:///etc/passwd"}, "url"),
    ("source-detail", {"url": "https://example.com/s?q=" + "ä" * 900}, "url"),
    ("publisher-list", {"name": "AP", "url": "http://example.com:99999/"}, "url"),
    ("publisher-detail", {"url": "https://example.com/?q=" + "ä" * 200}, "url"),
    ("article-list", {"title": "T", "url": "javascript:alert(1)"}, "url"),
    ("article-list", {"title": "T", "url": "http://a:99999"}, "url"),
    ("article-detail", {"url": "http://example.com:99999/"}, "url"),
    # bad dates
    ("source-list", {"kind": "report", "title": "T", "published_on": "2020-13-45"}, "published_on"),
    ("source-list", {"kind": "report", "title": "T", "accessed_on": "yesterday"}, "accessed_on"),
    ("article-list", {"title": "T", "published_on": "2020-02-30"}, "published_on"),
    ("claim-detail", {"claim_date": "yesterday"}, "claim_date"),
    # unknown and huge ids
    ("source-list", {"kind": "report", "title": "T", "publisher": UNKNOWN}, "publisher"),
    ("source-list", {"kind": "report", "title": "T", "publisher": HUGE}, "publisher"),
    ("source-list", {"kind": "report", "title": "T", "relies_on": [UNKNOWN]}, "relies_on"),
    ("source-list", {"kind": "report", "title": "T", "relies_on": [HUGE]}, "relies_on"),
    ("source-list", {"kind": "report", "title": "T", "relies_on": [-1]}, "relies_on"),
    ("article-list", {"title": "T", "publisher": HUGE}, "publisher"),
    ("claim-list", {"article": UNKNOWN, "statement": "S", "quote": "q"}, "article"),
    ("claim-list", {"article": HUGE, "statement": "S", "quote": "q"}, "article"),
    ("citation-list", {"claim": HUGE, "source": UNKNOWN, "role": "evidence", "stance": "supports"}, "claim"),
    ("citation-list", {"claim": UNKNOWN, "source": HUGE, "role": "evidence", "stance": "supports"}, "source"),
    # unknown enum values
    ("publisher-list", {"name": "AP", "kind": "blog"}, "kind"),
    ("source-list", {"kind": "blog", "title": "T"}, "kind"),
    ("source-detail", {"kind": "blog"}, "kind"),
    ("citation-detail", {"role": "blog"}, "role"),
    ("citation-detail", {"stance": "blog"}, "stance"),
    ("claim-transition", {"status": "blog"}, "status"),
    # missing or blank required fields
    ("publisher-list", {}, "name"),
    ("publisher-list", {"name": "   "}, "name"),
    ("source-list", {"title": "T"}, "kind"),
    ("source-list", {"kind": "report", "title": "  "}, "title"),
    ("article-list", {"title": ""}, "title"),
    ("claim-list", {"statement": "S", "quote": "q"}, "article"),
]


def _bad_field_id(case) -> str:
    name, body, field = case
    return f"{name}-{field}-{json.dumps(body)[:40]}"


@pytest.mark.parametrize(("name", "body", "field"), BAD_FIELDS, ids=[_bad_field_id(c) for c in BAD_FIELDS])
def test_bad_field_value(researcher_client, world, name, body, field):
    before = snapshot()
    response = getattr(researcher_client, method_for(name))(
        url_for(name, world), body, format="json", **if_match_for(name, world)
    )
    assert_error(response, 400, field)
    assert snapshot() == before


@pytest.mark.parametrize("name", ["claim-list", "claim-detail"])
def test_claim_quote_with_a_nul_byte(researcher_client, world, name):
    body = {"article": world.article.pk, "statement": "S", "quote": "militia\x00group"}
    before = snapshot()
    response = getattr(researcher_client, method_for(name))(url_for(name, world), body, format="json")
    assert_error(response, 400, "quote")
    assert snapshot() == before


@pytest.mark.parametrize("name", ["publisher-list", "source-list", "article-list", "claim-detail"])
def test_lone_surrogate_in_a_string(researcher_client, world, name):
    # JSON may escape half a UTF-16 pair, which no database text column can store.
    field = {"publisher-list": "name", "claim-detail": "statement"}.get(name, "title")
    raw = '{"%s": "broken \\ud800 text", "kind": "report"}' % field  # noqa: UP031
    before = snapshot()
    response = send_raw(researcher_client, method_for(name), url_for(name, world), raw)
    assert_error(response, 400, field)
    assert snapshot() == before


# Ids in paths -----------------------------------------------------------------------


@pytest.mark.parametrize("name", DETAILS)
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
@pytest.mark.parametrize("pk", [HUGE_PATH_ID, "-1", "0", "abc", "%00", str(UNKNOWN)])
def test_bad_id_in_path(reviewer_client, world, name, method, pk):
    url = reverse(name, args=[1]).replace("/1/", f"/{pk}/")
    before = snapshot()
    response = getattr(reviewer_client, method)(url, {"title": "x"}, format="json")
    assert assert_error(response, 404)["code"] == "not_found"
    assert snapshot() == before


@pytest.mark.parametrize("name", ["claim-transition", "claim-history"])
def test_bad_id_in_claim_action_path(reviewer_client, world, name):
    url = reverse(name, args=[1]).replace("/1/", f"/{HUGE_PATH_ID}/")
    before = snapshot()
    response = getattr(reviewer_client, "post" if name == "claim-transition" else "get")(
        url, {"status": "in_review"}, format="json"
    )
    assert_error(response, 404)
    assert snapshot() == before


def test_path_the_router_does_not_know_is_404_in_the_error_shape(researcher_client):
    assert assert_error(researcher_client.get("/api/v1/claims/1.5/"), 404)["code"] == "not_found"
    assert assert_error(researcher_client.get("/api/v1/nothing-here/"), 404)["code"] == "not_found"


def test_a_suffix_that_is_no_format_is_a_400_naming_format_on_sources(researcher_client):
    """Sources speak CSL too, so their format is checked and named (``1.5`` reads as id 1 in
    format 5)."""
    body = assert_error(researcher_client.get("/api/v1/sources/1.5/"), 400, "format")
    assert [item["field"] for item in body["errors"]] == ["format"]


# Query parameters -------------------------------------------------------------------

BAD_FILTERS = [
    ("source-list", {"publisher": HUGE_PATH_ID}, "publisher"),
    ("source-list", {"publisher": "abc"}, "publisher"),
    ("source-list", {"publisher": "\x00"}, "publisher"),
    ("source-list", {"kind": "blog"}, "kind"),
    ("source-list", {"kind": ["report", "blog"]}, "kind"),
    ("source-list", {"published_after": "2020-13-45"}, "published_after"),
    ("source-list", {"published_before": "yesterday"}, "published_before"),
    ("publisher-list", {"kind": "blog"}, "kind"),
    ("publisher-list", {"country": "\x00"}, "country"),
    ("article-list", {"publisher": HUGE_PATH_ID}, "publisher"),
    ("article-list", {"published_after": "yesterday"}, "published_after"),
    ("claim-list", {"article": "abc"}, "article"),
    ("claim-list", {"article": HUGE_PATH_ID}, "article"),
    ("claim-list", {"claimant": "\x00"}, "claimant"),
    ("claim-list", {"status": "blog"}, "status"),
    ("claim-list", {"source": "abc"}, "source"),
    ("claim-list", {"source": HUGE_PATH_ID}, "source"),
    ("claim-list", {"publisher": "-1"}, "publisher"),
    ("claim-list", {"created_after": "yesterday"}, "created_after"),
    ("claim-list", {"updated_before": "\x00"}, "updated_before"),
    ("citation-list", {"claim": HUGE_PATH_ID}, "claim"),
    ("citation-list", {"source": "abc"}, "source"),
    ("citation-list", {"role": "blog"}, "role"),
    ("citation-list", {"stance": "\x00"}, "stance"),
]


@pytest.mark.parametrize(("name", "params", "field"), BAD_FILTERS)
def test_bad_filter_value(researcher_client, world, name, params, field):
    response = researcher_client.get(reverse(name), params)
    assert assert_error(response, 400, field)["code"] == "invalid"


@pytest.mark.parametrize("name", LISTS)
def test_nul_byte_in_search(researcher_client, world, name):
    response = researcher_client.get(reverse(name), {"search": "\x00"})
    assert_error(response, 400, "search")


@pytest.mark.parametrize("name", sorted(set(LISTS) - CURSOR_LISTS))
@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", HUGE_PATH_ID, "1.5", "\x00"])
def test_bad_page_is_404(researcher_client, world, name, page):
    response = researcher_client.get(reverse(name), {"page": page})
    assert assert_error(response, 404)["code"] == "not_found"


@pytest.mark.parametrize("name", sorted(CURSOR_LISTS))
@pytest.mark.parametrize("page", ["2", "abc", "\x00"])
def test_a_page_number_on_a_cursor_list_is_a_400_naming_page(researcher_client, world, name, page):
    body = assert_error(researcher_client.get(reverse(name), {"page": page}), 400, "page")
    assert "cursor" in body["errors"][0]["message"]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("page_size", ["-1", "0", "abc", "\x00", "1.5", "²"])
def test_unusable_page_size_is_refused(researcher_client, world, name, page_size):
    response = researcher_client.get(reverse(name), {"page_size": page_size})
    body = assert_error(response, 400, "page_size")
    assert [e["field"] for e in body["errors"]] == ["page_size"]


@pytest.mark.parametrize("page_size", ["201", HUGE_PATH_ID])
def test_huge_page_size_is_capped(researcher_client, page_size):
    PublisherFactory.create_batch(201)
    response = researcher_client.get(reverse("publisher-list"), {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.data["results"]) == 200


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("ordering", ["password", "-nothing", "publisher__name", "\x00", "id,nothing"])
def test_ordering_by_unknown_field_is_refused(researcher_client, world, name, ordering):
    response = researcher_client.get(reverse(name), {"ordering": ordering})
    body = assert_error(response, 400, "ordering")
    assert [e["field"] for e in body["errors"]] == ["ordering"]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("ordering", ["", ",,", "id,id", "-id"])
def test_empty_or_repeated_ordering_terms_are_accepted(researcher_client, world, name, ordering):
    response = researcher_client.get(reverse(name), {"ordering": ordering})
    assert response.status_code == 200, response.content
    assert len(response.data["results"]) >= 1
    if name not in CURSOR_LISTS:
        assert response.data["count"] == len(response.data["results"])


def test_unknown_format_is_404_and_unacceptable_accept_is_406(researcher_client, world):
    assert_error(researcher_client.get(reverse("claim-list"), {"format": "xml"}), 404)
    assert_error(researcher_client.get(reverse("claim-list"), HTTP_ACCEPT="application/xml"), 406)


def test_sources_name_an_unknown_format_and_answer_any_accept(researcher_client, world):
    """Sources negotiate CSL-JSON (sources/csl.py): an unknown ``format`` is named, and an
    Accept they cannot meet gets their default, JSON."""
    assert_error(researcher_client.get(reverse("source-list"), {"format": "xml"}), 400, "format")
    response = researcher_client.get(reverse("source-list"), HTTP_ACCEPT="application/xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("name", "body", "field"),
    [
        ("source-list", {"kind": "report", "title": 1984}, "title"),
        ("article-list", {"title": 1984}, "title"),
        ("publisher-list", {"name": 1984}, "name"),
        ("publisher-list", {"name": "Reuters", "url": 42}, "url"),
        ("auth-token", {"username": 7, "password": "x"}, "username"),
    ],
)
def test_number_for_text_is_refused(researcher_client, name, body, field):
    before = snapshot()
    response = researcher_client.post(reverse(name), body, format="json")
    body = assert_error(response, 400, field)
    assert [e["field"] for e in body["errors"]] == [field]
    assert snapshot() == before
