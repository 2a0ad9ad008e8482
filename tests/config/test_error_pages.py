"""Errors that Django, not a view, answers: JSON in the error shape under /api/."""

import pytest
from django.urls import reverse
from django.views.generic import RedirectView

from claims import selectors
from claims.models import Claim
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def json_body(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_unknown_api_url_is_a_json_404(researcher_client, settings):
    assert settings.DEBUG is False  # the handlers below are only used with DEBUG off

    response = researcher_client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert json_body(response) == {"status": 404, "code": "not_found", "detail": "Not found.", "errors": []}


def test_unknown_api_url_is_a_json_404_without_login(anon_client):
    response = anon_client.post("/api/no-such-version/claims/", {"statement": "x"}, format="json")

    assert response.status_code == 404
    assert json_body(response)["code"] == "not_found"


def test_unknown_url_outside_the_api_is_an_html_404(anon_client):
    response = anon_client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_unknown_record_is_a_json_404(researcher_client):
    claim = ClaimFactory()
    url = reverse("claim-detail", args=[claim.pk])
    claim.delete()

    response = researcher_client.get(url)

    assert response.status_code == 404
    assert json_body(response) == {"status": 404, "code": "not_found", "detail": "Not found.", "errors": []}


def test_unsupported_method_on_a_list_is_a_405(researcher_client):
    claim = ClaimFactory()

    response = researcher_client.put(reverse("claim-list"), {"statement": "Replaced."}, format="json")

    assert response.status_code == 405
    assert json_body(response) == {
        "status": 405,
        "code": "method_not_allowed",
        "detail": 'Method "PUT" not allowed.',
        "errors": [],
    }
    assert "PUT" not in response["Allow"]
    assert Claim.objects.get().statement == claim.statement


def test_disallowed_host_under_the_api_is_a_json_400(anon_client):
    response = anon_client.get(reverse("claim-list"), HTTP_HOST="attacker.example")

    assert response.status_code == 400
    assert json_body(response) == {
        "status": 400,
        "code": "bad_request",
        "detail": "The request is invalid.",
        "errors": [],
    }


def test_unexpected_exception_under_the_api_is_a_json_500(researcher_client, monkeypatch):
    def broken_selector():
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(selectors, "claim_list", broken_selector)
    researcher_client.raise_request_exception = False

    response = researcher_client.get(reverse("claim-list"))

    assert response.status_code == 500
    body = json_body(response)
    assert body == {
        "status": 500,
        "code": "server_error",
        "detail": "An unexpected error occurred; it has been logged.",
        "errors": [],
    }
    assert "simulated failure" not in response.content.decode()


def test_unexpected_exception_outside_the_api_is_not_json(anon_client, monkeypatch):
    def broken_redirect(self, *args, **kwargs):
        raise RuntimeError("simulated failure")

    # The site root ("/") is a RedirectView to the API.
    monkeypatch.setattr(RedirectView, "get_redirect_url", broken_redirect)
    anon_client.raise_request_exception = False

    response = anon_client.get("/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "simulated failure" not in response.content.decode()
