from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared domain pieces. Installed as "config" until issue 12: its migrations replace
    config's, and its tables keep their config_* names."""

    name = "core"
    verbose_name = "Core"
