import pytest
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from sources.models import Publisher
from tests.factories import PublisherFactory, ResearcherFactory, UserFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # set by UserFactory


def get_token(client: APIClient, username: str, password: str = PASSWORD):
    return client.post(reverse("auth-token"), {"username": username, "password": password})


def test_token_for_right_password_works_as_authorization_header():
    user = ResearcherFactory(username="alice")
    client = APIClient()
    response = get_token(client, "alice")
    assert response.status_code == 201, response.data
    assert response.data["username"] == "alice"
    assert response.data["expiry"]
    assert len(response.data["token"]) > 20
    assert AuthToken.objects.filter(user=user).count() == 1

    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    me = client.get(reverse("auth-me"))
    assert me.status_code == 200
    assert me.data["username"] == "alice"
    publisher = client.post(reverse("publisher-list"), {"name": "Made with a token"})
    assert publisher.status_code == 201, publisher.data


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "alice", "password": "wrong password"},
        {"username": "nobody", "password": PASSWORD},
    ],
)
def test_wrong_credentials_give_no_token(credentials):
    ResearcherFactory(username="alice")
    response = APIClient().post(reverse("auth-token"), credentials)
    body = assert_error(response, 400, "invalid_credentials")
    assert [error["field"] for error in body["errors"]] == ["password"]
    assert not AuthToken.objects.exists()


def test_inactive_user_gets_no_token():
    UserFactory(username="gone", is_active=False)
    assert_error(get_token(APIClient(), "gone"), 400)
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize("missing", ["username", "password"])
def test_token_request_names_missing_field(missing):
    UserFactory(username="alice")
    body = {"username": "alice", "password": PASSWORD}
    del body[missing]
    response = APIClient().post(reverse("auth-token"), body)
    errors = assert_error(response, 400, "invalid")["errors"]
    assert [(error["field"], error["code"]) for error in errors] == [(missing, "required")]
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml"])
def test_a_token_request_that_cannot_be_read_is_415(content_type):
    """Documented in the schema (api.auth_views.TokenView.error_codes), like every write's."""
    UserFactory(username="alice")
    response = APIClient().generic(
        "POST", reverse("auth-token"), b"username=alice", content_type=content_type
    )
    assert_error(response, 415, "unsupported_media_type")
    assert not AuthToken.objects.exists()


def test_delete_revokes_the_token_used():
    user = UserFactory(username="alice")
    client = APIClient()
    kept = get_token(client, "alice").data["token"]
    revoked = get_token(client, "alice").data["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {revoked}")
    assert client.delete(reverse("auth-token")).status_code == 204
    assert AuthToken.objects.filter(user=user).count() == 1
    assert_error(client.get(reverse("auth-me")), 401, "authentication_failed")
    client.credentials(HTTP_AUTHORIZATION=f"Token {kept}")
    assert client.get(reverse("auth-me")).status_code == 200


def test_delete_without_token_is_401():
    UserFactory(username="alice")
    get_token(APIClient(), "alice")
    assert_error(APIClient().delete(reverse("auth-token")), 401, "not_authenticated")
    assert AuthToken.objects.count() == 1


def test_unknown_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)
    assert_error(client.get(reverse("publisher-list")), 401)


@pytest.mark.parametrize(
    ("client_name", "roles"),
    [
        ("researcher_client", (True, False, False)),
        ("reviewer_client", (True, True, False)),
        ("outsider_client", (False, False, False)),
        ("superuser_client", (True, True, True)),
    ],
)
def test_me_shows_roles(request, client_name, roles):
    response = request.getfixturevalue(client_name).get(reverse("auth-me"))
    assert response.status_code == 200
    assert (
        response.data["is_researcher"],
        response.data["is_reviewer"],
        response.data["is_superuser"],
    ) == roles


def test_me_needs_authentication(anon_client):
    assert_error(anon_client.get(reverse("auth-me")), 401, "not_authenticated")


def test_browsable_api_renders_for_a_session_user():
    client = APIClient()
    client.force_login(ResearcherFactory())
    PublisherFactory(name="Shown in HTML")
    root = client.get("/api/v1/", HTTP_ACCEPT="text/html")
    assert root.status_code == 200
    assert root["Content-Type"].startswith("text/html")
    listing = client.get(reverse("publisher-list"), HTTP_ACCEPT="text/html")
    assert listing.status_code == 200
    assert b"Shown in HTML" in listing.content


def test_session_user_writes_with_csrf_token():
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(ResearcherFactory())
    refused = client.post(reverse("publisher-list"), {"name": "No CSRF"})
    assert_error(refused, 403)
    client.get("/api/v1/", HTTP_ACCEPT="text/html")
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(reverse("publisher-list"), {"name": "With CSRF"}, HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201, accepted.data
    assert list(Publisher.objects.values_list("name", flat=True)) == ["With CSRF"]
