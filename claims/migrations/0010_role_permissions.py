"""The working groups' permissions on the claims app's models, mirroring claims/policies.py:
researchers view, add and change; reviewers delete too, and only view status changes (history
rows are written by the workflow, never edited in the admin). Granted only to a group holding
no permission of this app yet (``core.roles.grant_model_permissions``): on a database where
core's 0001_roles seeded them (before issue 12) nothing changes."""

from django.db import migrations

from core.roles import grant_model_permissions

MODELS = ("article", "claim", "citation")
GRANTS = {
    "researchers": [
        f"{action}_{model}" for model in (*MODELS, "statuschange") for action in ("view", "add", "change")
    ],
    "reviewers": [
        *(f"{action}_{model}" for model in MODELS for action in ("view", "add", "change", "delete")),
        "view_statuschange",
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0009_merge_branches"),
        ("core", "0001_roles"),
    ]

    operations = [grant_model_permissions("claims", GRANTS)]
