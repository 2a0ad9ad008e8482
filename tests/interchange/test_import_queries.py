"""The import looks stored records up in bulk, one query per section and resource: planning a
file of 50 rows runs as many queries as one of 5."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Citation, Claim
from sources.models import SourceReliance
from tests.claims.test_import import post_json
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


def full_document(size: int, tag: str) -> dict:
    """``size`` rows in each section, each row referring to the rows of other sections by
    natural key or client key."""
    sentences = [f"Sentence {tag}-{n} says that {n} things happened. " for n in range(size)]
    return {
        "publishers": [{"name": f"Press {tag}-{n}", "kind": "news_media"} for n in range(size)],
        "sources": [
            {
                "key": f"s{n}",
                "kind": "report",
                "title": f"Report {tag}-{n}",
                "publisher": f"Press {tag}-{n}",
                **({"url": f"https://{tag}.example/r/{n}"} if n % 3 == 0 else {}),
                **({"identifier": f"{tag}-ID-{n}"} if n % 3 == 1 else {}),
                "relies_on": [f"s{n - 1}"] if n else [],
            }
            for n in range(size)
        ],
        "articles": [
            {
                "key": f"a{n}",
                "title": f"Article {tag}-{n}",
                "publisher": f"Press {tag}-{n}",
                **({"url": f"https://{tag}.example/a/{n}"} if n % 2 else {"byline": "A. Writer"}),
                "body": "".join(sentences),
            }
            for n in range(size)
        ],
        "claims": [
            {"key": f"c{n}", "article": f"a{n}", "statement": f"Claim {n}.", "quote": sentences[n].strip()}
            for n in range(size)
        ],
        "citations": [
            {"claim": f"c{n}", "source": f"s{n}", "role": "evidence", "stance": "supports"}
            for n in range(size)
        ]
        + [
            {
                "claim": {"article": f"a{n}", "quote": sentences[n].strip()},
                "source": f"s{(n + 1) % size}",
                "role": "attribution",
                "stance": "context",
            }
            for n in range(size)
        ],
    }


def queries_of(client, document: dict) -> int:
    with CaptureQueriesContext(connection) as run:
        response = post_json(client, document)
    assert response.status_code == 200, response.content[:2000]
    return len(run.captured_queries)


def test_importing_a_stored_document_again_runs_the_same_queries_for_5_and_50_rows(
    researcher_client, django_assert_num_queries
):
    small, big = full_document(5, "small"), full_document(50, "big")
    # The first request also reads the user's groups (core.roles caches them on the user).
    assert post_json(researcher_client, small).status_code == 200
    assert post_json(researcher_client, big).status_code == 200
    expected = queries_of(researcher_client, small)

    with django_assert_num_queries(expected):
        response = post_json(researcher_client, big)

    assert all(counts["created"] == counts["updated"] == 0 for counts in response.json()["counts"].values())


def citations_of_stored_claims(size: int) -> dict:
    """Citations naming stored claims by natural key and by id, and stored sources by URL and
    by identifier."""
    sentences = [f"Fact {n} is stated here. " for n in range(size)]
    article = ArticleFactory(body="".join(sentences))
    claims = [ClaimFactory(article=article, quote=sentence.strip()) for sentence in sentences]
    by_url = SourceFactory(url=f"https://stored.example/{size}")
    by_identifier = SourceFactory(url="", identifier=f"ID-{size}")
    rows = []
    for n, claim in enumerate(claims):
        rows.append(
            {
                "claim": {"article": article.pk, "quote": claim.quote},
                "source": f"HTTPS://Stored.example/{size}#top",
                "role": "evidence",
                "stance": "supports",
            }
        )
        rows.append(
            {"claim": claim.pk, "source": by_identifier.identifier, "role": "evidence", "stance": "context"}
        )
        if n % 2:
            claim_ref = {"article": article.url, "quote": claim.quote}
            rows.append(
                {"claim": claim_ref, "source": by_url.pk, "role": "attribution", "stance": "supports"}
            )
    return {"citations": rows}


def test_citations_of_stored_claims_run_the_same_queries_for_5_and_50_claims(
    researcher_client, django_assert_num_queries
):
    small, big = citations_of_stored_claims(5), citations_of_stored_claims(50)
    post_json(researcher_client, {"citations": []})  # reads the user's groups
    expected = queries_of(researcher_client, small)
    assert Citation.objects.count() == len(small["citations"])

    with django_assert_num_queries(expected):
        response = post_json(researcher_client, big)

    assert response.json()["counts"]["citations"] == {
        "created": len(big["citations"]),
        "updated": 0,
        "unchanged": 0,
    }


def test_importing_a_new_document_runs_the_same_queries_for_5_and_50_rows(
    researcher_client, django_assert_num_queries
):
    """Every new record is created by its section's bulk service: planning and writing 250
    rows (reliance chains, citations by key and by natural key) takes the queries of 25."""
    small, big = full_document(5, "small"), full_document(50, "big")
    post_json(researcher_client, {"citations": []})  # reads the user's groups
    expected = queries_of(researcher_client, small)

    with django_assert_num_queries(expected):
        response = post_json(researcher_client, big)

    assert response.json()["counts"] == {
        section: {"created": len(rows), "updated": 0, "unchanged": 0} for section, rows in big.items()
    }
    assert Claim.objects.count() == 55
    assert SourceReliance.objects.count() == 4 + 49
