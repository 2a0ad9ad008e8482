"""Only a canonical id (ASCII digits, no sign, no leading zero, no spaces) matches a URL; every
other spelling of the same number is the JSON 404, on every route that takes an id."""

import json

import pytest
from django.urls import URLPattern, get_resolver, reverse

from tests.api.test_bad_input import assert_error, snapshot, world  # noqa: F401

pytestmark = pytest.mark.django_db

FULLWIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))
ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + d) for d in range(10)))


def spellings(pk: int) -> list[str]:
    """Other ways to write ``pk`` that int() would read as the same number, as they reach a URL.
    (``{pk}.0`` is a format suffix, tested in test_bad_input.)"""
    digits = str(pk)
    return [
        digits.translate(FULLWIDTH),
        digits.translate(ARABIC_INDIC),
        f"0{digits}",
        f"00{digits}",
        f"+{digits}",
        f"-{digits}",
        f"%20{digits}",
        f"{digits}%20",
        f"{digits}%0a",
        f"%0a{digits}",
        f"{digits}%09",
        f"{digits}_",
        f"%EF%BC%91{digits}",
    ]


def _routes_with_an_id() -> list[str]:
    """The names of every API route whose path takes a record id (``pk``)."""
    names = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                # Routes with a second id (claim-same-as-detail) have their own test below.
                groups = set(pattern.pattern.regex.groupindex) - {"format"}
                if pattern.name and groups == {"pk"}:
                    names.append(pattern.name)
            else:
                walk(pattern.url_patterns)

    walk(get_resolver().url_patterns)
    return sorted(set(names))


ROUTES = _routes_with_an_id()


def record_for(name: str, world):  # noqa: F811
    basename = name.split("-")[0]
    return getattr(world, basename)


def test_the_routes_with_an_id_are_found():
    # The walk above must see the routes (an empty list would make the tests below vacuous).
    assert {"claim-detail", "claim-history", "claim-restore", "source-provenance", "article-restore"} <= set(
        ROUTES
    )


@pytest.mark.parametrize("name", ROUTES)
def test_a_canonical_id_matches(reviewer_client, world, name):  # noqa: F811
    record = record_for(name, world)
    response = reviewer_client.get(reverse(name, args=[record.pk]))
    # Found: the record, or an action that refuses a GET or this record, never "no such route".
    assert response.status_code != 404, response.content
    assert response.status_code < 500


@pytest.mark.parametrize("name", ROUTES)
@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_any_other_spelling_of_the_id_is_a_json_404(reviewer_client, world, name, method):  # noqa: F811
    record = record_for(name, world)
    url = reverse(name, args=[record.pk])
    before = snapshot()
    for spelling in spellings(record.pk):
        bad = url.replace(f"/{record.pk}/", f"/{spelling}/", 1)
        assert bad != url
        body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
        response = getattr(reviewer_client, method)(bad, **body)
        assert response["Content-Type"].startswith("application/json"), (bad, response.content[:200])
        assert assert_error(response, 404)["code"] == "not_found", bad
    assert snapshot() == before


@pytest.mark.parametrize("kind", ["article", "claim", "source"])
def test_the_trash_purge_route_takes_only_canonical_ids(superuser, world, kind):  # noqa: F811
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(superuser)
    record = getattr(world, kind)
    url = reverse("trash-purge", kwargs={"type": kind, "id": record.pk})
    before = snapshot()
    for spelling in spellings(record.pk):
        response = client.delete(url.replace(f"/{record.pk}/", f"/{spelling}/"))
        assert response.status_code == 404, spelling
        assert json.loads(response.content)["code"] == "not_found"
    assert snapshot() == before


def test_the_second_id_of_a_same_claim_link_route_is_canonical_too(reviewer_client, world):  # noqa: F811
    from claims.services import same_claim_link
    from tests.factories import ClaimFactory, ResearcherFactory

    other = ClaimFactory()
    same_claim_link(claim=world.claim, other=other, actor=ResearcherFactory(), note="")
    url = reverse("claim-same-as-detail", args=[world.claim.pk, other.pk])
    assert reviewer_client.get(url).status_code != 404
    before = snapshot()
    for spelling in spellings(other.pk):
        bad = url.replace(f"/{other.pk}/", f"/{spelling}/")
        response = reviewer_client.delete(bad)
        assert response["Content-Type"].startswith("application/json"), bad
        assert assert_error(response, 404)["code"] == "not_found", bad
    assert snapshot() == before
