import importlib
import os

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests import db_template
from tests.factories import ResearcherFactory, ReviewerFactory, UserFactory

# The browser tests need Chromium; `make test-browser` runs them (README, Tests).
collect_ignore = [] if os.environ.get("CLAIMTRACK_BROWSER_TESTS") else ["browser"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, request, django_db_blocker):
    """Each test database is created from a template migrated once per code version
    (tests/db_template.py), not migrated from nothing by every worker."""
    with django_db_blocker.unblock():
        db_template.use_template(worker_suffix=getattr(request.config, "workerinput", {}).get("workerid"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Django's default PBKDF2 takes most of a second per user; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    """Rate limits off, so query counts and long test sequences do not depend on the cache;
    tests/api/test_throttling.py turns them on with the rates it needs."""
    settings.CLAIMTRACK_THROTTLE_RATES = dict.fromkeys(settings.CLAIMTRACK_THROTTLE_RATES)


# The migrations that make the working groups (core's) and grant them each app's permissions.
ROLE_MIGRATIONS = [
    "core.migrations.0001_roles",
    "sources.migrations.0007_role_permissions",
    "claims.migrations.0010_role_permissions",
]


@pytest.fixture
def working_groups(transactional_db):
    """A transactional test empties every table when it ends, the working groups included;
    recreate them (with their permissions) as the role migrations do."""
    from django.apps import apps

    for module in ROLE_MIGRATIONS:
        for operation in importlib.import_module(module).Migration.operations:
            operation.code(apps, None)


@pytest.fixture
def researcher(db):
    return ResearcherFactory(username="res")


@pytest.fixture
def reviewer(db):
    return ReviewerFactory(username="rev")


@pytest.fixture
def outsider(db):
    """Signed in, but in neither working group."""
    return UserFactory(username="outsider")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def anon_client():
    return APIClient()


def _client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def researcher_client(researcher):
    return _client_for(researcher)


@pytest.fixture
def reviewer_client(reviewer):
    return _client_for(reviewer)


@pytest.fixture
def outsider_client(outsider):
    return _client_for(outsider)


@pytest.fixture
def superuser_client(superuser):
    return _client_for(superuser)


@pytest.fixture
def reviewer_admin(reviewer):
    """A browser session of a staff reviewer, for the admin."""
    client = Client()
    client.force_login(reviewer)
    return client


@pytest.fixture
def superuser_admin(superuser):
    client = Client()
    client.force_login(superuser)
    return client
