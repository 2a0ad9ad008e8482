"""Who may do what: the two working groups and the superuser."""

from collections.abc import Mapping, Sequence

from django.contrib.auth.models import AnonymousUser, User
from django.db import migrations

RESEARCHERS = "researchers"
REVIEWERS = "reviewers"


def _group_names(user) -> frozenset[str]:
    cached = getattr(user, "_claimtrack_groups", None)
    if cached is None:
        cached = (
            frozenset(user.groups.values_list("name", flat=True)) if user.is_authenticated else frozenset()
        )
        user._claimtrack_groups = cached
    return cached


def is_reviewer(user: User | AnonymousUser) -> bool:
    """Reviewers give and reopen verdicts and may delete; superusers may do everything."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or REVIEWERS in _group_names(user)


def is_researcher(user: User | AnonymousUser) -> bool:
    """Researchers (and reviewers) create and edit records."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_reviewer(user) or RESEARCHERS in _group_names(user)


def grant_model_permissions(app_label: str, grants: Mapping[str, Sequence[str]]) -> migrations.RunPython:
    """The operation of a migration of the app ``app_label`` that gives each working group
    named in ``grants`` the permissions of the app it lists (codenames), unless the group holds
    some permission of the app already: its grant was made before, by this or by the migration
    that once seeded every app, and an admin may have changed it since, so it is left as it is.
    A group that does not exist is not made. Backwards, the groups keep what they hold (it may
    be an admin's choice rather than the grant).

    core/migrations/0001_roles.py creates the groups; each app's own migration grants its
    models' permissions, so core depends on no app. The grants mirror the policies
    (core/policies.py says why Django's model permissions are not what the policies ask)."""

    def grant(apps, schema_editor) -> None:
        from django.contrib.auth.management import create_permissions

        # Permissions are normally created after all migrations; the grant needs them now.
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        for group in Group.objects.filter(name__in=grants):
            if group.permissions.filter(content_type__app_label=app_label).exists():
                continue
            codenames = grants[group.name]
            permissions = list(
                Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
            missing = set(codenames) - {permission.codename for permission in permissions}
            if missing:
                raise ValueError(f"No such permissions of {app_label}: {sorted(missing)}")
            group.permissions.add(*permissions)

    return migrations.RunPython(grant, migrations.RunPython.noop)
