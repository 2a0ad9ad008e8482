"""Request rate limits, counted in the shared cache so every worker process agrees.

Rates are read from ``settings.CLAIMTRACK_THROTTLE_RATES`` on each request (not frozen at
import like DRF's defaults), so deployments and tests can change them. A rate of ``None``
turns a limit off.
"""

import hashlib

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
        if request.method != "POST":  # only signing in tries a password
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginUsernameThrottle(SettingsRateMixin, throttling.SimpleRateThrottle):
    """Password attempts per username, against guessing one account from many places."""

    scope = "login_username"

    def get_cache_key(self, request, view):
        if request.method != "POST":
            return None
        try:
            username = request.data.get("username")
        except AttributeError:  # a body that is not an object: nothing to count it against
            return None
        if not isinstance(username, str) or not username.strip():
            return None
        # Hashed: the cache (a shared table or Redis) never holds usernames typed at the door,
        # and any text, however long or odd, makes a valid cache key.
        ident = hashlib.sha256(username.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
