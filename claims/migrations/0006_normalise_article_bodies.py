# Article bodies stored before every door normalised them may hold "\r\n" or "\r" line
# endings (a browser's textarea sends "\r\n"). Normalise them to "\n" with the service's own
# rule (claims.anchoring.normalise_text), moving every claim's quote and offsets with its
# body. The history triggers record each change, in a context that names this migration.

import pghistory
from django.db import migrations

MIGRATION = "claims.normalise_article_bodies"


def normalise(apps, schema_editor):
    from claims.anchoring import normalise_stored_bodies

    with pghistory.context(door="command", command="migrate", migration=MIGRATION):
        normalise_stored_bodies(
            article_model=apps.get_model("claims", "Article"), claim_model=apps.get_model("claims", "Claim")
        )


class Migration(migrations.Migration):
    dependencies = [("claims", "0005_matching")]

    # Normalised bodies cannot be told from ones that were always so: nothing to undo.
    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
