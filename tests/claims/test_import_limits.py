"""The import's documented limits: more columns or rows than it takes is a 400 naming the limit,
and checking the header is linear in its length."""

import json

import pytest

from interchange.importing import reading
from tests.claims.test_import import post_csv, post_json, snapshot
from tests.factories import ARTICLE_BODY, ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(db):
    return ArticleFactory(body=ARTICLE_BODY)


def _problems(response) -> list[tuple]:
    body = json.loads(response.content)
    return [(item["code"], item["message"]) for item in body["errors"]]


@pytest.mark.parametrize("columns", [reading.MAX_CSV_COLUMNS + 1, 200_000])
def test_a_header_over_the_column_limit_is_refused_naming_it(researcher_client, article, columns):
    before = snapshot()
    header = ",".join(["statement", "quote", *(f"c{n}" for n in range(columns - 2))])
    response = post_csv(researcher_client, f"{header}\nS,militia group\n", article=article.pk)
    assert response.status_code == 400
    [(code, message)] = _problems(response)
    assert code == "too_many_columns"
    assert str(reading.MAX_CSV_COLUMNS) in message
    assert snapshot() == before


def test_a_header_at_the_column_limit_is_checked_column_by_column(researcher_client, article):
    # As many repeated names as the limit allows: each duplicate is listed once.
    header = ",".join(["statement", "quote"] * (reading.MAX_CSV_COLUMNS // 2))
    response = post_csv(researcher_client, f"{header}\n", article=article.pk)
    assert response.status_code == 400
    assert sorted(code for code, _ in _problems(response)) == ["duplicate_column", "duplicate_column"]


def test_a_csv_over_the_row_limit_is_refused_naming_it(researcher_client, article, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    before = snapshot()
    rows = "".join(f"Claim {n},militia group\n" for n in range(4))
    response = post_csv(researcher_client, f"statement,quote\n{rows}", article=article.pk)
    assert response.status_code == 400
    [(code, message)] = _problems(response)
    assert code == "too_many_rows"
    assert "3" in message
    assert snapshot() == before


def test_a_csv_at_the_row_limit_is_imported(researcher_client, article, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    rows = "Claim one,militia group\nClaim two,21 rockets were fired\n\n"
    response = post_csv(researcher_client, f"statement,quote\n{rows}", article=article.pk)
    assert response.status_code in (200, 201), response.content
    assert article.claims.count() == 2


def test_a_document_over_the_row_limit_is_refused_naming_it(researcher_client, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    before = snapshot()
    document = {
        "publishers": [{"name": f"P{n}"} for n in range(2)],
        "sources": [{"kind": "report", "title": f"S{n}"} for n in range(2)],
    }
    response = post_json(researcher_client, document)
    assert response.status_code == 400
    [(code, message)] = _problems(response)
    assert code == "too_many_rows"
    assert "3" in message
    assert snapshot() == before


def test_a_document_at_the_row_limit_is_imported(researcher_client, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    document = {"publishers": [{"name": f"P{n}"} for n in range(3)]}
    response = post_json(researcher_client, document)
    assert response.status_code in (200, 201), response.content
