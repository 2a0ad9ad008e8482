"""A citation may name a stored claim by its natural key through an article row of the file
that stands for the stored article, with no claim row of that article in the file."""

import pytest

from claims.models import Citation
from tests.claims.test_import import BODY, post_json, snapshot
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored():
    article = ArticleFactory(url="https://news.example/depot", body=BODY)
    claim = ClaimFactory(article=article, quote="Witnesses said")
    source = SourceFactory(url="https://planet.example/fire")
    return article, claim, source


def document(article, quote: str) -> dict:
    return {
        "articles": [
            {"key": "art", "title": article.title, "url": "HTTPS://news.example/depot", "body": BODY}
        ],
        "citations": [
            {
                "claim": {"article": "art", "quote": quote},
                "source": "https://planet.example/fire",
                "role": "evidence",
                "stance": "supports",
            }
        ],
    }


def test_a_stored_claim_is_found_through_the_article_row_that_stands_for_its_article(
    researcher_client, stored
):
    article, claim, source = stored

    response = post_json(researcher_client, document(article, "Witnesses said"))

    assert response.status_code == 200, response.content
    assert response.json()["counts"]["articles"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert Citation.objects.get().claim == claim
    assert Citation.objects.get().source == source


def test_a_claim_neither_in_the_file_nor_stored_is_still_refused(researcher_client, stored):
    article, _claim, _source = stored
    before = snapshot()

    body = assert_error(post_json(researcher_client, document(article, "A spokesman denied")), 400)

    assert [(e["field"], e["code"]) for e in body["errors"]] == [("citations[1].claim", "unknown_reference")]
    assert snapshot() == before
