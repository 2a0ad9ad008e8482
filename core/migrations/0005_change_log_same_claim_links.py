"""Same-claim links join the change log (core/change_log.py): the new type, and the trigger
that logs their inserts and deletes, made with the function of 0004_change_log (the table has
no trash: a link of a trashed claim is hidden by the feed, not marked). A "created" change for
links recorded before this migration, so a mirror starting from the beginning gets them."""

from django.db import migrations, models

TABLE = "claims_sameclaimlink"
TRIGGER = "claimtrack_change_log"
TYPES = [
    ("publisher", "Publisher"),
    ("source", "Source"),
    ("source_reliance", "Source reliance link"),
    ("article", "Article"),
    ("claim", "Claim"),
    ("citation", "Citation"),
    ("status_change", "Status change"),
    ("same_claim_link", "Same-claim link"),
]

CREATE_TRIGGER = (
    f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {TABLE} FOR EACH ROW "
    "EXECUTE FUNCTION claimtrack_log_change('same_claim_link', 'none');"
)
DROP_TRIGGER = f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};"
BACKFILL = (
    "INSERT INTO config_change (txid, type, object_id, operation, changed_at) "  # noqa: S608 (constants)
    f"SELECT pg_current_xact_id(), 'same_claim_link', id, 'created', created_at FROM {TABLE} ORDER BY id;"
)


class Migration(migrations.Migration):
    replaces = [("config", "0005_change_log_same_claim_links")]
    dependencies = [
        ("core", "0004_change_log"),
        ("claims", "0006_same_claim_links"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="change", name="change_type_valid"),
        migrations.AlterField(
            model_name="change",
            name="type",
            field=models.CharField(choices=TYPES, help_text="What kind of record.", max_length=20),
        ),
        migrations.AddConstraint(
            model_name="change",
            constraint=models.CheckConstraint(
                condition=models.Q(type__in=[value for value, _ in TYPES]), name="change_type_valid"
            ),
        ),
        # The trigger first: it locks the table against writes until this migration commits.
        migrations.RunSQL(CREATE_TRIGGER, DROP_TRIGGER),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
