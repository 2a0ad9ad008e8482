"""Safe concurrent edits: every read carries the record's version and ETag; every edit,
delete and transition names the version it was based on, or changes nothing."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from claims import services as claim_services
from claims.models import Article, Citation, Claim, Status, StatusChange
from core.errors import PreconditionFailed
from core.policies import SYSTEM
from sources import services as source_services
from sources.models import Publisher, Source
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, PublisherFactory, SourceFactory
from tests.helpers import assert_error, error_fields, etag, if_match

pytestmark = pytest.mark.django_db

# basename → (factory, model, a valid PATCH body)
RESOURCES = {
    "publisher": (PublisherFactory, Publisher, {"name": "Renamed publisher"}),
    "source": (SourceFactory, Source, {"title": "Renamed source"}),
    "article": (ArticleFactory, Article, {"title": "Renamed article"}),
    "claim": (ClaimFactory, Claim, {"statement": "Restated."}),
    "citation": (CitationFactory, Citation, {"note": "Annotated."}),
}
BASENAMES = list(RESOURCES)


def make(basename: str):
    return RESOURCES[basename][0]()


def detail(basename: str, record) -> str:
    return reverse(f"{basename}-detail", args=[record.pk])


def row(record) -> dict:
    """The record's stored row, to show that a refusal changed nothing."""
    return type(record)._base_manager.filter(pk=record.pk).values().get()


def bump(record) -> None:
    """Someone else's change: the database raises the version."""
    type(record)._base_manager.filter(pk=record.pk).update(updated_at=record.updated_at.replace(year=2001))


# Reads --------------------------------------------------------------------------------


@pytest.mark.parametrize("basename", BASENAMES)
def test_detail_carries_version_and_etag(researcher_client, basename):
    record = make(basename)
    bump(record)
    response = researcher_client.get(detail(basename, record))
    assert response.status_code == 200
    assert response.data["version"] == 2
    assert response["ETag"] == f'"{basename}-{record.pk}-v2"' == etag(record)


@pytest.mark.parametrize("basename", BASENAMES)
def test_list_rows_carry_their_version(researcher_client, basename):
    first, second = make(basename), make(basename)
    bump(second)
    response = researcher_client.get(reverse(f"{basename}-list"), {"page_size": 100})
    assert response.status_code == 200
    versions = {item["id"]: item["version"] for item in response.data["results"]}
    assert (versions[first.pk], versions[second.pk]) == (1, 2)


def test_citations_nested_in_a_claim_carry_their_version(researcher_client):
    citation = CitationFactory()
    bump(citation)
    response = researcher_client.get(detail("claim", citation.claim))
    assert [item["version"] for item in response.data["citations"]] == [2]


def test_create_answers_with_version_etag_and_location(researcher_client):
    response = researcher_client.post(reverse("publisher-list"), {"name": "Fresh", "version": 7})
    assert response.status_code == 201, response.data
    publisher = Publisher.objects.get()
    assert response.data["version"] == publisher.version == 1  # a sent version is ignored
    assert response["ETag"] == f'"publisher-{publisher.pk}-v1"'
    assert response["Location"].endswith(detail("publisher", publisher))


# If-None-Match ------------------------------------------------------------------------


@pytest.mark.parametrize("basename", BASENAMES)
def test_if_none_match_with_the_current_etag_is_304_without_body(researcher_client, basename):
    record = make(basename)
    current = etag(record)
    response = researcher_client.get(detail(basename, record), HTTP_IF_NONE_MATCH=current)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == current


@pytest.mark.parametrize("header", ["*", 'W/"{tag}"', '"claim-0-v1", "{tag}"'], ids=["star", "weak", "list"])
def test_if_none_match_forms_that_match(researcher_client, header):
    claim = ClaimFactory()
    tag = etag(claim).strip('"')
    response = researcher_client.get(detail("claim", claim), HTTP_IF_NONE_MATCH=header.format(tag=tag))
    assert response.status_code == 304


@pytest.mark.parametrize("header", ["stale", "other", "garbage"])
def test_if_none_match_after_a_change_gives_the_record(researcher_client, header):
    claim = ClaimFactory()
    sent = {"stale": etag(claim), "other": etag(ClaimFactory()), "garbage": "not a tag"}[header]
    bump(claim)
    response = researcher_client.get(detail("claim", claim), HTTP_IF_NONE_MATCH=sent)
    assert response.status_code == 200
    assert response.data["version"] == 2
    assert response["ETag"] == etag(claim) != sent


# Edits and deletes --------------------------------------------------------------------


@pytest.mark.parametrize("basename", BASENAMES)
def test_patch_with_if_match_edits_and_raises_the_version(researcher_client, basename):
    record = make(basename)
    body = RESOURCES[basename][2]
    response = researcher_client.patch(detail(basename, record), body, **if_match(record))
    assert response.status_code == 200, response.data
    assert response.data["version"] == 2
    assert response["ETag"] == f'"{basename}-{record.pk}-v2"'
    field, value = next(iter(body.items()))
    assert row(record)[field] == value


@pytest.mark.parametrize("basename", BASENAMES)
def test_patch_with_version_in_body_edits(researcher_client, basename):
    record = make(basename)
    body = {**RESOURCES[basename][2], "version": 1}
    response = researcher_client.patch(detail(basename, record), body)
    assert response.status_code == 200, response.data
    assert response.data["version"] == row(record)["version"] == 2


@pytest.mark.parametrize("basename", BASENAMES)
@pytest.mark.parametrize("method", ["patch", "delete"])
def test_write_without_a_version_is_428_and_changes_nothing(reviewer_client, basename, method):
    record = make(basename)
    before = row(record)
    body = RESOURCES[basename][2] if method == "patch" else None
    response = getattr(reviewer_client, method)(detail(basename, record), body)
    body = assert_error(response, 428, "version_required")
    assert error_fields(body) == ["version"]
    assert "current_version" not in body  # the client must say what it read, not copy ours
    assert row(record) == before


def test_put_with_a_full_body_and_no_version_is_428(researcher_client):
    publisher = PublisherFactory(name="Kept")
    response = researcher_client.put(detail("publisher", publisher), {"name": "Replaced", "kind": "ngo"})
    assert_error(response, 428, "version_required")
    assert row(publisher)["name"] == "Kept"


@pytest.mark.parametrize("basename", BASENAMES)
@pytest.mark.parametrize("send", ["header", "body"])
def test_stale_patch_is_412_with_current_version_and_changes_nothing(researcher_client, basename, send):
    record = make(basename)
    stale = if_match(record) if send == "header" else {}
    bump(record)
    before = row(record)
    body = {**RESOURCES[basename][2], **({"version": 1} if send == "body" else {})}
    response = researcher_client.patch(detail(basename, record), body, **stale)
    error = assert_error(response, 412, "stale_version")
    assert error["current_version"] == 2
    assert error_fields(error) == ["version"]
    assert row(record) == before


@pytest.mark.parametrize("basename", BASENAMES)
def test_delete_with_if_match_deletes(superuser_client, basename):
    record = make(basename)
    response = superuser_client.delete(detail(basename, record), **if_match(record))
    assert response.status_code == 204, response.content
    assert superuser_client.get(detail(basename, record)).status_code == 404


@pytest.mark.parametrize("basename", BASENAMES)
def test_stale_delete_is_412_and_keeps_the_record(superuser_client, basename):
    record = make(basename)
    stale = if_match(record)
    bump(record)
    before = row(record)
    response = superuser_client.delete(detail(basename, record), **stale)
    assert assert_error(response, 412, "stale_version")["current_version"] == 2
    assert row(record) == before


def test_delete_with_version_in_body(superuser_client):
    publisher = PublisherFactory()
    response = superuser_client.delete(detail("publisher", publisher), {"version": 1})
    assert response.status_code == 204, response.content
    assert not Publisher.objects.filter(pk=publisher.pk).exists()


@pytest.mark.parametrize(
    ("header", "status_code", "field"),
    [
        ("*", 428, "version"),  # names no version: a client may not opt out of the check
        ("claim-{pk}-v1", 400, "If-Match"),  # not quoted
        ('"claim-{pk}-v1", "claim-{pk}-v2"', 400, "If-Match"),  # one version only
        ('"claim-{other}-v1"', 412, "version"),  # another record's tag
        ('"publisher-{pk}-v1"', 412, "version"),
        ('"claim-{pk}-vone"', 412, "version"),
    ],
)
def test_if_match_forms_that_are_refused(researcher_client, header, status_code, field):
    claim, other = ClaimFactory(), ClaimFactory()
    before = row(claim)
    response = researcher_client.patch(
        detail("claim", claim),
        {"statement": "Changed."},
        HTTP_IF_MATCH=header.format(pk=claim.pk, other=other.pk),
    )
    body = assert_error(response, status_code)
    assert error_fields(body) == [field]
    assert row(claim) == before


@pytest.mark.parametrize("basename", ["publisher", "source"])
@pytest.mark.parametrize(
    ("version", "status_code"),
    [(None, 428), (1, 200), (3, 412)],  # as without the header: the body's version decides
)
def test_an_empty_if_match_names_no_version(researcher_client, basename, version, status_code):
    record = make(basename)
    before = row(record)
    body = {**RESOURCES[basename][2], **({"version": version} if version else {})}
    response = researcher_client.patch(detail(basename, record), body, format="json", HTTP_IF_MATCH="")
    assert response.status_code == status_code, response.data
    if status_code == 412:
        assert (response.data["current_version"], error_fields(response.data)) == (1, ["version"])
    if status_code != 200:
        assert row(record) == before


def test_weak_if_match_counts_as_its_version(researcher_client):
    claim = ClaimFactory()
    response = researcher_client.patch(
        detail("claim", claim), {"statement": "Changed."}, HTTP_IF_MATCH=f"W/{etag(claim)}"
    )
    assert response.status_code == 200, response.data


@pytest.mark.parametrize("version", [0, -1, "one", 2**40, True])
def test_unusable_body_version_is_400_naming_it(researcher_client, version):
    claim = ClaimFactory()
    before = row(claim)
    response = researcher_client.patch(
        detail("claim", claim), {"statement": "Changed.", "version": version}, format="json"
    )
    assert error_fields(assert_error(response, 400)) == ["version"]
    assert row(claim) == before


def test_unusable_body_version_on_delete_is_400_naming_it(reviewer_client):
    citation = CitationFactory()
    response = reviewer_client.delete(detail("citation", citation), {"version": "v1"}, format="json")
    assert error_fields(assert_error(response, 400)) == ["version"]
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_header_and_body_disagreeing_is_400(researcher_client):
    claim = ClaimFactory()
    bump(claim)
    before = row(claim)
    response = researcher_client.patch(
        detail("claim", claim), {"statement": "Changed.", "version": 1}, **if_match(claim)
    )
    body = assert_error(response, 400, "version_mismatch")
    assert error_fields(body) == ["version"]
    assert row(claim) == before


def test_edits_in_a_row_each_need_the_newest_version(researcher_client):
    claim = ClaimFactory()
    first = researcher_client.patch(detail("claim", claim), {"statement": "One."}, **if_match(claim))
    assert first.status_code == 200
    again = researcher_client.patch(
        detail("claim", claim), {"statement": "Two."}, HTTP_IF_MATCH=f'"claim-{claim.pk}-v1"'
    )
    assert assert_error(again, 412)["current_version"] == 2
    chained = researcher_client.patch(
        detail("claim", claim), {"statement": "Two."}, HTTP_IF_MATCH=first["ETag"]
    )
    assert chained.status_code == 200
    assert (chained.data["statement"], chained.data["version"]) == ("Two.", 3)


def test_an_edit_that_changes_nothing_keeps_the_version(researcher_client):
    claim = ClaimFactory()
    response = researcher_client.patch(detail("claim", claim), {}, **if_match(claim))
    assert response.status_code == 200
    assert response["ETag"] == f'"claim-{claim.pk}-v1"'


# Transition ---------------------------------------------------------------------------


def transition_url(claim) -> str:
    return reverse("claim-transition", args=[claim.pk])


def test_transition_without_a_version_is_428(researcher_client):
    claim = ClaimFactory()
    response = researcher_client.post(transition_url(claim), {"status": "in_review"})
    assert error_fields(assert_error(response, 428, "version_required")) == ["version"]
    assert Claim.objects.get(pk=claim.pk).status == Status.UNVERIFIED
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize("send", ["header", "body"])
def test_stale_transition_is_412(researcher_client, send):
    claim = ClaimFactory()
    stale = if_match(claim) if send == "header" else {}
    bump(claim)
    body = {"status": "in_review", **({"version": 1} if send == "body" else {})}
    response = researcher_client.post(transition_url(claim), body, **stale)
    assert assert_error(response, 412, "stale_version")["current_version"] == 2
    assert Claim.objects.get(pk=claim.pk).status == Status.UNVERIFIED
    assert not StatusChange.objects.exists()


def test_transition_with_version_in_body_answers_with_the_new_etag(researcher_client):
    claim = ClaimFactory()
    response = researcher_client.post(transition_url(claim), {"status": "in_review", "version": 1})
    assert response.status_code == 200, response.data
    assert response.data["version"] == 2
    assert response["ETag"] == f'"claim-{claim.pk}-v2"'
    assert StatusChange.objects.get(claim=claim).to_status == Status.IN_REVIEW


# Services (the check under the row lock) --------------------------------------------


UPDATE_SERVICES = {
    "publisher": (source_services.publisher_update, "name"),
    "source": (source_services.source_update, "title"),
    "article": (claim_services.article_update, "title"),
    "claim": (claim_services.claim_update, "statement"),
    "citation": (claim_services.citation_update, "note"),
}


def update(basename: str, record, expected_version: int | None):
    service, field = UPDATE_SERVICES[basename]
    service(
        **{basename: record},
        data={field: f"Edit {expected_version}"},
        actor=SYSTEM,
        expected_version=expected_version,
    )


@pytest.mark.parametrize("basename", BASENAMES)
def test_update_services_check_the_version_of_the_locked_row(basename):
    record = make(basename)
    bump(record)  # the caller's copy still says version 1
    before = row(record)
    with pytest.raises(PreconditionFailed) as refused:
        update(basename, record, 1)
    assert refused.value.extra == {"current_version": 2}
    assert row(record) == before
    update(basename, record, 2)
    assert row(record)["version"] == 3


@pytest.mark.parametrize("basename", BASENAMES)
def test_internal_callers_may_skip_the_check(basename):
    record = make(basename)
    bump(record)
    update(basename, record, None)
    assert row(record)["version"] == 3


def test_claim_transition_checks_the_version(reviewer):
    claim = ClaimFactory()
    bump(claim)
    with pytest.raises(PreconditionFailed):
        claim_services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer, expected_version=1)
    assert not StatusChange.objects.exists()
    claim_services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer, expected_version=2)
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW


# Schema -------------------------------------------------------------------------------


@pytest.fixture
def schema(anon_client) -> dict:
    response = anon_client.get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def parameters(operation: dict) -> set[str]:
    return {param["name"] for param in operation.get("parameters", []) if param["in"] == "header"}


@pytest.mark.parametrize("basename", BASENAMES)
def test_schema_documents_versions_and_etags(schema, basename):
    detail_item = schema["paths"][f"/api/v1/{basename}s/{{id}}/"]
    for method in ("put", "patch", "delete"):
        assert "If-Match" in parameters(detail_item[method]), method
        assert {"412", "428"} <= set(detail_item[method]["responses"]), method
    assert "ETag" in detail_item["patch"]["responses"]["200"]["headers"]
    read = detail_item["get"]
    assert "If-None-Match" in parameters(read)
    assert "ETag" in read["responses"]["304"]["headers"]
    assert "content" not in read["responses"]["304"]
    assert "If-None-Match" not in parameters(schema["paths"][f"/api/v1/{basename}s/"]["get"])


def test_schema_documents_the_transition_version(schema):
    operation = schema["paths"]["/api/v1/claims/{id}/transition/"]["post"]
    assert {"If-Match", "Idempotency-Key"} <= parameters(operation)
    assert {"412", "422", "428"} <= set(operation["responses"])
    stale = operation["responses"]["412"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][stale.rsplit("/", 1)[1]]
    assert "current_version" in component["properties"]


def test_browsable_edit_form_comes_filled_with_the_current_version(researcher):
    client = Client()
    client.force_login(researcher)
    claim = ClaimFactory()
    Claim.objects.filter(pk=claim.pk).update(claimant="Someone else")  # version 2 now
    response = client.get(reverse("claim-detail", args=[claim.pk]), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    field = re.search(r'<input name="version"[^>]*>', html)
    assert field is not None
    assert 'value="2"' in field.group(0)


@pytest.mark.parametrize("change", ["add", "edit", "remove"])
def test_a_citation_change_moves_its_claims_version_and_etag(researcher_client, change):
    claim = ClaimFactory()
    citation = CitationFactory(claim=claim) if change != "add" else None
    before = researcher_client.get(reverse("claim-detail", args=[claim.pk]))
    if change == "add":
        CitationFactory(claim=claim)
    elif change == "edit":
        Citation.objects.filter(pk=citation.pk).update(note="Checked against the archive copy.")
    else:
        Citation.objects.filter(pk=citation.pk).delete()
    after = researcher_client.get(reverse("claim-detail", args=[claim.pk]), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.data["version"] == before.data["version"] + 1


def test_an_unchanged_citation_save_leaves_the_claim_alone(researcher_client):
    citation = CitationFactory()
    version = Claim.objects.get(pk=citation.claim_id).version
    Citation.objects.filter(pk=citation.pk).update(note=citation.note)
    assert Claim.objects.get(pk=citation.claim_id).version == version
