"""Rate limits: per user, per anonymous address, and much stricter on the token endpoint.

The counters live in the shared cache (the database, or Redis when ``REDIS_URL`` is set),
so every worker process counts together; the last tests prove it with a second process.
Rates are read on each request, so each test sets the ones it needs.
"""

import importlib
import json
import os
import subprocess
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from knox.models import AuthToken
from rest_framework.test import APIClient

import config.settings
from sources.models import Publisher
from tests.config.test_settings import PRODUCTION_ENV, import_settings
from tests.factories import ResearcherFactory, UserFactory
from tests.helpers import assert_error

PASSWORD = "correct horse battery staple"  # set by UserFactory
NO_LIMITS = {"user": None, "anon": None, "login_address": None, "login_username": None}
# A database number of its own, keys under a test prefix. The Redis test runs by `make test-redis`.
REDIS_URL = os.environ.get("CLAIMTRACK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def rates(settings):
    """Set some rates; the others stay off."""

    def set_rates(**values):
        settings.CLAIMTRACK_THROTTLE_RATES = {**NO_LIMITS, **values}

    return set_rates


def assert_throttled(response) -> None:
    body = assert_error(response, 429, "throttled")
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    assert body["retry_after"] == wait


def client_at(address: str, user=None, **extra) -> APIClient:
    client = APIClient(REMOTE_ADDR=address, **extra)
    if user is not None:
        client.force_authenticate(user=user)
    return client


def sign_in(client: APIClient, username: str, password: str = PASSWORD):
    return client.post(reverse("auth-token"), {"username": username, "password": password})


def test_limits_are_on_by_default():
    # The module's own values: tests/conftest.py turns the limits off for the other tests.
    assert config.settings.CLAIMTRACK_THROTTLE_RATES == {
        "user": "600/minute",
        "anon": "60/minute",
        "login_address": "5/minute",
        "login_username": "5/minute",
    }
    assert config.settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert config.settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "api.throttles.UserRateThrottle",
        "api.throttles.AnonRateThrottle",
    ]


def test_limits_and_redis_are_read_from_the_environment():
    code = (
        "import json, config.settings as s; c = s.CACHES['default']; "
        "print(json.dumps([s.CLAIMTRACK_THROTTLE_RATES, c['BACKEND'], c['LOCATION'], "
        "s.REST_FRAMEWORK['NUM_PROXIES']]))"
    )
    env = {
        **PRODUCTION_ENV,
        "THROTTLE_USER": "100/hour",
        "THROTTLE_ANON": "off",
        "THROTTLE_LOGIN_ADDRESS": "10/minute",
        "THROTTLE_LOGIN_USERNAME": "3/minute",
        "REDIS_URL": "redis://cache.example.org:6379/2",
        "NUM_PROXIES": "1",
    }
    result = import_settings(env, code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"user": "100/hour", "anon": None, "login_address": "10/minute", "login_username": "3/minute"},
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache.example.org:6379/2",
        1,
    ]


@pytest.mark.django_db
def test_user_limit_counts_per_user_whatever_the_address(rates):
    rates(user="3/minute")
    alice, bob = ResearcherFactory(), ResearcherFactory()
    url = reverse("publisher-list")
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert client_at(address, alice).get(url).status_code == 200

    assert_throttled(client_at("10.0.0.4", alice).get(url))
    refused = client_at("10.0.0.4", alice).post(url, {"name": "Not written"})
    assert_throttled(refused)
    assert not Publisher.objects.exists()
    assert client_at("10.0.0.1", bob).get(url).status_code == 200


@pytest.mark.django_db
def test_anonymous_limit_counts_per_address(rates, settings):
    rates(anon="2/minute")
    settings.CLAIMTRACK_PUBLIC_READ = True
    url = reverse("publisher-list")
    for _ in range(2):
        assert client_at("10.0.0.1").get(url).status_code == 200

    assert_throttled(client_at("10.0.0.1").get(url))
    # A made-up X-Forwarded-For does not make a new client: no proxy is trusted by default.
    assert_throttled(client_at("10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7").get(url))
    assert client_at("10.0.0.2").get(url).status_code == 200


@pytest.mark.django_db
def test_behind_a_trusted_proxy_clients_are_told_apart_by_x_forwarded_for(rates, settings):
    rates(anon="1/minute")
    settings.CLAIMTRACK_PUBLIC_READ = True
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    url = reverse("publisher-list")
    proxy = "10.0.0.1"
    assert client_at(proxy, HTTP_X_FORWARDED_FOR="192.0.2.1").get(url).status_code == 200
    assert_throttled(client_at(proxy, HTTP_X_FORWARDED_FOR="192.0.2.1").get(url))
    assert client_at(proxy, HTTP_X_FORWARDED_FOR="192.0.2.2").get(url).status_code == 200


@pytest.mark.django_db
def test_signing_in_is_limited_per_address_across_usernames(rates):
    rates(login_address="3/minute", login_username="100/minute", anon="100/minute")
    user = UserFactory(username="alice")
    for name in ("bob", "carol", "dave"):
        assert_error(sign_in(client_at("10.0.0.1"), name), 400, "invalid_credentials")

    # Even the right password is refused once the address has used up its attempts.
    assert_throttled(sign_in(client_at("10.0.0.1"), "alice"))
    assert not AuthToken.objects.exists()
    assert sign_in(client_at("10.0.0.2"), "alice").status_code == 201
    assert AuthToken.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_signing_in_is_limited_per_username_across_addresses(rates):
    rates(login_address="100/minute", login_username="3/minute", anon="100/minute")
    UserFactory(username="alice")
    bob = UserFactory(username="bob")
    # The same account however it is spelled: Django usernames are case-sensitive, guesses count alike.
    for address, spelling in (("10.0.0.1", "alice"), ("10.0.0.2", "ALICE"), ("10.0.0.3", " Alice ")):
        assert_error(sign_in(client_at(address), spelling, "wrong password"), 400, "invalid_credentials")

    assert_throttled(sign_in(client_at("10.0.0.4"), "alice"))
    assert not AuthToken.objects.exists()
    assert sign_in(client_at("10.0.0.4"), "bob").status_code == 201
    assert AuthToken.objects.filter(user=bob).count() == 1


@pytest.mark.django_db
def test_username_is_hashed_in_the_cache_key(rates):
    rates(login_username="3/minute")
    sign_in(client_at("10.0.0.1"), "guessed-name", "wrong password")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {config.settings.CACHE_TABLE}")  # noqa: S608 - constant
        keys = [row[0] for row in cursor.fetchall()]
    [key] = [key for key in keys if "login_username" in key]
    assert "guessed" not in key.lower()
    assert len(key.rsplit("_", 1)[1]) == 64  # a SHA-256 in hex


@pytest.mark.django_db
def test_revoking_a_token_is_not_a_sign_in_attempt(rates):
    rates(login_address="1/minute", login_username="1/minute")
    UserFactory(username="alice")
    client = client_at("10.0.0.1")
    token = sign_in(client, "alice").data["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.delete(reverse("auth-token")).status_code == 204
    assert not AuthToken.objects.exists()
    assert_throttled(sign_in(client_at("10.0.0.1"), "alice"))


@pytest.mark.django_db
def test_a_limit_set_to_none_is_off(rates):
    rates()
    user = ResearcherFactory()
    url = reverse("publisher-list")
    assert all(client_at("10.0.0.1", user).get(url).status_code == 200 for _ in range(5))


# Shared between processes: counts made here stop a request in a second Python process.

SECOND_PROCESS = """
import sys, django
django.setup()
from django.contrib.auth import get_user_model
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
client = APIClient()
client.force_authenticate(get_user_model().objects.get(pk=int(sys.argv[1])))
print(client.get(reverse("publisher-list")).status_code)
"""


def request_from_another_process(user_pk: int, rate: str, extra_env: dict[str, str]) -> str:
    # The test database, which this test has committed to (transaction=True).
    parts = urlsplit(os.environ["DATABASE_URL"])
    database_url = urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"],
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "THROTTLE_USER": rate,
        **extra_env,
    }
    result = subprocess.run(  # noqa: S603 - fixed interpreter and code, no user input
        [sys.executable, "-c", SECOND_PROCESS, str(user_pk)],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def redis_cache(settings):
    """The Redis cache of CI and this machine; unreachable Redis fails the test, never skips it."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        pytest.fail(
            f"make test-redis needs a Redis server at {REDIS_URL} (set CLAIMTRACK_TEST_REDIS_URL "
            f"for another): {exc}",
            pytrace=False,
        )
    prefix = f"claimtrack-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def exhaust_and_check_second_process(rates, extra_env: dict[str, str]) -> None:
    rates(user="2/minute")
    user = ResearcherFactory()
    url = reverse("publisher-list")
    assert [client_at("10.0.0.1", user).get(url).status_code for _ in range(2)] == [200, 200]

    assert request_from_another_process(user.pk, "2/minute", extra_env) == "429"
    # And with room left, the second process's request counts here.
    assert request_from_another_process(user.pk, "3/minute", extra_env) == "200"
    rates(user="3/minute")
    assert_throttled(client_at("10.0.0.1", user).get(url))


@pytest.mark.django_db(transaction=True)
def test_database_cache_counts_are_shared_between_processes(rates):
    try:
        exhaust_and_check_second_process(rates, {})
    finally:
        cache.clear()  # the cache table is not emptied between transactional tests


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_redis_counts_are_shared_between_processes(rates, redis_cache):
    exhaust_and_check_second_process(rates, {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": redis_cache})
    with_prefix = list(cache._cache.get_client().scan_iter(f"{redis_cache}:*"))
    assert len(with_prefix) == 1


@pytest.mark.django_db
def test_migrate_creates_the_cache_table_whatever_the_cache_backend(settings):
    migration = importlib.import_module("core.migrations.0003_cache_table")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    table = config.settings.CACHE_TABLE
    with connection.schema_editor() as editor:
        migration.drop_cache_table(None, editor)
    assert table not in connection.introspection.table_names()

    with connection.schema_editor() as editor:
        migration.create_cache_table(None, editor)
    assert table in connection.introspection.table_names()
    assert table == migration.CACHE_TABLE


def test_every_operation_documents_429_with_retry_after():
    document = SchemaGenerator().get_schema(request=None, public=True)
    operations = [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) > 30
    for method, path, operation in operations:
        throttled = operation["responses"].get("429")
        assert throttled is not None, (method, path)
        assert throttled["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ThrottledError"
        }
        assert throttled["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    retry_after = document["components"]["schemas"]["ThrottledError"]["properties"]["retry_after"]
    assert retry_after["type"] == "integer"
