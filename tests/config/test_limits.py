"""Every text a client can send has a length limit: the limit is accepted, one more refused.

The schema test walks every request body of the OpenAPI document, so a text field added
without a limit, or without a case below, fails here.
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from knox.models import AuthToken

from claims.models import Article, Citation, Claim, SameClaimLink, StatusChange
from sources.models import Publisher, Source
from tests.factories import ArticleFactory, ClaimFactory, PublisherFactory, SourceFactory
from tests.helpers import assert_error

ARTICLE_TEXT = "q" * 20_000  # long enough to hold a claim quote at its limit
MODELS = (Publisher, Source, Article, Claim, Citation, StatusChange, SameClaimLink, AuthToken)


def url_text(length: int) -> str:
    return "https://example.org/" + "a" * (length - len("https://example.org/"))


# (schema path, field, limit): every text field of every POST body.
LIMITS = [
    ("/api/v1/publishers/", "name", 200),
    ("/api/v1/publishers/", "country", 2),
    ("/api/v1/publishers/", "url", 500),
    ("/api/v1/sources/", "title", 500),
    ("/api/v1/sources/", "authors", 500),
    ("/api/v1/sources/", "url", 2000),
    ("/api/v1/sources/", "archived_url", 2000),
    ("/api/v1/sources/", "identifier", 300),
    ("/api/v1/sources/", "language", 35),
    ("/api/v1/sources/", "summary", 20_000),
    ("/api/v1/articles/", "title", 500),
    ("/api/v1/articles/", "url", 2000),
    ("/api/v1/articles/", "byline", 300),
    ("/api/v1/articles/", "language", 35),
    ("/api/v1/articles/", "body", 500_000),
    ("/api/v1/claims/", "statement", 20_000),
    ("/api/v1/claims/", "quote", 20_000),
    ("/api/v1/claims/", "claimant", 300),
    ("/api/v1/citations/", "quote", 20_000),
    ("/api/v1/citations/", "locator", 200),
    ("/api/v1/citations/", "note", 20_000),
    ("/api/v1/claims/{id}/transition/", "rationale", 20_000),
    ("/api/v1/claims/{id}/same-as/", "note", 20_000),
    ("/api/v1/auth/token/", "username", 150),
    ("/api/v1/auth/token/", "password", 128),
]


def text_of(field: str, length: int) -> str:
    if field in ("url", "archived_url"):
        return url_text(length)
    if field == "country":
        return ("US" + "U" * length)[:length]  # an assigned code at the limit
    return "q" * length  # claim quotes are found in ARTICLE_TEXT


@pytest.fixture
def world(db):
    publisher = PublisherFactory()
    article = ArticleFactory(publisher=publisher, body=f"Opening words. {ARTICLE_TEXT} Closing words.")
    return SimpleNamespace(
        publisher=publisher,
        source=SourceFactory(publisher=publisher),
        article=article,
        claim=ClaimFactory(article=article, quote="Opening words.", quote_start=0),
        other_claim=ClaimFactory(article=article, quote="Closing words."),
    )


def base_body(path: str, world) -> dict:
    return {
        "/api/v1/publishers/": {"name": "Limit Press"},
        "/api/v1/sources/": {"kind": "report", "title": "A report"},
        "/api/v1/articles/": {"title": "An article"},
        "/api/v1/claims/": {"article": world.article.pk, "statement": "S", "quote": "Closing words."},
        "/api/v1/citations/": {
            "claim": world.claim.pk,
            "source": world.source.pk,
            "role": "evidence",
            "stance": "supports",
        },
        "/api/v1/claims/{id}/transition/": {"status": "in_review"},
        "/api/v1/claims/{id}/same-as/": {"other_claim": world.other_claim.pk},
        "/api/v1/auth/token/": {"username": "rev", "password": "wrong password"},
    }[path]


def send(client, path: str, world, field: str, length: int):
    body = {**base_body(path, world), field: text_of(field, length)}
    headers = {}
    if "{id}" in path:
        # Based on the claim's current version, where the API asks for one.
        etag = client.get(reverse("claim-detail", args=[world.claim.pk])).get("ETag")
        headers = {"HTTP_IF_MATCH": etag} if etag else {}
        path = path.format(id=world.claim.pk)
    return client.post(path, body, format="json", **headers)


def snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


@pytest.mark.parametrize(("path", "field", "limit"), LIMITS, ids=[f"{p}-{f}" for p, f, _ in LIMITS])
def test_text_at_its_limit_is_accepted(reviewer_client, world, path, field, limit):
    response = send(reviewer_client, path, world, field, limit)
    if path == "/api/v1/auth/token/":
        # Long enough to be checked, and then simply wrong.
        assert_error(response, 400, "invalid_credentials")
        return
    assert response.status_code in (200, 201), response.content
    stored = {
        "/api/v1/publishers/": Publisher,
        "/api/v1/sources/": Source,
        "/api/v1/articles/": Article,
        "/api/v1/claims/": Claim,
        "/api/v1/citations/": Citation,
        "/api/v1/claims/{id}/transition/": StatusChange,
        "/api/v1/claims/{id}/same-as/": SameClaimLink,
    }[path].objects.latest("pk")
    assert len(getattr(stored, field)) == limit


@pytest.mark.parametrize(("path", "field", "limit"), LIMITS, ids=[f"{p}-{f}" for p, f, _ in LIMITS])
def test_text_over_its_limit_is_refused_naming_the_field(reviewer_client, world, path, field, limit):
    before = snapshot()
    response = send(reviewer_client, path, world, field, limit + 1)
    body = assert_error(response, 400, "invalid")
    assert {"field": field, "code": "max_length"} in [
        {"field": error["field"], "code": error["code"]} for error in body["errors"]
    ]
    assert snapshot() == before


def string_schemas(schema: dict, components: dict):
    """The string schemas a property may take (following $ref, allOf and oneOf)."""
    if "$ref" in schema:
        yield from string_schemas(components[schema["$ref"].rsplit("/", 1)[1]], components)
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, ()):
            yield from string_schemas(part, components)
    if schema.get("type") == "string":
        yield schema


def test_every_text_in_every_request_body_has_a_length_limit():
    document = SchemaGenerator().get_schema(request=None, public=True)
    components = document["components"]["schemas"]
    unlimited, post_fields = [], set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                ref = media["schema"].get("$ref")
                # A raw body (the CSV of an import) is bounded by IMPORT_MAX_BYTES instead.
                body = components[ref.rsplit("/", 1)[1]] if ref else media["schema"]
                for name, prop in body.get("properties", {}).items():
                    for text in string_schemas(prop, components):
                        if "enum" in text or text.get("format") in ("date", "date-time"):
                            continue
                        if text.get("format") == "binary":
                            # An uploaded file (the import's): the whole request is bounded by
                            # IMPORT_MAX_BYTES (api.middleware), not a character count.
                            continue
                        if "maxLength" not in text:
                            unlimited.append((method, path, name))
                        elif method == "post" and media is content.get("application/json"):
                            post_fields.add((path, name, text["maxLength"]))

    assert unlimited == []
    # Each limit in the schema is exercised above, with the same number; matching stores
    # nothing, its limit is tested in tests/claims/test_matching.py.
    assert ("/api/v1/claims/match/", "text", 20_000) in post_fields
    stored = {case for case in post_fields if case[2] > 0 and case[0] != "/api/v1/claims/match/"}
    assert stored == set(LIMITS)
