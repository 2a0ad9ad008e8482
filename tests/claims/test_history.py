"""A claim's history: status changes and every edit of the claim and its citations, newest
first, paged, read-only, with who made each change and through which door."""

import pghistory
import pgtrigger
import pytest
from django.db import connection
from django.urls import reverse

from claims import services
from claims.models import CitationEvent, Claim, ClaimEvent, Status, StatusChange
from tests.factories import CitationFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


def history(client, claim, **params):
    return client.get(reverse("claim-history", args=[claim.pk]), params)


def walk(claim, actor, steps: int) -> None:
    """Move ``claim`` back and forth between unverified and in_review ``steps`` times."""
    for step in range(steps):
        to = Status.IN_REVIEW if step % 2 == 0 else Status.UNVERIFIED
        services.claim_transition(claim=claim, to=to, actor=actor, rationale=f"Step {step}.")


def kinds(response) -> list[str]:
    return [entry["kind"] for entry in response.data["results"]]


# The whole story, through the API -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_history_tells_the_whole_story_newest_first(
    working_groups, researcher_client, reviewer_client, reviewer
):
    """Each step commits on its own, as in production, so each has its own time."""
    source = SourceFactory()
    claim = ClaimFactory.build()
    article = claim.article
    article.save()
    created = researcher_client.post(
        reverse("claim-list"),
        {"article": article.pk, "statement": "Militias did it.", "quote": claim.quote},
        format="json",
    )
    assert created.status_code == 201, created.data
    claim_id = created.data["id"]
    claim_url = reverse("claim-detail", args=[claim_id])
    edited = researcher_client.patch(
        claim_url, {"statement": "A militia did it.", "version": created.data["version"]}, format="json"
    )
    assert edited.status_code == 200, edited.data
    cited = researcher_client.post(
        reverse("citation-list"),
        {"claim": claim_id, "source": source.pk, "role": "evidence", "stance": "supports"},
        format="json",
    )
    assert cited.status_code == 201, cited.data
    citation_url = reverse("citation-detail", args=[cited.data["id"]])
    noted = researcher_client.patch(
        citation_url, {"note": "Page 4.", "version": cited.data["version"]}, format="json"
    )
    assert noted.status_code == 200, noted.data
    moved = researcher_client.post(
        reverse("claim-transition", args=[claim_id]),
        # The citation added and edited raised the claim's version too.
        {"status": "in_review", "version": Claim.objects.get(pk=claim_id).version},
        format="json",
    )
    assert moved.status_code == 200, moved.data
    removed = reviewer_client.delete(citation_url, {"version": noted.data["version"]}, format="json")
    assert removed.status_code == 204, removed.content
    # Removing the citation raised the claim's version once more.
    trashed = reviewer_client.delete(
        claim_url, {"version": Claim.objects.get(pk=claim_id).version}, format="json"
    )
    assert trashed.status_code == 204, trashed.content
    restored = reviewer_client.post(reverse("claim-restore", args=[claim_id]), format="json")
    assert restored.status_code == 200, restored.data

    response = reviewer_client.get(reverse("claim-history", args=[claim_id]))

    assert response.status_code == 200
    assert response.data["count"] == 8
    rows = response.data["results"]
    assert [(r["kind"], r["user"], r["door"]) for r in rows] == [
        ("claim_restored", "rev", "api"),
        ("claim_deleted", "rev", "api"),
        ("citation_removed", "rev", "api"),
        ("status_change", "res", "api"),
        ("citation_changed", "res", "api"),
        ("citation_added", "res", "api"),
        ("claim_changed", "res", "api"),
        ("claim_created", "res", "api"),
    ]
    restored_row, trashed_row, removed_row, status_row, noted_row, cited_row, edited_row, created_row = rows
    assert restored_row["changes"]["deleted_at"]["after"] is None
    assert trashed_row["changes"]["deleted_at"]["before"] is None
    assert trashed_row["changes"]["deleted_by"] == {"before": None, "after": reviewer.pk}
    assert removed_row["citation"] == cited.data["id"]
    assert removed_row["changes"]["note"] == {"before": "Page 4."}
    assert "after" not in removed_row["changes"]["stance"]
    assert (status_row["from_status"], status_row["to_status"], status_row["rationale"]) == (
        "unverified",
        "in_review",
        "",
    )
    assert status_row["changes"] == {}
    assert noted_row["changes"] == {"note": {"before": "", "after": "Page 4."}}
    assert noted_row["citation"] == cited_row["citation"] == cited.data["id"]
    assert cited_row["changes"]["source"] == {"after": source.pk}
    assert cited_row["changes"]["stance"] == {"after": "supports"}
    assert "before" not in cited_row["changes"]["role"]
    assert edited_row["changes"] == {
        "statement": {"before": "Militias did it.", "after": "A militia did it."}
    }
    assert edited_row["citation"] is None
    assert created_row["changes"]["statement"] == {"after": "Militias did it."}
    assert created_row["changes"]["status"] == {"after": "unverified"}
    assert "deleted_at" not in created_row["changes"]
    assert all(r["from_status"] is None and r["rationale"] is None for r in rows if r is not status_row)
    times = [r["at"] for r in rows]
    assert times == sorted(times, reverse=True)
    assert len(set(times)) == len(times)


def test_history_entry_has_every_field(researcher_client, researcher):
    claim = ClaimFactory()
    walk(claim, researcher, 1)
    response = history(researcher_client, claim)
    assert response.status_code == 200
    for entry in response.data["results"]:
        assert entry.keys() == {
            "at", "kind", "user", "door", "citation", "same_as", "changes", "from_status", "to_status",
            "rationale",
        }  # fmt: skip


# Status changes are shown once ---------------------------------------------------------


def test_a_transition_is_one_entry_not_two(researcher_client, researcher, reviewer):
    claim = ClaimFactory()
    CitationFactory(claim=claim, stance="supports")
    services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=researcher)
    services.claim_transition(claim=claim, to=Status.VERIFIED, actor=reviewer, rationale="Two sources.")
    services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer, rationale="Reopened.")
    other = ClaimFactory(article=claim.article)
    services.claim_transition(claim=other, to=Status.IN_REVIEW, actor=researcher)

    response = history(researcher_client, claim)

    assert response.status_code == 200
    # The claim's events record the three status updates, each folded into its status change,
    # and the touch of its version when the citation was added, which shows as the citation.
    assert ClaimEvent.objects.filter(pgh_obj_id=claim.pk, pgh_label="update").count() == 4
    assert sorted(kinds(response)) == ["citation_added", "claim_created", *["status_change"] * 3]
    status_rows = [r for r in response.data["results"] if r["kind"] == "status_change"]
    assert [(r["from_status"], r["to_status"], r["rationale"], r["user"]) for r in status_rows] == [
        ("verified", "in_review", "Reopened.", "rev"),
        ("in_review", "verified", "Two sources.", "rev"),
        ("unverified", "in_review", "", "res"),
    ]
    changes = {
        c.changed_at.isoformat().replace("+00:00", "Z") for c in StatusChange.objects.filter(claim=claim)
    }
    assert {r["at"] for r in status_rows} == changes
    # Made outside a request, so no door is known.
    assert {r["door"] for r in status_rows} == {None}


def test_a_status_written_behind_the_workflow_shows_as_an_edit(researcher_client):
    """Raw SQL changing the status writes no StatusChange; the claim's events still tell."""
    claim = ClaimFactory()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claim SET status = 'refuted' WHERE id = %s", [claim.pk])

    response = history(researcher_client, claim)

    assert kinds(response) == ["claim_changed", "claim_created"]
    assert response.data["results"][0]["changes"] == {"status": {"before": "unverified", "after": "refuted"}}


def test_a_transition_pairs_with_its_own_claim_event_not_the_first_alike(researcher_client):
    """Paired by the status change's id in the event's context: first-in first-out by (from, to)
    would fold the raw update below into the transition and show the transition as an edit."""
    claim = ClaimFactory()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claim SET status = 'in_review' WHERE id = %s", [claim.pk])
        cursor.execute("UPDATE claims_claim SET status = 'unverified' WHERE id = %s", [claim.pk])
    moved = researcher_client.post(
        reverse("claim-transition", args=[claim.pk]),
        {"status": "in_review", "version": Claim.objects.get(pk=claim.pk).version},
        format="json",
    )
    assert moved.status_code == 200, moved.data

    rows = history(researcher_client, claim).data["results"]

    assert [(r["kind"], r["door"]) for r in rows] == [
        ("status_change", "api"),  # the door of its own event, the API
        ("claim_changed", None),
        ("claim_changed", None),
        ("claim_created", None),
    ]
    assert [r["changes"]["status"] for r in rows[1:3]] == [
        {"before": "in_review", "after": "unverified"},
        {"before": "unverified", "after": "in_review"},
    ]


def test_transitions_sharing_one_context_each_pair_with_their_event(researcher_client, researcher):
    """An admin action moves many claims in one request, so one history context: each event
    still names its own status change."""
    claims = ClaimFactory.create_batch(2)
    with pghistory.context(door="admin"):
        for claim in claims:
            services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=researcher)
            services.claim_transition(claim=claim, to=Status.UNVERIFIED, actor=researcher)
    for claim in claims:
        rows = history(researcher_client, claim).data["results"]
        assert [(r["kind"], r["door"], r["to_status"]) for r in rows] == [
            ("status_change", "admin", "unverified"),
            ("status_change", "admin", "in_review"),
            ("claim_created", None, None),
        ]


def test_an_edit_with_nothing_changed_is_not_an_entry(researcher_client):
    claim = ClaimFactory()
    claim.save()  # only updated_at (and so the version) moves
    response = history(researcher_client, claim)
    assert ClaimEvent.objects.filter(pgh_obj_id=claim.pk).count() == 2
    assert kinds(response) == ["claim_created"]


def test_citations_of_other_claims_are_not_listed(researcher_client):
    claim = ClaimFactory()
    mine = CitationFactory(claim=claim)
    CitationFactory(claim=ClaimFactory(article=claim.article))
    response = history(researcher_client, claim)
    assert [(r["kind"], r["citation"]) for r in response.data["results"]] == [
        ("citation_added", mine.pk),
        ("claim_created", None),
    ]


def test_history_of_a_claim_created_before_tracking_is_empty(researcher_client, researcher):
    # As for rows written before the history triggers were installed.
    with pgtrigger.ignore("claims.Claim:insert_insert"):
        claim = ClaimFactory()
    response = history(researcher_client, claim)
    assert response.status_code == 200
    assert response.data["count"] == 0
    assert response.data["results"] == []
    # Its first recorded edit cannot tell what was there before: only the values after.
    services.claim_update(actor=researcher, claim=claim, data={"claimant": "CENTCOM"})
    (entry,) = history(researcher_client, claim).data["results"]
    assert entry["kind"] == "claim_changed"
    assert entry["changes"]["claimant"] == {"after": "CENTCOM"}
    assert entry["changes"]["statement"] == {"after": claim.statement}


# Paging, access, read-only ----------------------------------------------------------


def test_history_is_paged(researcher_client, researcher):
    claim = ClaimFactory()
    walk(claim, researcher, 5)
    first = history(researcher_client, claim, page_size=2)
    assert first.status_code == 200
    assert first.data["count"] == 6  # five status changes and the creation
    assert [r["rationale"] for r in first.data["results"]] == ["Step 4.", "Step 3."]
    assert first.data["next"] is not None
    last = history(researcher_client, claim, page_size=2, page=3)
    assert [r["kind"] for r in last.data["results"]] == ["status_change", "claim_created"]
    assert last.data["results"][0]["rationale"] == "Step 0."
    assert last.data["next"] is None


def test_history_page_size_follows_the_usual_rules(researcher_client, researcher):
    claim = ClaimFactory()
    walk(claim, researcher, 1)
    response = history(researcher_client, claim, page_size=0)
    assert response.status_code == 400
    assert response.data["errors"][0]["field"] == "page_size"


def test_history_page_out_of_range_is_404(researcher_client, researcher):
    claim = ClaimFactory()
    walk(claim, researcher, 1)
    response = history(researcher_client, claim, page=9)
    assert response.status_code == 404
    assert response.data["status"] == 404


def test_history_of_unknown_claim_is_404(researcher_client):
    claim = ClaimFactory()
    claim_id = claim.pk
    claim.delete()
    response = researcher_client.get(reverse("claim-history", args=[claim_id]))
    assert response.status_code == 404
    assert response.data["status"] == 404


def test_history_needs_sign_in(anon_client, outsider_client, researcher):
    claim = ClaimFactory()
    walk(claim, researcher, 1)
    response = history(anon_client, claim)
    assert response.status_code == 401
    assert response.data["status"] == 401
    response = history(outsider_client, claim)
    assert response.status_code == 200
    assert response.data["count"] == 2


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_history_cannot_be_written(reviewer_client, superuser_client, researcher, method):
    claim = ClaimFactory()
    CitationFactory(claim=claim)
    walk(claim, researcher, 1)
    counts = (
        StatusChange.objects.count(),
        ClaimEvent.objects.count(),
        CitationEvent.objects.count(),
    )
    for client in (reviewer_client, superuser_client):
        response = getattr(client, method)(reverse("claim-history", args=[claim.pk]), {}, format="json")
        assert response.status_code == 405
        assert response.data["status"] == 405
    assert (StatusChange.objects.count(), ClaimEvent.objects.count(), CitationEvent.objects.count()) == counts


@pytest.mark.parametrize("size", [1, 30])
def test_history_query_count(researcher_client, researcher, django_assert_num_queries, size):
    claim = ClaimFactory()
    for _ in range(size):
        citation = CitationFactory(claim=claim)
        citation.note = "Checked."
        citation.save()
    walk(claim, researcher, size)
    # The claim, then its events, its citations' events, its status changes, its same-claim
    # links' events and the usernames.
    with django_assert_num_queries(6):
        response = history(researcher_client, claim, page_size=200)
    assert response.status_code == 200
    assert response.data["count"] == 1 + 2 * size + size
    assert sum(r["user"] == "res" for r in response.data["results"]) == size


# The admin's history page ---------------------------------------------------------------


def admin_history(client, claim, **params):
    return client.get(reverse("admin:claims_claim_history", args=[claim.pk]), params)


def test_admin_history_page_lists_what_the_api_lists(reviewer_admin, researcher_client, researcher):
    claim = ClaimFactory()
    citation = CitationFactory(claim=claim, note="Old note.")
    response = reviewer_admin.post(
        reverse("admin:claims_claim_transition", args=[claim.pk]),
        {"status": "in_review", "rationale": "Look."},
    )
    assert response.status_code == 302
    services.citation_update(actor=researcher, citation=citation, data={"note": "New note."})

    page = admin_history(reviewer_admin, claim)

    assert page.status_code == 200
    shown = [row["entry"] for row in page.context["page"].object_list]
    api = history(researcher_client, claim).data["results"]
    assert [(e.kind, e.user, e.door, e.citation) for e in shown] == [
        (r["kind"], r["user"], r["door"], r["citation"]) for r in api
    ]
    content = page.content.decode()
    assert "Status changed" in content
    assert "<td>rev</td>" in content
    assert "<td>admin</td>" in content
    assert "<del>Old note.</del>" in content
    assert "<ins>New note.</ins>" in content
    # Django's own "History" button on the change page leads here.
    change_page = reviewer_admin.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert reverse("admin:claims_claim_history", args=[claim.pk]) in change_page.content.decode()


def test_admin_history_page_is_paged(reviewer_admin, researcher):
    claim = ClaimFactory()
    walk(claim, researcher, 100)
    first = admin_history(reviewer_admin, claim)
    assert len(first.context["page"].object_list) == 100
    last = admin_history(reviewer_admin, claim, p=2)
    assert [row["entry"].kind for row in last.context["page"].object_list] == ["claim_created"]


def test_admin_history_page_of_unknown_claim_redirects(reviewer_admin):
    claim = ClaimFactory()
    claim_id = claim.pk
    claim.delete()
    response = reviewer_admin.get(reverse("admin:claims_claim_history", args=[claim_id]))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_admin_history_page_needs_staff(client, researcher):
    claim = ClaimFactory()
    client.force_login(researcher)  # a researcher, not staff
    response = admin_history(client, claim)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("size", [1, 30])
def test_admin_history_page_query_count(reviewer_admin, researcher, django_assert_num_queries, size):
    claim = ClaimFactory()
    for _ in range(size):
        CitationFactory(claim=claim)
    walk(claim, researcher, size)
    # Session, user, the user's groups (read once by the policy), the claim, Django's
    # permissions (two: the auth app's admin in the side bar), then the claim's events, its
    # citations' events, its status changes, its same-claim links' events and the usernames;
    # then the titles of the article and the sources named in the entries.
    with django_assert_num_queries(13):
        response = admin_history(reviewer_admin, claim)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1 + 2 * size
