"""Every id a client sends in a body, however malformed (a number that overflows, a float, a
boolean, a string that only looks like digits), is a 400 naming the field, and writes nothing."""

import inspect
import json

import pytest
from django.urls import reverse
from rest_framework import serializers

from api.serializers import IdRelatedField
from claims import serializers as claim_serializers
from claims.models import Article, Citation, Claim
from interchange.importing import serializers as import_serializers
from sources import serializers as source_serializers
from sources.models import Source
from tests.api.test_bad_input import assert_error, snapshot, world  # noqa: F401
from tests.factories import ArticleFactory, ClaimFactory, PublisherFactory, SourceFactory
from tests.helpers import if_match

pytestmark = pytest.mark.django_db

# Raw JSON, so that numbers Python cannot write (1e999999) reach the parser as a client sends them.
BAD_IDS = [
    "1e999999",
    "-1e999999",
    "1e308",
    "99999999999999999999999999999999",
    "9223372036854775808",
    "-1",
    "0",
    "1.5",
    "1.0",
    "true",
    "false",
    '"abc"',
    '"1e999999"',
    '"\uff11"',
    '"01"',
    '"+1"',
    '" 1"',
    '"1 "',
    '"1\\n"',
    "{}",
]

# Every writable related-id field: (write serializer, field) -> (URL name, method, body without it).
DOORS = {
    ("ClaimWriteSerializer", "article"): ("claim-list", "post", {"statement": "S", "quote": "QQQ"}),
    ("ClaimWriteSerializer", "article", "patch"): ("claim-detail", "patch", {}),
    ("CitationWriteSerializer", "claim"): (
        "citation-list", "post", {"source": "SOURCE", "role": "evidence", "stance": "supports"},
    ),
    ("CitationWriteSerializer", "source"): (
        "citation-list", "post", {"claim": "CLAIM", "role": "evidence", "stance": "supports"},
    ),
    ("SourceWriteSerializer", "publisher"): ("source-list", "post", {"kind": "report", "title": "T"}),
    ("SourceWriteSerializer", "relies_on"): ("source-list", "post", {"kind": "report", "title": "T"}),
    ("ArticleWriteSerializer", "publisher"): ("article-list", "post", {"title": "T", "body": "B"}),
}  # fmt: skip


def _writable_related_fields() -> set[tuple[str, str]]:
    """Every writable field naming another record by id, in every serializer of the apps."""
    found = set()
    for module in (claim_serializers, source_serializers, import_serializers):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, serializers.Serializer) or cls.__module__ != module.__name__:
                continue
            for field_name, field in cls().fields.items():
                relation = getattr(field, "child_relation", field)
                if isinstance(relation, serializers.RelatedField) and not field.read_only:
                    found.add((name, field_name))
    return found


def test_every_writable_related_field_is_an_id_field_and_is_tried_below():
    found = _writable_related_fields()
    assert found == {key[:2] for key in DOORS}
    for module in (claim_serializers, source_serializers):
        for name, field_name in found:
            cls = getattr(module, name, None)
            if cls is not None:
                field = cls().fields[field_name]
                assert isinstance(getattr(field, "child_relation", field), IdRelatedField), (name, field_name)


def _body(world, base: dict, field: str, raw: str) -> str:  # noqa: F811
    fill = {"SOURCE": world.source.pk, "CLAIM": world.claim.pk}
    body = {key: fill.get(value, value) for key, value in base.items()}
    text = json.dumps(body)[:-1]
    value = f"[{raw}]" if field == "relies_on" else raw
    return f'{text}{", " if body else ""}"{field}": {value}}}'


@pytest.mark.parametrize("door", list(DOORS), ids=["-".join(key) for key in DOORS])
@pytest.mark.parametrize("raw", BAD_IDS)
def test_a_malformed_id_is_a_400_naming_the_field(reviewer_client, world, door, raw):  # noqa: F811
    name, method, base = DOORS[door]
    field = door[1]
    url = reverse(name, args=[world.claim.pk]) if name.endswith("-detail") else reverse(name)
    extra = if_match(world.claim) if method == "patch" else {}
    before = snapshot()
    response = getattr(reviewer_client, method)(
        url, data=_body(world, base, field, raw), content_type="application/json", **extra
    )
    body = assert_error(response, 400, field)
    assert body["code"] == "invalid"
    assert snapshot() == before


FRESH = {
    "claim": ClaimFactory,
    "source": SourceFactory,
    "publisher": PublisherFactory,
    "relies_on": SourceFactory,
}


@pytest.mark.parametrize("door", list(DOORS), ids=["-".join(key) for key in DOORS])
@pytest.mark.parametrize("as_text", [False, True], ids=["number", "digits"])
def test_a_canonical_id_as_a_number_or_as_digits_is_accepted(reviewer_client, world, door, as_text):  # noqa: F811
    name, method, base = DOORS[door]
    field = door[1]
    # A fresh article holding the quotes of both the claim patched and the claim posted.
    target = ArticleFactory(body=f"{world.article.body} QQQ") if field == "article" else FRESH[field]()
    world.source, world.claim = SourceFactory(), ClaimFactory(article=world.article)
    url = reverse(name, args=[world.claim.pk]) if name.endswith("-detail") else reverse(name)
    extra = if_match(world.claim) if method == "patch" else {}
    raw = f'"{target.pk}"' if as_text else str(target.pk)
    response = getattr(reviewer_client, method)(
        url, data=_body(world, base, field, raw), content_type="application/json", **extra
    )
    assert response.status_code in (200, 201), response.content
    stored = {"claim-list": Claim, "claim-detail": Claim, "citation-list": Citation}.get(name)
    if name == "source-list":
        source = Source.objects.get(pk=response.data["id"])
        linked = source.relies_on.get() if field == "relies_on" else source.publisher
        assert linked == target
    elif name == "article-list":
        assert Article.objects.get(pk=response.data["id"]).publisher == target
    else:
        record = stored.objects.get(pk=response.data.get("id", world.claim.pk))
        assert getattr(record, field) == target
