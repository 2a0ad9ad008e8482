"""Production settings pass Django's deployment checklist (``manage.py check --deploy``).

Each case runs manage.py in a fresh process whose environment holds only what a
deployment would set, with ``DEBUG`` off.
"""

import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(50),  # 67 random characters
    "ALLOWED_HOSTS": "claims.example.org",
    # check needs no database connection; nothing listens on port 1, so one would fail loudly.
    "DATABASE_URL": "postgres://nobody:secret@127.0.0.1:1/claimtrack",
}


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist():
    result = check_deploy(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_checklist_does_catch_weak_settings():
    # The same command must not pass with a key too short to be secret, nor a malformed origin.
    result = check_deploy(
        {**PRODUCTION_ENV, "SECRET_KEY": "short", "CORS_ALLOWED_ORIGINS": "app.example.org"}
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr
    assert "corsheaders.E013" in result.stderr
