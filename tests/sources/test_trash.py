"""Safe deletion of sources (the trash, restoring, purging) and of publishers."""

import pytest
from django.urls import reverse

from claims import services as claim_services
from claims.models import Citation
from core.errors import Conflict, Forbidden
from core.policies import SYSTEM
from sources import services
from sources.models import Publisher, Source, SourceEvent, SourceReliance
from tests.factories import CitationFactory, ClaimFactory, PublisherFactory, SourceFactory
from tests.helpers import assert_error, error_fields, if_match

pytestmark = pytest.mark.django_db


def detail(source: Source) -> str:
    return reverse("source-detail", args=[source.pk])


def restore_url(source: Source) -> str:
    return reverse("source-restore", args=[source.pk])


def purge_url(source: Source) -> str:
    return reverse("trash-purge", kwargs={"type": "source", "id": source.pk})


def state(source: Source) -> tuple:
    row = Source.objects.values("deleted_at", "deleted_by", "version").get(pk=source.pk)
    return row["deleted_at"], row["deleted_by"], row["version"]


def trashed(source: Source, actor) -> Source:
    services.source_delete(source=source, actor=actor)
    source.refresh_from_db()
    return source


def relies(source: Source, on: Source) -> None:
    SourceReliance.objects.create(source=source, relies_on=on)


# Moving a source to the trash ---------------------------------------------------------------


def test_reviewer_moves_unused_source_to_trash(reviewer_client, reviewer):
    source = SourceFactory()
    version = state(source)[2]
    response = reviewer_client.delete(detail(source), **if_match(source))
    assert response.status_code == 204
    deleted_at, deleted_by, new_version = state(source)
    assert (deleted_at is not None, deleted_by, new_version) == (True, reviewer.pk, version + 1)
    event = SourceEvent.objects.filter(pgh_obj_id=source.pk, pgh_label="update").latest("pgh_id")
    assert event.deleted_at == deleted_at


@pytest.mark.parametrize(
    ("client_fixture", "status_code"), [("researcher_client", 403), ("anon_client", 401)]
)
def test_only_reviewers_move_sources_to_trash(request, client_fixture, status_code):
    source = SourceFactory()
    before = state(source)
    response = request.getfixturevalue(client_fixture).delete(detail(source), **if_match(source))
    assert_error(response, status_code)
    assert state(source) == before


def test_source_delete_service_refuses_researcher(researcher):
    source = SourceFactory()
    before = state(source)
    with pytest.raises(Forbidden):
        services.source_delete(source=source, actor=researcher)
    assert state(source) == before


def test_source_cited_by_a_live_claim_stays_out_of_trash(reviewer_client):
    citation = CitationFactory()
    second = CitationFactory(source=citation.source, role="evidence")
    before = state(citation.source)
    body = assert_error(
        reviewer_client.delete(detail(citation.source), **if_match(citation.source)), 409, "in_use"
    )
    assert body["claims"] == sorted([citation.claim_id, second.claim_id])
    assert state(citation.source) == before


def test_source_cited_only_by_trashed_claims_moves_to_trash(reviewer_client, reviewer):
    citation = CitationFactory()
    claim_services.claim_delete(claim=citation.claim, actor=reviewer)
    response = reviewer_client.delete(detail(citation.source), **if_match(citation.source))
    assert response.status_code == 204
    assert state(citation.source)[0] is not None
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_source_relied_on_by_a_live_source_stays_out_of_trash(reviewer_client, reviewer):
    base, live, gone = SourceFactory(), SourceFactory(), SourceFactory()
    relies(live, base)
    relies(gone, base)
    trashed(gone, reviewer)
    before = state(base)
    body = assert_error(reviewer_client.delete(detail(base), **if_match(base)), 409, "in_use")
    assert body["sources"] == [live.pk]
    assert state(base) == before
    trashed(live, reviewer)
    assert reviewer_client.delete(detail(base), **if_match(base)).status_code == 204


# A trashed source disappears from lists and lookups -------------------------------------------


def test_trashed_source_is_gone_from_reads_and_unknown_to_ids(reviewer_client, reviewer):
    source = trashed(SourceFactory(), reviewer)
    live = SourceFactory()
    claim = ClaimFactory()
    assert [row["id"] for row in reviewer_client.get(reverse("source-list")).data["results"]] == [live.pk]
    assert_error(reviewer_client.get(detail(source)), 404)
    for name in ("claim-list", "citation-list"):
        body = assert_error(reviewer_client.get(reverse(name), {"source": source.pk}), 400)
        assert error_fields(body) == ["source"]
    cite = reviewer_client.post(
        reverse("citation-list"),
        {"claim": claim.pk, "source": source.pk, "role": "evidence", "stance": "supports"},
        format="json",
    )
    assert assert_error(cite, 400)["errors"][0]["code"] == "does_not_exist"
    create = reviewer_client.post(
        reverse("source-list"), {"kind": "report", "title": "New", "relies_on": [source.pk]}, format="json"
    )
    assert error_fields(assert_error(create, 400)) == ["relies_on"]
    assert not Citation.objects.exists()
    assert Source.objects.count() == 2


def test_source_services_refuse_links_to_trashed_sources(reviewer):
    source = trashed(SourceFactory(), reviewer)
    other = SourceFactory()
    with pytest.raises(Conflict) as caught:
        services.source_update(actor=reviewer, source=other, data={"relies_on": [source]})
    assert (caught.value.code, caught.value.extra) == ("in_trash", {"sources": [source.pk]})
    assert not SourceReliance.objects.exists()
    with pytest.raises(Conflict):
        claim_services.citation_add(
            claim=ClaimFactory(), source=source, role="evidence", stance="supports", added_by=SYSTEM
        )
    assert not Citation.objects.exists()


def test_trashed_source_url_is_still_taken(reviewer_client, reviewer):
    source = trashed(SourceFactory(), reviewer)
    response = reviewer_client.post(
        reverse("source-list"), {"kind": "report", "title": "Again", "url": source.url}, format="json"
    )
    body = assert_error(response, 409, "duplicate")
    assert body["existing_id"] == source.pk
    assert "in the trash" in body["detail"]
    assert Source.objects.count() == 1


# Restoring ------------------------------------------------------------------------------------


def test_reviewer_restores_source_with_its_links(reviewer_client, reviewer):
    base = SourceFactory()
    source = SourceFactory()
    relies(source, base)
    trashed(source, reviewer)
    response = reviewer_client.post(restore_url(source))
    assert response.status_code == 200
    assert response.data["id"] == source.pk
    assert [row["id"] for row in response.data["relies_on"]] == [base.pk]
    assert state(source)[:2] == (None, None)


@pytest.mark.parametrize(
    ("client_fixture", "status_code"), [("researcher_client", 403), ("anon_client", 401)]
)
def test_only_reviewers_restore_sources(request, client_fixture, status_code, reviewer):
    source = trashed(SourceFactory(), reviewer)
    before = state(source)
    assert_error(request.getfixturevalue(client_fixture).post(restore_url(source)), status_code)
    assert state(source) == before


def test_restoring_source_not_in_trash_is_404(reviewer_client):
    source = SourceFactory()
    before = state(source)
    assert_error(reviewer_client.post(restore_url(source)), 404)
    assert state(source) == before


def test_source_restore_refused_while_it_relies_on_a_trashed_source(reviewer_client, reviewer):
    base, source = SourceFactory(), SourceFactory()
    relies(source, base)
    trashed(source, reviewer)
    trashed(base, reviewer)
    before = state(source)
    body = assert_error(reviewer_client.post(restore_url(source)), 409, "in_trash")
    assert body["sources"] == [base.pk]
    assert state(source) == before
    assert reviewer_client.post(restore_url(base)).status_code == 200
    assert reviewer_client.post(restore_url(source)).status_code == 200


# Purging -----------------------------------------------------------------------------------------


def test_superuser_purges_source_keeping_history_events(superuser_client, reviewer):
    base, source = SourceFactory(), SourceFactory()
    relies(source, base)
    trashed(source, reviewer)
    assert superuser_client.delete(purge_url(source)).status_code == 204
    assert list(Source.objects.all()) == [base]
    assert not SourceReliance.objects.exists()
    labels = set(SourceEvent.objects.filter(pgh_obj_id=source.pk).values_list("pgh_label", flat=True))
    assert labels == {"insert", "update", "delete"}


def test_only_superusers_purge_sources(reviewer_client, reviewer):
    source = trashed(SourceFactory(), reviewer)
    assert_error(reviewer_client.delete(purge_url(source)), 403)
    assert Source.objects.filter(pk=source.pk).exists()
    with pytest.raises(Forbidden):
        services.source_purge(source=source, actor=reviewer)
    assert Source.objects.filter(pk=source.pk).exists()


def test_source_purge_needs_the_trash_first(superuser_client):
    source = SourceFactory()
    assert_error(superuser_client.delete(purge_url(source)), 409, "not_in_trash")
    assert state(source)[0] is None


def test_source_purge_waits_for_trashed_records_that_refer_to_it(superuser_client, reviewer, superuser):
    citation = CitationFactory()
    dependent = SourceFactory()
    relies(dependent, citation.source)
    claim_services.claim_delete(claim=citation.claim, actor=reviewer)
    trashed(dependent, reviewer)
    source = trashed(citation.source, reviewer)
    body = assert_error(superuser_client.delete(purge_url(source)), 409, "in_use")
    assert (body["claims"], body["sources"]) == ([citation.claim_id], [dependent.pk])
    assert Source.objects.filter(pk=source.pk).exists()
    claim_services.claim_purge(claim=citation.claim, actor=superuser)
    services.source_purge(source=dependent, actor=superuser)
    assert superuser_client.delete(purge_url(source)).status_code == 204


# Publishers (hard-deleted, never trashed) ------------------------------------------------------


def test_publisher_whose_sources_are_all_in_trash_cannot_be_deleted(reviewer_client, reviewer, superuser):
    """Restoring a source needs its publisher, so a trashed source still holds it."""
    publisher = PublisherFactory()
    source = trashed(SourceFactory(publisher=publisher), reviewer)
    url = reverse("publisher-detail", args=[publisher.pk])
    body = assert_error(reviewer_client.delete(url, **if_match(publisher)), 409, "in_use")
    assert body["sources"] == [source.pk]
    assert Publisher.objects.filter(pk=publisher.pk).exists()
    services.source_purge(source=source, actor=superuser)
    assert reviewer_client.delete(url, **if_match(publisher)).status_code == 204
    assert not Publisher.objects.exists()


# The admin ---------------------------------------------------------------------------------------


def test_admin_source_lists_and_autocomplete_skip_the_trash(reviewer_admin, reviewer):
    live = SourceFactory(title="Report kept")
    gone = trashed(SourceFactory(title="Report gone"), reviewer)
    listed = reviewer_admin.get(reverse("admin:sources_source_changelist"))
    assert [obj.pk for obj in listed.context["cl"].result_list] == [live.pk]
    in_trash = reviewer_admin.get(reverse("admin:sources_source_changelist"), {"trash": "yes"})
    assert [obj.pk for obj in in_trash.context["cl"].result_list] == [gone.pk]
    found = reviewer_admin.get(
        reverse("admin:autocomplete"),
        {"term": "Report", "app_label": "claims", "model_name": "citation", "field_name": "source"},
    )
    assert [row["id"] for row in found.json()["results"]] == [str(live.pk)]


def test_admin_restore_reports_refusals(reviewer_admin, reviewer):
    base, source = SourceFactory(), SourceFactory()
    relies(source, base)
    trashed(source, reviewer)
    trashed(base, reviewer)
    response = reviewer_admin.post(
        reverse("admin:sources_source_changelist") + "?trash=yes",
        {"action": "restore_selected", "_selected_action": [source.pk]},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1
    assert shown[0].startswith("Not restored (1):")
    assert state(source)[0] is not None
