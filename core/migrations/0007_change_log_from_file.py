"""The change log's rule from its file (core/sql/change_log.sql): claimtrack_log_change, called
by the pgtrigger triggers that each logged model declares (core.models.change_log_trigger).
The hand-installed triggers of 0004_change_log and 0005 are replaced by those in the sources and
claims migrations that follow, and their old function dropped by 0008."""

from django.db import migrations

from core.sqlfiles import run_sql_file


class Migration(migrations.Migration):
    replaces = [("config", "0007_change_log_from_file")]
    dependencies = [("core", "0006_merge_branches")]

    operations = [
        run_sql_file(
            "core",
            "change_log.sql",
            digest="02bbfb1e42ec1b0b",
            reverse_sql="DROP FUNCTION IF EXISTS claimtrack_log_change(text, text, bigint, boolean, boolean, boolean);",
        )
    ]
