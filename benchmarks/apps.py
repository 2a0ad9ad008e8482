from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The benchmark: a data generator, a hand-written reference view and the load runner.

    No models: it writes into the claims and sources tables."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
