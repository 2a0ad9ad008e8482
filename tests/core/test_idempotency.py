"""Idempotency-Key: a retried POST returns the first answer and creates nothing new."""

import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Claim, Status, StatusChange
from core.models import IdempotencyRecord
from sources.models import Publisher
from tests.factories import ClaimFactory, PublisherFactory, ResearcherFactory, SourceFactory
from tests.helpers import assert_error, error_fields, if_match

pytestmark = pytest.mark.django_db

KEY = "3f1c7a52-0d6e-4d7b-9b1e-5c0b8f0c2a11"


def create_publisher(client, key: str = KEY, **body):
    return client.post(reverse("publisher-list"), body or {"name": "Reuters"}, HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_returns_the_first_answer_and_creates_nothing(researcher_client):
    first = create_publisher(researcher_client)
    assert first.status_code == 201, first.data
    again = create_publisher(researcher_client)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["ETag"] == first["ETag"]
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert list(Publisher.objects.values_list("name", flat=True)) == ["Reuters"]


def test_the_replay_is_the_first_answer_even_after_the_record_changed(researcher_client, superuser_client):
    first = create_publisher(researcher_client)
    publisher = Publisher.objects.get()
    superuser_client.delete(reverse("publisher-detail", args=[publisher.pk]), **if_match(publisher))
    again = create_publisher(researcher_client)
    assert (again.status_code, again.json()) == (201, first.json())
    assert not Publisher.objects.exists()


def test_json_spacing_and_key_order_do_not_make_another_request(researcher_client):
    url = reverse("publisher-list")
    first = researcher_client.post(
        url, '{"name": "Reuters", "kind": "ngo"}', content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY
    )
    again = researcher_client.post(
        url, '{"kind":"ngo","name":"Reuters"}', content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert Publisher.objects.count() == 1


def test_without_a_key_each_post_runs(researcher_client):
    url = reverse("claim-list")
    claim = ClaimFactory()
    body = {"article": claim.article_id, "statement": "Again.", "quote": claim.quote}
    body["quote_start"] = claim.quote_start
    assert researcher_client.post(url, body).status_code == 201
    assert researcher_client.post(url, body).status_code == 201
    assert Claim.objects.count() == 3
    assert not IdempotencyRecord.objects.exists()


def test_the_same_key_with_another_body_is_422(researcher_client):
    create_publisher(researcher_client)
    response = create_publisher(researcher_client, name="Associated Press")
    body = assert_error(response, 422, "idempotency_key_reused")
    assert error_fields(body) == ["Idempotency-Key"]
    assert list(Publisher.objects.values_list("name", flat=True)) == ["Reuters"]


def test_the_same_key_on_another_path_is_422(researcher_client):
    create_publisher(researcher_client)
    response = researcher_client.post(
        reverse("source-list"), {"kind": "report", "title": "T"}, HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert_error(response, 422, "idempotency_key_reused")
    assert not Claim.objects.exists()
    assert IdempotencyRecord.objects.get().path == reverse("publisher-list")


def test_keys_belong_to_their_user(researcher_client):
    other = APIClient()
    other.force_authenticate(ResearcherFactory())
    assert create_publisher(researcher_client, name="Reuters").status_code == 201
    second = create_publisher(other, name="Associated Press")
    assert second.status_code == 201
    assert not second.has_header("Idempotent-Replayed")
    assert Publisher.objects.count() == 2


@pytest.mark.parametrize(
    "key",
    ["k" * 256, "", "line\nbreak", "tab\there", "nul\x00", "del\x7f", "caf\u00e9"],
    ids=["too-long", "empty", "newline", "tab", "nul", "del", "non-ascii"],
)
def test_an_unusable_key_is_400_naming_the_header(researcher_client, key):
    response = create_publisher(researcher_client, key=key)
    body = assert_error(response, 400)
    assert error_fields(body) == ["Idempotency-Key"]
    assert not Publisher.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_a_key_of_255_characters_is_fine(researcher_client):
    assert create_publisher(researcher_client, key="k" * 255).status_code == 201


def test_a_refusal_is_stored_and_replayed_too(researcher_client):
    """The first answer is the answer, refusals included: the retry does not run again even
    though it would now succeed."""
    PublisherFactory(name="Reuters")
    first = create_publisher(researcher_client)
    assert_error(first, 409, "duplicate")
    Publisher.objects.all().delete()
    again = create_publisher(researcher_client)
    assert (again.status_code, again.json()) == (409, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert not Publisher.objects.exists()


def test_a_server_error_is_not_stored(researcher_client, monkeypatch):
    def broken(**fields):
        Publisher.objects.create(name=fields["name"])
        raise RuntimeError("boom")

    monkeypatch.setattr("sources.services.publisher_create", broken)
    with pytest.raises(RuntimeError):
        create_publisher(researcher_client)
    assert not IdempotencyRecord.objects.exists()
    assert not Publisher.objects.exists()  # the half-done work went with it
    monkeypatch.undo()
    retry = create_publisher(researcher_client)
    assert retry.status_code == 201
    assert not retry.has_header("Idempotent-Replayed")


def test_a_key_older_than_a_day_is_forgotten(researcher_client):
    create_publisher(researcher_client, name="Reuters")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=24, minutes=1))
    response = create_publisher(researcher_client, name="Associated Press")
    assert response.status_code == 201, response.data
    assert not response.has_header("Idempotent-Replayed")
    assert Publisher.objects.count() == 2
    record = IdempotencyRecord.objects.get()
    assert record.created_at > timezone.now() - timedelta(minutes=1)
    assert create_publisher(researcher_client, name="Associated Press")["Idempotent-Replayed"] == "true"


def test_a_key_younger_than_a_day_still_replays(researcher_client):
    create_publisher(researcher_client)
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=23, minutes=59))
    assert create_publisher(researcher_client)["Idempotent-Replayed"] == "true"
    assert Publisher.objects.count() == 1


def test_purge_command_deletes_only_old_records(researcher):
    old = IdempotencyRecord.objects.create(
        user=researcher, key="old", method="POST", path="/", request_hash="x", response_status=201
    )
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    IdempotencyRecord.objects.create(
        user=researcher, key="new", method="POST", path="/", request_hash="x", response_status=201
    )
    out = io.StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert "Deleted 1 " in out.getvalue()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_transition_is_idempotent(reviewer_client):
    claim = ClaimFactory()
    url = reverse("claim-transition", args=[claim.pk])
    headers = {**if_match(claim), "HTTP_IDEMPOTENCY_KEY": KEY}
    first = reviewer_client.post(url, {"status": "in_review"}, **headers)
    assert first.status_code == 200, first.data
    # The If-Match is stale now; the retry gets the first answer, not a 412.
    again = reviewer_client.post(url, {"status": "in_review"}, **headers)
    assert (again.status_code, again.json()) == (200, first.json())
    assert again["ETag"] == first["ETag"]
    assert StatusChange.objects.filter(claim=claim).count() == 1


def test_the_token_endpoint_ignores_the_key(anon_client, researcher):
    researcher.set_password("pw-for-tests")
    researcher.save()
    body = {"username": researcher.username, "password": "pw-for-tests"}
    first = anon_client.post(reverse("auth-token"), body, HTTP_IDEMPOTENCY_KEY=KEY)
    second = anon_client.post(reverse("auth-token"), body, HTTP_IDEMPOTENCY_KEY=KEY)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() != second.json()  # two tokens: nothing is replayed to anonymous clients
    assert not IdempotencyRecord.objects.exists()


# Concurrent first uses ---------------------------------------------------------------


def _race(user, body_for, *, runs: int = 2):
    """Send ``runs`` POSTs with one key at the same moment, each on its own connection."""
    barrier = threading.Barrier(runs)
    responses: list = [None] * runs

    def send(index: int) -> None:
        try:
            client = APIClient()
            client.force_authenticate(user)
            barrier.wait(timeout=10)
            responses[index] = client.post(
                reverse("publisher-list"), body_for(index), format="json", HTTP_IDEMPOTENCY_KEY=KEY
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_uses_of_a_key_run_once(working_groups):
    for attempt in range(5):
        user = ResearcherFactory()
        responses = _race(user, lambda index, attempt=attempt: {"name": f"Reuters {attempt}"})
        assert sorted(r.status_code for r in responses) == [201, 201], [r.content for r in responses]
        assert responses[0].json() == responses[1].json()
        assert sorted(r.has_header("Idempotent-Replayed") for r in responses) == [False, True]
        assert Publisher.objects.filter(name=f"Reuters {attempt}").count() == 1
        assert IdempotencyRecord.objects.filter(user=user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_uses_of_a_key_with_different_bodies_run_one(working_groups):
    for attempt in range(5):
        user = ResearcherFactory()
        responses = _race(user, lambda index, attempt=attempt: {"name": f"Agency {attempt}-{index}"})
        codes = sorted(r.status_code for r in responses)
        assert codes == [201, 422], [r.content for r in responses]
        winner = next(r for r in responses if r.status_code == 201)
        assert list(
            Publisher.objects.filter(name__startswith=f"Agency {attempt}-").values_list("name", flat=True)
        ) == [winner.json()["name"]]


def test_a_transition_reused_for_another_claim_is_422(reviewer_client, reviewer):
    first, second = ClaimFactory(), ClaimFactory()
    url = reverse("claim-transition", args=[first.pk])
    assert (
        reviewer_client.post(
            url, {"status": "in_review"}, HTTP_IDEMPOTENCY_KEY=KEY, **if_match(first)
        ).status_code
        == 200
    )
    response = reviewer_client.post(
        reverse("claim-transition", args=[second.pk]),
        {"status": "in_review"},
        HTTP_IDEMPOTENCY_KEY=KEY,
        **if_match(second),
    )
    assert_error(response, 422, "idempotency_key_reused")
    assert Claim.objects.get(pk=second.pk).status == Status.UNVERIFIED
    assert StatusChange.objects.count() == 1


@pytest.mark.parametrize("name", ["claim-list", "publisher-list", "citation-list"])
def test_a_replay_is_the_first_answer_byte_for_byte(researcher_client, name):
    """Equal as JSON is not enough: a client may hash or sign what it received."""
    claim = ClaimFactory()
    bodies = {
        "claim-list": {"article": claim.article.pk, "statement": "Rockets.", "quote": "militia group"},
        "publisher-list": {"name": "Reuters", "kind": "news_media", "country": "GB"},
        "citation-list": {
            "claim": claim.pk,
            "source": SourceFactory().pk,
            "role": "evidence",
            "stance": "supports",
        },
    }
    url = reverse(name)
    first = researcher_client.post(url, bodies[name], format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == 201, first.content
    again = researcher_client.post(url, bodies[name], format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert again["Idempotent-Replayed"] == "true"
    assert again.status_code == first.status_code
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


def test_a_refusal_is_replayed_byte_for_byte(researcher_client):
    PublisherFactory(name="Reuters")
    first = create_publisher(researcher_client, name="R\u0435uters")
    again = create_publisher(researcher_client, name="R\u0435uters")
    assert first.status_code == again.status_code == 409
    assert again.content == first.content
