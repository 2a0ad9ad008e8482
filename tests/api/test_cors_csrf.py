"""CORS is closed unless an allow-list is configured; CSRF holds for session writes."""

import pytest
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from sources.models import Publisher
from tests.factories import PublisherFactory, ResearcherFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

APP = "https://app.example.org"
OTHER = "https://evil.example.net"


def preflight(client: APIClient, url: str, origin: str):
    return client.options(
        url,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, if-match",
    )


def test_cors_is_closed_by_default(researcher_client):
    url = reverse("publisher-list")
    response = researcher_client.get(url, HTTP_ORIGIN=APP)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in preflight(researcher_client, url, APP)


def test_only_allowed_origins_get_cors_headers(settings, researcher_client):
    settings.CORS_ALLOWED_ORIGINS = [APP]
    url = reverse("publisher-list")

    allowed = researcher_client.get(url, HTTP_ORIGIN=APP)
    assert allowed.status_code == 200
    assert allowed["Access-Control-Allow-Origin"] == APP
    assert {"etag", "retry-after"} <= {
        h.strip().lower() for h in allowed["Access-Control-Expose-Headers"].split(",")
    }
    allowed_preflight = preflight(researcher_client, url, APP)
    assert allowed_preflight["Access-Control-Allow-Origin"] == APP
    assert "if-match" in allowed_preflight["Access-Control-Allow-Headers"]

    other = researcher_client.get(url, HTTP_ORIGIN=OTHER)
    assert other.status_code == 200
    assert "Access-Control-Allow-Origin" not in other
    assert "Access-Control-Allow-Origin" not in preflight(researcher_client, url, OTHER)


def test_cors_covers_the_api_only(settings, superuser_admin):
    settings.CORS_ALLOWED_ORIGINS = [APP]
    response = superuser_admin.get(reverse("admin:index"), HTTP_ORIGIN=APP)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


@pytest.fixture
def session_client():
    """A browser session with CSRF checks on, as a real browser gets."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(ResearcherFactory())
    return client


def csrf_token(client: APIClient) -> str:
    client.get("/api/v1/", HTTP_ACCEPT="text/html")  # the browsable API sets the cookie
    return client.cookies["csrftoken"].value


def publisher_write(client, publisher, **headers):
    etag = client.get(reverse("publisher-detail", args=[publisher.pk]))["ETag"]
    return client.patch(
        reverse("publisher-detail", args=[publisher.pk]), {"name": "Renamed"}, HTTP_IF_MATCH=etag, **headers
    )


def test_session_writes_without_the_csrf_token_are_refused(session_client):
    publisher = PublisherFactory(name="Kept")
    before = list(Publisher.objects.values())

    assert_error(
        session_client.post(reverse("publisher-list"), {"name": "No CSRF"}), 403, "permission_denied"
    )
    assert_error(publisher_write(session_client, publisher), 403, "permission_denied")
    assert_error(
        session_client.post(reverse("publisher-list"), {"name": "Bad CSRF"}, HTTP_X_CSRFTOKEN="x" * 32),
        403,
    )
    assert list(Publisher.objects.values()) == before


def test_session_writes_with_the_csrf_token_work(session_client):
    publisher = PublisherFactory(name="Kept")
    token = csrf_token(session_client)

    created = session_client.post(reverse("publisher-list"), {"name": "With CSRF"}, HTTP_X_CSRFTOKEN=token)
    assert created.status_code == 201, created.content
    updated = publisher_write(session_client, publisher, HTTP_X_CSRFTOKEN=token)
    assert updated.status_code == 200, updated.content
    assert sorted(Publisher.objects.values_list("name", flat=True)) == ["Renamed", "With CSRF"]


def test_token_requests_need_no_csrf_token():
    ResearcherFactory(username="alice")
    client = APIClient(enforce_csrf_checks=True)
    signed_in = client.post(
        reverse("auth-token"), {"username": "alice", "password": "correct horse battery staple"}
    )
    assert signed_in.status_code == 201, signed_in.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {signed_in.data['token']}")

    created = client.post(reverse("publisher-list"), {"name": "By token"})
    assert created.status_code == 201, created.content
    assert list(Publisher.objects.values_list("name", flat=True)) == ["By token"]
    assert AuthToken.objects.count() == 1
