"""The natural-key lookups the import and the demo loader share (claims.selectors)."""

import pytest
from django.utils import timezone

from claims.selectors import (
    article_natural_key,
    articles_by_key,
    citations_by_key,
    claim_natural_key,
    claims_by_key,
)
from tests.factories import ARTICLE_BODY, ArticleFactory, CitationFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_an_article_is_known_by_its_url_else_its_title_and_byline():
    assert article_natural_key(url="https://a.example/", title="T", byline="B") == (
        "url",
        "https://a.example/",
    )
    assert article_natural_key(url="", title="T", byline="B") == ("title", "T", "B")


def test_articles_are_found_by_url_title_or_id_in_one_query(django_assert_num_queries):
    by_url = ArticleFactory(url="https://a.example/story")
    by_title = ArticleFactory(url="", title="Untitled", byline="B. Writer")
    trashed = ArticleFactory(url="https://a.example/old", deleted_at=timezone.now())
    ArticleFactory(url="https://a.example/titled", title="Untitled", byline="B. Writer")  # has a URL

    with django_assert_num_queries(1):
        found = articles_by_key(
            [
                ("url", "https://a.example/story"),
                ("title", "Untitled", "B. Writer"),
                ("id", by_url.pk),
                ("url", "https://a.example/old"),
                ("url", "https://a.example/none"),
            ]
        )

    assert found == {
        ("url", "https://a.example/story"): [by_url],
        ("title", "Untitled", "B. Writer"): [by_title],
        ("id", by_url.pk): [by_url],
        ("url", "https://a.example/old"): [trashed],
    }


def test_claims_are_found_by_id_or_article_quote_and_offset_in_one_query(django_assert_num_queries):
    article = ArticleFactory(body=ARTICLE_BODY)
    militia = ClaimFactory(article=article, quote="militia group")
    rockets = ClaimFactory(article=article, quote="21 rockets")  # occurs twice: the first
    later = ARTICLE_BODY.rindex("21 rockets")
    elsewhere = ClaimFactory(quote="militia group")  # another article's
    keys = [
        claim_natural_key(article=article.pk, quote="militia group", quote_start=militia.quote_start),
        claim_natural_key(article=article.pk, quote="21 rockets", quote_start=later),
        ("id", rockets.pk),
        ("id", elsewhere.pk),
    ]

    with django_assert_num_queries(1):
        found = claims_by_key(keys)

    assert found == {keys[0]: militia, ("id", rockets.pk): rockets, ("id", elsewhere.pk): elsewhere}


def test_of_claims_sharing_a_natural_key_the_oldest_is_found():
    first = ClaimFactory(quote="militia group")
    ClaimFactory(article=first.article, quote="militia group")
    key = claim_natural_key(article=first.article_id, quote="militia group", quote_start=first.quote_start)

    assert claims_by_key([key]) == {key: first}


def test_citations_are_found_by_claim_source_and_role_in_one_query(django_assert_num_queries):
    citation = CitationFactory(role="evidence")
    other_source = SourceFactory()
    CitationFactory(claim=citation.claim, source=other_source, role="attribution")

    with django_assert_num_queries(1):
        found = citations_by_key(
            [
                (citation.claim_id, citation.source_id, "evidence"),
                (citation.claim_id, citation.source_id, "attribution"),
                (citation.claim_id, other_source.pk, "evidence"),
            ]
        )

    assert found == {(citation.claim_id, citation.source_id, "evidence"): citation}
