"""The shared policy pieces (core/policies.py), and the choice it documents: the policy is
the rule, Django's model permissions are not consulted by the admin."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from claims.models import Claim
from core import policies
from core.errors import Forbidden
from core.roles import RESEARCHERS
from tests.factories import ClaimFactory, ResearcherFactory, UserFactory
from tests.policy_roles import ACTORS, PEOPLE_WHO_RECORD, RECORDERS, REMOVERS, allowed_by

pytestmark = pytest.mark.django_db


def test_researchers_reviewers_superusers_and_the_system_may_record():
    assert allowed_by(policies.may_record) == RECORDERS


def test_only_reviewers_and_superusers_may_remove_and_use_the_trash():
    assert allowed_by(policies.may_remove) == REMOVERS
    assert allowed_by(policies.can_use_trash) == REMOVERS


def test_only_active_superusers_may_purge():
    assert allowed_by(policies.can_purge) == {"superuser"}
    assert allowed_by(policies.is_superuser) == {"superuser"}


def test_the_admin_shows_records_to_people_with_a_role_only():
    assert allowed_by(policies.can_view_in_admin) - {"system"} == PEOPLE_WHO_RECORD


def test_reading_needs_a_signed_in_user_unless_reading_is_public(settings):
    settings.CLAIMTRACK_PUBLIC_READ = False
    signed_in = set(ACTORS) - {"none", "anonymous", "system"}
    assert allowed_by(policies.can_read) == signed_in
    settings.CLAIMTRACK_PUBLIC_READ = True
    assert allowed_by(policies.can_read) == set(ACTORS)


@pytest.mark.parametrize(
    ("only", "code"),
    [
        (policies.RESEARCHERS_AND_REVIEWERS, "researcher_required"),
        (policies.REVIEWERS, "reviewer_required"),
        (policies.SUPERUSERS, "superuser_required"),
    ],
)
def test_a_refusal_names_who_may_and_its_code(only, code):
    policies.refuse_unless(True, only=only, action="do it")  # allowed: nothing raised
    with pytest.raises(Forbidden) as caught:
        policies.refuse_unless(False, only=only, action="do it")
    assert caught.value.message == f"Only {only} may do it."
    assert caught.value.code == code
    assert caught.value.status_code == 403


def test_the_system_records_without_an_author():
    person = UserFactory()
    assert policies.author(person) == person
    assert policies.author(policies.SYSTEM) is None


# The admin asks the policy, not Django's model permissions ---------------------------------


def claim_change_page(client: Client, claim: Claim):
    return client.get(reverse("admin:claims_claim_change", args=[claim.pk]))


def test_a_model_permission_given_directly_opens_no_admin_page():
    claim = ClaimFactory()
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="claims", codename__in=["view_claim", "change_claim"]
        )
    )
    assert staff.has_perm("claims.change_claim")  # Django would let them in
    client = Client()
    client.force_login(staff)
    assert claim_change_page(client, claim).status_code == 403
    assert client.get(reverse("admin:claims_claim_changelist")).status_code == 403


def test_a_role_works_in_the_admin_even_without_the_seeded_model_permissions():
    claim = ClaimFactory()
    Group.objects.get(name=RESEARCHERS).permissions.clear()
    staff_researcher = ResearcherFactory(is_staff=True)
    assert not staff_researcher.has_perm("claims.change_claim")
    client = Client()
    client.force_login(staff_researcher)
    page = claim_change_page(client, claim)
    assert page.status_code == 200
    assert page.context["has_change_permission"]
    assert not page.context["has_delete_permission"]  # deleting is the reviewers' (policy)
