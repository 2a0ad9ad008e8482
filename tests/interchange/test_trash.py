"""Safe deletion of articles and claims: the trash, restoring, purging, and who may do what."""

import pytest
from django.urls import reverse

from claims import services
from claims.models import Article, Citation, CitationEvent, Claim, ClaimEvent, Status, StatusChange
from core.errors import Conflict, Forbidden
from core.policies import SYSTEM
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, SourceFactory
from tests.helpers import assert_error, error_fields, if_match

pytestmark = pytest.mark.django_db


def detail(instance) -> str:
    return reverse(f"{instance._meta.model_name}-detail", args=[instance.pk])


def restore_url(instance) -> str:
    return reverse(f"{instance._meta.model_name}-restore", args=[instance.pk])


def purge_url(instance) -> str:
    return reverse("trash-purge", kwargs={"type": instance._meta.model_name, "id": instance.pk})


def state(instance) -> tuple:
    """What a refusal must leave untouched."""
    row = type(instance).objects.values("deleted_at", "deleted_by", "version").get(pk=instance.pk)
    return row["deleted_at"], row["deleted_by"], row["version"]


def trashed_claim(reviewer, **kwargs) -> Claim:
    claim = ClaimFactory(**kwargs)
    services.claim_delete(claim=claim, actor=reviewer)
    claim.refresh_from_db()
    return claim


def trashed_article(reviewer) -> Article:
    article = ArticleFactory()
    services.article_delete(article=article, actor=reviewer)
    article.refresh_from_db()
    return article


# Moving a claim to the trash ----------------------------------------------------------------


def test_reviewer_moves_claim_to_trash_keeping_citations_and_history(reviewer_client, reviewer):
    claim = ClaimFactory()
    citation = CitationFactory(claim=claim)
    services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer)
    version = Claim.objects.get(pk=claim.pk).version
    response = reviewer_client.delete(detail(claim), **if_match(claim))
    assert response.status_code == 204
    claim.refresh_from_db()
    assert claim.deleted_at is not None
    assert claim.deleted_by == reviewer
    assert claim.version == version + 1
    assert Citation.objects.filter(pk=citation.pk).exists()
    assert StatusChange.objects.filter(claim=claim).count() == 1
    moved = ClaimEvent.objects.filter(pgh_obj_id=claim.pk, pgh_label="update").latest("pgh_id")
    assert (moved.deleted_at, moved.deleted_by_id) == (claim.deleted_at, reviewer.pk)


def test_researcher_may_not_move_claim_to_trash(researcher_client):
    claim = ClaimFactory()
    before = state(claim)
    assert_error(researcher_client.delete(detail(claim), **if_match(claim)), 403, "permission_denied")
    assert state(claim) == before


def test_claim_delete_service_refuses_researcher(researcher):
    claim = ClaimFactory()
    before = state(claim)
    with pytest.raises(Forbidden) as caught:
        services.claim_delete(claim=claim, actor=researcher)
    assert caught.value.code == "reviewer_required"
    assert state(claim) == before


def test_claim_already_in_trash_is_unknown_to_delete(reviewer_client, reviewer):
    claim = trashed_claim(reviewer)
    before = state(claim)
    assert_error(reviewer_client.delete(detail(claim), **if_match(claim)), 404)
    assert state(claim) == before
    with pytest.raises(Conflict) as caught:
        services.claim_delete(claim=claim, actor=reviewer)
    assert caught.value.code == "in_trash"


def test_stale_version_leaves_claim_out_of_trash(reviewer_client, researcher):
    claim = ClaimFactory()
    stale = if_match(claim)
    services.claim_update(actor=researcher, claim=claim, data={"statement": "Changed meanwhile."})
    before = state(claim)
    assert_error(reviewer_client.delete(detail(claim), **stale), 412)
    assert state(claim) == before


# A trashed claim disappears from lists and lookups ------------------------------------------


def test_trashed_claim_is_gone_from_every_read(reviewer_client, reviewer):
    live = ClaimFactory()
    claim = ClaimFactory(article=live.article)
    citation = CitationFactory(claim=claim)
    services.claim_delete(claim=claim, actor=reviewer)

    listed = reviewer_client.get(reverse("claim-list"))
    assert [row["id"] for row in listed.data["results"]] == [live.pk]
    assert_error(reviewer_client.get(detail(claim)), 404)
    assert_error(reviewer_client.get(reverse("claim-history", args=[claim.pk])), 404)
    assert reviewer_client.get(reverse("citation-list")).data["results"] == []
    assert_error(reviewer_client.get(detail(citation)), 404)
    article = reviewer_client.get(detail(live.article))
    assert article.data["claim_count"] == 1
    by_source = reviewer_client.get(reverse("claim-list"), {"source": citation.source_id})
    assert by_source.data["results"] == []


def test_trashed_claim_id_is_unknown_to_filters_and_writes(reviewer_client, reviewer):
    claim = trashed_claim(reviewer)
    source = SourceFactory()
    body = assert_error(reviewer_client.get(reverse("citation-list"), {"claim": claim.pk}), 400)
    assert error_fields(body) == ["claim"]
    response = reviewer_client.post(
        reverse("citation-list"),
        {"claim": claim.pk, "source": source.pk, "role": "evidence", "stance": "supports"},
        format="json",
    )
    body = assert_error(response, 400)
    assert body["errors"][0]["field"] == "claim"
    assert body["errors"][0]["code"] == "does_not_exist"
    assert not Citation.objects.exists()


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("patch", "claim-detail", {"statement": "Edited in the trash."}),
        ("post", "claim-transition", {"status": "in_review"}),
    ],
)
def test_trashed_claim_cannot_be_edited(reviewer_client, reviewer, method, name, data):
    claim = trashed_claim(reviewer)
    before = state(claim)
    response = getattr(reviewer_client, method)(
        reverse(name, args=[claim.pk]), data, format="json", **if_match(claim)
    )
    assert_error(response, 404)
    assert state(claim) == before
    assert Claim.objects.get(pk=claim.pk).status == Status.UNVERIFIED


def test_citation_add_service_refuses_trashed_claim(reviewer):
    claim = trashed_claim(reviewer)
    with pytest.raises(Conflict) as caught:
        services.citation_add(
            claim=claim, source=SourceFactory(), role="evidence", stance="supports", added_by=SYSTEM
        )
    assert caught.value.code == "in_trash"
    assert not Citation.objects.exists()


# Restoring a claim ------------------------------------------------------------------------


def test_reviewer_restores_claim_with_its_citations(reviewer_client, reviewer):
    claim = trashed_claim(reviewer)
    CitationFactory(claim=claim)
    response = reviewer_client.post(restore_url(claim))
    assert response.status_code == 200, response.data
    assert response.data["id"] == claim.pk
    assert response.data["citation_count"] == 1
    assert response["ETag"] == if_match(claim)["HTTP_IF_MATCH"]
    assert state(claim)[:2] == (None, None)
    assert len(reviewer_client.get(reverse("claim-list")).data["results"]) == 1


@pytest.mark.parametrize("client_fixture", ["researcher_client", "outsider_client", "anon_client"])
def test_only_reviewers_restore_claims(request, client_fixture, reviewer):
    claim = trashed_claim(reviewer)
    before = state(claim)
    response = request.getfixturevalue(client_fixture).post(restore_url(claim))
    assert_error(response, 401 if client_fixture == "anon_client" else 403)
    assert state(claim) == before


def test_claim_restore_service_refuses_researcher(researcher, reviewer):
    claim = trashed_claim(reviewer)
    before = state(claim)
    with pytest.raises(Forbidden):
        services.claim_restore(claim=claim, actor=researcher)
    assert state(claim) == before


def test_restoring_claim_not_in_trash_is_404(reviewer_client):
    claim = ClaimFactory()
    before = state(claim)
    assert_error(reviewer_client.post(restore_url(claim)), 404)
    assert state(claim) == before


def test_claim_restore_refused_while_its_article_is_in_trash(reviewer_client, reviewer):
    claim = trashed_claim(reviewer)
    services.article_delete(article=claim.article, actor=reviewer)
    before = state(claim)
    body = assert_error(reviewer_client.post(restore_url(claim)), 409, "in_trash")
    assert body["article"] == claim.article_id
    assert state(claim) == before
    assert reviewer_client.post(restore_url(claim.article)).status_code == 200
    assert reviewer_client.post(restore_url(claim)).status_code == 200


def test_claim_restore_refused_while_a_cited_source_is_in_trash(reviewer_client, reviewer):
    claim = trashed_claim(reviewer)
    citation = CitationFactory(claim=claim)
    other = CitationFactory(claim=claim)
    from sources import services as source_services

    source_services.source_delete(source=citation.source, actor=reviewer)
    before = state(claim)
    body = assert_error(reviewer_client.post(restore_url(claim)), 409, "in_trash")
    assert body["sources"] == [citation.source_id]
    assert other.source_id not in body["sources"]
    assert state(claim) == before


# Articles -------------------------------------------------------------------------------------


def test_article_with_live_claims_stays_out_of_trash(reviewer_client, reviewer):
    """The choice: no cascade. Each claim has its own verdict and version, so it goes to the
    trash on purpose; the 409 lists the claims still in the way."""
    claim = ClaimFactory()
    second = ClaimFactory(article=claim.article)
    trashed_claim_of_same = ClaimFactory(article=claim.article)
    services.claim_delete(claim=trashed_claim_of_same, actor=reviewer)
    before = state(claim.article)
    body = assert_error(
        reviewer_client.delete(detail(claim.article), **if_match(claim.article)), 409, "in_use"
    )
    assert body["claims"] == sorted([claim.pk, second.pk])
    assert state(claim.article) == before
    assert state(claim)[0] is None


def test_article_whose_claims_are_all_in_trash_moves_to_trash(reviewer_client, reviewer):
    claim = trashed_claim(reviewer)
    response = reviewer_client.delete(detail(claim.article), **if_match(claim.article))
    assert response.status_code == 204
    article = Article.objects.get(pk=claim.article_id)
    assert (article.deleted_at is not None, article.deleted_by) == (True, reviewer)


def test_trashed_article_is_gone_from_reads_and_unknown_to_ids(reviewer_client, reviewer):
    article = trashed_article(reviewer)
    live = ArticleFactory()
    assert [row["id"] for row in reviewer_client.get(reverse("article-list")).data["results"]] == [live.pk]
    assert_error(reviewer_client.get(detail(article)), 404)
    body = assert_error(reviewer_client.get(reverse("claim-list"), {"article": article.pk}), 400)
    assert error_fields(body) == ["article"]
    response = reviewer_client.post(
        reverse("claim-list"),
        {"article": article.pk, "statement": "S.", "quote": "almost certainly conducted by a militia group"},
        format="json",
    )
    body = assert_error(response, 400)
    assert body["errors"][0]["code"] == "does_not_exist"
    assert not Claim.objects.exists()


def test_claim_services_refuse_an_article_in_trash(reviewer):
    article = trashed_article(reviewer)
    with pytest.raises(Conflict) as caught:
        services.claim_create(
            article=article,
            statement="S.",
            quote="almost certainly conducted by a militia group",
            created_by=SYSTEM,
        )
    assert caught.value.code == "in_trash"
    claim = ClaimFactory()
    with pytest.raises(Conflict):
        services.claim_update(actor=reviewer, claim=claim, data={"article": article})
    assert Claim.objects.get(pk=claim.pk).article_id == claim.article_id
    assert Claim.objects.count() == 1


def test_reviewer_restores_article(reviewer_client, reviewer):
    article = trashed_article(reviewer)
    response = reviewer_client.post(restore_url(article))
    assert response.status_code == 200
    assert (response.data["id"], response.data["claim_count"]) == (article.pk, 0)
    assert state(article)[:2] == (None, None)


def test_researcher_may_not_restore_or_delete_article(researcher_client, reviewer):
    article = trashed_article(reviewer)
    live = ArticleFactory()
    before = (state(article), state(live))
    assert_error(researcher_client.post(restore_url(article)), 403)
    assert_error(researcher_client.delete(detail(live), **if_match(live)), 403)
    assert (state(article), state(live)) == before


def test_trashed_article_url_is_still_taken(reviewer_client, reviewer):
    """URLs stay unique across the trash (a database constraint), so a restore never clashes;
    the 409 says where the URL is."""
    article = trashed_article(reviewer)
    response = reviewer_client.post(
        reverse("article-list"), {"title": "Again", "url": article.url, "body": "x"}, format="json"
    )
    body = assert_error(response, 409, "duplicate")
    assert body["existing_id"] == article.pk
    assert Article.objects.count() == 1


# The trash list -------------------------------------------------------------------------------


def test_trash_lists_newest_deletion_first(reviewer_client, reviewer, superuser):
    claim = trashed_claim(reviewer, statement="A claim statement " + "x" * 300)
    article = trashed_article(superuser)
    source = SourceFactory(title="A source")
    from sources import services as source_services

    source_services.source_delete(source=source, actor=reviewer)
    ClaimFactory()  # live: not listed
    response = reviewer_client.get(reverse("trash-list"))
    assert response.status_code == 200
    assert response.data["count"] == 3
    rows = response.data["results"]
    assert [(row["type"], row["id"]) for row in rows] == [
        ("source", source.pk),
        ("article", article.pk),
        ("claim", claim.pk),
    ]
    assert rows[0]["summary"] == "A source"
    assert rows[1]["deleted_by"] == "root"
    assert rows[2]["deleted_by"] == "rev"
    assert rows[2]["summary"] == claim.statement[:200]
    assert rows[2]["deleted_at"].replace("Z", "+00:00") == claim.deleted_at.isoformat()


def test_trash_filters_by_type_and_pages(reviewer_client, reviewer):
    claims = [trashed_claim(reviewer) for _ in range(3)]
    trashed_article(reviewer)
    response = reviewer_client.get(reverse("trash-list"), {"type": "claim", "page_size": 2})
    assert response.data["count"] == 3
    assert [row["id"] for row in response.data["results"]] == [claims[2].pk, claims[1].pk]
    assert response.data["next"] is not None
    both = reviewer_client.get(reverse("trash-list") + "?type=claim&type=article")
    assert both.data["count"] == 4


def test_trash_refuses_unknown_type(reviewer_client):
    body = assert_error(reviewer_client.get(reverse("trash-list"), {"type": "publisher"}), 400)
    assert error_fields(body) == ["type"]


@pytest.mark.parametrize(
    ("client_fixture", "status_code"),
    [("researcher_client", 403), ("outsider_client", 403), ("anon_client", 401)],
)
def test_only_reviewers_see_the_trash(request, client_fixture, status_code):
    assert_error(request.getfixturevalue(client_fixture).get(reverse("trash-list")), status_code)


@pytest.mark.parametrize("rows", [1, 30])
def test_trash_list_query_count(reviewer_client, reviewer, django_assert_num_queries, rows):
    for _ in range(rows):
        trashed_claim(reviewer)
    # The count and the page (the reviewer's groups were read when trashing).
    with django_assert_num_queries(2):
        response = reviewer_client.get(reverse("trash-list"))
    assert response.data["count"] == rows
    assert all(row["deleted_by"] == "rev" for row in response.data["results"])


# Purging ----------------------------------------------------------------------------------------


def test_superuser_purges_claim_keeping_history_events(superuser_client, reviewer):
    claim = ClaimFactory()
    citation = CitationFactory(claim=claim)
    services.claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer)
    services.claim_delete(claim=claim, actor=reviewer)
    response = superuser_client.delete(purge_url(claim))
    assert response.status_code == 204
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert not Citation.objects.filter(pk=citation.pk).exists()
    assert not StatusChange.objects.filter(claim_id=claim.pk).exists()
    labels = list(
        ClaimEvent.objects.filter(pgh_obj_id=claim.pk).order_by("pgh_id").values_list("pgh_label", flat=True)
    )
    assert labels[0] == "insert"
    assert labels[-1] == "delete"
    assert CitationEvent.objects.filter(pgh_obj_id=citation.pk, pgh_label="delete").exists()


@pytest.mark.parametrize(
    ("client_fixture", "status_code"),
    [("reviewer_client", 403), ("researcher_client", 403), ("anon_client", 401)],
)
def test_only_superusers_purge(request, client_fixture, status_code, reviewer):
    claim = trashed_claim(reviewer)
    CitationFactory(claim=claim)
    assert_error(request.getfixturevalue(client_fixture).delete(purge_url(claim)), status_code)
    assert state(claim)[0] is not None
    assert Citation.objects.filter(claim=claim).exists()


def test_purge_service_refuses_reviewer(reviewer):
    claim = trashed_claim(reviewer)
    with pytest.raises(Forbidden) as caught:
        services.claim_purge(claim=claim, actor=reviewer)
    assert caught.value.code == "superuser_required"
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_purge_needs_the_trash_first(superuser_client):
    claim = ClaimFactory()
    assert_error(superuser_client.delete(purge_url(claim)), 409, "not_in_trash")
    assert Claim.objects.get(pk=claim.pk).deleted_at is None


def test_purge_of_unknown_record_is_404(superuser_client, reviewer):
    claim = trashed_claim(reviewer)
    url = purge_url(claim)
    assert superuser_client.delete(url).status_code == 204
    assert_error(superuser_client.delete(url), 404)


def test_article_purge_waits_for_its_claims(superuser_client, reviewer):
    claim = trashed_claim(reviewer)
    services.article_delete(article=claim.article, actor=reviewer)
    body = assert_error(superuser_client.delete(purge_url(claim.article)), 409, "in_use")
    assert body["claims"] == [claim.pk]
    assert Article.objects.filter(pk=claim.article_id).exists()
    assert superuser_client.delete(purge_url(claim)).status_code == 204
    assert superuser_client.delete(purge_url(claim.article)).status_code == 204
    assert not Article.objects.exists()


# The admin --------------------------------------------------------------------------------------


def test_admin_hides_the_trash_and_restores_from_it(reviewer_admin, reviewer):
    live = ClaimFactory()
    claim = trashed_claim(reviewer, article=live.article)
    changelist = reverse("admin:claims_claim_changelist")
    listed = reviewer_admin.get(changelist)
    assert [obj.pk for obj in listed.context["cl"].result_list] == [live.pk]
    change = reviewer_admin.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert change.status_code == 302  # "does not exist", back to the list
    in_trash = reviewer_admin.get(changelist, {"trash": "yes"})
    assert [obj.pk for obj in in_trash.context["cl"].result_list] == [claim.pk]
    response = reviewer_admin.post(
        changelist + "?trash=yes", {"action": "restore_selected", "_selected_action": [claim.pk]}
    )
    assert response.status_code == 302
    assert state(claim)[0] is None


def test_admin_delete_moves_article_to_trash_and_lists_blockers(reviewer_admin, reviewer):
    claim = ClaimFactory()
    url = reverse("admin:claims_article_delete", args=[claim.article_id])
    confirmation = reviewer_admin.get(url)
    assert confirmation.context["protected"] == [f"Claim {claim.pk} is not in the trash"]
    services.claim_delete(claim=claim, actor=reviewer)
    assert reviewer_admin.get(url).context["protected"] == []
    response = reviewer_admin.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert Article.objects.get(pk=claim.article_id).deleted_by == reviewer
