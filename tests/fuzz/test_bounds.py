"""The fuzzing's bound (tests/fuzz/conftest.py): FUZZ_EXAMPLES generated cases per operation and
role, plus the schema's own examples, and no more unless the coverage phase is on."""

from collections import Counter
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection

from tests.fuzz import conftest


def fake_case(label: str, examples: int):
    operation = SimpleNamespace(label=label, get_strategies_from_examples=lambda: [object()] * examples)
    return SimpleNamespace(operation=operation)


@pytest.fixture
def fresh_counts(monkeypatch):
    """Counts of their own, so the run's summary stays the real fuzzing's."""
    monkeypatch.setattr(conftest, "FUZZ_STATS", {"cases": Counter(), "statuses": Counter()})
    monkeypatch.setattr(conftest, "_schema_examples", {})
    monkeypatch.setattr(conftest, "MAX_EXAMPLES", 2)
    monkeypatch.setattr(conftest, "WITH_COVERAGE", False)
    return conftest.FUZZ_STATS


def test_cases_up_to_the_bound_are_counted(fresh_counts):
    case, response = fake_case("GET /api/v1/things/", examples=1), SimpleNamespace(status_code=200)
    for _ in range(3):  # two generated, one from the schema's examples
        conftest.record("researcher", case, response)
    conftest.record("reviewer", case, response)  # each role has its own count
    assert fresh_counts["cases"] == {
        ("researcher", "GET /api/v1/things/"): 3,
        ("reviewer", "GET /api/v1/things/"): 1,
    }
    assert fresh_counts["statuses"] == {200: 4}


def test_a_case_past_the_bound_fails_the_run(fresh_counts):
    case, response = fake_case("GET /api/v1/things/", examples=0), SimpleNamespace(status_code=200)
    conftest.record("researcher", case, response)
    conftest.record("researcher", case, response)
    with pytest.raises(AssertionError, match="ran 3 cases as researcher"):
        conftest.record("researcher", case, response)


def test_the_coverage_phase_has_no_bound(fresh_counts, monkeypatch):
    monkeypatch.setattr(conftest, "WITH_COVERAGE", True)
    case, response = fake_case("GET /api/v1/things/", examples=0), SimpleNamespace(status_code=400)
    for _ in range(50):
        conftest.record("researcher", case, response)
    assert conftest.case_limit(case.operation) is None
    assert fresh_counts["cases"]["researcher", "GET /api/v1/things/"] == 50


# Each case in a savepoint of its own (conftest.run_case) ---------------------------------------


class CaseThatRuns:
    """A case whose call runs ``sql`` as the application would, the error caught and answered."""

    def __init__(self, sql: str):
        self.operation = SimpleNamespace(label="POST /api/v1/things/", get_strategies_from_examples=list)
        self.sql = sql

    def call_and_validate(self, *, headers, checks):
        with connection.cursor() as cursor:
            try:
                cursor.execute(self.sql)
            except DatabaseError:
                return SimpleNamespace(status_code=400)
        return SimpleNamespace(status_code=201)


@pytest.mark.django_db
def test_a_database_error_in_one_case_does_not_fail_the_next(fresh_counts):
    conftest.run_case("researcher", CaseThatRuns("SELECT 1 / 0"), headers={}, checks=[])
    conftest.run_case("researcher", CaseThatRuns("SELECT 1"), headers={}, checks=[])
    assert fresh_counts["statuses"] == {400: 1, 201: 1}
    # Without the savepoint, the second case would have failed: the transaction was aborted.
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_what_a_case_writes_is_gone_before_the_next(fresh_counts):
    insert = (
        "INSERT INTO auth_user (username, password, is_superuser, first_name, last_name, email, "
        "is_staff, is_active, date_joined) VALUES ('case-one', '', false, '', '', '', false, true, now())"
    )
    conftest.run_case("researcher", CaseThatRuns(insert), headers={}, checks=[])
    assert not User.objects.filter(username="case-one").exists()
