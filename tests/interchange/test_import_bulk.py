"""New records of an import are created by the bulk services, and that writes exactly what
creating them one by one through the single services writes: the same records, versions,
independence counts, change-log entries and history events."""

from collections import Counter
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Max, Model
from pghistory.models import Context

from benchmarks.importing import document, one_by_one
from claims.models import Article, Citation, Claim
from core.change_log import Change
from sources.models import Publisher, Source, SourceReliance
from tests.claims.test_import import post_json
from tests.core.test_change_log import MODELS as CHANGE_LOGGED

pytestmark = pytest.mark.django_db

MODELS: dict[str, type[Model]] = {
    kind: model for kind, model in CHANGE_LOGGED.items() if kind not in ("status_change", "same_claim_link")
}
# Different from one run to the other by nature: ids, clocks, the transaction.
VARYING = {"id", "pgh_id", "pgh_created_at", "pgh_context_id", "created_at", "updated_at", "added_at"}


def labels() -> dict[tuple[str, int], Any]:
    """Each stored record's natural name, for facts that do not depend on ids."""
    names: dict[tuple[str, int], Any] = {}
    for publisher in Publisher.objects.all():
        names["publisher", publisher.pk] = publisher.name
    for source in Source.objects.all():
        names["source", source.pk] = source.title
    for article in Article.objects.all():
        names["article", article.pk] = article.title
    for claim in Claim.objects.all():
        names["claim", claim.pk] = claim.statement
    for citation in Citation.objects.all():
        names["citation", citation.pk] = (
            names["claim", citation.claim_id],
            names["source", citation.source_id],
            citation.role,
        )
    for link in SourceReliance.objects.all():
        names["source_reliance", link.pk] = (
            names["source", link.source_id],
            names["source", link.relies_on_id],
        )
    return names


def plain(kind: str, values: dict[str, Any], names: dict[tuple[str, int], Any]) -> tuple:
    """A row (or a history event's snapshot) with its ids replaced by the names they stand for."""
    references = {
        "pgh_obj_id": kind,
        "publisher_id": "publisher",
        "article_id": "article",
        "claim_id": "claim",
        "source_id": "source",
        "relies_on_id": "source",
    }
    out = {}
    for name, value in values.items():
        if name in VARYING:
            continue
        if name in references and value is not None:
            value = names[references[name], value]
        out[name] = value
    return tuple(sorted(out.items(), key=lambda item: item[0]))


def facts(change_mark: int) -> dict[str, Counter]:
    names = labels()
    found: dict[str, Counter] = {
        "changes": Counter(
            (change.type, names[change.type, change.object_id], change.operation)
            for change in Change.objects.filter(id__gt=change_mark)
        ),
        "contexts": Counter(
            tuple(sorted(metadata.items())) for metadata in Context.objects.values_list("metadata", flat=True)
        ),
    }
    for kind, model in MODELS.items():
        found[kind] = Counter(plain(kind, row, names) for row in model.objects.values())
        found[f"{kind} history"] = Counter(
            plain(kind, event, names)
            for event in model.pgh_event_model.objects.values()  # type: ignore[attr-defined]
        )
    return found


class _Undo(Exception):
    pass


def imported(client, doc: dict) -> dict[str, Counter]:
    """What importing ``doc`` writes, undone after."""
    change_mark = Change.objects.aggregate(mark=Max("id"))["mark"] or 0
    result: dict[str, Counter] = {}
    try:
        with transaction.atomic():
            response = post_json(client, doc)
            assert response.status_code == 200, response.content[:2000]
            result = facts(change_mark)
            raise _Undo
    except _Undo:
        pass
    assert not Claim.objects.exists()
    return result


def test_a_bulk_import_writes_what_creating_each_record_by_its_service_writes(researcher_client):
    doc = document(articles=12, claims_per_article=10)
    post_json(researcher_client, {"citations": []})  # reads the user's groups

    bulk = imported(researcher_client, doc)
    with one_by_one():
        single = imported(researcher_client, doc)

    for what in single:
        assert bulk[what] == single[what], what
    # Facts worth comparing: every section created, with reliance chains and counted origins.
    # A row each, a reliance link per report, and each citation touching its claim.
    expected = sum(len(rows) for rows in doc.values()) + len(doc["articles"]) + len(doc["citations"])
    assert sum(bulk["changes"].values()) == expected
    claims = [dict(row) for row in bulk["claim"]]
    assert {claim["independent_support"] for claim in claims} == {0, 1}
    assert {claim["independent_contradiction"] for claim in claims} == {0, 1}
    assert {claim["version"] for claim in claims} == {1, 2, 3}
