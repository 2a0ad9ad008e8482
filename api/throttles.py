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


class AuthFailureThrottle(SettingsRateMixin, throttling.SimpleRateThrottle):
    """Refused authentication per client address: no credentials on a protected endpoint, a
    bad or expired token, a wrong password. DRF checks throttles only after authentication and
    permissions, so a refused request would never be counted; this counter is kept by the
    exception handler (and the sign-in view) on each refusal, at the anonymous rate, and read
    by the token authentication before it looks a token up, so that an address over the rate
    gets 429 without a database lookup."""

    scope = "anon"  # the anonymous rate
    cache_format = "throttle_auth_failure_%(ident)s"
    # Set by SimpleRateThrottle.__init__ from the rate (the stubs do not declare them).
    duration: int
    num_requests: int

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"ident": self.get_ident(request)}

    def _load(self, request) -> bool:
        """Read the address's recent refusals; False when the limit is off."""
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        self.history = [when for when in self.cache.get(self.key, []) if when > self.now - self.duration]
        return True

    def wait_if_over(self, request) -> float | None:
        """Seconds to wait if the address has used up its refusals, else None."""
        if not self._load(request) or len(self.history) < self.num_requests:
            return None
        return self.wait() or 1

    def count(self, request) -> float | None:
        """Count one refusal; seconds to wait if the address was already over the rate."""
        wait = self.wait_if_over(request)
        if wait is None and self.rate is not None:
            self.history.insert(0, self.now)
            self.cache.set(self.key, self.history, self.duration)
        return wait
