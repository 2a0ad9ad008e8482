from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The shared API machinery; an app without models, installed for its templates and static
    files (the browsable API's and the docs' pages)."""

    name = "api"
    verbose_name = "API"
