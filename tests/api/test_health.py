"""/healthz and /readyz (api/health.py), and the 503 for a database that does not answer."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any database access here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok"}}


@pytest.mark.django_db
def test_readyz_names_what_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    with (
        mock.patch("api.health._check_database", side_effect=OperationalError("gone")),
        mock.patch("api.health._check_redis"),
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.RETRY_AFTER_SECONDS)
    body = response.json()
    assert body["code"] == "not_ready"
    assert body["checks"] == {"database": "down", "redis": "ok"}
    assert [error["field"] for error in body["errors"]] == ["database"]


def test_probes_need_no_allowed_host_and_no_credentials(client):
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200


def test_probes_refuse_other_methods(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.django_db
def test_an_api_request_whose_database_fails_is_a_503_with_retry_after(researcher, settings):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(researcher)
    with mock.patch("claims.views.ClaimViewSet.get_queryset", side_effect=OperationalError("timeout")):
        response = api.get(reverse("claim-list"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.RETRY_AFTER_SECONDS)
    assert response.json()["code"] == "database_unavailable"


@pytest.mark.django_db
def test_other_database_errors_are_not_called_an_outage(researcher):
    from django.db import ProgrammingError
    from rest_framework.test import APIClient

    api = APIClient(raise_request_exception=False)
    api.force_authenticate(researcher)
    with mock.patch("claims.views.ClaimViewSet.get_queryset", side_effect=ProgrammingError("bug")):
        response = api.get(reverse("claim-list"))
    assert response.status_code == 500
    assert "Retry-After" not in response
