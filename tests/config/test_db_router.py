"""The read-replica router: safe reads to the replica, everything that may need a write's
result to the primary, migrations on the primary only."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import RequestFactory

from claims.models import Claim
from config.db_router import PrimaryForWritesMiddleware, PrimaryReplicaRouter, use_primary

router = PrimaryReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    """As if DATABASE_REPLICA_URL were set (the last test checks that setting itself)."""
    monkeypatch.setattr(PrimaryReplicaRouter, "has_replica", staticmethod(lambda: True))


def test_without_a_replica_everything_is_the_primary():
    assert "replica" not in django_settings.DATABASES
    assert router.db_for_read(Claim) == "default"
    assert router.db_for_write(Claim) == "default"


@pytest.mark.django_db(transaction=True)
def test_safe_reads_go_to_the_replica(with_replica):
    assert router.db_for_read(Claim) == "replica"
    assert router.db_for_write(Claim) == "default"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary(with_replica):
    with transaction.atomic():
        assert router.db_for_read(Claim) == "default"
    assert router.db_for_read(Claim) == "replica"


@pytest.mark.django_db(transaction=True)
def test_a_pinned_block_reads_from_the_primary(with_replica):
    with use_primary():
        assert router.db_for_read(Claim) == "default"
    assert router.db_for_read(Claim) == "replica"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("get", "replica"),
        ("head", "replica"),
        ("post", "default"),
        ("patch", "default"),
        ("delete", "default"),
    ],
)
def test_a_request_that_may_write_reads_from_the_primary(with_replica, method, expected):
    seen = []
    middleware = PrimaryForWritesMiddleware(lambda request: seen.append(router.db_for_read(Claim)))
    middleware(getattr(RequestFactory(), method)("/api/v1/claims/"))
    assert seen == [expected]


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "claims") is True
    assert router.allow_migrate("replica", "claims") is False


def test_the_replica_is_configured_from_the_environment():
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "postgres://app@primary.internal:5432/claimtrack",
        "DATABASE_REPLICA_URL": "postgres://app@replica.internal:5432/claimtrack",
    }
    code = (
        "import config.settings as s; "
        "print(s.DATABASES['replica']['HOST'], s.DATABASES['replica']['TEST'], s.DATABASE_ROUTERS)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False,
        cwd=django_settings.BASE_DIR,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "replica.internal {'MIRROR': 'default'} ['config.db_router.PrimaryReplicaRouter']"
    )
