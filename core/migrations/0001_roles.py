"""The two working groups and the model permissions the admin checks."""

from django.db import migrations

MODELS = {
    "sources": ["publisher", "source", "sourcereliance"],
    "claims": ["article", "claim", "citation", "statuschange"],
}
RESEARCHER_ACTIONS = ("view", "add", "change")
REVIEWER_ACTIONS = ("view", "add", "change", "delete")


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(actions):
        codenames = [
            f"{action}_{model}" for models in MODELS.values() for model in models for action in actions
        ]
        return Permission.objects.filter(content_type__app_label__in=MODELS.keys(), codename__in=codenames)

    researchers, _ = Group.objects.get_or_create(name="researchers")
    researchers.permissions.set(perms(RESEARCHER_ACTIONS))
    reviewers, _ = Group.objects.get_or_create(name="reviewers")
    # History rows are written only by the workflow, never edited in the admin.
    reviewers.permissions.set(
        perms(REVIEWER_ACTIONS).exclude(
            codename__in=["change_statuschange", "delete_statuschange", "add_statuschange"]
        )
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["researchers", "reviewers"]).delete()


class Migration(migrations.Migration):
    replaces = [("config", "0001_roles")]
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0001_initial"),
        ("claims", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
