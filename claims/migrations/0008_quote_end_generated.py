"""quote_end is derived: a column PostgreSQL generates (quote_start + the quote's length), on the
claims and on their history events, instead of a value sent, checked and stored."""

import django.db.models.expressions
import django.db.models.functions.text
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

OLD_HELP = "Offset just past the quote's last character: body[quote_start:quote_end] == quote."


def quote_end() -> models.GeneratedField:
    return models.GeneratedField(
        db_persist=True,
        expression=django.db.models.expressions.CombinedExpression(
            models.F("quote_start"), "+", django.db.models.functions.text.Length("quote")
        ),
        help_text="Offset just past the quote's last character: body[quote_start:quote_end] == quote. "
        "Computed by the server (quote_start + the quote's length).",
        output_field=models.PositiveIntegerField(),
    )


CHECK_VALUES = """
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM claims_claim WHERE quote_end IS DISTINCT FROM quote_start + length(quote))
        OR EXISTS (
            SELECT 1 FROM claims_claimevent WHERE quote_end IS DISTINCT FROM quote_start + length(quote)
        )
    THEN
        RAISE EXCEPTION 'A stored quote_end is not quote_start + the length of the quote: not dropped.';
    END IF;
END $$;
"""
# Going back fills the stored column again. The triggers are off meanwhile: the events are
# append-only, and refilling a derived value is no change to record in history or the feed.
FILL_VALUES = """
ALTER TABLE claims_claim DISABLE TRIGGER USER;
UPDATE claims_claim SET quote_end = quote_start + length(quote);
ALTER TABLE claims_claim ENABLE TRIGGER USER;
ALTER TABLE claims_claimevent DISABLE TRIGGER USER;
UPDATE claims_claimevent SET quote_end = quote_start + length(quote);
ALTER TABLE claims_claimevent ENABLE TRIGGER USER;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_merge_branches"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="claim",
            name="bump_version",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="claim",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="claim",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="claim",
            name="delete_delete",
        ),
        migrations.RemoveConstraint(
            model_name="claim",
            name="claim_quote_offsets_match_length",
        ),
        # The values are kept: the dropped column held quote_start + length(quote) in every row
        # (claim_quote_offsets_match_length said so, and events copy rows that passed it), which
        # is what the generated column computes. Checked before anything is dropped.
        migrations.RunSQL(sql=CHECK_VALUES, reverse_sql=FILL_VALUES),
        # A default only so that going back can add the stored column to rows that exist.
        migrations.AlterField(
            model_name="claim",
            name="quote_end",
            field=models.PositiveIntegerField(default=0, help_text=OLD_HELP),
        ),
        migrations.AlterField(
            model_name="claimevent",
            name="quote_end",
            field=models.PositiveIntegerField(default=0, help_text=OLD_HELP),
        ),
        # PostgreSQL cannot turn a column into a generated one: drop it and add it again.
        migrations.RemoveField(model_name="claim", name="quote_end"),
        migrations.RemoveField(model_name="claimevent", name="quote_end"),
        migrations.AddField(model_name="claim", name="quote_end", field=quote_end()),
        migrations.AddField(model_name="claimevent", name="quote_end", field=quote_end()),
        pgtrigger.migrations.AddTrigger(
            model_name="claim",
            trigger=pgtrigger.compiler.Trigger(
                name="bump_version",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."article_id" IS DISTINCT FROM (NEW."article_id") OR OLD."claim_date" IS DISTINCT FROM (NEW."claim_date") OR OLD."claimant" IS DISTINCT FROM (NEW."claimant") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."deleted_at" IS DISTINCT FROM (NEW."deleted_at") OR OLD."deleted_by_id" IS DISTINCT FROM (NEW."deleted_by_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."quote" IS DISTINCT FROM (NEW."quote") OR OLD."quote_start" IS DISTINCT FROM (NEW."quote_start") OR OLD."statement" IS DISTINCT FROM (NEW."statement") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."updated_at" IS DISTINCT FROM (NEW."updated_at") OR OLD."version" IS DISTINCT FROM (NEW."version"))',
                    func="NEW.version := OLD.version + 1; RETURN NEW;",
                    hash="53967753daf409e6635d523c824fd0d072514d44",
                    operation="UPDATE",
                    pgid="pgtrigger_bump_version_6a12a",
                    table="claims_claim",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claim",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "claims_claimevent" ("article_id", "claim_date", "claimant", "created_at", "created_by_id", "deleted_at", "deleted_by_id", "id", "independent_contradiction", "independent_support", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "quote", "quote_start", "statement", "status", "updated_at", "version") VALUES (NEW."article_id", NEW."claim_date", NEW."claimant", NEW."created_at", NEW."created_by_id", NEW."deleted_at", NEW."deleted_by_id", NEW."id", NEW."independent_contradiction", NEW."independent_support", _pgh_attach_context(), clock_timestamp(), \'insert\', NEW."id", NEW."quote", NEW."quote_start", NEW."statement", NEW."status", NEW."updated_at", NEW."version"); RETURN NULL;',
                    hash="1f1324732e9d0bf2136e67e068f9221e8762e013",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_df8fa",
                    table="claims_claim",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claim",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."article_id" IS DISTINCT FROM (NEW."article_id") OR OLD."claim_date" IS DISTINCT FROM (NEW."claim_date") OR OLD."claimant" IS DISTINCT FROM (NEW."claimant") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."deleted_at" IS DISTINCT FROM (NEW."deleted_at") OR OLD."deleted_by_id" IS DISTINCT FROM (NEW."deleted_by_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."independent_contradiction" IS DISTINCT FROM (NEW."independent_contradiction") OR OLD."independent_support" IS DISTINCT FROM (NEW."independent_support") OR OLD."quote" IS DISTINCT FROM (NEW."quote") OR OLD."quote_end" IS DISTINCT FROM (NEW."quote_end") OR OLD."quote_start" IS DISTINCT FROM (NEW."quote_start") OR OLD."statement" IS DISTINCT FROM (NEW."statement") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."updated_at" IS DISTINCT FROM (NEW."updated_at") OR OLD."version" IS DISTINCT FROM (NEW."version"))',
                    func='INSERT INTO "claims_claimevent" ("article_id", "claim_date", "claimant", "created_at", "created_by_id", "deleted_at", "deleted_by_id", "id", "independent_contradiction", "independent_support", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "quote", "quote_start", "statement", "status", "updated_at", "version") VALUES (NEW."article_id", NEW."claim_date", NEW."claimant", NEW."created_at", NEW."created_by_id", NEW."deleted_at", NEW."deleted_by_id", NEW."id", NEW."independent_contradiction", NEW."independent_support", _pgh_attach_context(), clock_timestamp(), \'update\', NEW."id", NEW."quote", NEW."quote_start", NEW."statement", NEW."status", NEW."updated_at", NEW."version"); RETURN NULL;',
                    hash="6dd2f453a0d98276705ad81ff4b8d73f1111e885",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_fe4ba",
                    table="claims_claim",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="claim",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "claims_claimevent" ("article_id", "claim_date", "claimant", "created_at", "created_by_id", "deleted_at", "deleted_by_id", "id", "independent_contradiction", "independent_support", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "quote", "quote_start", "statement", "status", "updated_at", "version") VALUES (OLD."article_id", OLD."claim_date", OLD."claimant", OLD."created_at", OLD."created_by_id", OLD."deleted_at", OLD."deleted_by_id", OLD."id", OLD."independent_contradiction", OLD."independent_support", _pgh_attach_context(), clock_timestamp(), \'delete\', OLD."id", OLD."quote", OLD."quote_start", OLD."statement", OLD."status", OLD."updated_at", OLD."version"); RETURN NULL;',
                    hash="b6d8a504c53fa5a5eb05a79f7f4a293a4d3488cb",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_dbf31",
                    table="claims_claim",
                    when="AFTER",
                ),
            ),
        ),
    ]
