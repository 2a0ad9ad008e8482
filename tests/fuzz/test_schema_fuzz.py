"""The API fuzzed against its own OpenAPI schema with schemathesis.

Every operation, as a researcher and as a reviewer: no 5xx, every status code and content
type documented, every body conforming to its schema.

How much runs is set by two variables, so the suite stays fast and `make fuzz` goes long:

- ``FUZZ_EXAMPLES`` (default 5): the generated cases per operation and role, besides the few
  examples the schema itself gives. tests/fuzz/conftest.py fails the run if an operation gets
  more, so the bound holds whatever schemathesis adds.
- ``FUZZ_COVERAGE=1`` (set by `make fuzz`): also schemathesis's coverage phase, a fixed set of
  boundary and invalid values derived from the schema (thousands of cases per role), which no
  ``max_examples`` bounds: it reaches Hypothesis as explicit examples.

The demo data is loaded once for the module. Hypothesis runs every case of an operation inside
one pytest test, so each case runs in a savepoint of its own, rolled back when it ends: what one
case writes is gone before the next, and a database error in one case (which aborts the
transaction it happens in) cannot fail the cases after it.
"""

import json

import pytest
import schemathesis
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from knox.models import AuthToken
from schemathesis import checks

from config.wsgi import application
from tests.factories import ResearcherFactory, ReviewerFactory
from tests.fuzz.conftest import MAX_EXAMPLES, WITH_COVERAGE, run_case


@schemathesis.check
def invalid_input_refused(ctx, response, case):
    """schemathesis's negative_data_rejection, counting 413 (body over the size limit) and 412
    (a stale ``version``) as the refusals they are: nothing is written. A 412 answers a case
    whose ``version`` is stale and whose "invalid" part the API reads as absent, e.g. an empty
    field of a form in a PATCH (DRF: a form cannot leave a field out), with an empty
    ``If-Match``, which names no version (core.concurrency)."""
    if response.status_code in (412, 413):
        return None
    return checks.negative_data_rejection(ctx, response, case)


# What the issue asks: no 5xx, documented status codes and content types, bodies and headers
# that conform, and invalid input refused. Not "positive_data_acceptance": a schema-valid id
# that names no record is rightly a 400 (filters) or 404 (paths), not an acceptance.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    invalid_input_refused,
]


def _load_schema():
    """The same document /api/schema/ serves, generated while the tests are collected (the
    view itself would touch the database through its throttles), bound to the WSGI app."""
    document = json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), cls=DjangoJSONEncoder)
    )
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application
    loaded.config.phases.update(phases=["examples", "fuzzing", *(["coverage"] if WITH_COVERAGE else [])])
    return loaded


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Calls reach the WSGI application in this thread, inside the test's transaction; like
    Django's test client, keep the request signals from closing that connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _headers_for(user) -> dict:
    _instance, token = AuthToken.objects.create(user)
    return {"Authorization": f"Token {token}"}


@pytest.fixture(scope="module")
def fuzz_headers(django_db_setup, django_db_blocker):
    """Real records to aim at (the demo article, its claims and sources, loaded by the
    researcher) and a token per role, written once in a transaction that is rolled back when
    the module ends. Each test's own transaction nests inside it as a savepoint."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        researcher = ResearcherFactory(username="fuzz-researcher")
        reviewer = ReviewerFactory(username="fuzz-reviewer")
        call_command("load_demo", user=researcher.username, verbosity=0)
        yield {"researcher": _headers_for(researcher), "reviewer": _headers_for(reviewer)}
        transaction.set_rollback(True)


@pytest.fixture
def researcher_headers(fuzz_headers, db):
    return fuzz_headers["researcher"]


@pytest.fixture
def reviewer_headers(fuzz_headers, db):
    return fuzz_headers["reviewer"]


FUZZ_SETTINGS = hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_conforms_as_researcher(case, researcher_headers):
    run_case("researcher", case, headers=researcher_headers, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_conforms_as_reviewer(case, reviewer_headers):
    run_case("reviewer", case, headers=reviewer_headers, checks=CHECKS)
