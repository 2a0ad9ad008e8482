# Joins migrations written side by side; it changes nothing itself.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_normalise_article_bodies"),
        ("claims", "0006_same_claim_links"),
        ("claims", "0006_term_statistics"),
    ]

    operations = []
