from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared domain pieces. Installed as "config" until issue 12: its migrations replace
    config's, and 0011_core_table_names gives its tables core's names."""

    name = "core"
    verbose_name = "Core"
