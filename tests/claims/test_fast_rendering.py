"""ClaimSerializer writes its JSON by hand for speed; it must be exactly DRF's rendering."""

import datetime as dt

import pytest

from claims import selectors
from claims.serializers import ClaimCitationSerializer, ClaimSerializer
from tests.factories import CitationFactory, ClaimFactory, PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_the_hand_written_rendering_is_drf_rendering_field_by_field():
    with_everything = ClaimFactory(claim_date=dt.date(2020, 1, 3), claimant="CENTCOM")
    CitationFactory(
        claim=with_everything,
        source=SourceFactory(publisher=PublisherFactory(), url="https://example.org/r"),
        quote="Exact words.",
        locator="p. 4",
        note="A note.",
    )
    CitationFactory(claim=with_everything, source=SourceFactory(publisher=None, url=""), added_by=None)
    bare = ClaimFactory(claim_date=None, claimant="", created_by=None)
    serializer = ClaimSerializer()
    for claim in selectors.claim_list().filter(pk__in=[with_everything.pk, bare.pk]):
        fast = serializer.to_representation(claim)
        generic = serializer.generic_representation(claim)
        assert list(fast) == list(generic)
        for name in generic:
            assert fast[name] == generic[name], name
        assert fast["citations"] == [
            dict(ClaimCitationSerializer().to_representation(c)) for c in claim.citations.all()
        ]
    rendered = serializer.to_representation(selectors.claim_list().get(pk=bare.pk))
    assert (rendered["citation_count"], rendered["claim_date"], rendered["created_by"]) == (0, None, None)


def test_every_declared_field_is_rendered():
    claim = selectors.claim_list().get(pk=ClaimFactory().pk)
    assert set(ClaimSerializer().to_representation(claim)) == set(ClaimSerializer().fields)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/New_York"])
def test_timestamps_render_as_drf_renders_them_in_any_time_zone(settings, zone):
    settings.TIME_ZONE = zone
    CitationFactory()
    claim = selectors.claim_list().get()
    serializer = ClaimSerializer()
    fast, generic = serializer.to_representation(claim), serializer.generic_representation(claim)
    assert (fast["created_at"], fast["updated_at"]) == (generic["created_at"], generic["updated_at"])
    assert fast["citations"][0]["added_at"] == generic["citations"][0]["added_at"]
    if zone == "UTC":
        assert fast["created_at"].endswith("Z")
