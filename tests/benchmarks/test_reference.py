import orjson
import pytest
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from benchmarks.generate import generate
from benchmarks.reference import claims_page
from claims.models import Claim
from tests.factories import ClaimFactory

REFERENCE_PATH = "/bench/reference/claims/"


@pytest.fixture
def data(db):
    generate(claims=70, seed=11, batch=40)
    # The odd cases: no citations and no creator (newest, so on the first page), one in the trash.
    ClaimFactory()
    Claim.objects.filter(pk=Claim.objects.order_by("created_at", "id").values("pk")[:1]).update(
        deleted_at=timezone.now()
    )


def api_results(client) -> list[dict]:
    response = client.get(reverse("claim-list"), {"page_size": 50})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_reference_gives_the_apis_results(data, researcher_client):
    expected = api_results(researcher_client)
    assert len(expected) == 50
    assert any(claim["citations"] == [] and claim["created_by"] is None for claim in expected)
    assert any(
        citation["source"]["publisher_name"] is None for claim in expected for citation in claim["citations"]
    )
    assert orjson.loads(orjson.dumps(claims_page(), option=orjson.OPT_UTC_Z)) == expected


def test_the_reference_reads_with_one_query(data, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(claims_page()) == 50


@pytest.mark.urls("tests.benchmarks.urls")
def test_the_reference_endpoint_serves_it_to_a_token(data, researcher, researcher_client, client):
    _, token = AuthToken.objects.create(researcher)
    response = client.get(REFERENCE_PATH, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["results"] == api_results(researcher_client)


@pytest.mark.urls("tests.benchmarks.urls")
@pytest.mark.parametrize("header", [None, "Token not-a-token"])
def test_the_reference_endpoint_refuses_without_a_valid_token(db, client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert client.get(REFERENCE_PATH, **extra).status_code == 401


@pytest.mark.urls("tests.benchmarks.urls")
def test_the_reference_endpoint_only_reads(db, researcher, client):
    _, token = AuthToken.objects.create(researcher)
    assert client.post(REFERENCE_PATH, HTTP_AUTHORIZATION=f"Token {token}").status_code == 405


def test_the_reference_is_not_served_by_default(db, researcher_client):
    assert researcher_client.get(REFERENCE_PATH).status_code == 404
