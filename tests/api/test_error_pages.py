"""Errors that Django, not a view, answers: JSON in the error shape under /api/."""

import json

import pytest
from django.urls import reverse
from django.views.generic import RedirectView

from claims import selectors
from claims.models import Claim
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def json_body(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


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

    monkeypatch.setattr(selectors, "live_claims", broken_selector)
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


# With DEBUG on (the demo), Django answers its technical pages instead of the handlers above.

ERROR_KEYS = {"status", "code", "detail", "errors"}


def assert_json_error(response, status_code: int) -> dict:
    assert response.status_code == status_code, response.content[:300]
    body = json_body(response)
    assert body.keys() == ERROR_KEYS
    assert body["status"] == status_code
    assert b"<html" not in response.content.lower()
    assert b"Traceback" not in response.content
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/1.5/",
        "/api/v1/no-such-thing/",
        "/api/nothing",
        "/api/v1/claims/01/",
        "/api/v1/claims/abc/",
    ],
)
@pytest.mark.parametrize("accept", ["application/json", "text/html", "*/*"])
def test_unknown_api_url_with_debug_on_is_a_json_404(researcher_client, settings, path, accept):
    settings.DEBUG = True
    response = researcher_client.get(path, HTTP_ACCEPT=accept)
    assert assert_json_error(response, 404)["code"] == "not_found"


def test_unknown_url_outside_the_api_with_debug_on_stays_django_s_page(anon_client, settings):
    settings.DEBUG = True
    response = anon_client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_unexpected_exception_with_debug_on_is_a_json_500_without_internals(
    researcher_client, settings, monkeypatch
):
    settings.DEBUG = True

    def broken_selector():
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(selectors, "live_claims", broken_selector)
    researcher_client.raise_request_exception = False
    response = researcher_client.get(reverse("claim-list"), HTTP_ACCEPT="text/html")
    assert assert_json_error(response, 500)["code"] == "server_error"
    assert "simulated failure" not in response.content.decode()


def test_disallowed_host_with_debug_on_is_a_json_400(anon_client, settings):
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["claimtrack.example"]
    response = anon_client.get(reverse("claim-list"), HTTP_HOST="attacker.example")
    assert assert_json_error(response, 400)["code"] == "bad_request"


def test_post_without_trailing_slash_with_debug_on_is_json(researcher_client, settings):
    # CommonMiddleware cannot redirect a POST, and says so with a technical page under DEBUG.
    settings.DEBUG = True
    researcher_client.raise_request_exception = False
    before = Claim.objects.count()
    response = researcher_client.post("/api/v1/claims", {"statement": "x"}, format="json")
    assert response.status_code >= 400
    assert_json_error(response, response.status_code)
    assert Claim.objects.count() == before


def test_session_write_without_csrf_token_with_debug_on_is_a_json_403(researcher, settings):
    from rest_framework.test import APIClient

    settings.DEBUG = True
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(researcher)
    before = Claim.objects.count()
    response = client.post(reverse("claim-list"), {"statement": "x"}, format="json")
    assert assert_json_error(response, 403)["code"] == "permission_denied"
    assert "CSRF" in response.json()["detail"]
    assert Claim.objects.count() == before


def test_the_browsable_api_still_answers_its_own_html_errors(researcher_client, settings):
    """The API's own answers are untouched: a researcher's browser gets the browsable page."""
    settings.DEBUG = True
    claim = ClaimFactory()
    url = reverse("claim-detail", args=[claim.pk])
    claim.delete()
    response = researcher_client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_plain_django_405_under_the_api_keeps_its_allow_header(rf):
    from django.http import HttpResponseNotAllowed

    from api.middleware import ApiJsonErrorsMiddleware

    middleware = ApiJsonErrorsMiddleware(lambda request: HttpResponseNotAllowed(["GET"]))
    response = middleware(rf.put("/api/v1/something/"))
    assert response["Allow"] == "GET"
    assert assert_json_error(response, 405)["code"] == "method_not_allowed"
