"""Refused authentication counts: per client address, at the anonymous rate, answered 429 with
Retry-After once over it, and (for a token) before any database lookup."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from knox.models import AuthToken

from tests.api.test_throttling import PASSWORD, assert_throttled, client_at, rates  # noqa: F401
from tests.factories import ResearcherFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

BAD_TOKEN = "Token " + "0" * 64


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_bad_tokens_over_the_anonymous_rate_get_429_without_a_lookup(rates):  # noqa: F811
    rates(anon="3/minute")
    client = client_at("203.0.113.5", HTTP_AUTHORIZATION=BAD_TOKEN)
    for _ in range(3):
        with CaptureQueriesContext(connection) as refused:
            assert_error(client.get(reverse("claim-list")), 401)
        assert any("knox_authtoken" in query["sql"] for query in refused.captured_queries)
    with CaptureQueriesContext(connection) as throttled:
        response = client.get(reverse("claim-list"))
    assert_throttled(response)
    # Only the counter is read (a query only with the database cache; none with Redis).
    assert all(settings.CACHE_TABLE in query["sql"] for query in throttled.captured_queries)
    # Another address is not held back.
    assert_error(client_at("203.0.113.6", HTTP_AUTHORIZATION=BAD_TOKEN).get(reverse("claim-list")), 401)


def test_an_expired_token_counts_as_a_refusal(rates):  # noqa: F811
    rates(anon="2/minute")
    instance, token = AuthToken.objects.create(ResearcherFactory())
    AuthToken.objects.filter(pk=instance.pk).update(expiry=instance.created)
    client = client_at("203.0.113.7", HTTP_AUTHORIZATION=f"Token {token}")
    assert [client.get(reverse("claim-list")).status_code for _ in range(3)] == [401, 401, 429]


def test_no_credentials_on_a_protected_endpoint_count_too(rates):  # noqa: F811
    rates(anon="2/minute")
    client = client_at("203.0.113.8")
    assert_error(client.get(reverse("claim-list")), 401)
    assert_error(client.post(reverse("claim-list"), {}, format="json"), 401)
    assert_throttled(client.get(reverse("claim-list")))


def test_wrong_passwords_count_and_the_right_one_waits_too(rates):  # noqa: F811
    rates(anon="2/minute")
    user = ResearcherFactory()
    client = client_at("203.0.113.9")
    url = reverse("auth-token")
    for _ in range(2):
        assert_error(client.post(url, {"username": user.username, "password": "wrong"}, format="json"), 400)
    assert_throttled(client.post(url, {"username": user.username, "password": PASSWORD}, format="json"))
    assert not AuthToken.objects.exists()


def test_under_the_rate_refusals_are_plain_401s_and_valid_tokens_work(rates):  # noqa: F811
    rates(anon="5/minute")
    _, token = AuthToken.objects.create(ResearcherFactory())
    bad = client_at("203.0.113.10", HTTP_AUTHORIZATION=BAD_TOKEN)
    assert [bad.get(reverse("claim-list")).status_code for _ in range(4)] == [401] * 4
    good = client_at("203.0.113.10", HTTP_AUTHORIZATION=f"Token {token}")
    assert good.get(reverse("claim-list")).status_code == 200


def test_with_the_limits_off_refusals_are_never_throttled(rates):  # noqa: F811
    rates()
    client = client_at("203.0.113.11", HTTP_AUTHORIZATION=BAD_TOKEN)
    assert {client.get(reverse("claim-list")).status_code for _ in range(20)} == {401}
