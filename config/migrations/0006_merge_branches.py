# Joins migrations written side by side; it changes nothing itself.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("config", "0005_change_log_same_claim_links"),
        ("config", "0005_idempotency_response_bytes"),
    ]

    operations = []
