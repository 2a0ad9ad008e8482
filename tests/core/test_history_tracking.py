"""History misses nothing: every insert, update and delete of publishers, sources, source
links, articles, claims, citations and same-claim links is written by database triggers into an append-only
event table, with the values and the context (user, door, URL, method), whatever the way in:
the API, the admin, a management command, ``QuerySet.update()``, ``bulk_create`` or raw SQL."""

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from io import StringIO
from urllib.parse import urlsplit

import pghistory
import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.urls import reverse

from claims import services
from claims.models import Article, Citation, CitationEvent, Claim, ClaimEvent, SameClaimLink, StatusChange
from core.history_context import command_context
from sources.models import Publisher, Source, SourceEvent, SourceReliance
from tests.factories import (
    ARTICLE_BODY,
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    PublisherFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

TRACKED = [Publisher, Source, SourceReliance, Article, Claim, Citation, SameClaimLink]
VERSIONED = [Publisher, Source, Article, Claim, Citation]
ONE_SECOND = dt.timedelta(seconds=1)


def events_of(model, pk) -> list:
    return list(model.pgh_event_model.objects.filter(pgh_obj_id=pk).order_by("pgh_id"))


def context_of(event) -> dict:
    return event.pgh_context.metadata if event.pgh_context_id else {}


def removal(event) -> bool:
    """A delete event, or (for records with a trash) the update that moved it there."""
    return event.pgh_label == "delete" or (
        event.pgh_label == "update" and getattr(event, "deleted_at", None) is not None
    )


def make(model):
    if model is SourceReliance:
        return SourceReliance.objects.create(source=SourceFactory(), relies_on=SourceFactory())
    if model is SameClaimLink:
        claim_a, claim_b = sorted((ClaimFactory(), ClaimFactory()), key=lambda claim: claim.pk)
        return SameClaimLink.objects.create(claim_a=claim_a, claim_b=claim_b)
    factory = {
        Publisher: PublisherFactory,
        Source: SourceFactory,
        Article: ArticleFactory,
        Claim: ClaimFactory,
        Citation: CitationFactory,
    }[model]
    return factory()


# Through the API ------------------------------------------------------------------------


@dataclass
class Resource:
    model: type
    field: str
    before: str
    after: str

    def payload(self) -> dict:
        if self.model is Publisher:
            return {"name": self.before, "kind": "news_media", "country": "GB"}
        if self.model is Source:
            return {"kind": "report", "title": self.before}
        if self.model is Article:
            return {"title": self.before, "body": ARTICLE_BODY}
        if self.model is Claim:
            return {"article": ArticleFactory().pk, "statement": self.before, "quote": ClaimFactory.quote}
        return {
            "claim": ClaimFactory().pk,
            "source": SourceFactory().pk,
            "role": "evidence",
            "stance": "context",
        }


RESOURCES = {
    "publisher": Resource(Publisher, "name", "Reuters", "Reuters News"),
    "source": Resource(Source, "title", "A report", "A better report"),
    "article": Resource(Article, "title", "A headline", "A corrected headline"),
    "claim": Resource(Claim, "statement", "Militias did it.", "A militia did it."),
    "citation": Resource(Citation, "note", "", "See page 4."),
}


@pytest.mark.parametrize("name", RESOURCES)
def test_api_writes_are_recorded_with_values_user_and_door(reviewer_client, reviewer, name):
    resource = RESOURCES[name]
    payload = resource.payload()

    created = reviewer_client.post(reverse(f"{name}-list"), payload, format="json")
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    url = reverse(f"{name}-detail", args=[pk])
    edited = reviewer_client.patch(
        url, {resource.field: resource.after, "version": created.data["version"]}, format="json"
    )
    assert edited.status_code == 200, edited.data
    deleted = reviewer_client.delete(url, {"version": edited.data["version"]}, format="json")
    assert deleted.status_code == 204, deleted.content

    insert, update, removed = events_of(resource.model, pk)
    assert (insert.pgh_label, update.pgh_label) == ("insert", "update")
    assert (getattr(insert, resource.field), getattr(update, resource.field)) == (
        resource.before,
        resource.after,
    )
    assert (insert.version, update.version, removed.version) == (
        1,
        2,
        3 if removed.pgh_label == "update" else 2,
    )
    assert removal(removed)
    for event, method, path in [
        (insert, "POST", reverse(f"{name}-list")),
        (update, "PATCH", url),
        (removed, "DELETE", url),
    ]:
        assert context_of(event) == {"user": reviewer.pk, "door": "api", "method": method, "url": path}


def test_a_refused_api_write_records_nothing(researcher_client):
    claim = ClaimFactory()
    before = ClaimEvent.objects.count()
    response = researcher_client.patch(
        reverse("claim-detail", args=[claim.pk]), {"statement": "Changed.", "version": 99}, format="json"
    )
    assert response.status_code == 412
    assert ClaimEvent.objects.count() == before


def test_a_transition_through_the_api_is_recorded_twice_over(researcher_client, researcher):
    """The status history row, and the claim's own event with the status before and after."""
    claim = ClaimFactory()
    response = researcher_client.post(
        reverse("claim-transition", args=[claim.pk]), {"status": "in_review", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.data
    change = StatusChange.objects.get(claim=claim)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "unverified",
        "in_review",
        researcher,
    )
    insert, update = events_of(Claim, claim.pk)
    assert (insert.status, update.status) == ("unverified", "in_review")
    assert context_of(update)["door"] == "api"
    assert context_of(update)["user"] == researcher.pk


# Through the admin -----------------------------------------------------------------------


def test_admin_writes_are_recorded_with_user_and_door(reviewer_admin, reviewer):
    form = {"name": "Reuters", "kind": "news_media", "country": "GB", "url": ""}
    response = reviewer_admin.post(reverse("admin:sources_publisher_add"), form)
    assert response.status_code == 302
    publisher = Publisher.objects.get(name="Reuters")
    change_url = reverse("admin:sources_publisher_change", args=[publisher.pk])
    response = reviewer_admin.post(change_url, {**form, "name": "Reuters News", "version": publisher.version})
    assert response.status_code == 302
    response = reviewer_admin.post(
        reverse("admin:sources_publisher_delete", args=[publisher.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Publisher.objects.filter(pk=publisher.pk).exists()

    insert, update, delete = events_of(Publisher, publisher.pk)
    assert [e.pgh_label for e in (insert, update, delete)] == ["insert", "update", "delete"]
    assert (insert.name, update.name, delete.name) == ("Reuters", "Reuters News", "Reuters News")
    for event in (insert, update, delete):
        context = context_of(event)
        assert (context["user"], context["door"], context["method"]) == (reviewer.pk, "admin", "POST")
        assert context["url"].startswith("/admin/sources/publisher/")


def test_an_admin_transition_is_recorded_with_the_admin_door(reviewer_admin, reviewer, researcher_client):
    claim = ClaimFactory()
    url = reverse("admin:claims_claim_transition", args=[claim.pk])
    response = reviewer_admin.post(url, {"status": "in_review", "rationale": ""})
    assert response.status_code == 302
    assert context_of(events_of(Claim, claim.pk)[-1])["door"] == "admin"
    history = researcher_client.get(reverse("claim-history", args=[claim.pk]))
    assert [(e["kind"], e["user"], e["door"]) for e in history.data["results"]] == [
        ("status_change", "rev", "admin"),
        ("claim_created", None, None),
    ]


# Through commands ----------------------------------------------------------------------


def test_command_writes_are_recorded_with_the_command_door(researcher):
    before = {model: model.pgh_event_model.objects.count() for model in TRACKED}
    with command_context("load_demo"):
        call_command("load_demo", user=researcher.username, stdout=StringIO())
    # The demo records no same-claim link.
    for model in (model for model in TRACKED if model is not SameClaimLink):
        new = model.pgh_event_model.objects.order_by("pgh_id")[before[model] :]
        assert new, model
        assert {(context_of(e)["door"], context_of(e)["command"]) for e in new} == {("command", "load_demo")}


@pytest.mark.django_db(transaction=True)
def test_manage_py_marks_its_changes_with_the_command_door(working_groups):
    """A real ``manage.py`` process, against this test database."""
    publisher = PublisherFactory(name="Before")
    # The same server, but this test's database.
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    script = (
        "from sources.models import Publisher; "
        f"Publisher.objects.filter(pk={publisher.pk}).update(name='After')"
    )
    result = subprocess.run(  # noqa: S603 - fixed interpreter and code, no user input
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    insert, update = events_of(Publisher, publisher.pk)
    assert (insert.name, update.name) == ("Before", "After")
    assert context_of(insert) == {}
    assert context_of(update) == {"door": "command", "command": "shell"}


# Bulk, queryset and raw SQL writes -------------------------------------------------------


def test_queryset_update_is_recorded_with_before_and_after():
    claims = [ClaimFactory(statement=f"Statement {n}.") for n in range(3)]
    with pghistory.context(door="command", command="fix"):
        updated = Claim.objects.filter(pk__in=[c.pk for c in claims]).update(claimant="CENTCOM")
    assert updated == 3
    for claim in claims:
        insert, update = events_of(Claim, claim.pk)
        assert (insert.claimant, update.claimant) == (claim.claimant, "CENTCOM")
        assert (insert.statement, update.statement) == (claim.statement, claim.statement)
        assert (insert.version, update.version) == (1, 2)
        assert context_of(update) == {"door": "command", "command": "fix"}


def test_bulk_create_and_queryset_delete_are_recorded():
    publishers = Publisher.objects.bulk_create(
        [Publisher(name=f"Bulk {n}", kind="news_media", country="US") for n in range(3)]
    )
    ids = [p.pk for p in publishers]
    assert Publisher.objects.filter(pk__in=ids).delete()[0] == 3
    for pk in ids:
        insert, delete = events_of(Publisher, pk)
        assert (insert.pgh_label, delete.pgh_label) == ("insert", "delete")
        assert insert.name == delete.name
        assert insert.name.startswith("Bulk ")


def test_bulk_update_is_recorded():
    sources = [SourceFactory(title=f"Title {n}") for n in range(2)]
    for source in sources:
        source.title += " (revised)"
    Source.objects.bulk_update(sources, ["title"])
    for source in sources:
        assert [e.title for e in events_of(Source, source.pk)] == [
            source.title.removesuffix(" (revised)"),
            source.title,
        ]


def test_raw_sql_is_recorded():
    citation = CitationFactory(note="Before.")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_citation SET note = 'After.' WHERE id = %s", [citation.pk])
        cursor.execute("DELETE FROM claims_citation WHERE id = %s", [citation.pk])
    insert, update, delete = events_of(Citation, citation.pk)
    assert [e.pgh_label for e in (insert, update, delete)] == ["insert", "update", "delete"]
    assert [e.note for e in (insert, update, delete)] == ["Before.", "After.", "After."]
    assert (update.version, delete.version) == (2, 2)


@pytest.mark.parametrize("model", TRACKED, ids=lambda m: m.__name__)
def test_every_tracked_model_records_insert_update_and_delete(model):
    record = make(model)
    pk = record.pk
    stamp = "added_at" if model is Citation else "created_at"
    model.objects.filter(pk=pk).update(**{stamp: F(stamp) - ONE_SECOND})
    model.objects.filter(pk=pk).update(**{stamp: F(stamp)})  # no change, no event
    record.delete()
    insert, update, delete = events_of(model, pk)
    assert [e.pgh_label for e in (insert, update, delete)] == ["insert", "update", "delete"]
    assert getattr(update, stamp) == getattr(insert, stamp) - ONE_SECOND == getattr(delete, stamp)


# Event rows are append-only --------------------------------------------------------------


@pytest.mark.parametrize("model", TRACKED, ids=lambda m: m.__name__)
def test_event_rows_cannot_be_updated_or_deleted(model):
    record = make(model)
    event_model = model.pgh_event_model
    event = event_model.objects.get(pgh_obj_id=record.pk)
    table = event_model._meta.db_table
    attempts = [
        lambda: event_model.objects.filter(pk=event.pk).update(pgh_label="forged"),
        lambda: event_model.objects.filter(pk=event.pk).delete(),
        lambda: event.delete(),
    ]
    raw = [
        f"UPDATE {table} SET pgh_label = 'forged' WHERE pgh_id = %s",  # noqa: S608 - a model's table
        f"DELETE FROM {table} WHERE pgh_id = %s",  # noqa: S608 - a model's table
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="Cannot"), transaction.atomic():
            attempt()
    for sql in raw:
        with (
            pytest.raises(DatabaseError, match="Cannot"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert event_model.objects.get(pk=event.pk).pgh_label == "insert"
    assert event_model.objects.filter(pgh_obj_id=record.pk).count() == 1


def test_status_changes_cannot_be_updated_or_deleted(researcher):
    claim = ClaimFactory()
    change = services.claim_transition(claim=claim, to="in_review", actor=researcher)
    with pytest.raises(DatabaseError), transaction.atomic():
        StatusChange.objects.filter(pk=change.pk).update(rationale="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        StatusChange.objects.filter(pk=change.pk).delete()
    assert StatusChange.objects.get(pk=change.pk).rationale == ""


# Versions ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", VERSIONED, ids=lambda m: m.__name__)
def test_version_rises_on_every_change_whatever_the_way(model):
    record = make(model)
    assert record.version == 1
    record.save()
    record.refresh_from_db()
    assert record.version == 2
    model.objects.filter(pk=record.pk).update(updated_at=F("updated_at") + ONE_SECOND)
    record.refresh_from_db()
    assert record.version == 3
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {model._meta.db_table} SET updated_at = updated_at + interval '1 second' "  # noqa: S608
            "WHERE id = %s",
            [record.pk],
        )
    record.refresh_from_db()
    assert record.version == 4
    # Setting it back is a change like any other: the version still goes up.
    model.objects.filter(pk=record.pk).update(version=1)
    record.refresh_from_db()
    assert record.version == 5
    # An update that changes nothing is no change.
    model.objects.filter(pk=record.pk).update(updated_at=F("updated_at"))
    record.refresh_from_db()
    assert record.version == 5
    assert [e.version for e in events_of(model, record.pk)] == [1, 2, 3, 4, 5]


# Snapshots ------------------------------------------------------------------------------


def test_source_event_snapshot_keeps_every_entered_field():
    """Everything but the search vector, which PostgreSQL derives from the text fields."""
    source = SourceFactory(summary="What it says.")
    event = SourceEvent.objects.get(pgh_obj_id=source.pk)
    fields = [f for f in Source._meta.concrete_fields if not f.generated]
    assert [f.name for f in Source._meta.concrete_fields if f.generated] == ["search_vector"]
    for field in fields:
        assert getattr(event, field.attname) == getattr(source, field.attname), field.name


def test_citation_event_snapshot_keeps_the_whole_row():
    citation = CitationFactory(quote="Exact words.", locator="p. 4")
    event = CitationEvent.objects.get(pgh_obj_id=citation.pk)
    for field in Citation._meta.concrete_fields:
        assert getattr(event, field.attname) == getattr(citation, field.attname), field.name


# Nobody edits history in the admin -------------------------------------------------------


def events_admin(action: str, *args) -> str:
    return reverse(f"admin:pghistory_events_{action}", args=args)


def test_events_admin_is_read_only_even_for_superusers(superuser_admin):
    claim = ClaimFactory()
    event = ClaimEvent.objects.get(pgh_obj_id=claim.pk)
    slug = f"claims.ClaimEvent:{event.pk}"
    listing = superuser_admin.get(
        events_admin("changelist"), {"obj": f"claims.Claim:{claim.pk}", "method": "tracks"}
    )
    assert listing.status_code == 200
    assert listing.context["has_add_permission"] is False
    assert [row.pgh_slug for row in listing.context["cl"].result_list] == [slug]
    assert superuser_admin.get(events_admin("add")).status_code == 403
    assert superuser_admin.post(events_admin("add"), {"pgh_label": "forged"}).status_code == 403
    shown = superuser_admin.get(events_admin("change", slug))
    assert shown.status_code == 200
    assert shown.context["has_change_permission"] is False
    assert superuser_admin.post(events_admin("change", slug), {"pgh_label": "forged"}).status_code == 403
    assert superuser_admin.post(events_admin("delete", slug), {"post": "yes"}).status_code == 403
    bulk = superuser_admin.post(
        events_admin("changelist"), {"action": "delete_selected", "_selected_action": [slug], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    assert ClaimEvent.objects.filter(pk=event.pk, pgh_label="insert").exists()
    assert ClaimEvent.objects.filter(pgh_obj_id=claim.pk).count() == 1


def test_events_admin_is_closed_to_reviewers(reviewer_admin):
    claim = ClaimFactory()
    event = ClaimEvent.objects.get(pgh_obj_id=claim.pk)
    assert reviewer_admin.get(events_admin("changelist")).status_code == 403
    assert (
        reviewer_admin.post(
            events_admin("delete", f"claims.ClaimEvent:{event.pk}"), {"post": "yes"}
        ).status_code
        == 403
    )
    assert ClaimEvent.objects.filter(pgh_obj_id=claim.pk).count() == 1


def test_status_change_admin_is_read_only_even_for_superusers(superuser_admin, researcher):
    claim = ClaimFactory()
    change = services.claim_transition(claim=claim, to="in_review", actor=researcher, rationale="Why.")
    url = reverse("admin:claims_statuschange_change", args=[change.pk])
    assert superuser_admin.get(url).status_code == 200
    assert superuser_admin.post(url, {"rationale": "forged"}).status_code == 403
    delete = reverse("admin:claims_statuschange_delete", args=[change.pk])
    assert superuser_admin.post(delete, {"post": "yes"}).status_code == 403
    assert superuser_admin.get(reverse("admin:claims_statuschange_add")).status_code == 403
    assert StatusChange.objects.get(pk=change.pk).rationale == "Why."


def test_no_event_model_has_an_admin_of_its_own():
    """Only the read-only events admin shows them; nothing registers an editable one."""
    assert not [model for model in TRACKED if admin.site.is_registered(model.pgh_event_model)]
