"""API tokens (django-rest-knox): stored hashed, expiring, revocable by their owner."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from sources.models import Publisher
from tests.factories import ResearcherFactory, UserFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # set by UserFactory


def new_token(username: str) -> str:
    response = APIClient().post(reverse("auth-token"), {"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.content
    return response.data["token"]


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_key_is_not_stored_only_a_digest_of_it():
    ResearcherFactory(username="alice")
    key = new_token("alice")

    token = AuthToken.objects.get()
    assert token.digest != key
    assert len(token.digest) == 128  # SHA-512 in hex
    assert key not in str(list(AuthToken.objects.values()))
    # Knowing the digest is no way in: it is not a key.
    assert_error(with_token(token.digest).get(reverse("auth-me")), 401, "authentication_failed")


def test_a_token_expires_after_the_configured_time():
    ResearcherFactory(username="alice")
    new_token("alice")
    token = AuthToken.objects.get()
    assert abs(token.expiry - token.created - settings.REST_KNOX["TOKEN_TTL"]) < timedelta(minutes=1)


def test_an_expired_token_is_refused_and_removed():
    ResearcherFactory(username="alice")
    key = new_token("alice")
    assert with_token(key).get(reverse("auth-me")).status_code == 200
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))

    client = with_token(key)
    assert_error(client.get(reverse("auth-me")), 401, "authentication_failed")
    assert_error(client.post(reverse("publisher-list"), {"name": "Not written"}), 401)
    assert not Publisher.objects.exists()
    assert not AuthToken.objects.exists()


def test_a_revoked_token_can_no_longer_write():
    ResearcherFactory(username="alice")
    key = new_token("alice")
    client = with_token(key)
    assert client.delete(reverse("auth-token")).status_code == 204

    assert_error(
        client.post(reverse("publisher-list"), {"name": "Not written"}), 401, "authentication_failed"
    )
    assert not Publisher.objects.exists()


def test_signing_out_everywhere_revokes_only_your_own_tokens():
    alice = ResearcherFactory(username="alice")
    bob = ResearcherFactory(username="bob")
    alice_keys = [new_token("alice"), new_token("alice")]
    bob_key = new_token("bob")

    response = with_token(alice_keys[0]).delete(reverse("auth-tokens"))
    assert response.status_code == 204
    assert response.content == b""
    assert not AuthToken.objects.filter(user=alice).exists()
    assert AuthToken.objects.filter(user=bob).count() == 1
    for key in alice_keys:
        assert_error(with_token(key).get(reverse("auth-me")), 401, "authentication_failed")
    assert with_token(bob_key).get(reverse("auth-me")).data["username"] == "bob"


def test_signing_out_everywhere_needs_authentication():
    UserFactory(username="alice")
    new_token("alice")
    assert_error(APIClient().delete(reverse("auth-tokens")), 401, "not_authenticated")
    assert AuthToken.objects.count() == 1


def test_a_session_user_signs_out_everywhere_too():
    alice = UserFactory(username="alice")
    key = new_token("alice")
    client = APIClient()
    client.force_login(alice)
    assert client.delete(reverse("auth-tokens")).status_code == 204
    assert_error(with_token(key).get(reverse("auth-me")), 401)
    assert not AuthToken.objects.exists()
