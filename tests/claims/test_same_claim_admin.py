"""A claim's confirmed equivalents on its admin page: shown to reviewers, read-only."""

import re

import pytest
from django.urls import reverse

from claims import services
from claims.models import SameClaimLink
from tests.claims.test_admin import form_data
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def change_page(client, claim):
    return client.get(reverse("admin:claims_claim_change", args=[claim.pk]))


def shown_claims(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li data-claim="(\d+)">', response.content.decode())]


def test_change_page_lists_the_confirmed_equivalents(reviewer_admin, researcher, reviewer):
    claim, first, second, trashed = (ClaimFactory() for _ in range(4))
    services.same_claim_link(claim=claim, other=first, actor=researcher, note="Same figure.")
    services.same_claim_link(claim=second, other=claim, actor=researcher)
    services.same_claim_link(claim=claim, other=trashed, actor=researcher)
    services.claim_delete(claim=trashed, actor=reviewer)

    response = change_page(reviewer_admin, claim)

    assert response.status_code == 200
    assert shown_claims(response) == [second.pk, first.pk]  # newest link first; trashed hidden
    content = response.content.decode()
    assert reverse("admin:claims_claim_change", args=[first.pk]) in content
    assert "recorded by res" in content
    assert "Same figure." in content
    assert "confirmed_equivalents" not in response.context["adminform"].form.fields


def test_change_page_without_equivalents_says_so(reviewer_admin):
    response = change_page(reviewer_admin, ClaimFactory())
    assert response.status_code == 200
    assert "None recorded." in response.content.decode()
    assert shown_claims(response) == []


def test_saving_the_change_form_leaves_the_links_alone(reviewer_admin, researcher):
    claim, other = ClaimFactory(), ClaimFactory()
    link = services.same_claim_link(claim=claim, other=other, actor=researcher)
    data = {
        **form_data(change_page(reviewer_admin, claim)),
        "confirmed_equivalents": "",
        "claimant": "Someone",
    }
    response = reviewer_admin.post(reverse("admin:claims_claim_change", args=[claim.pk]), data)
    assert response.status_code == 302, response.content
    claim.refresh_from_db()
    assert claim.claimant == "Someone"
    assert list(SameClaimLink.objects.values_list("pk", "claim_a_id", "claim_b_id", "version")) == [
        (link.pk, link.claim_a_id, link.claim_b_id, 1)
    ]


def test_the_add_page_has_no_equivalents(reviewer_admin):
    response = reviewer_admin.get(reverse("admin:claims_claim_add"))
    assert response.status_code == 200
    assert "Confirmed equivalents" not in response.content.decode()
