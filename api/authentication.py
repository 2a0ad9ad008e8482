from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.exceptions import Throttled

from api.throttles import AuthFailureThrottle


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token <key>``, with keys stored hashed and expiring (django-rest-knox).

    An address that has used up its refused authentications (api.throttles) gets 429
    before its token is looked up."""

    def authenticate(self, request):
        if request.META.get("HTTP_AUTHORIZATION"):
            wait = AuthFailureThrottle().wait_if_over(request)
            if wait is not None:
                raise Throttled(wait)
        return super().authenticate(request)
