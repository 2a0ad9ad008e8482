"""The API docs speak to the API's users: no internal docstrings, realistic examples."""

import inspect
import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
INT_MAX = 2_147_483_647


@pytest.fixture
def schema(anon_client) -> dict:
    return json.loads(anon_client.get(reverse("schema"), {"format": "json"}).content)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield f"{method.upper()} {path}", operation


def _views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
            if view is not None:
                yield view


def internal_docstrings() -> set[str]:
    """The first line of every class docstring of the project's views and their bases."""
    lines = set()
    for view in _views(get_resolver().url_patterns):
        for klass in inspect.getmro(view):
            if (
                klass.__module__.split(".")[0]
                in {"config", "core", "api", "sources", "claims", "interchange"}
                and klass.__doc__
            ):
                lines.add(inspect.cleandoc(klass.__doc__).splitlines()[0].strip())
    return lines


def test_the_check_knows_the_docstring_that_once_leaked():
    assert any(line.startswith("Subclasses name ``read_serializer_class``") for line in internal_docstrings())


def test_every_operation_is_described_for_the_api_users(schema):
    internal = internal_docstrings()
    for name, operation in operations(schema):
        description = operation.get("description", "")
        assert description.strip(), f"{name} has no description"
        assert "``" not in description, f"{name} shows a code docstring: {description[:80]}"
        for line in internal:
            assert line not in description, f"{name} shows the docstring {line!r}"


def _integer_properties(node, path=""):
    if isinstance(node, dict):
        if node.get("type") == "integer":
            yield path, node
        for key, value in node.items():
            yield from _integer_properties(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _integer_properties(value, f"{path}.{index}")


def test_versions_have_a_realistic_example(schema):
    versions = [
        node
        for path, node in _integer_properties(schema["components"]["schemas"])
        if path.endswith(".version") or path.endswith(".current_version")
    ]
    assert versions
    assert all(node.get("example") in (3, 4) for node in versions)


def test_no_example_is_the_largest_integer(schema):
    for path, node in _integer_properties(schema):
        if node.get("maximum") == INT_MAX and node.get("minimum", 0) >= 0:
            assert "example" in node, path
            assert node["example"] < 1000, path
