"""Mounted under /bench/ by config/urls.py only when CLAIMTRACK_BENCH_ENDPOINTS is on."""

from django.urls import path

from benchmarks.conventional import conventional_claims
from benchmarks.reference import reference_claims

urlpatterns = [
    path("reference/claims/", reference_claims, name="bench-reference-claims"),
    path("conventional/claims/", conventional_claims, name="bench-conventional-claims"),
]
