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
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
