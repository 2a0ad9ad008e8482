#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.env import env_bool
    from config.localdb import ensure_database_url

    # Only the local demo (DEBUG on) falls back to the embedded server; production must
    # name its database.
    if env_bool("DEBUG"):
        ensure_database_url()
    import django
    from django.core.management import execute_from_command_line

    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command != "runserver":
        # Migrations and loads may run long statements; requests keep DB_STATEMENT_TIMEOUT.
        os.environ["DB_STATEMENT_TIMEOUT"] = os.environ.get("DB_COMMAND_STATEMENT_TIMEOUT", "0")
    if command in ("runserver", "help", "--help", "-h", "version", "--version"):
        # Requests served by runserver carry their own (api/admin) history context.
        execute_from_command_line(sys.argv)
        return
    django.setup()
    from core.history_context import command_context

    # Every change a command makes is recorded as made through the "command" door.
    with command_context(command):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
