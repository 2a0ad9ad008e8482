"""claims.rendering writes the claims' JSON; ClaimSerializer is the contract it must meet exactly."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from benchmarks.generate import generate
from claims import rendering, selectors
from claims.models import Citation, Claim, Status
from claims.serializers import ClaimSerializer
from sources.models import Source
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db

BODY = "Le ministère a déclaré « 12 roquettes » 🚀 tirées sur Bassora. Rien d'autre n'a été dit."


def serializer_json(claim_ids) -> dict[int, dict]:
    """DRF's rendering through the contract, from the selector it reads."""
    claims = selectors.claim_list().filter(pk__in=claim_ids)
    return {claim.pk: ClaimSerializer(claim).data for claim in claims}


def assert_same(rendered: dict, expected: dict) -> None:
    assert list(rendered) == list(expected)
    for name in expected:
        assert rendered[name] == expected[name], name
    for mine, theirs in zip(rendered["citations"], expected["citations"], strict=True):
        assert list(mine) == list(theirs)
        assert list(mine["source"]) == list(theirs["source"])


def varied_claims() -> list[int]:
    """Generated claims of every source kind (some without a publisher), and the odd cases:
    every status, no citations, no creator, no date, citations without whoever added them, a
    source without publisher or URL, text beyond ASCII, several citations added at one moment."""
    generate(claims=60, seed=5, batch=30)
    rng = random.Random(7)  # noqa: S311 - a varied data set, not secrets
    odd = []
    for status in Status.values:
        claim = ClaimFactory(status=status, claim_date=dt.date(2024, rng.randint(1, 12), rng.randint(1, 28)))
        for _ in range(rng.randint(0, 3)):
            CitationFactory(
                claim=claim,
                role=rng.choice(Citation.Role.values),
                stance=rng.choice(Citation.Stance.values),
                quote=rng.choice(["", "Exact words.", "« Cité » ✓"]),
                locator=rng.choice(["", "p. 4"]),
                note=rng.choice(["", "A note.\nOn two lines."]),
                source=SourceFactory(kind=rng.choice(Source.Kind.values)),
            )
        odd.append(claim)
    article = ArticleFactory(body=BODY, title="Bassora : « roquettes »")
    unicode_claim = ClaimFactory(
        article=article,
        quote="« 12 roquettes » 🚀",
        statement="12 roquettes 🚀 ont été tirées.",
        claimant="Ministère",
    )
    moment = timezone.now().replace(microsecond=0)
    for source in (
        SourceFactory(publisher=None, url=""),
        SourceFactory(publisher=PublisherFactory(name="Ünïcode")),
    ):
        CitationFactory(claim=unicode_claim, source=source, added_by=None)
    Citation.objects.filter(claim=unicode_claim).update(added_at=moment, updated_at=moment)
    odd.append(unicode_claim)
    odd.append(ClaimFactory(claim_date=None, claimant="", created_by=None))
    generated = list(Claim.objects.exclude(pk__in=[claim.pk for claim in odd]).values_list("pk", flat=True))
    return generated + [claim.pk for claim in odd]


def test_the_rendering_is_the_serializers_field_by_field():
    ids = varied_claims()
    expected = serializer_json(ids)
    rendered = rendering.claims_json(ids)
    assert [claim["id"] for claim in rendered] == ids
    for claim in rendered:
        assert_same(claim, expected[claim["id"]])
    statuses = {claim["status"] for claim in rendered}
    assert statuses == set(Status.values)
    assert any(claim["citations"] == [] for claim in rendered)
    assert any(claim["created_by"] is None and claim["claim_date"] is None for claim in rendered)
    citations = [citation for claim in rendered for citation in claim["citations"]]
    assert any(citation["source"]["publisher_name"] is None for citation in citations)
    assert any(citation["added_by"] is None for citation in citations)
    assert {citation["source"]["kind"] for citation in citations} == set(Source.Kind.values)


def test_the_rendering_keeps_the_order_asked_and_leaves_out_what_is_not_there():
    first, second = ClaimFactory(), ClaimFactory()
    missing = second.pk + 1000
    assert [claim["id"] for claim in rendering.claims_json([second.pk, missing, first.pk])] == [
        second.pk,
        first.pk,
    ]
    assert rendering.claims_json([]) == []


def test_the_rendering_reads_with_one_query_whatever_the_number(django_assert_num_queries):
    ids = varied_claims()
    with django_assert_num_queries(1):
        assert len(rendering.claims_json(ids)) == len(ids)


def test_a_past_state_renders_as_the_serializer_rendered_it_then():
    """As of a moment, a claim shows the citations it had then, a source trashed since as it is
    today; rebuilt as of now it is the claim as it is."""
    claim = ClaimFactory()
    kept = CitationFactory(claim=claim, quote="Kept.")
    removed = CitationFactory(claim=claim, source=SourceFactory(publisher=None), added_by=None, quote="Gone.")
    then = serializer_json([claim.pk])[claim.pk]
    moment = timezone.now()
    removed.delete()
    Source.objects.filter(pk=removed.source_id).update(deleted_at=timezone.now())
    past = rendering.claim_as_of_json(claim_id=claim.pk, at=moment)
    assert past is not None
    assert_same(past, then)

    now = rendering.claim_as_of_json(claim_id=claim.pk, at=timezone.now())
    assert now is not None
    assert [citation["id"] for citation in now["citations"]] == [kept.pk]
    assert_same(now, serializer_json([claim.pk])[claim.pk])


def test_every_claim_as_of_now_renders_as_it_is():
    """The snapshots' rendering is the rows' rendering: every claim written with its history
    (the odd cases of ``varied_claims``; the generated ones are loaded without it) reads back,
    as of now, as the serializer renders it now."""
    ids = varied_claims()
    recorded = [pk for pk in ids if rendering.claim_as_of_json(claim_id=pk, at=timezone.now()) is not None]
    assert len(recorded) >= len(Status.values) + 2
    expected = serializer_json(recorded)
    for pk in recorded:
        assert_same(rendering.claim_as_of_json(claim_id=pk, at=timezone.now()), expected[pk])


def test_the_text_escapes_what_drfs_renderer_escapes():
    """JSON allows U+2028 and U+2029 raw; DRF's renderer escapes them (JavaScript did not allow
    them in strings), and so does the text passed to clients as it is."""
    claim = ClaimFactory(statement="One\u2028line\u2029two.")
    text = rendering.claims_json_text([claim.pk])
    assert "\u2028" not in text
    assert "\u2029" not in text
    assert "\\u2028" in text
    assert "\\u2029" in text
    (rendered,) = rendering.claims_json([claim.pk])
    assert rendered["statement"] == "One\u2028line\u2029two."
    assert_same(rendered, serializer_json([claim.pk])[claim.pk])


def test_every_declared_field_is_rendered():
    claim = ClaimFactory()
    (rendered,) = rendering.claims_json([claim.pk])
    assert list(rendered) == list(ClaimSerializer().fields)


@pytest.mark.parametrize(
    "zone", ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Europe/London", "Africa/Monrovia"]
)
def test_timestamps_render_as_drf_renders_them_in_any_time_zone(settings, zone):
    """DRF writes a timestamp in the current time zone, with its offset (``Z`` for zero), the
    microseconds only when there are some; a negative offset, a half hour, and the offset of
    seconds Monrovia kept until 1972 included."""
    settings.TIME_ZONE = zone
    citation = CitationFactory()
    whole_second = timezone.now().replace(microsecond=0)
    long_ago = dt.datetime(1950, 6, 1, 12, 0, 0, 250, tzinfo=dt.UTC)
    Claim.objects.filter(pk=citation.claim_id).update(created_at=whole_second, updated_at=long_ago)
    expected = serializer_json([citation.claim_id])[citation.claim_id]
    (rendered,) = rendering.claims_json([citation.claim_id])
    assert_same(rendered, expected)
    assert_same(rendering.claim_as_of_json(claim_id=citation.claim_id, at=timezone.now()) or {}, expected)
    assert "." not in rendered["created_at"]
    assert ".000250" in rendered["updated_at"]
    if zone == "UTC":
        assert rendered["created_at"].endswith("Z")
    if zone == "Africa/Monrovia":
        assert rendered["updated_at"].endswith("-00:44:30")
