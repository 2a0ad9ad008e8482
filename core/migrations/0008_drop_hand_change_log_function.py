"""The trigger function of 0004_change_log, which no trigger uses once the sources and claims
migrations have replaced the hand-installed triggers (core/sql/change_log.sql holds the rule
now). On the way down it comes back, from 0004's own SQL, before those triggers do."""

import importlib

from django.db import migrations

CHANGE_LOG_0004 = importlib.import_module("core.migrations.0004_change_log")


class Migration(migrations.Migration):
    replaces = [("config", "0008_drop_hand_change_log_function")]
    dependencies = [
        ("core", "0007_change_log_from_file"),
        ("sources", "0005_triggers_from_files"),
        ("claims", "0008_triggers_from_files"),
    ]

    operations = [
        migrations.RunSQL(
            "DROP FUNCTION IF EXISTS claimtrack_log_change();", CHANGE_LOG_0004.LOG_CHANGE_FUNCTION
        )
    ]
