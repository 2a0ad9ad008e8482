"""The OpenAPI schema and the documentation pages built on it."""

import json
import re

import pytest
import yaml
from django.conf import settings
from django.urls import reverse
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

ERROR_REF = {"$ref": "#/components/schemas/Error"}
WRITE_METHODS = {"post", "put", "patch"}
HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}
URL_IN_HTML = re.compile(r"https?://", re.IGNORECASE)
ASSET_REF = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


@pytest.fixture
def schema(anon_client) -> dict:
    response = anon_client.get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def api_operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_schema_is_served_without_login_as_yaml_by_default(anon_client):
    response = anon_client.get(reverse("schema"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    document = yaml.safe_load(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Claimtrack API"


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ({"format": "json"}, {}),
        ({}, {"HTTP_ACCEPT": "application/json"}),
        ({}, {"HTTP_ACCEPT": "application/vnd.oai.openapi+json"}),
    ],
)
def test_schema_is_served_as_json_on_request(anon_client, query, headers):
    response = anon_client.get(reverse("schema"), query, **headers)

    assert response.status_code == 200
    assert "json" in response["Content-Type"]
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document == yaml.safe_load(anon_client.get(reverse("schema")).content)


def test_schema_is_valid_openapi(schema):
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 meta-schema


def path_template(name: str) -> str:
    """The OpenAPI path of a detail route: ``/api/v1/claims/{id}/``."""
    # Routes take only canonical ids, so reverse with one and put the placeholder in its place.
    return reverse(name, kwargs={"pk": 1}).replace("/1/", "/{id}/")


def test_schema_covers_every_resource(schema):
    for basename in ("publisher", "source", "article", "claim", "citation"):
        assert reverse(f"{basename}-list") in schema["paths"]
        assert path_template(f"{basename}-detail") in schema["paths"]
    assert path_template("claim-transition") in schema["paths"]
    assert path_template("claim-history") in schema["paths"]
    assert reverse("auth-token") in schema["paths"]


def test_every_error_response_has_the_error_shape(schema):
    components = schema["components"]["schemas"]
    error = components[ERROR_REF["$ref"].rsplit("/", 1)[1]]
    checked = 0
    for path, method, operation in api_operations(schema):
        for code, response in operation["responses"].items():
            if code.startswith("4"):
                # Error itself, or Error with more (429's retry_after, 412's current_version).
                ref = response["content"]["application/json"]["schema"]["$ref"]
                shape = components[ref.rsplit("/", 1)[1]]
                assert all(
                    shape["properties"].get(k) == v for k, v in error["properties"].items() if k != "errors"
                ), ref
                # Each item names field, code and message; an import's items add section and row.
                item = components[shape["properties"]["errors"]["items"]["$ref"].rsplit("/", 1)[1]]
                error_item = components[error["properties"]["errors"]["items"]["$ref"].rsplit("/", 1)[1]]
                assert item["properties"].items() >= error_item["properties"].items(), ref
                assert set(item["required"]) >= set(error_item["required"]), ref
                assert set(shape["required"]) >= set(error["required"]), (method, path, code)
                assert response["description"], (method, path, code)
                checked += 1
    assert checked > 50


def test_every_api_operation_documents_its_4xx_responses(schema):
    token_path = reverse("auth-token")
    operations = [op for op in api_operations(schema) if op[0].startswith("/api/v1/")]
    assert len(operations) > 30
    for path, method, operation in operations:
        documented = set(operation["responses"])
        where = f"{method.upper()} {path}"
        if path != token_path:
            assert {"401", "403"} <= documented, where
        if method in WRITE_METHODS:
            assert "400" in documented, where
        if "{id}" in path:
            assert "404" in documented, where


@pytest.mark.parametrize("basename", ["publisher", "source", "article", "claim", "citation"])
def test_writes_document_the_record_as_read_in_their_answer(schema, basename):
    list_item = schema["paths"][reverse(f"{basename}-list")]
    detail_item = schema["paths"][path_template(f"{basename}-detail")]
    read = detail_item["get"]["responses"]["200"]["content"]["application/json"]["schema"]

    answers = [
        list_item["post"]["responses"]["201"],
        detail_item["put"]["responses"]["200"],
        detail_item["patch"]["responses"]["200"],
    ]
    schemas = [answer["content"]["application/json"]["schema"] for answer in answers]
    if basename == "claim":
        # A new claim comes with its likely duplicates: the claim as read, and one more field.
        created = schema["components"]["schemas"][schemas.pop(0)["$ref"].rsplit("/", 1)[1]]
        claim = schema["components"]["schemas"][read["$ref"].rsplit("/", 1)[1]]
        assert set(created["properties"]) == set(claim["properties"]) | {"likely_duplicates"}
        assert schemas == [read] * 2
    else:
        assert schemas == [read] * 3


def test_token_operations_document_what_they_return(schema):
    token = schema["paths"][reverse("auth-token")]

    assert set(token["post"]["responses"]) == {"201", "400", "415", "429"}
    assert set(token["delete"]["responses"]) == {"204", "401", "429"}


def _is_described(prop: dict, components: dict) -> bool:
    if prop.get("description", "").strip():
        return True
    # A bare reference is documented by the component it points to.
    ref = prop.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        target = components[ref.rsplit("/", 1)[1]]
        return bool(target.get("description", "").strip())
    return False


def test_every_property_of_every_component_is_described(schema):
    components = schema["components"]["schemas"]
    undescribed = [
        f"{name}.{prop_name}"
        for name, component in components.items()
        for prop_name, prop in component.get("properties", {}).items()
        if not _is_described(prop, components)
    ]
    assert undescribed == []
    # The walk reached the components that matter.
    assert {"Claim", "ClaimWriteRequest", "Source", "Error", "ErrorItem", "PaginatedClaimList"} <= set(
        components
    )


@pytest.mark.parametrize("name", ["swagger-ui", "redoc"])
def test_docs_page_renders_without_login_from_local_assets_only(anon_client, name):
    response = anon_client.get(reverse(name))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert URL_IN_HTML.findall(html) == []
    # Swagger UI's start-up script is a file of the page's own (no inline script, for the CSP).
    own_script = reverse(name) + "?script="
    if own_script in html:
        html += anon_client.get(own_script).content.decode()
    assert reverse("schema") in html
    assets = [asset for asset in ASSET_REF.findall(html) if asset != own_script]
    assert assets
    for asset in assets:
        assert asset.startswith("/" + settings.STATIC_URL.lstrip("/")), asset


@pytest.mark.parametrize("name", ["swagger-ui", "redoc"])
def test_docs_page_assets_are_served(anon_client, name):
    html = anon_client.get(reverse(name)).content.decode()
    assets = ASSET_REF.findall(html)
    assert any(asset.endswith(".js") for asset in assets)
    for asset in assets:
        response = anon_client.get(asset)
        assert response.status_code == 200, asset
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(body) > 100, asset
