from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token <key>``, with keys stored hashed and expiring (django-rest-knox)."""
