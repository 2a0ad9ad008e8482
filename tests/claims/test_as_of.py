"""``GET /api/v1/claims/{id}/?as_of=…``: the claim as it stood at a moment, rebuilt from the
history the database recorded."""

import datetime as dt

import pgtrigger
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from claims import rendering
from claims.models import CitationEvent, Claim, ClaimEvent
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, SourceFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def detail(client, claim_id, as_of=None):
    params = {} if as_of is None else {"as_of": as_of}
    return client.get(reverse("claim-detail", args=[claim_id]), params)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def database_now() -> dt.datetime:
    """The database's clock, which stamps the history, read between two committed steps."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_each_moment_of_a_claims_life(working_groups, researcher_client, reviewer_client):
    """Create, edit the statement, add two citations, move to review, remove a citation, trash:
    every moment in between reads back as it was. Each step commits, as in production."""
    first_source, second_source = SourceFactory(), SourceFactory()
    article = ClaimFactory.build().article
    article.save()
    quote = ClaimFactory.quote
    before_anything = database_now()

    created = researcher_client.post(
        reverse("claim-list"),
        {"article": article.pk, "statement": "First words.", "quote": quote},
        format="json",
    )
    assert created.status_code == 201, created.data
    claim_id = created.data["id"]
    url = reverse("claim-detail", args=[claim_id])
    after_create = database_now()

    edited = researcher_client.patch(url, {"statement": "Second words.", "version": 1}, format="json")
    assert edited.status_code == 200, edited.data
    after_edit = database_now()

    cited = [
        researcher_client.post(
            reverse("citation-list"),
            {"claim": claim_id, "source": source.pk, "role": "evidence", "stance": "supports"},
            format="json",
        )
        for source in (first_source, second_source)
    ]
    assert [c.status_code for c in cited] == [201, 201]
    first_id, second_id = (c.data["id"] for c in cited)
    after_cite = database_now()

    moved = researcher_client.post(
        reverse("claim-transition", args=[claim_id]),
        # Each citation added raised the claim's version too.
        {"status": "in_review", "version": Claim.objects.get(pk=claim_id).version},
        format="json",
    )
    assert moved.status_code == 200, moved.data
    after_transition = database_now()

    removed = reviewer_client.delete(
        reverse("citation-detail", args=[first_id]), {"version": 1}, format="json"
    )
    assert removed.status_code == 204, removed.content
    after_removal = database_now()
    current = detail(researcher_client, claim_id)

    trashed = reviewer_client.delete(url, {"version": current.data["version"]}, format="json")
    assert trashed.status_code == 204, trashed.content
    after_trash = database_now()

    restored = reviewer_client.post(reverse("claim-restore", args=[claim_id]), format="json")
    assert restored.status_code == 200, restored.data

    assert_error(detail(researcher_client, claim_id, iso(before_anything)), 404, "not_found")

    at_create = detail(researcher_client, claim_id, iso(after_create))
    assert at_create.status_code == 200
    assert at_create.data["statement"] == "First words."
    assert (at_create.data["status"], at_create.data["citations"], at_create.data["citation_count"]) == (
        "unverified",
        [],
        0,
    )
    assert at_create.data["version"] == 1
    assert at_create.data["created_by"] == "res"
    assert at_create.data["article"] == {"id": article.pk, "title": article.title, "url": article.url}
    assert "ETag" not in at_create.headers

    at_edit = detail(researcher_client, claim_id, iso(after_edit))
    assert (at_edit.data["statement"], at_edit.data["version"], at_edit.data["citations"]) == (
        "Second words.",
        2,
        [],
    )

    at_cite = detail(researcher_client, claim_id, iso(after_cite))
    assert at_cite.data["status"] == "unverified"
    assert [c["id"] for c in at_cite.data["citations"]] == [first_id, second_id]
    assert at_cite.data["citation_count"] == 2
    assert at_cite.data["version"] == 4  # each citation added raised the claim's version
    assert at_cite.data["citations"][0] == {k: v for k, v in cited[0].data.items() if k != "claim"}
    first = at_cite.data["citations"][0]
    assert first["source"]["id"] == first_source.pk
    assert first["source"]["title"] == first_source.title
    assert (first["stance"], first["role"], first["added_by"]) == ("supports", "evidence", "res")

    at_transition = detail(researcher_client, claim_id, iso(after_transition))
    assert (at_transition.data["status"], at_transition.data["version"]) == ("in_review", 5)
    assert [c["id"] for c in at_transition.data["citations"]] == [first_id, second_id]

    at_removal = detail(researcher_client, claim_id, iso(after_removal))
    assert [c["id"] for c in at_removal.data["citations"]] == [second_id]
    # Just before the trash, the past state is the state that was current then.
    assert at_removal.data == current.data

    assert_error(detail(researcher_client, claim_id, iso(after_trash)), 404, "not_found")

    future = detail(researcher_client, claim_id, iso(timezone.now() + dt.timedelta(days=1)))
    assert future.status_code == 200
    assert future.data == detail(researcher_client, claim_id).data
    # Removing a citation (6), the trash (7) and the restore (8) each raised it again.
    assert future.data["version"] == 8
    assert future.headers["ETag"] == f'"claim-{claim_id}-v8"'


def test_as_of_reads_the_latest_snapshot_of_each_record(researcher_client):
    """Within one transaction every event has the same time; the latest one wins."""
    claim = ClaimFactory()
    kept = CitationFactory(claim=claim)
    kept.note = "Second thoughts."
    kept.save()
    gone = CitationFactory(claim=claim, source=SourceFactory())
    gone.delete()
    claim.statement = "Restated."
    claim.save()

    response = detail(researcher_client, claim.pk, iso(timezone.now()))

    assert response.status_code == 200
    assert response.data["statement"] == "Restated."
    assert [(c["id"], c["note"]) for c in response.data["citations"]] == [(kept.pk, "Second thoughts.")]


def dated(events, moment: dt.datetime) -> None:
    """Give ``events`` the time ``moment``: in a test every event of the transaction has one
    time, so a step that must come after the moment asked is moved there."""
    with pgtrigger.ignore(f"{events.model._meta.label}:append_only"):
        assert events.update(pgh_created_at=moment)


def test_a_source_purged_since_stands_in_from_its_last_snapshot(researcher_client):
    """A past citation may name a source deleted for good since; its last snapshot shows it,
    without its publisher (links are not followed to rows that may be gone too)."""
    claim = ClaimFactory()
    source = SourceFactory()
    citation = CitationFactory(claim=claim, source=source)
    moment = timezone.now()
    source_id, citation_id = source.pk, citation.pk
    citation.delete()
    source.delete()
    later = moment + dt.timedelta(minutes=1)
    dated(CitationEvent.objects.filter(pgh_obj_id=citation_id, pgh_label="delete"), later)

    response = detail(researcher_client, claim.pk, iso(moment))

    assert response.status_code == 200
    (shown,) = response.data["citations"]
    assert shown["id"] == citation_id
    assert shown["source"] == {
        "id": source_id,
        "kind": source.kind,
        "title": source.title,
        "publisher_name": None,
        "url": source.url,
    }
    assert detail(researcher_client, claim.pk, iso(later)).data["citations"] == []


def test_an_article_purged_since_stands_in_from_its_last_snapshot():
    """A claim moved to another article since, the first one deleted for good: as of before
    the move it shows the first article from its last snapshot."""
    claim = ClaimFactory()
    first = claim.article
    moment = timezone.now()
    claim.article = ArticleFactory(body=first.body)
    claim.save()
    first_id = first.pk
    first.delete()
    later = moment + dt.timedelta(minutes=1)
    dated(ClaimEvent.objects.filter(pgh_obj_id=claim.pk).exclude(pgh_label="insert"), later)

    past = rendering.claim_as_of_json(claim_id=claim.pk, at=moment)

    assert past is not None
    assert past["article"] == {"id": first_id, "title": first.title, "url": first.url}
    now = rendering.claim_as_of_json(claim_id=claim.pk, at=later)
    assert now is not None
    assert now["article"]["id"] == claim.article_id


def test_as_of_a_claim_in_the_trash_is_404(researcher_client, reviewer):
    claim = ClaimFactory()
    claim.deleted_at, claim.deleted_by = timezone.now(), reviewer
    claim.save()
    response = detail(researcher_client, claim.pk, iso(timezone.now()))
    assert_error(response, 404, "not_found")


def test_as_of_a_claim_without_recorded_history_is_404(researcher_client):
    with pgtrigger.ignore("claims.Claim:insert_insert"):
        claim = ClaimFactory()
    assert not ClaimEvent.objects.filter(pgh_obj_id=claim.pk).exists()
    response = detail(researcher_client, claim.pk, iso(timezone.now()))
    assert_error(response, 404, "not_found")


def test_as_of_with_an_offset_is_the_same_moment(researcher_client):
    claim = ClaimFactory()
    moment = (timezone.now() + dt.timedelta(seconds=1)).astimezone(dt.timezone(dt.timedelta(hours=2)))
    response = detail(researcher_client, claim.pk, moment.isoformat())
    assert response.status_code == 200
    assert response.data["id"] == claim.pk
    # A "+" left unencoded in the URL arrives as a space and is read as "+".
    raw = reverse("claim-detail", args=[claim.pk]) + "?as_of=" + moment.isoformat()
    response = researcher_client.get(raw)
    assert response.status_code == 200
    assert response.data["statement"] == claim.statement


@pytest.mark.parametrize(
    "value",
    [
        "",
        "yesterday",
        "2024-13-01T00:00:00Z",
        "2024-05-01T25:00:00Z",
        "12345",
        "2024-05-01T12:00:00",  # no time zone: refused rather than guessed
        "2024-05-01",
        "0001-01-01T00:00:00+14:00",  # before the first representable UTC moment
        "2024-05-01T12:00:00Zjunk",
    ],
)
def test_unusable_as_of_is_400_naming_it(researcher_client, value):
    claim = ClaimFactory()
    response = detail(researcher_client, claim.pk, value)
    body = assert_error(response, 400, "invalid")
    assert [error["field"] for error in body["errors"]] == ["as_of"]


def test_as_of_of_unknown_claim_is_404(researcher_client):
    claim = ClaimFactory()
    claim_id = claim.pk
    claim.delete()
    assert_error(detail(researcher_client, claim_id, iso(timezone.now())), 404, "not_found")


def test_as_of_needs_sign_in(anon_client):
    claim = ClaimFactory()
    assert_error(detail(anon_client, claim.pk, iso(timezone.now())), 401)


@pytest.mark.parametrize("size", [1, 30])
def test_as_of_query_count(researcher_client, researcher, django_assert_num_queries, size):
    claim = ClaimFactory(created_by=researcher)
    for _ in range(size):
        CitationFactory(claim=claim, added_by=researcher)
    moment = iso(timezone.now())
    # The claim now (it must be there today), and its past JSON: one query over the snapshots.
    with django_assert_num_queries(2):
        response = detail(researcher_client, claim.pk, moment)
    assert response.status_code == 200
    assert len(response.data["citations"]) == size
