"""Claims' triggers declared on the models, their SQL in claims' files.

- independence.sql and matching.sql applied from their files (CREATE OR REPLACE): the same
  four functions of 0004_provenance and the one of 0005_matching, and two new ones that the
  pgtrigger triggers on sources' tables call (declared on the proxies SourceIndependence and
  SourceRelianceIndependence). Those replace the triggers 0004_provenance installed by hand,
  whose trigger functions go with them.
- The change log's triggers (core.models.change_log_trigger) replace the ones
  core/migrations/0004_change_log and 0005 installed by hand.
- The trigram-count index of 0005_matching is declared on the model: the database has it
  already, with the same definition, so only the state learns it.

Everything is replaced in this one transaction, so no write is counted or logged twice or not
at all. On the way down the hand-installed triggers come back, with their functions taken from
the migrations that first installed them.
"""

import importlib
import re

import pgtrigger.compiler
import pgtrigger.migrations
import sqlparse
from django.conf import settings
from django.db import migrations, models

import claims.models
from core.change_log import replace_hand_installed_triggers
from core.sqlfiles import run_sql_file

# (table, type in the change log, whether it has a trash), as config's 0004 and 0005 installed them.
HAND_INSTALLED_CHANGE_LOG = [
    ("claims_article", "article", True),
    ("claims_claim", "claim", True),
    ("claims_citation", "citation", False),
    ("claims_statuschange", "status_change", False),
    ("claims_sameclaimlink", "same_claim_link", False),
]

DROP_HAND_INSTALLED_INDEPENDENCE = [
    "DROP TRIGGER IF EXISTS claims_independence_source_publisher ON sources_source;",
    "DROP TRIGGER IF EXISTS claims_independence_reliance_delete ON sources_sourcereliance;",
    "DROP TRIGGER IF EXISTS claims_independence_reliance_update ON sources_sourcereliance;",
    "DROP TRIGGER IF EXISTS claims_independence_reliance_insert ON sources_sourcereliance;",
    "DROP FUNCTION IF EXISTS claims_source_publisher_independence();",
    "DROP FUNCTION IF EXISTS claims_reliance_independence();",
]


def recreate_hand_installed_independence() -> list[str]:
    """The trigger functions and triggers of 0004_provenance, from its own SQL."""
    provenance = importlib.import_module("claims.migrations.0004_provenance")
    wanted = re.compile(
        r"^\s*(CREATE FUNCTION claims_(reliance|source_publisher)_independence|CREATE TRIGGER)", re.MULTILINE
    )
    return [
        statement
        for statement in sqlparse.split(sqlparse.format(provenance.PROVENANCE_SQL, strip_comments=True))
        if wanted.search(statement)
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_merge_branches"),
        ("sources", "0005_triggers_from_files"),
        ("core", "0007_change_log_from_file"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        run_sql_file(
            "claims",
            "independence.sql",
            digest="c4cae616a3b726e7",
            reverse_sql=(
                "DROP FUNCTION IF EXISTS claims_reliance_changed(bigint[]);",
                "DROP FUNCTION IF EXISTS claims_source_publisher_changed(bigint);",
            ),
        ),
        run_sql_file("claims", "matching.sql", digest="7632a49a95375fd9"),
        migrations.CreateModel(
            name="SourceIndependence",
            fields=[],
            options={
                "proxy": True,
                "default_permissions": (),
                "indexes": [],
                "constraints": [],
            },
            bases=("sources.source",),
        ),
        migrations.CreateModel(
            name="SourceRelianceIndependence",
            fields=[],
            options={
                "proxy": True,
                "default_permissions": (),
                "indexes": [],
                "constraints": [],
            },
            bases=("sources.sourcereliance",),
        ),
        # Created by 0005_matching with the same definition.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="claim",
                    index=models.Index(
                        claims.models.TrigramCount("statement"), name="claim_statement_trgm_count"
                    ),
                ),
            ]
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="article",
            trigger=pgtrigger.compiler.Trigger(
                name="log_change",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="PERFORM claimtrack_log_change('article', TG_OP, COALESCE(NEW.id, OLD.id), NEW IS DISTINCT FROM OLD, OLD.deleted_at IS NOT NULL, NEW.deleted_at IS NOT NULL); RETURN NULL;",
                    hash="5a75396303e1cfe6cf18a1d10c2e7eb9b38103ef",
                    operation="INSERT OR UPDATE OR DELETE",
                    pgid="pgtrigger_log_change_70c42",
                    table="claims_article",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="citation",
            trigger=pgtrigger.compiler.Trigger(
                name="log_change",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="PERFORM claimtrack_log_change('citation', TG_OP, COALESCE(NEW.id, OLD.id), NEW IS DISTINCT FROM OLD, false, false); RETURN NULL;",
                    hash="cf50df239b2b180d4372ad6ce5b159b78e90cd0a",
                    operation="INSERT OR UPDATE OR DELETE",
                    pgid="pgtrigger_log_change_c09d0",
                    table="claims_citation",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claim",
            trigger=pgtrigger.compiler.Trigger(
                name="log_change",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="PERFORM claimtrack_log_change('claim', TG_OP, COALESCE(NEW.id, OLD.id), NEW IS DISTINCT FROM OLD, OLD.deleted_at IS NOT NULL, NEW.deleted_at IS NOT NULL); RETURN NULL;",
                    hash="50b0f0c2f3e48ea4bc2c0ac9dabb39e65fb062ee",
                    operation="INSERT OR UPDATE OR DELETE",
                    pgid="pgtrigger_log_change_cb93e",
                    table="claims_claim",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="sameclaimlink",
            trigger=pgtrigger.compiler.Trigger(
                name="log_change",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="PERFORM claimtrack_log_change('same_claim_link', TG_OP, COALESCE(NEW.id, OLD.id), NEW IS DISTINCT FROM OLD, false, false); RETURN NULL;",
                    hash="61d88dc3a427a2b2db342b03ce3746918b17a216",
                    operation="INSERT OR UPDATE OR DELETE",
                    pgid="pgtrigger_log_change_f34a8",
                    table="claims_sameclaimlink",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="statuschange",
            trigger=pgtrigger.compiler.Trigger(
                name="log_change",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="PERFORM claimtrack_log_change('status_change', TG_OP, COALESCE(NEW.id, OLD.id), NEW IS DISTINCT FROM OLD, false, false); RETURN NULL;",
                    hash="e424a028567aa02cde31870036aa907cef5e3dfa",
                    operation="INSERT OR UPDATE OR DELETE",
                    pgid="pgtrigger_log_change_92dd1",
                    table="claims_statuschange",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="sourceindependence",
            trigger=pgtrigger.compiler.Trigger(
                name="independence_publisher",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.publisher_id IS DISTINCT FROM NEW.publisher_id)",
                    func="PERFORM claims_source_publisher_changed(NEW.id); RETURN NULL;",
                    hash="ed695d567536fb1d4c9d61ad00728ebb90fc04f1",
                    operation='UPDATE OF "publisher_id"',
                    pgid="pgtrigger_independence_publisher_cc5b1",
                    table="sources_source",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="sourcerelianceindependence",
            trigger=pgtrigger.compiler.Trigger(
                name="independence_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="PERFORM claims_reliance_changed(ARRAY(SELECT source_id FROM new_rows)); RETURN NULL;",
                    hash="4f17b44c2f3859a822465e9dc5d667bda7637e10",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_independence_insert_811ed",
                    referencing="REFERENCING NEW TABLE AS new_rows ",
                    table="sources_sourcereliance",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="sourcerelianceindependence",
            trigger=pgtrigger.compiler.Trigger(
                name="independence_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="PERFORM claims_reliance_changed(ARRAY(SELECT source_id FROM new_rows UNION SELECT source_id FROM old_rows)); RETURN NULL;",
                    hash="9eafd673f12d38284b22db342ff5fe035293429b",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_independence_update_ccfe1",
                    referencing="REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ",
                    table="sources_sourcereliance",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="sourcerelianceindependence",
            trigger=pgtrigger.compiler.Trigger(
                name="independence_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="PERFORM claims_reliance_changed(ARRAY(SELECT source_id FROM old_rows)); RETURN NULL;",
                    hash="d437e4316b4b115e63fff80931a5a2af46cd34d1",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_independence_delete_4a295",
                    referencing="REFERENCING OLD TABLE AS old_rows ",
                    table="sources_sourcereliance",
                    when="AFTER",
                ),
            ),
        ),
        replace_hand_installed_triggers(HAND_INSTALLED_CHANGE_LOG),
        migrations.RunSQL(DROP_HAND_INSTALLED_INDEPENDENCE, recreate_hand_installed_independence()),
    ]
