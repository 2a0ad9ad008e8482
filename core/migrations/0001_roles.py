"""The two working groups. Each app's own migration grants them its models' permissions
(``core.roles.grant_model_permissions``: sources 0007_role_permissions, claims
0010_role_permissions), so the shared app depends on none of the apps that use it.

Until issue 12 this migration also seeded those permissions, and depended on the apps' first
migrations to do so. A database it ran on then keeps it applied and is not seeded again: the
apps' grant migrations leave a group that holds some permission of their app as it is, so
what an admin changed since stays changed.
"""

from django.db import migrations

GROUPS = ("researchers", "reviewers")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    replaces = [("config", "0001_roles")]
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
