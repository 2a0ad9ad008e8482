"""The sync feed (GET /api/v1/changes/): every write appears once and in order, paged with a
cursor that never skips or repeats a change, even while another transaction is still open."""

import base64
import threading
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pgtrigger
import psycopg
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.urls import reverse
from rest_framework.test import APIClient

from claims import services as claim_services
from claims.models import Article, Citation, Claim, SameClaimLink, Status, StatusChange
from core import change_log as changes
from core.change_log import Change, ChangeType, Position
from core.models import ChangeLogTrigger, change_log_trigger
from sources.models import Publisher, Source, SourceReliance
from tests.factories import (
    ARTICLE_BODY,
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    PublisherFactory,
    ResearcherFactory,
    ReviewerFactory,
    SourceFactory,
)
from tests.helpers import assert_error, error_fields, if_match

pytestmark = pytest.mark.django_db(transaction=True)

MODELS = {
    "publisher": Publisher,
    "source": Source,
    "source_reliance": SourceReliance,
    "article": Article,
    "claim": Claim,
    "citation": Citation,
    "status_change": StatusChange,
    "same_claim_link": SameClaimLink,
}


def feed_url() -> str:
    return reverse("change-list")


def page(client, **params) -> dict:
    response = client.get(feed_url(), params)
    assert response.status_code == 200, response.content
    return response.json()


def walk(client, *, since: str | None = None, page_size: int = 200) -> tuple[list[dict], str]:
    """Every entry after ``since``, page after page, and the ``since`` to call with next."""
    entries: list[dict] = []
    params = {"page_size": page_size} if since is None else {"page_size": page_size, "since": since}
    while True:
        body = page(client, **params)
        assert len(body["results"]) <= page_size
        entries.extend(body["results"])
        params["since"] = body["since"]
        if not body["has_more"]:
            return entries, body["since"]


def summary(entries: list[dict]) -> list[tuple[str, int, str]]:
    return [(entry["type"], entry["id"], entry["operation"]) for entry in entries]


def repeated_in_one_write(entries: list[dict]) -> list[tuple]:
    """Entries other than "changed" that one transaction wrote twice for the same record (a
    record may be changed several times by one write: a citation touches its claim, and other
    triggers may update it again)."""
    seen, repeated = set(), []
    for entry in entries:
        key = (Position.decode(entry["position"]).txid, entry["type"], entry["id"], entry["operation"])
        if key in seen and entry["operation"] != "changed":
            repeated.append(key)
        seen.add(key)
    return repeated


def by_transaction(entries: list[dict]) -> list[set[tuple[str, int, str]]]:
    """The summary as one set per transaction, in feed order."""
    groups: list[set[tuple[str, int, str]]] = []
    last = None
    for entry in entries:
        txid = Position.decode(entry["position"]).txid
        if txid != last:
            groups.append(set())
        groups[-1].add((entry["type"], entry["id"], entry["operation"]))
        last = txid
    return groups


def created_with_api(response, status_code: int = 201) -> dict:
    assert response.status_code == status_code, response.content
    return response.json()


# Every write appears once, in order -----------------------------------------------------------


def test_every_write_through_the_api_appears_once_in_order(
    working_groups, researcher_client, reviewer_client, superuser_client
):
    client = researcher_client
    publisher = created_with_api(client.post(reverse("publisher-list"), {"name": "Reuters"}, format="json"))
    relied_on = created_with_api(
        client.post(
            reverse("source-list"),
            {"kind": "report", "title": "Command review", "publisher": publisher["id"]},
            format="json",
        )
    )
    source = created_with_api(
        client.post(
            reverse("source-list"),
            {"kind": "news_report", "title": "Newspaper report", "relies_on": [relied_on["id"]]},
            format="json",
        )
    )
    link = SourceReliance.objects.get(source_id=source["id"])
    article = created_with_api(
        client.post(reverse("article-list"), {"title": "An article", "body": ARTICLE_BODY}, format="json")
    )
    claim_body = {
        "article": article["id"],
        "statement": "The attack was conducted by a militia group.",
        "quote": "almost certainly conducted by a militia group",
    }
    claim = created_with_api(client.post(reverse("claim-list"), claim_body, format="json"))
    claim_row = Claim.objects.get(pk=claim["id"])
    citation = created_with_api(
        client.post(
            reverse("citation-list"),
            {"claim": claim["id"], "source": source["id"], "role": "evidence", "stance": "supports"},
            format="json",
        )
    )
    edit = client.patch(
        reverse("claim-detail", args=[claim["id"]]),
        {"statement": "A militia group conducted the attack."},
        format="json",
        **if_match(claim_row),
    )
    assert edit.status_code == 200, edit.content
    transition = client.post(
        reverse("claim-transition", args=[claim["id"]]),
        {"status": "in_review"},
        format="json",
        **if_match(claim_row),
    )
    assert transition.status_code == 200, transition.content
    status_change = StatusChange.objects.get(claim_id=claim["id"])
    citation_row = Citation.objects.get(pk=citation["id"])
    removal = reviewer_client.delete(
        reverse("citation-detail", args=[citation["id"]]), **if_match(citation_row)
    )
    assert removal.status_code == 204, removal.content
    trash = reviewer_client.delete(reverse("claim-detail", args=[claim["id"]]), **if_match(claim_row))
    assert trash.status_code == 204, trash.content
    restore = reviewer_client.post(reverse("claim-restore", args=[claim["id"]]))
    assert restore.status_code == 200, restore.content
    trash = reviewer_client.delete(reverse("claim-detail", args=[claim["id"]]), **if_match(claim_row))
    assert trash.status_code == 204, trash.content
    purge = superuser_client.delete(reverse("trash-purge", kwargs={"type": "claim", "id": claim["id"]}))
    assert purge.status_code == 204, purge.content

    entries, _ = walk(researcher_client)

    claim_id, citation_id = claim["id"], citation["id"]
    # One set per write (transaction), in the order of the writes.
    assert by_transaction(entries) == [
        {("publisher", publisher["id"], "created")},
        {("source", relied_on["id"], "created")},
        {("source", source["id"], "created"), ("source_reliance", link.pk, "created")},
        {("article", article["id"], "created")},
        {("claim", claim_id, "created")},
        {("citation", citation_id, "created"), ("claim", claim_id, "changed")},  # the claim's version moves
        {("claim", claim_id, "changed")},  # the edit
        {("claim", claim_id, "changed"), ("status_change", status_change.pk, "created")},  # the transition
        {("citation", citation_id, "deleted"), ("claim", claim_id, "changed")},
        {("claim", claim_id, "trashed")},
        {("claim", claim_id, "restored")},
        {("claim", claim_id, "trashed")},
        {("status_change", status_change.pk, "deleted"), ("claim", claim_id, "deleted")},  # the purge
    ]
    assert repeated_in_one_write(entries) == []
    # The records as their endpoints show them now; null for what is gone.
    by_type = {(entry["type"], entry["id"]): entry["data"] for entry in entries}
    assert (
        by_type["publisher", publisher["id"]]
        == researcher_client.get(reverse("publisher-detail", args=[publisher["id"]])).json()
    )
    assert (
        by_type["source", source["id"]]
        == researcher_client.get(reverse("source-detail", args=[source["id"]])).json()
    )
    assert by_type["article", article["id"]]["claim_count"] == 0
    assert by_type["source_reliance", link.pk] == {
        "id": link.pk,
        "source": source["id"],
        "relies_on": relied_on["id"],
        "created_at": link.created_at.isoformat().replace("+00:00", "Z"),
    }
    for gone in [("claim", claim_id), ("citation", citation_id), ("status_change", status_change.pk)]:
        assert by_type[gone] is None
    assert all(entry["changed_at"] for entry in entries)


def test_trashed_records_are_hidden_until_restored(working_groups, reviewer_client, reviewer):
    source = SourceFactory()
    _, since = walk(reviewer_client)

    assert (
        reviewer_client.delete(reverse("source-detail", args=[source.pk]), **if_match(source)).status_code
        == 204
    )
    entries, since = walk(reviewer_client, since=since)
    assert summary(entries) == [("source", source.pk, "trashed")]
    assert entries[0]["data"] is None  # the API hides what is in the trash, and so does the feed

    assert reviewer_client.post(reverse("source-restore", args=[source.pk])).status_code == 200
    entries, _ = walk(reviewer_client, since=since)
    assert summary(entries) == [("source", source.pk, "restored")]
    assert entries[0]["data"]["id"] == source.pk


def test_unlinking_and_purging_appear_as_deleted(working_groups, reviewer_client, superuser_client):
    source, relied_on = SourceFactory(), SourceFactory()
    link = SourceReliance.objects.create(source=source, relies_on=relied_on)
    other_link = SourceReliance.objects.create(source=relied_on, relies_on=SourceFactory())
    _, since = walk(reviewer_client)

    unlink = reviewer_client.patch(
        reverse("source-detail", args=[source.pk]), {"relies_on": []}, format="json", **if_match(source)
    )
    assert unlink.status_code == 200, unlink.content
    source.refresh_from_db()
    for response in [
        reviewer_client.delete(reverse("source-detail", args=[source.pk]), **if_match(source)),
        superuser_client.delete(reverse("trash-purge", kwargs={"type": "source", "id": source.pk})),
    ]:
        assert response.status_code == 204, response.content
    relied_on.refresh_from_db()
    assert (
        reviewer_client.delete(
            reverse("source-detail", args=[relied_on.pk]), **if_match(relied_on)
        ).status_code
        == 204
    )
    assert (
        superuser_client.delete(
            reverse("trash-purge", kwargs={"type": "source", "id": relied_on.pk})
        ).status_code
        == 204
    )

    entries, _ = walk(reviewer_client, since=since)

    assert by_transaction(entries) == [
        # The edit: the link goes and the source's version moves.
        {("source_reliance", link.pk, "deleted"), ("source", source.pk, "changed")},
        {("source", source.pk, "trashed")},
        {("source", source.pk, "deleted")},
        {("source", relied_on.pk, "trashed")},
        # Purged with its source.
        {("source_reliance", other_link.pk, "deleted"), ("source", relied_on.pk, "deleted")},
    ]
    assert all(entry["data"] is None for entry in entries)


def test_same_claim_links_appear_and_hide_with_their_claims(working_groups, researcher_client):
    researcher, reviewer = ResearcherFactory(username="linker"), ReviewerFactory()
    claim, other = ClaimFactory(), ClaimFactory()
    _, since = walk(researcher_client)

    link = claim_services.same_claim_link(claim=other, other=claim, actor=researcher, note="Same.")
    entries, since = walk(researcher_client, since=since)
    assert summary(entries) == [("same_claim_link", link.pk, "created")]
    assert entries[0]["data"] == {
        "id": link.pk,
        "claim_a": min(claim.pk, other.pk),
        "claim_b": max(claim.pk, other.pk),
        "note": "Same.",
        "created_by": "linker",
        "created_at": link.created_at.isoformat().replace("+00:00", "Z"),
        "version": 1,
    }

    # A link of a claim in the trash is hidden with it, and shown again once it is restored.
    claim_services.claim_delete(claim=claim, actor=reviewer)
    entries, since = walk(researcher_client, since=since)
    assert summary(entries) == [("claim", claim.pk, "trashed")]
    assert walk(researcher_client)[0][-2]["data"] is None  # the link's "created", read now
    claim_services.claim_restore(claim=claim, actor=reviewer)
    claim_services.same_claim_unlink(link=link, actor=reviewer)
    entries, _ = walk(researcher_client, since=since)
    assert summary(entries) == [("claim", claim.pk, "restored"), ("same_claim_link", link.pk, "deleted")]
    assert entries[1]["data"] is None


@pytest.mark.django_db
def test_every_door_is_recorded_and_updates_that_change_nothing_are_not():
    publisher = PublisherFactory(name="Before")
    logged = Change.objects.filter(type="publisher", object_id=publisher.pk)
    assert list(logged.values_list("operation", flat=True)) == ["created"]

    Publisher.objects.filter(pk=publisher.pk).update(name=F("name"))  # the same values
    with connection.cursor() as cursor:
        cursor.execute("UPDATE sources_publisher SET kind = kind WHERE id = %s", [publisher.pk])
    assert logged.count() == 1

    Publisher.objects.filter(pk=publisher.pk).update(name="After")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE sources_publisher SET country = 'FR' WHERE id = %s", [publisher.pk])
        cursor.execute("DELETE FROM sources_publisher WHERE id = %s", [publisher.pk])
    assert list(logged.order_by("id").values_list("operation", flat=True)) == [
        "created",
        "changed",
        "changed",
        "deleted",
    ]


@pytest.mark.django_db
def test_change_log_is_append_only():
    PublisherFactory()
    change = Change.objects.get()
    for statement in ("UPDATE core_change SET operation = 'changed'", "DELETE FROM core_change"):
        with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
            connection.cursor().execute(statement)
    assert Change.objects.get() == change
    assert Change.objects.values_list("operation", flat=True).get() == "created"


@pytest.mark.django_db
def test_every_tracked_table_has_the_trigger():
    """Each logged model declares the change-log trigger (core.models.change_log_trigger), for
    its own type, and the database has it installed and enabled."""
    declared = {
        (model._meta.db_table, trigger.change_type): trigger.get_pgid(model)
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, ChangeLogTrigger)
    }
    assert set(declared) == {(model._meta.db_table, name) for name, model in MODELS.items()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
            "WHERE tgname = ANY(%s) AND tgenabled = 'O'",
            [list(declared.values())],
        )
        installed = set(cursor.fetchall())
    assert installed == {(table, pgid) for (table, _type), pgid in declared.items()}
    assert set(MODELS) == set(ChangeType.values)


def test_the_change_log_trigger_reads_the_trash_only_where_there_is_one_and_knows_its_types():
    assert "OLD.deleted_at IS NOT NULL, NEW.deleted_at IS NOT NULL" in change_log_trigger(
        ChangeType.SOURCE
    ).get_func(Source)
    assert "deleted_at" not in change_log_trigger(ChangeType.PUBLISHER).get_func(Publisher)
    with pytest.raises(ValueError, match="Not a type of the change log"):
        change_log_trigger("comment")


# Paging ---------------------------------------------------------------------------------------


def make_history() -> None:
    """A dozen changes of every type, some several to a transaction."""
    with transaction.atomic():
        claim = ClaimFactory()
        CitationFactory(claim=claim)
    SourceReliance.objects.create(source=SourceFactory(), relies_on=SourceFactory())
    Claim.objects.filter(pk=claim.pk).update(status=Status.IN_REVIEW)
    StatusChange.objects.create(claim=claim, from_status=Status.UNVERIFIED, to_status=Status.IN_REVIEW)
    SameClaimLink.objects.create(claim_a=claim, claim_b=ClaimFactory(article=claim.article))
    PublisherFactory()


def test_walking_in_pages_of_two_neither_repeats_nor_skips(working_groups, researcher_client):
    make_history()
    everything = page(researcher_client, page_size=200)
    assert not everything["has_more"]
    assert len(everything["results"]) >= 12

    entries, since = walk(researcher_client, page_size=2)

    assert entries == everything["results"]
    assert since == everything["since"] == entries[-1]["position"]
    positions = [Position.decode(entry["position"]) for entry in entries]
    assert positions == sorted(set(positions))
    # Any entry's position resumes just after it.
    middle = len(entries) // 2
    assert page(researcher_client, since=entries[middle]["position"])["results"] == entries[middle + 1 :]
    # Up to date: an empty page that keeps the position.
    body = page(researcher_client, since=since)
    assert (body["results"], body["since"], body["has_more"]) == ([], since, False)


def test_next_link_moves_since_on_and_keeps_page_size(working_groups, researcher_client):
    make_history()
    first = page(researcher_client, page_size=3)
    assert first["has_more"]
    query = parse_qs(urlsplit(first["next"]).query)
    assert query == {"since": [first["since"]], "page_size": ["3"]}
    second = researcher_client.get(first["next"]).json()
    assert second["results"] == page(researcher_client, page_size=6)["results"][3:]


def test_new_changes_come_after_the_position_already_reached(working_groups, researcher_client):
    make_history()
    _, since = walk(researcher_client, page_size=5)
    publisher = PublisherFactory()
    entries, _ = walk(researcher_client, since=since, page_size=5)
    assert summary(entries) == [("publisher", publisher.pk, "created")]


# Bad input ------------------------------------------------------------------------------------


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "since",
    [
        "not a cursor",
        "!!!!",
        "MS4y==",  # padded: not what the feed hands out
        b64("abc"),
        b64("1.2.3"),
        b64("-1.2"),
        b64("01.2"),
        b64("1.2 "),
        b64("1"),
        b64(f"{2**63}.1"),
        b64("1." + "9" * 30),
        "é",
        "A" * 100,
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_malformed_since_is_a_400_naming_since(researcher_client, since):
    body = assert_error(researcher_client.get(feed_url(), {"since": since}), 400, "invalid")
    assert error_fields(body) == ["since"]


@pytest.mark.django_db
def test_positions_the_feed_never_handed_out_are_400s(researcher_client):
    # This test's own transaction is still open: its change is not final, so not in the feed.
    PublisherFactory()
    own = Change.objects.get()
    for position in [
        Position(10**15, 1),  # a transaction that does not exist yet
        Position(1, 10**12),  # no such change
        own.position,  # a change not yet committed
    ]:
        body = assert_error(
            researcher_client.get(feed_url(), {"since": position.encode()}), 400, "unknown_position"
        )
        assert error_fields(body) == ["since"]
    assert page(researcher_client)["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("page_size", ["0", "-1", "abc", "1.5", "²"])
def test_bad_page_size_is_a_400_naming_page_size(researcher_client, page_size):
    body = assert_error(researcher_client.get(feed_url(), {"page_size": page_size}), 400, "invalid")
    assert error_fields(body) == ["page_size"]


@pytest.mark.django_db
def test_empty_parameters_mean_not_given(researcher_client):
    body = page(researcher_client, since="", page_size="")
    assert (body["results"], body["has_more"], body["since"]) == ([], False, Position(0, 0).encode())


# Permissions ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("client_name", "status_code"),
    [
        ("anon_client", 401),
        ("outsider_client", 200),
        ("researcher_client", 200),
        ("reviewer_client", 200),
    ],
)
def test_whoever_may_read_the_api_may_read_the_feed(request, client_name, status_code):
    response = request.getfixturevalue(client_name).get(feed_url())
    assert response.status_code == status_code, response.content
    if status_code != 200:
        assert_error(response, status_code)


@pytest.mark.django_db
def test_anonymous_clients_read_the_feed_when_reading_is_public(anon_client, settings):
    settings.CLAIMTRACK_PUBLIC_READ = True
    assert anon_client.get(feed_url()).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_feed_is_read_only(reviewer_client, method):
    assert_error(getattr(reviewer_client, method)(feed_url(), {}, format="json"), 405)
    assert not Change.objects.exists()


# Queries --------------------------------------------------------------------------------------


@pytest.mark.parametrize("rounds", [1, 6])
def test_a_page_takes_the_same_queries_whatever_its_length(
    working_groups, researcher_client, django_assert_num_queries, rounds
):
    for _ in range(rounds):
        make_history()
        with transaction.atomic():
            claim = ClaimFactory()
            Claim.objects.filter(pk=claim.pk).update(deleted_at=F("created_at"))  # hidden, in the trash
    # the horizon's two looks, page, and one read per type (sources and claims prefetch a list each)
    with django_assert_num_queries(3 + 10):
        body = page(researcher_client, page_size=200)
    assert {entry["type"] for entry in body["results"]} == set(ChangeType.values)
    assert len(body["results"]) >= 12 * rounds


# Transactions that commit out of order ---------------------------------------------------------


def test_a_change_committed_after_an_open_transaction_waits_for_it(working_groups, researcher_client):
    """A writes first and stays open; B writes after it and commits. B's change must not be
    handed out (moving the cursor past A) before A commits; then A comes first, then B."""
    before = PublisherFactory(name="Before")
    written, release, done = threading.Event(), threading.Event(), threading.Event()
    held: list[Publisher] = []

    def transaction_a():
        try:
            with transaction.atomic():
                held.append(PublisherFactory(name="Held open"))
                written.set()
                assert release.wait(timeout=30)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=transaction_a)
    thread.start()
    try:
        assert written.wait(timeout=30)
        committed = PublisherFactory(name="Committed")  # B, in autocommit
        assert committed.pk > held[0].pk

        entries, since = walk(researcher_client, page_size=1)
        assert summary(entries) == [("publisher", before.pk, "created")]
        assert not page(researcher_client, since=since)["has_more"]
    finally:
        release.set()
        thread.join(timeout=30)
    assert done.is_set()
    assert not thread.is_alive()

    entries, _ = walk(researcher_client, since=since, page_size=1)
    assert summary(entries) == [
        ("publisher", held[0].pk, "created"),
        ("publisher", committed.pk, "created"),
    ]


def test_a_transaction_that_ends_while_the_horizon_is_computed_holds_nothing(
    working_groups, researcher_client, monkeypatch
):
    """Running at the horizon's first look, committed before its second: it is final for the
    page, so its change is in this very page (with one look it held the feed back, which is what
    made parallel test runs fail whenever another worker's transaction ended at that moment)."""
    before = PublisherFactory(name="Before")
    written, release, done = threading.Event(), threading.Event(), threading.Event()
    held: list[Publisher] = []
    held_txids: list[str] = []

    def transaction_a():
        try:
            with transaction.atomic():
                held.append(PublisherFactory(name="Ends in between"))
                held_txids.append(str(Change.objects.get(type="publisher", object_id=held[0].pk).txid))
                written.set()
                assert release.wait(timeout=30)
        finally:
            connection.close()
            done.set()

    first_look = changes.running_transactions
    seen: list[list[str]] = []

    def first_look_then_commit():
        xmax, running = first_look()
        seen.append(running)
        release.set()
        assert done.wait(timeout=30)
        return xmax, running

    thread = threading.Thread(target=transaction_a)
    thread.start()
    try:
        assert written.wait(timeout=30)
        # B commits after A took its id, so A is among the running ones below the snapshot's xmax.
        committed = PublisherFactory(name="Committed")
        monkeypatch.setattr(changes, "running_transactions", first_look_then_commit)
        body = page(researcher_client)
    finally:
        release.set()
        thread.join(timeout=30)
    assert not thread.is_alive()

    assert held_txids[0] in seen[0]  # it was running at the first look
    assert summary(body["results"]) == [
        ("publisher", before.pk, "created"),
        ("publisher", held[0].pk, "created"),
        ("publisher", committed.pk, "created"),
    ]


def test_a_transaction_that_rolls_back_leaves_no_change_and_holds_nothing(working_groups, researcher_client):
    def write_then_fail():
        with transaction.atomic():
            PublisherFactory(name="Never")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    kept = PublisherFactory(name="Kept")
    entries, _ = walk(researcher_client)
    assert summary(entries) == [("publisher", kept.pk, "created")]


def test_open_transactions_in_other_databases_do_not_hold_the_feed(working_groups, researcher_client):
    params = connection.settings_dict
    other = psycopg.connect(
        dbname="postgres",
        user=params["USER"],
        password=params["PASSWORD"],
        host=params["HOST"],
        port=params["PORT"] or None,
    )
    try:
        other.execute("SELECT pg_current_xact_id()")  # holds a transaction id, and stays open
        publisher = PublisherFactory()
        entries, _ = walk(researcher_client)
        assert summary(entries) == [("publisher", publisher.pk, "created")]
    finally:
        other.rollback()
        other.close()


# The demo data and the backfill -----------------------------------------------------------------


def test_the_demo_data_is_in_the_feed(working_groups):
    user = ResearcherFactory(username="demo")
    call_command("load_demo", user=user.username, stdout=StringIO())
    client = APIClient()
    client.force_authenticate(user)

    entries, _ = walk(client, page_size=50)

    created = {(entry["type"], entry["id"]) for entry in entries if entry["operation"] == "created"}
    assert created == {
        (name, pk) for name, model in MODELS.items() for pk in model.objects.values_list("pk", flat=True)
    }
    assert len(created) == sum(1 for entry in entries if entry["operation"] == "created")
    # The demo records no same-claim link (one article, no claim stated twice).
    assert {entry["type"] for entry in entries} == set(ChangeType.values) - {ChangeType.SAME_CLAIM_LINK}
    assert all(entry["data"] is not None for entry in entries)
    # What a record refers to is created before it.
    order = [(entry["type"], entry["id"]) for entry in entries]
    for entry in entries:
        if entry["type"] == "citation" and entry["operation"] == "created":
            assert order.index(("source", entry["data"]["source"]["id"])) < order.index(
                ("citation", entry["id"])
            )
            assert order.index(("claim", entry["data"]["claim"])) < order.index(("citation", entry["id"]))


def test_the_migration_records_what_existed_before_it(working_groups, researcher_client):
    call_command("migrate", "core", "0003_cache_table", verbosity=0)
    try:
        claim = ClaimFactory()
        citation = CitationFactory(claim=claim)
        link = SourceReliance.objects.create(source=citation.source, relies_on=SourceFactory())
        change = StatusChange.objects.create(
            claim=claim, from_status=Status.UNVERIFIED, to_status=Status.IN_REVIEW
        )
        trashed = ArticleFactory()
        Article.objects.filter(pk=trashed.pk).update(deleted_at=F("created_at"))
        second = ClaimFactory(article=claim.article)
        same = SameClaimLink.objects.create(claim_a=claim, claim_b=second)
    finally:
        call_command("migrate", "core", verbosity=0)

    entries, _ = walk(researcher_client)

    sources = sorted([citation.source_id, link.relies_on_id])
    publishers = sorted(Source.objects.filter(pk__in=sources).values_list("publisher_id", flat=True))
    assert summary(entries) == [
        *[("publisher", pk, "created") for pk in publishers],
        *[("source", pk, "created") for pk in sources],
        ("source_reliance", link.pk, "created"),
        *[("article", pk, "created") for pk in sorted([claim.article_id, trashed.pk])],
        ("article", trashed.pk, "trashed"),
        ("claim", claim.pk, "created"),
        ("claim", second.pk, "created"),
        ("citation", citation.pk, "created"),
        ("status_change", change.pk, "created"),
        # Same-claim links joined the log later, with a migration of their own.
        ("same_claim_link", same.pk, "created"),
    ]
    # One transaction per migration.
    assert len({Position.decode(entry["position"]).txid for entry in entries[:-1]}) == 1
    assert Position.decode(entries[-1]["position"]).txid > Position.decode(entries[-2]["position"]).txid
    # And the triggers are back.
    publisher = PublisherFactory()
    assert summary(walk(researcher_client, since=entries[-1]["position"])[0]) == [
        ("publisher", publisher.pk, "created")
    ]
