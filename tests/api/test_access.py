"""Object and property level authorization (OWASP API Top 10, API1 and API3).

For every resource, operation and role: the expected status, and on every refusal not one
row changed. Then property level: fields the server owns are never taken from a request
body, and a token acts only as its owner.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from claims import services as claim_services
from claims.models import Article, Citation, Claim, SameClaimLink, Status, StatusChange
from core.concurrency import etag_for
from sources import services as source_services
from sources.models import Publisher, Source, SourceReliance
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    PublisherFactory,
    ResearcherFactory,
    ReviewerFactory,
    SourceFactory,
    UserFactory,
)
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "researcher", "reviewer", "superuser")
MODELS = (Publisher, Source, SourceReliance, Article, Claim, Citation, StatusChange, SameClaimLink, AuthToken)
QUOTE = "almost certainly conducted by a militia group"  # in the factories' article body
unique = count()


def expect(anonymous, outsider, researcher, reviewer, superuser) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, outsider, researcher, reviewer, superuser), strict=True))


READ = expect(401, 200, 200, 200, 200)
EDIT = expect(401, 403, 200, 200, 200)
CREATE = expect(401, 403, 201, 201, 201)
DELETE = expect(401, 403, 403, 204, 204)
REVIEW = expect(401, 403, 403, 200, 200)


def trashed(record):
    actor = ReviewerFactory()
    delete = {
        Article: lambda: claim_services.article_delete(article=record, actor=actor),
        Claim: lambda: claim_services.claim_delete(claim=record, actor=actor),
        Source: lambda: source_services.source_delete(source=record, actor=actor),
    }[type(record)]
    delete()
    return record


def claim_pair():
    return SimpleNamespace(pk=ClaimFactory().pk, other=ClaimFactory())


def same_claim_link():
    return claim_services.same_claim_link(
        claim=ClaimFactory(), other=ClaimFactory(), actor=ResearcherFactory()
    )


def in_review_with_support():
    claim = ClaimFactory(status=Status.IN_REVIEW)
    CitationFactory(claim=claim)
    return claim


@dataclass
class Op:
    """One operation: how to make a fresh target, and how to call the API on it."""

    name: str
    make: Callable
    method: str
    url: Callable
    expected: dict[str, int]
    body: Callable = field(default=lambda target: None)
    versioned: bool = False  # sends the target's ETag as If-Match, as a real client would


def detail(basename):
    return lambda target: reverse(f"{basename}-detail", args=[target.pk])


def listing(basename):
    return lambda target: reverse(f"{basename}-list")


def action(name):
    return lambda target: reverse(name, args=[target.pk])


RESOURCES = {
    "publisher": (PublisherFactory, lambda target: {"name": f"Publisher {next(unique)}"}),
    "source": (SourceFactory, lambda target: {"kind": "report", "title": "A report"}),
    "article": (ArticleFactory, lambda target: {"title": "An article"}),
    "claim": (ClaimFactory, lambda target: {"statement": "A new statement.", "quote": QUOTE}),
    "citation": (CitationFactory, lambda target: {"note": "A note."}),
}
CREATE_BODIES = {
    "publisher": (lambda: None, lambda target: {"name": f"Publisher {next(unique)}"}),
    "source": (lambda: None, lambda target: {"kind": "report", "title": "A report"}),
    "article": (lambda: None, lambda target: {"title": "An article"}),
    "claim": (
        ArticleFactory,
        lambda target: {"article": target.pk, "statement": "A statement.", "quote": QUOTE},
    ),
    "citation": (
        lambda: SimpleNamespace(claim=ClaimFactory(), source=SourceFactory()),
        lambda target: {
            "claim": target.claim.pk,
            "source": target.source.pk,
            "role": "evidence",
            "stance": "supports",
        },
    ),
}

OPS = []
for basename, (factory, edit_body) in RESOURCES.items():
    make_for_create, create_body = CREATE_BODIES[basename]
    OPS += [
        Op(f"{basename} list", factory, "get", listing(basename), READ),
        Op(f"{basename} retrieve", factory, "get", detail(basename), READ),
        Op(f"{basename} create", make_for_create, "post", listing(basename), CREATE, create_body),
        Op(f"{basename} edit", factory, "patch", detail(basename), EDIT, edit_body, versioned=True),
        Op(f"{basename} delete", factory, "delete", detail(basename), DELETE, versioned=True),
    ]
for basename, factory in (("source", SourceFactory), ("article", ArticleFactory), ("claim", ClaimFactory)):
    OPS += [
        Op(
            f"{basename} restore",
            lambda f=factory: trashed(f()),
            "post",
            action(f"{basename}-restore"),
            REVIEW,
        ),
        # In the trash: gone from lookups and edits for every role, until restored.
        Op(
            f"{basename} retrieve in trash",
            lambda f=factory: trashed(f()),
            "get",
            detail(basename),
            {**READ, **dict.fromkeys(ROLES[1:], 404)},
        ),
    ]
OPS += [
    Op(
        "claim edit in trash",
        lambda: trashed(ClaimFactory()),
        "patch",
        detail("claim"),
        expect(401, 403, 404, 404, 404),
        RESOURCES["claim"][1],
        versioned=True,
    ),
    # Restoring what is not in the trash: nothing to find.
    Op("claim restore live", ClaimFactory, "post", action("claim-restore"), expect(401, 403, 403, 404, 404)),
    # No role may delete a whole collection.
    Op(
        "publisher delete list",
        PublisherFactory,
        "delete",
        listing("publisher"),
        expect(401, 403, 403, 405, 405),
    ),
    Op(
        "claim transition",
        ClaimFactory,
        "post",
        action("claim-transition"),
        EDIT,
        lambda target: {"status": "in_review"},
        versioned=True,
    ),
    Op(
        "claim verdict",
        in_review_with_support,
        "post",
        action("claim-transition"),
        REVIEW,
        lambda target: {"status": "verified", "rationale": "Two independent sources."},
        versioned=True,
    ),
    Op("claim history", ClaimFactory, "get", action("claim-history"), READ),
    Op("claim same-as list", ClaimFactory, "get", action("claim-same-as"), READ),
    Op(
        "claim same-as list in trash",
        lambda: trashed(ClaimFactory()),
        "get",
        action("claim-same-as"),
        {**READ, **dict.fromkeys(ROLES[1:], 404)},
    ),
    Op(
        "claim same-as record",
        claim_pair,
        "post",
        action("claim-same-as"),
        CREATE,
        lambda target: {"other_claim": target.other.pk},
    ),
    Op(
        "claim same-as remove",
        same_claim_link,
        "delete",
        lambda target: reverse("claim-same-as-detail", args=[target.claim_b_id, target.claim_a_id]),
        DELETE,
        versioned=True,
    ),
    Op("claim history post", ClaimFactory, "post", action("claim-history"), expect(401, 403, 405, 405, 405)),
    Op("auth me", lambda: None, "get", lambda target: reverse("auth-me"), READ),
    Op(
        "auth me post",
        lambda: None,
        "post",
        lambda target: reverse("auth-me"),
        expect(401, 405, 405, 405, 405),
    ),
    Op(
        "sign out everywhere",
        lambda: None,
        "delete",
        lambda target: reverse("auth-tokens"),
        expect(401, 204, 204, 204, 204),
    ),
    Op("trash list", lambda: None, "get", lambda target: reverse("trash-list"), REVIEW),
    Op(
        "trash post",
        lambda: None,
        "post",
        lambda target: reverse("trash-list"),
        expect(401, 403, 403, 405, 405),
    ),
    Op(
        "trash purge",
        lambda: trashed(ClaimFactory()),
        "delete",
        lambda target: reverse("trash-purge", kwargs={"type": "claim", "id": target.pk}),
        expect(401, 403, 403, 403, 204),
    ),
]


@pytest.fixture
def users(db):
    return {
        "anonymous": None,
        "outsider": UserFactory(),
        "researcher": ResearcherFactory(),
        "reviewer": ReviewerFactory(),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


def client_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


def snapshot() -> dict:
    """A digest of every row of every table the API writes (trashed rows included), in one query."""
    parts = [
        # Table and column names come from the models, not from input.
        f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.{m._meta.pk.column}), '')) "  # noqa: S608
        f"FROM {m._meta.db_table} t)"
        for m in MODELS
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return dict(zip((m.__name__ for m in MODELS), cursor.fetchone(), strict=True))


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
def test_each_role_gets_the_expected_answer_and_refusals_change_nothing(users, op):
    answers = {}
    target, before = op.make(), snapshot()
    for role in ROLES:
        headers = {}
        if op.versioned:
            target.refresh_from_db()
            headers["HTTP_IF_MATCH"] = etag_for(target)
        response = getattr(client_as(users[role]), op.method)(
            op.url(target), op.body(target), format="json", **headers
        )
        answers[role] = response.status_code
        after = snapshot()
        if response.status_code >= 400:
            assert_error(response, response.status_code)
            assert after == before, role
        elif op.method == "get":
            assert after == before, role
        elif op.name != "sign out everywhere":  # no tokens to revoke: forced authentication
            assert after != before, role
            # The next role gets a target in the state this one found it in.
            target, after = op.make(), snapshot()
        before = after
    assert answers == op.expected


# Property level: what the server owns is never taken from the request --------------------

LONG_AGO = "2000-01-01T00:00:00Z"
SERVER_OWNED = ("created_by", "added_by", "changed_by", "deleted_by")


def server_owned_body(other) -> dict:
    return {
        "id": 10**9,
        **dict.fromkeys(SERVER_OWNED, other.pk),
        "status": Status.VERIFIED,
        "created_at": LONG_AGO,
        "updated_at": LONG_AGO,
        "added_at": LONG_AGO,
        "deleted_at": LONG_AGO,
    }


def assert_server_owned(record, actor, *, created_after: datetime) -> None:
    assert record.pk != 10**9
    for name in ("created_by", "added_by"):
        if hasattr(record, name):
            assert getattr(record, name) == actor, name
    for name in ("created_at", "added_at", "updated_at"):
        if hasattr(record, name):
            assert getattr(record, name) >= created_after, name
    if hasattr(record, "deleted_at"):
        assert (record.deleted_at, record.deleted_by) == (None, None)
    if isinstance(record, Claim):
        assert record.status == Status.UNVERIFIED


@pytest.mark.parametrize("basename", list(CREATE_BODIES))
def test_server_owned_fields_in_a_create_are_ignored(basename):
    actor, other = ResearcherFactory(), ReviewerFactory()
    make, body = CREATE_BODIES[basename]
    started = datetime.fromisoformat("2001-01-01T00:00:00+00:00")
    response = client_as(actor).post(
        reverse(f"{basename}-list"),
        {**body(make()), **server_owned_body(other), "version": 999},
        format="json",
    )
    assert response.status_code == 201, response.content
    model = {
        "publisher": Publisher,
        "source": Source,
        "article": Article,
        "claim": Claim,
        "citation": Citation,
    }
    record = model[basename]._base_manager.get(pk=response.data["id"])
    assert_server_owned(record, actor, created_after=started)
    assert record.version == 1
    assert response.data["id"] == record.pk


@pytest.mark.parametrize("basename", list(RESOURCES))
def test_server_owned_fields_in_an_edit_are_ignored(basename):
    actor, other = ResearcherFactory(), ReviewerFactory()
    factory, body = RESOURCES[basename]
    record = factory()
    record.refresh_from_db()
    before = {f.name: getattr(record, f.name) for f in record._meta.concrete_fields}

    response = client_as(actor).patch(
        reverse(f"{basename}-detail", args=[record.pk]),
        {**body(record), **server_owned_body(other)},
        format="json",
        HTTP_IF_MATCH=etag_for(record),
    )
    assert response.status_code == 200, response.content
    record.refresh_from_db()
    after = {f.name: getattr(record, f.name) for f in record._meta.concrete_fields}
    owned = {"id", *SERVER_OWNED, "status", "created_at", "added_at", "deleted_at"}
    assert {k: v for k, v in after.items() if k in owned} == {k: v for k, v in before.items() if k in owned}
    assert after["version"] == before["version"] + 1  # raised by the server, once
    assert after["updated_at"] > before["updated_at"]


def test_a_transition_is_recorded_as_made_by_its_actor():
    actor, other = ResearcherFactory(), ReviewerFactory()
    claim = ClaimFactory()
    response = client_as(actor).post(
        reverse("claim-transition", args=[claim.pk]),
        {"status": "in_review", "changed_by": other.pk, "changed_at": LONG_AGO, "from_status": "verified"},
        format="json",
        HTTP_IF_MATCH=etag_for(claim),
    )
    assert response.status_code == 200, response.content
    change = StatusChange.objects.get(claim=claim)
    assert (change.changed_by, change.from_status, change.to_status) == (actor, "unverified", "in_review")
    assert change.changed_at.year > 2000


def sign_in(user) -> APIClient:
    client = APIClient()
    response = client.post(
        reverse("auth-token"), {"username": user.username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 201, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    return client


def test_a_token_acts_only_as_its_owner():
    outsider, researcher = UserFactory(), ResearcherFactory()
    client = sign_in(outsider)
    assert client.get(reverse("auth-me")).data["username"] == outsider.username

    # Naming someone else in the body, or signing in as them in the same request, changes nothing.
    refused = client.post(
        reverse("publisher-list"),
        {"name": "Not written", "created_by": researcher.pk, "username": researcher.username},
        format="json",
    )
    assert_error(refused, 403, "permission_denied")
    assert not Publisher.objects.exists()


def test_a_token_wins_over_a_session_of_another_user():
    outsider, researcher = UserFactory(), ResearcherFactory()
    client = sign_in(outsider)
    client.force_login(researcher)
    assert client.get(reverse("auth-me")).data["username"] == outsider.username
    assert_error(client.post(reverse("publisher-list"), {"name": "Not written"}), 403)
    assert not Publisher.objects.exists()


def test_a_token_with_another_users_prefix_is_refused():
    alice, bob = ResearcherFactory(), ResearcherFactory()
    alice_key = sign_in(alice)._credentials["HTTP_AUTHORIZATION"].split()[1]
    bob_key = sign_in(bob)._credentials["HTTP_AUTHORIZATION"].split()[1]
    # Bob's lookup prefix with the rest of Alice's key: matches no digest.
    forged = bob_key[:15] + alice_key[15:]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {forged}")
    assert_error(client.get(reverse("auth-me")), 401, "authentication_failed")
    assert_error(client.post(reverse("publisher-list"), {"name": "Not written"}), 401)
    assert not Publisher.objects.exists()
