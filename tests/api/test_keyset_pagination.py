"""Cursor paging on the claims and citations lists: no repeats, no skips, no counting."""

import base64
import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from api.pagination import encode_cursor
from claims.models import Claim
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory
from tests.helpers import assert_error, error_fields

pytestmark = pytest.mark.django_db


def walk(client, url, params, *, link="next"):
    """Every row id met following ``link`` from the first page, page by page."""
    seen, pages = [], 0
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        seen += [row["id"] for row in response.data["results"]]
        pages += 1
        if not response.data[link]:
            return seen, pages, response
        response = client.get(response.data[link])


def everything(client, url, params):
    response = client.get(url, {**params, "page_size": 200})
    assert response.status_code == 200
    assert response.data["next"] is None
    return [row["id"] for row in response.data["results"]]


def many_claims(count: int) -> list[Claim]:
    article = ArticleFactory()
    claimants = ["Ministry", "CENTCOM", "", "Reuters"]
    statuses = ["unverified", "in_review"]
    base = timezone.now()
    claims = []
    for n in range(count):
        claim = ClaimFactory(
            article=article,
            claimant=claimants[n % 4],
            status=statuses[n % 2],
            claim_date=None if n % 3 == 0 else dt.date(2020, 1, 1 + n % 5),
        )
        claims.append(claim)
    # Equal timestamps in pairs: the ordering must fall back on id inside a tie.
    for n, claim in enumerate(claims):
        Claim.objects.filter(pk=claim.pk).update(created_at=base - dt.timedelta(minutes=n // 2))
    return claims


def test_the_list_pages_by_cursor_without_a_count(researcher_client):
    many_claims(3)
    response = researcher_client.get(reverse("claim-list"), {"page_size": 2})
    assert response.status_code == 200
    assert set(response.data) == {"next", "previous", "results"}
    assert response.data["previous"] is None
    assert "cursor=" in response.data["next"]
    assert "page_size=2" in response.data["next"]
    last = researcher_client.get(response.data["next"])
    assert len(last.data["results"]) == 1
    assert last.data["next"] is None
    assert "cursor=" in last.data["previous"]


@pytest.mark.parametrize(
    "ordering",
    [None, "created_at", "-created_at", "status", "-status", "claimant", "-claimant", "claim_date",
     "-claim_date", "status,-claimant", "-claim_date,claimant", "id", "-id"],
)  # fmt: skip
def test_following_next_meets_every_row_once_in_order(researcher_client, ordering):
    many_claims(13)
    params = {"ordering": ordering} if ordering else {}
    url = reverse("claim-list")
    expected = everything(researcher_client, url, params)
    assert len(expected) == 13
    seen, pages, _ = walk(researcher_client, url, {**params, "page_size": 3})
    assert seen == expected
    assert pages == 5


def test_nulls_come_last_both_ways(researcher_client):
    many_claims(6)
    url = reverse("claim-list")
    for ordering in ("claim_date", "-claim_date"):
        rows = researcher_client.get(url, {"ordering": ordering}).data["results"]
        dates = [row["claim_date"] for row in rows]
        assert dates[-2:] == [None, None]
        assert None not in dates[:-2]


@pytest.mark.parametrize("ordering", [None, "claimant", "-claim_date"])
def test_following_previous_walks_back_the_same_pages(researcher_client, ordering):
    many_claims(10)
    params = {"ordering": ordering} if ordering else {}
    url = reverse("claim-list")
    forward, _, last_page = walk(researcher_client, url, {**params, "page_size": 3})
    backward = [row["id"] for row in last_page.data["results"]]
    response = last_page
    while response.data["previous"]:
        response = researcher_client.get(response.data["previous"])
        assert response.status_code == 200
        backward = [row["id"] for row in response.data["results"]] + backward
        if response.data["previous"]:
            assert response.data["next"]
    assert backward == forward
    assert len(response.data["results"]) == 3


def test_rows_written_between_pages_never_make_a_page_repeat_or_skip(researcher_client):
    claims = many_claims(6)
    url = reverse("claim-list")
    first = researcher_client.get(url, {"page_size": 3})
    shown = [row["id"] for row in first.data["results"]]
    # A new claim (newest, so before the cursor) and a deleted one past it.
    ClaimFactory()
    Claim.objects.filter(pk=claims[-1].pk).delete()
    second = researcher_client.get(first.data["next"])
    rest = [row["id"] for row in second.data["results"]]
    assert not set(shown) & set(rest)
    remaining = [c.pk for c in claims if c.pk not in shown and c.pk != claims[-1].pk]
    assert sorted(rest) == sorted(remaining)


def test_a_page_past_the_end_offers_the_way_back(researcher_client):
    claims = many_claims(4)
    url = reverse("claim-list")
    first = researcher_client.get(url, {"page_size": 2})
    second = researcher_client.get(first.data["next"])
    # Everything on the second page and after it goes away.
    Claim.objects.filter(pk__in=[row["id"] for row in second.data["results"]]).delete()
    again = researcher_client.get(first.data["next"])
    assert again.data["results"] == []
    assert again.data["next"] is None
    back = researcher_client.get(again.data["previous"])
    assert [row["id"] for row in back.data["results"]] == [row["id"] for row in first.data["results"]]
    assert len(claims) == 4


def test_page_size_keeps_working(researcher_client):
    many_claims(5)
    response = researcher_client.get(reverse("claim-list"), {"page_size": 4})
    assert len(response.data["results"]) == 4
    capped = researcher_client.get(reverse("claim-list"), {"page_size": 5000})
    assert len(capped.data["results"]) == 5


@pytest.mark.parametrize("page_size", ["0", "-1", "two", "1.5", "٣"])
def test_a_bad_page_size_is_refused(researcher_client, page_size):
    body = assert_error(researcher_client.get(reverse("claim-list"), {"page_size": page_size}), 400)
    assert error_fields(body) == ["page_size"]


def _doctored(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        "%%%",
        "eyJ",
        "x" * 3000,
        _doctored([1, 2]),
        _doctored({"o": "-created_at,-id", "p": ["yesterday", 1]}),
        _doctored({"o": "-created_at,-id", "p": ["2024-01-01T00:00:00+00:00"]}),
        _doctored({"o": "-created_at,-id", "p": ["2024-01-01T00:00:00+00:00", 10**30]}),
        _doctored({"o": "-created_at,-id", "p": ["2024-01-01T00:00:00+00:00", None]}),
        _doctored({"o": "-created_at,-id", "p": [None, 1]}),
        _doctored({"o": "-created_at,-id", "p": ["2024-01-01T00:00:00+00:00", "one"]}),
        _doctored({"o": "-created_at,-id", "p": ["2024-01-01\x00", 1]}),
        _doctored({"o": "claimant,id", "p": ["a\x00b", 1]}),
    ],
)
def test_a_damaged_cursor_is_a_400_naming_it(researcher_client, cursor):
    ClaimFactory()
    body = assert_error(researcher_client.get(reverse("claim-list"), {"cursor": cursor}), 400)
    assert error_fields(body) == ["cursor"]


def test_a_cursor_only_continues_its_own_ordering(researcher_client):
    many_claims(4)
    url = reverse("claim-list")
    first = researcher_client.get(url, {"page_size": 2, "ordering": "claimant"})
    cursor = first.data["next"].split("cursor=")[1].split("&")[0]
    body = assert_error(researcher_client.get(url, {"cursor": cursor, "ordering": "-claimant"}), 400)
    assert error_fields(body) == ["cursor"]
    assert "another ordering" in body["errors"][0]["message"]


def test_encode_cursor_opens_a_page_deep_in_the_list(researcher_client):
    claims = many_claims(8)
    expected = everything(researcher_client, reverse("claim-list"), {})
    middle = Claim.objects.get(pk=expected[4])
    cursor = encode_cursor([middle.created_at, middle.pk], ordering="-created_at,-id")
    response = researcher_client.get(reverse("claim-list"), {"cursor": cursor, "page_size": 2})
    assert [row["id"] for row in response.data["results"]] == expected[5:7]
    assert len(claims) == 8


def test_citations_page_by_cursor_too(researcher_client):
    for _ in range(7):
        CitationFactory()
    url = reverse("citation-list")
    expected = everything(researcher_client, url, {})
    seen, pages, _ = walk(researcher_client, url, {"page_size": 2})
    assert seen == expected
    assert pages == 4
    descending, _, _ = walk(researcher_client, url, {"page_size": 3, "ordering": "-added_at"})
    assert descending == list(reversed(expected))


def test_the_history_of_a_claim_still_pages_by_number(researcher_client):
    claim = ClaimFactory()
    response = researcher_client.get(reverse("claim-history", args=[claim.pk]))
    assert response.status_code == 200
    assert response.data["count"] >= 1


@pytest.mark.parametrize("rows", [2, 30])
def test_a_deep_page_runs_the_same_queries_as_the_first(researcher_client, django_assert_num_queries, rows):
    for _ in range(rows):
        CitationFactory()
    url = reverse("claim-list")
    first = researcher_client.get(url, {"page_size": 1})
    with django_assert_num_queries(2):
        deep = researcher_client.get(first.data["next"])
    assert deep.status_code == 200
    assert len(deep.data["results"]) == 1
