"""Countries are ISO 3166-1 alpha-2 codes, as the ISO maintenance agency assigns them
(pycountry's list): user-assigned codes (``XX``, ``ZZ``, ``QQ``…) and reserved ones (``UK``,
``EU``) are refused."""

import pycountry
from rest_framework import serializers

COUNTRY_HELP = "Give an ISO 3166-1 alpha-2 code such as 'US' or 'GB'."


def country_code(value: str) -> str | None:
    """The upper-case code if ``value`` is an assigned ISO 3166-1 alpha-2 code, else None;
    the empty string (unknown country) stays empty."""
    if value == "":
        return ""
    code = value.upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        return None
    return code if pycountry.countries.get(alpha_2=code) is not None else None


def validate_country(value: str) -> str:
    """A serializer's check of ``country``: 400 naming the field."""
    code = country_code(value)
    if code is None:
        raise serializers.ValidationError(f"{value!r} is no ISO 3166-1 country code. {COUNTRY_HELP}")
    return code
