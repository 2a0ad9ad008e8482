"""The Content-Security-Policy header: on every answer, scripts from 'self' or the nonce only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def directives(response) -> dict:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize(
    "path", ["/api/v1/", "/api/docs/", "/api/redoc/", "/admin/login/", "/api/v1/nothing/"]
)
def test_every_page_has_the_policy(anon_client, path):
    found = directives(anon_client.get(path, HTTP_ACCEPT="text/html"))
    assert "'unsafe-inline'" not in found["script-src"]
    assert "'unsafe-eval'" not in found["script-src"]
    assert "'self'" in found["script-src"]
    assert found["object-src"] == ["'none'"]
    assert found["frame-ancestors"] == ["'none'"]


def test_the_nonce_is_new_on_each_request(anon_client):
    first = directives(anon_client.get("/api/v1/"))["script-src"]
    second = directives(anon_client.get("/api/v1/"))["script-src"]
    nonces = [value for value in first + second if value.startswith("'nonce-")]
    assert len(nonces) == 2
    assert nonces[0] != nonces[1]


def test_swagger_ui_loads_its_start_up_script_as_a_file(anon_client):
    page = anon_client.get(reverse("swagger-ui")).content.decode()
    assert "<script>" not in page
    assert "?script" in page
