import pytest
from django.utils import timezone
from knox.models import AuthToken

from benchmarks.generate import generate
from claims.models import Claim
from tests.benchmarks.test_reference import api_results
from tests.factories import ClaimFactory

CONVENTIONAL_PATH = "/bench/conventional/claims/"


@pytest.fixture
def data(db):
    generate(claims=70, seed=13, batch=40)
    # The odd cases: no citations and no creator (newest, so on the first page), one in the trash.
    ClaimFactory()
    Claim.objects.filter(pk=Claim.objects.order_by("-created_at", "-id").values("pk")[1:2]).update(
        deleted_at=timezone.now()
    )


def peer_results(client, **extra) -> list[dict]:
    response = client.get(CONVENTIONAL_PATH, **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


@pytest.mark.urls("tests.benchmarks.urls")
def test_the_conventional_peer_gives_the_apis_results(data, researcher, researcher_client, client):
    expected = api_results(researcher_client)
    assert len(expected) == 50
    assert any(claim["citations"] == [] and claim["created_by"] is None for claim in expected)
    assert any(
        citation["source"]["publisher_name"] is None for claim in expected for citation in claim["citations"]
    )
    _, token = AuthToken.objects.create(researcher)
    assert peer_results(client, HTTP_AUTHORIZATION=f"Token {token}") == expected


@pytest.mark.urls("tests.benchmarks.urls")
def test_the_conventional_peer_reads_a_page_with_its_citations_in_two_queries(
    data, researcher_client, django_assert_num_queries
):
    with django_assert_num_queries(2):
        assert len(peer_results(researcher_client)) == 50


@pytest.mark.urls("tests.benchmarks.urls")
@pytest.mark.parametrize("header", [None, "Token not-a-token"])
def test_the_conventional_peer_refuses_without_a_valid_token(db, client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert client.get(CONVENTIONAL_PATH, **extra).status_code == 401


@pytest.mark.urls("tests.benchmarks.urls")
def test_the_conventional_peer_only_reads(db, researcher_client):
    assert researcher_client.post(CONVENTIONAL_PATH).status_code == 405


def test_the_conventional_peer_is_not_served_by_default(db, researcher_client):
    assert researcher_client.get(CONVENTIONAL_PATH).status_code == 404
