"""sources/policies.py: what each rule allows and refuses, and the services that ask it for
their actor (publisher_create/update/delete, source_create/update): refused for an actor
without the role with nothing written, carried out for one with it."""

import pytest

from core.errors import Forbidden
from sources import policies, services
from sources.models import Publisher, Source, SourceReliance
from tests.factories import PublisherFactory, SourceFactory
from tests.policy_roles import ACTORS, RECORDERS, REMOVERS, allowed_by, assert_refused, make_actor

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


# Services that check their actor -----------------------------------------------------------

NOT_RECORDERS = [name for name in ACTORS if name not in RECORDERS]
NOT_REMOVERS = [name for name in ACTORS if name not in REMOVERS]
MAY_RECORD = [name for name in ACTORS if name in RECORDERS]
MAY_REMOVE = [name for name in ACTORS if name in REMOVERS]


def snapshot() -> dict:
    """Rows, versions and history events of publishers, sources and their reliance links."""
    return {
        model.__name__: (
            sorted(model.objects.values_list("pk", *(["version"] if hasattr(model, "version") else []))),
            model.pgh_event_model.objects.count(),
        )
        for model in (Publisher, Source, SourceReliance)
    }


@pytest.mark.parametrize("name", NOT_RECORDERS)
def test_publisher_create_is_refused_without_the_role_and_writes_nothing(name):
    actor = make_actor(name)
    assert_refused(
        lambda: services.publisher_create(actor=actor, name="Reuters", country="gb"),
        snapshot=snapshot,
        code="researcher_required",
        message="Only researchers and reviewers may record publishers.",
    )
    assert not Publisher.objects.exists()


@pytest.mark.parametrize("name", MAY_RECORD)
def test_publisher_create_is_allowed_to_those_who_record(name):
    publisher = services.publisher_create(actor=make_actor(name), name="Reuters", country="gb")
    assert Publisher.objects.get().pk == publisher.pk


@pytest.mark.parametrize("name", NOT_RECORDERS)
def test_publisher_update_is_refused_without_the_role_and_writes_nothing(name):
    publisher, actor = PublisherFactory(name="Reuters"), make_actor(name)
    assert_refused(
        lambda: services.publisher_update(publisher=publisher, data={"name": "AP"}, actor=actor),
        snapshot=snapshot,
        code="researcher_required",
        message="Only researchers and reviewers may edit publishers.",
    )
    assert Publisher.objects.get().name == "Reuters"


@pytest.mark.parametrize("name", MAY_RECORD)
def test_publisher_update_is_allowed_to_those_who_record(name):
    publisher = PublisherFactory(name="Reuters")
    services.publisher_update(publisher=publisher, data={"name": "AP"}, actor=make_actor(name))
    assert Publisher.objects.values_list("name", "version").get() == ("AP", publisher.version + 1)


@pytest.mark.parametrize("name", NOT_REMOVERS)
def test_publisher_delete_is_refused_without_the_role_and_writes_nothing(name):
    publisher, actor = PublisherFactory(), make_actor(name)
    assert_refused(
        lambda: services.publisher_delete(publisher=publisher, actor=actor),
        snapshot=snapshot,
        code="reviewer_required",
        message="Only reviewers may delete publishers.",
    )
    assert Publisher.objects.filter(pk=publisher.pk).exists()


@pytest.mark.parametrize("name", MAY_REMOVE)
def test_publisher_delete_is_allowed_to_reviewers(name):
    publisher = PublisherFactory()
    services.publisher_delete(publisher=publisher, actor=make_actor(name))
    assert not Publisher.objects.exists()


@pytest.mark.parametrize("name", NOT_RECORDERS)
def test_source_create_is_refused_without_the_role_and_writes_nothing(name):
    origin, actor = SourceFactory(), make_actor(name)
    assert_refused(
        lambda: services.source_create(actor=actor, kind="report", title="Review", relies_on=[origin]),
        snapshot=snapshot,
        code="researcher_required",
        message="Only researchers and reviewers may record sources.",
    )
    assert list(Source.objects.all()) == [origin]


@pytest.mark.parametrize("name", MAY_RECORD)
def test_source_create_is_allowed_to_those_who_record(name):
    origin = SourceFactory()
    source = services.source_create(actor=make_actor(name), kind="report", title="Review", relies_on=[origin])
    assert list(SourceReliance.objects.values_list("source", "relies_on")) == [(source.pk, origin.pk)]


@pytest.mark.parametrize("name", NOT_RECORDERS)
def test_source_update_is_refused_without_the_role_and_writes_nothing(name):
    source, origin, actor = SourceFactory(title="Before"), SourceFactory(), make_actor(name)
    assert_refused(
        lambda: services.source_update(
            source=source, data={"title": "After", "relies_on": [origin]}, actor=actor
        ),
        snapshot=snapshot,
        code="researcher_required",
        message="Only researchers and reviewers may edit sources.",
    )
    assert Source.objects.get(pk=source.pk).title == "Before"


@pytest.mark.parametrize("name", MAY_RECORD)
def test_source_update_is_allowed_to_those_who_record(name):
    source, origin = SourceFactory(title="Before"), SourceFactory()
    services.source_update(
        source=source, data={"title": "After", "relies_on": [origin]}, actor=make_actor(name)
    )
    assert Source.objects.get(pk=source.pk).title == "After"
    assert list(SourceReliance.objects.values_list("source", "relies_on")) == [(source.pk, origin.pk)]
