"""The HTTPS redirect keeps the method and the body: 308, not 301."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import Claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def redirecting(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["claimtrack.example"]


@pytest.mark.parametrize("method", ["get", "post", "patch", "delete", "head"])
def test_plain_http_is_a_308_to_the_same_url_over_https(researcher, redirecting, method):
    client = APIClient(HTTP_HOST="claimtrack.example")
    client.force_authenticate(researcher)
    url = reverse("claim-list") + "?status=verified"
    response = getattr(client, method)(url)
    assert response.status_code == 308
    assert response["Location"] == f"https://claimtrack.example{url}"
    assert not Claim.objects.exists()


def test_https_is_not_redirected(researcher, redirecting):
    client = APIClient(HTTP_HOST="claimtrack.example")
    client.force_authenticate(researcher)
    response = client.get(reverse("claim-list"), secure=True)
    assert response.status_code == 200


def test_without_the_setting_there_is_no_redirect(researcher_client, settings):
    settings.SECURE_SSL_REDIRECT = False
    assert researcher_client.get(reverse("claim-list")).status_code == 200


def test_other_permanent_redirects_stay_301(anon_client, redirecting):
    # APPEND_SLASH's redirect of a GET is not the HTTPS one.
    response = anon_client.get("/api/v1/claims", secure=True, HTTP_HOST="claimtrack.example")
    assert response.status_code == 301
