"""claims/policies.py: what each rule allows and refuses, and the services that newly ask it
for their actor (article_create/update, claim_create/update, citation_add/update/delete, the
bulk forms, the import): refused for a user without the role, nothing written."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims import policies, services
from claims.models import Article, Citation, Claim, Status
from core.errors import Forbidden
from interchange.importing.importer import import_csv, import_document
from tests.claims.test_import import BODY, document, snapshot
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, SourceFactory
from tests.policy_roles import (
    ACTORS,
    PEOPLE_WHO_RECORD,
    RECORDERS,
    REMOVERS,
    allowed_by,
    assert_refused,
    make_actor,
)

pytestmark = pytest.mark.django_db

QUOTE = "almost certainly conducted by a militia group"  # in the factories' article body

RECORDING = [
    policies.can_create_article,
    policies.can_edit_article,
    policies.can_create_claim,
    policies.can_edit_claim,
    policies.can_add_citation,
    policies.can_edit_citation,
    policies.can_link_same_claims,
    policies.can_import,
]
REMOVING = [
    policies.can_delete_article,
    policies.can_restore_article,
    policies.can_delete_claim,
    policies.can_restore_claim,
    policies.can_remove_citation,
    policies.can_unlink_same_claims,
]
PURGING = [policies.can_purge_article, policies.can_purge_claim]


@pytest.mark.parametrize("policy", RECORDING, ids=lambda policy: policy.__name__)
def test_researchers_and_reviewers_record_and_edit(policy):
    assert allowed_by(policy) == RECORDERS


@pytest.mark.parametrize("policy", REMOVING, ids=lambda policy: policy.__name__)
def test_only_reviewers_delete_restore_and_unlink(policy):
    assert allowed_by(policy) == REMOVERS


@pytest.mark.parametrize("policy", PURGING, ids=lambda policy: policy.__name__)
def test_only_superusers_purge(policy):
    assert allowed_by(policy) == {"superuser"}


def test_the_status_history_is_shown_to_the_working_groups():
    assert allowed_by(policies.can_view_status_history) - {"system"} == PEOPLE_WHO_RECORD


@pytest.mark.parametrize(
    ("current", "to", "allowed"),
    [
        (Status.UNVERIFIED, Status.IN_REVIEW, RECORDERS),
        (Status.IN_REVIEW, Status.UNVERIFIED, RECORDERS),
        (Status.IN_REVIEW, Status.VERIFIED, REMOVERS),  # a verdict
        (Status.UNVERIFIED, Status.REFUTED, REMOVERS),
        (Status.VERIFIED, Status.IN_REVIEW, REMOVERS),  # reopening one
        (Status.DISPUTED, Status.REFUTED, REMOVERS),
    ],
)
def test_researchers_move_claims_short_of_a_verdict_and_reviewers_give_and_reopen_them(current, to, allowed):
    claim = ClaimFactory(status=current)
    assert allowed_by(policies.can_transition, claim, to) == allowed


@pytest.mark.parametrize(
    ("current", "to", "message", "code"),
    [
        (Status.IN_REVIEW, Status.VERIFIED, "Only reviewers may give a verdict.", "reviewer_required"),
        (Status.VERIFIED, Status.IN_REVIEW, "Only reviewers may reopen a verdict.", "reviewer_required"),
        (
            Status.UNVERIFIED,
            Status.IN_REVIEW,
            "Only researchers and reviewers may change a claim's status.",
            "permission_denied",
        ),
    ],
)
def test_a_refused_transition_says_who_may(current, to, message, code):
    claim = ClaimFactory(status=current)
    allowed = make_actor("reviewer")
    policies.require_may_transition(allowed, claim, to)  # nothing raised
    with pytest.raises(Forbidden) as caught:
        policies.require_may_transition(make_actor("outsider"), claim, to)
    assert (caught.value.message, caught.value.code) == (message, code)


# Services that check their actor -----------------------------------------------------------

REFUSED = ("none", "anonymous", "outsider", "staff outsider", "inactive reviewer")


@pytest.fixture(params=REFUSED)
def refused(request):
    return make_actor(request.param)


def test_article_create_is_refused_without_the_role_and_writes_nothing(refused):
    with pytest.raises(Forbidden) as caught:
        services.article_create(created_by=refused, title="Report", body="Rockets hit.")
    assert caught.value.code == "researcher_required"
    assert not Article.objects.exists()


def test_article_create_is_allowed_to_a_researcher():
    researcher = make_actor("researcher")
    article = services.article_create(created_by=researcher, title="Report", body="Rockets hit.")
    assert Article.objects.get().created_by == researcher == article.created_by


def test_claim_create_is_refused_without_the_role_and_writes_nothing(refused):
    article = ArticleFactory()
    with pytest.raises(Forbidden) as caught:
        services.claim_create(article=article, statement="S.", quote=QUOTE, created_by=refused)
    assert caught.value.code == "researcher_required"
    assert not Claim.objects.exists()
    with pytest.raises(Forbidden):
        services.claims_create_bulk(
            article=article, claims=[{"statement": "S.", "quote": QUOTE}], created_by=refused
        )
    assert not Claim.objects.exists()


def test_claim_create_is_allowed_to_a_researcher_and_to_the_system():
    article, researcher = ArticleFactory(), make_actor("researcher")
    claim = services.claim_create(article=article, statement="S.", quote=QUOTE, created_by=researcher)
    assert claim.created_by == researcher
    [bulk] = services.claims_create_bulk(
        article=article, claims=[{"statement": "T.", "quote": QUOTE}], created_by=make_actor("system")
    )
    assert Claim.objects.get(pk=bulk.pk).created_by is None


def test_citation_add_is_refused_without_the_role_and_writes_nothing(refused):
    claim, source = ClaimFactory(), SourceFactory()
    with pytest.raises(Forbidden) as caught:
        services.citation_add(
            claim=claim, source=source, role="evidence", stance="supports", added_by=refused
        )
    assert caught.value.code == "researcher_required"
    assert not Citation.objects.exists()
    with pytest.raises(Forbidden):
        services.citations_add_bulk(
            citations=[{"claim": claim, "source": source, "role": "evidence", "stance": "supports"}],
            added_by=refused,
        )
    assert not Citation.objects.exists()


def test_citation_add_is_allowed_to_a_reviewer():
    reviewer = make_actor("reviewer")
    citation = services.citation_add(
        claim=ClaimFactory(), source=SourceFactory(), role="evidence", stance="supports", added_by=reviewer
    )
    assert Citation.objects.get().added_by == reviewer == citation.added_by


MAY_RECORD = [name for name in ACTORS if name in RECORDERS]
NOT_REMOVERS = [name for name in ACTORS if name not in REMOVERS]
MAY_REMOVE = [name for name in ACTORS if name in REMOVERS]


def test_article_update_is_refused_without_the_role_and_writes_nothing(refused):
    article = ArticleFactory(title="Before")
    assert_refused(
        lambda: services.article_update(article=article, data={"title": "After"}, actor=refused),
        snapshot=snapshot,
        code="researcher_required",
        message="Only researchers and reviewers may edit articles.",
    )
    assert Article.objects.get().title == "Before"


@pytest.mark.parametrize("name", MAY_RECORD)
def test_article_update_is_allowed_to_those_who_record(name):
    article = ArticleFactory(title="Before")
    services.article_update(article=article, data={"title": "After"}, actor=make_actor(name))
    assert Article.objects.values_list("title", "version").get() == ("After", article.version + 1)


def test_claim_update_is_refused_without_the_role_and_writes_nothing(refused):
    claim = ClaimFactory(statement="Before.")
    assert_refused(
        lambda: services.claim_update(claim=claim, data={"statement": "After."}, actor=refused),
        snapshot=snapshot,
        code="researcher_required",
        message="Only researchers and reviewers may edit claims.",
    )
    assert Claim.objects.get().statement == "Before."


@pytest.mark.parametrize("name", MAY_RECORD)
def test_claim_update_is_allowed_to_those_who_record(name):
    claim = ClaimFactory(statement="Before.")
    services.claim_update(claim=claim, data={"statement": "After."}, actor=make_actor(name))
    assert Claim.objects.values_list("statement", "version").get() == ("After.", claim.version + 1)


def test_citation_update_is_refused_without_the_role_and_writes_nothing(refused):
    citation = CitationFactory(note="Before.")
    assert_refused(
        lambda: services.citation_update(citation=citation, data={"note": "After."}, actor=refused),
        snapshot=snapshot,
        code="researcher_required",
        message="Only researchers and reviewers may edit citations.",
    )
    assert Citation.objects.get().note == "Before."


@pytest.mark.parametrize("name", MAY_RECORD)
def test_citation_update_is_allowed_to_those_who_record(name):
    citation = CitationFactory(note="Before.")
    services.citation_update(citation=citation, data={"note": "After."}, actor=make_actor(name))
    assert Citation.objects.values_list("note", "version").get() == ("After.", citation.version + 1)


@pytest.mark.parametrize("name", NOT_REMOVERS)
def test_citation_delete_is_refused_without_the_role_and_writes_nothing(name):
    citation, actor = CitationFactory(), make_actor(name)
    assert_refused(
        lambda: services.citation_delete(citation=citation, actor=actor),
        snapshot=snapshot,
        code="reviewer_required",
        message="Only reviewers may remove citations.",
    )
    assert Citation.objects.filter(pk=citation.pk).exists()


@pytest.mark.parametrize("name", MAY_REMOVE)
def test_citation_delete_is_allowed_to_reviewers(name):
    citation = CitationFactory()
    services.citation_delete(citation=citation, actor=make_actor(name))
    assert not Citation.objects.exists()


def test_an_import_is_refused_without_the_role_and_writes_nothing(refused):
    article = ArticleFactory(url="https://news.example/csv", body=BODY)
    before = snapshot()
    for dry_run in (False, True):
        with pytest.raises(Forbidden) as caught:
            import_document(document=document(), user=refused, dry_run=dry_run)
        assert caught.value.code == "researcher_required"
        with pytest.raises(Forbidden):
            import_csv(raw=b"statement,quote\nS.,The ministry said\n", article=article, user=refused)
    assert snapshot() == before


def test_an_import_is_allowed_to_a_researcher():
    result = import_document(document=document(), user=make_actor("researcher"))
    assert result["counts"]["claims"]["created"] == 2


def test_the_import_command_refuses_a_user_without_the_role(tmp_path):
    outsider = make_actor("outsider")
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(document(), default=str), encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError, match=r"Only researchers and reviewers may import\."):
        call_command("import_claims", str(path), user=outsider.username, stdout=StringIO(), stderr=StringIO())
    assert snapshot() == before


def test_load_demo_refuses_a_user_without_the_role():
    outsider = make_actor("outsider")
    before = snapshot()
    with pytest.raises(CommandError, match=r"Only researchers and reviewers may record publishers\."):
        call_command("load_demo", user=outsider.username, stdout=StringIO())
    assert snapshot() == before


def test_evaluate_matching_loads_documents_only_as_a_user_with_the_role_or_the_system():
    from tests.claims.test_evaluation import DOCS, QRELS, QUERIES

    args = ["evaluate_matching", "--queries", str(QUERIES), "--qrels", str(QRELS), "--documents", str(DOCS)]
    outsider = make_actor("outsider")
    with pytest.raises(CommandError, match=r"--user: Only researchers and reviewers may record articles\."):
        call_command(*args, "--user", outsider.username, stdout=StringIO())
    assert not Article.objects.exists()
    call_command(*args, stdout=StringIO())  # no --user: the system, recording without an author
    assert Article.objects.exists()
    assert not Article.objects.exclude(created_by=None).exists()
