"""Request rate limits, counted in the shared cache so every worker process agrees.

Rates are read from ``settings.CLAIMTRACK_THROTTLE_RATES`` on each request (not frozen at
import like DRF's defaults), so deployments and tests can change them.
"""

from django.conf import settings
from rest_framework import throttling


class SettingsRateMixin:
    def get_rate(self):
        return settings.CLAIMTRACK_THROTTLE_RATES.get(self.scope)


class UserRateThrottle(SettingsRateMixin, throttling.UserRateThrottle):
    """Per signed-in user, across all their tokens and sessions."""


class AnonRateThrottle(SettingsRateMixin, throttling.AnonRateThrottle):
    """Per client address for anonymous requests."""


class LoginAddressThrottle(SettingsRateMixin, throttling.SimpleRateThrottle):
    """Password attempts per client address, against guessing many accounts from one place."""

    scope = "login_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginUsernameThrottle(SettingsRateMixin, throttling.SimpleRateThrottle):
    """Password attempts per username, against guessing one account from many places."""

    scope = "login_username"

    def get_cache_key(self, request, view):
        try:
            username = request.data.get("username")
        except AttributeError:  # a body that is not an object: nothing to count it against
            return None
        if not isinstance(username, str) or not username.strip():
            return None
        return self.cache_format % {"scope": self.scope, "ident": username.strip().lower()[:150]}
