"""The claims list's typed publisher filters (claims/admin.py) find their publishers through the
trigram index on the upper-cased name (sources.Publisher, ``publisher_name_upper_trgm``), the
expression Django's ``icontains`` compares."""

import json
import re

import pytest
from django.contrib.admin.sites import site
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from claims.admin import ArticlePublisherFilter, CitedPublisherFilter
from claims.models import Claim
from sources.models import Publisher
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db

INDEX = "publisher_name_upper_trgm"


def filtered(filter_class, text: str):
    request = RequestFactory().get("/", {filter_class.parameter_name: text})
    model_admin = site._registry[Claim]
    chosen = filter_class(request, {filter_class.parameter_name: [text]}, Claim, model_admin)
    return chosen.queryset(request, Claim.objects.all())


def plan_indexes(queryset) -> set[str]:
    """The indexes PostgreSQL's plan of ``queryset`` reads, sequential scans ruled out: whether
    the index can serve the query at all, whatever the size of the test's tables."""
    sql, params = queryset.query.sql_with_params()
    found: set[str] = set()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def walk(node):
        if "Index Name" in node:
            found.add(node["Index Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


@pytest.fixture
def claims():
    garissa = PublisherFactory(name="Humanitarian Network Garissa")
    cited = ClaimFactory()
    CitationFactory(claim=cited, source=SourceFactory(publisher=garissa))
    CitationFactory(
        claim=ClaimFactory(), source=SourceFactory(publisher=PublisherFactory(name="The Juba Monitor"))
    )
    in_article = ClaimFactory(article=ArticleFactory(publisher=garissa))
    return {"cited": cited, "in_article": in_article}


def test_cited_publisher_filter_matches_words_of_the_name_in_any_case(claims):
    assert list(filtered(CitedPublisherFilter, "network GARISSA")) == [claims["cited"]]
    assert list(filtered(CitedPublisherFilter, "Reuters")) == []


def test_articles_publisher_filter_matches_words_of_the_name_in_any_case(claims):
    assert list(filtered(ArticlePublisherFilter, "garissa")) == [claims["in_article"]]
    assert list(filtered(ArticlePublisherFilter, "Juba")) == []


def test_the_filters_name_match_can_use_the_trigram_index(claims):
    """Both filters match publishers by ``name__icontains``; that condition can be served by the
    index. (Which table the whole claims query starts from is the planner's choice, from the
    tables' sizes: not something a test database of a few rows says anything about.)"""
    assert INDEX in plan_indexes(Publisher.objects.filter(name__icontains="Garissa"))


def test_the_filters_compare_the_indexed_expression(claims):
    for filter_class in (CitedPublisherFilter, ArticlePublisherFilter):
        with CaptureQueriesContext(connection) as queries:
            assert list(filtered(filter_class, "Garissa"))
        indexed = r'UPPER\(("sources_publisher"|U\d+)\."name"::text\) LIKE UPPER\('
        assert any(re.search(indexed, query["sql"]) for query in queries.captured_queries), queries


def test_a_claim_citing_a_publisher_twice_is_listed_once(claims):
    CitationFactory(
        claim=claims["cited"], source=SourceFactory(publisher=Publisher.objects.get(name__contains="Garissa"))
    )
    assert list(filtered(CitedPublisherFilter, "Garissa")) == [claims["cited"]]
