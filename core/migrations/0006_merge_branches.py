# Joins migrations written side by side; it changes nothing itself.
from django.db import migrations


class Migration(migrations.Migration):
    replaces = [("config", "0006_merge_branches")]
    dependencies = [
        ("core", "0005_change_log_same_claim_links"),
        ("core", "0005_idempotency_response_bytes"),
    ]

    operations = []
