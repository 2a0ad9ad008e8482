"""The working groups' permissions on the sources app's models, mirroring sources/policies.py:
researchers view, add and change; reviewers delete too. Granted only to a group holding no
permission of this app yet (``core.roles.grant_model_permissions``): on a database where
core's 0001_roles seeded them (before issue 12) nothing changes."""

from django.db import migrations

from core.roles import grant_model_permissions

MODELS = ("publisher", "source", "sourcereliance")
GRANTS = {
    "researchers": [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change")],
    "reviewers": [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change", "delete")],
}


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0006_merge_branches"),
        ("core", "0001_roles"),
    ]

    operations = [grant_model_permissions("sources", GRANTS)]
