"""sources/policies.py: what each rule allows and refuses."""

import pytest

from config.errors import Forbidden
from sources import policies
from tests.policy_roles import RECORDERS, REMOVERS, allowed_by, make_actor

pytestmark = pytest.mark.django_db

RECORDING = [
    policies.can_create_publisher,
    policies.can_edit_publisher,
    policies.can_create_source,
    policies.can_edit_source,
]
REMOVING = [policies.can_delete_publisher, policies.can_delete_source, policies.can_restore_source]


@pytest.mark.parametrize("policy", RECORDING, ids=lambda policy: policy.__name__)
def test_researchers_and_reviewers_record_and_edit(policy):
    assert allowed_by(policy) == RECORDERS


@pytest.mark.parametrize("policy", REMOVING, ids=lambda policy: policy.__name__)
def test_only_reviewers_delete_and_restore(policy):
    assert allowed_by(policy) == REMOVERS


def test_only_superusers_purge():
    assert allowed_by(policies.can_purge_source) == {"superuser"}


@pytest.mark.parametrize(
    ("require", "allowed", "refused", "message"),
    [
        (policies.require_may_delete_source, "reviewer", "researcher", "Only reviewers may delete sources."),
        (
            policies.require_may_restore_source,
            "reviewer",
            "researcher",
            "Only reviewers may restore sources.",
        ),
        (policies.require_may_purge_source, "superuser", "reviewer", "Only superusers may purge records."),
    ],
)
def test_the_services_refusal_says_who_may(require, allowed, refused, message):
    require(make_actor(allowed))  # nothing raised
    with pytest.raises(Forbidden) as caught:
        require(make_actor(refused))
    assert caught.value.message == message
