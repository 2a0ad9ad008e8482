"""The project's URLs with the benchmark's endpoints mounted, as CLAIMTRACK_BENCH_ENDPOINTS=1 does."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("bench/", include("benchmarks.urls"))]
