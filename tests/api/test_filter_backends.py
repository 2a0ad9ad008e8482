"""The filter backend skips django-filter's filter set when no parameter names a filter."""

import pytest
from django.urls import reverse

from api.filter_backends import names_a_filter
from claims.filters import ClaimFilter
from tests.factories import ClaimFactory


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({}, False),
        ({"page_size": "5", "cursor": "x", "ordering": "id", "q": "rockets"}, False),
        ({"status": "verified"}, True),
        ({"status": ""}, True),
        ({"created_after": "2024-01-01T00:00:00Z"}, True),
        ({"independent_support_min": "1"}, True),
    ],
)
def test_a_parameter_names_a_filter_by_its_name_or_a_widget_part(params, named):
    assert names_a_filter(params, ClaimFilter.base_filters) is named
    assert names_a_filter({"created_min": "1"}, {"created": None}) is True
    assert names_a_filter({"createdx": "1"}, {"created": None}) is False


@pytest.mark.django_db
def test_without_a_filter_parameter_the_list_is_whole_with_one_filtered_or_refused(
    researcher_client,
):
    verified, other = ClaimFactory(status="verified"), ClaimFactory()
    whole = researcher_client.get(reverse("claim-list"), {"page_size": 10})
    assert {claim["id"] for claim in whole.json()["results"]} == {verified.pk, other.pk}
    filtered = researcher_client.get(reverse("claim-list"), {"status": "verified"})
    assert [claim["id"] for claim in filtered.json()["results"]] == [verified.pk]
    refused = researcher_client.get(reverse("claim-list"), {"created_after": "not a time"})
    assert refused.status_code == 400
    assert "created_after" in refused.content.decode()
