"""URL normalisation, so that one web page is one source."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from core.errors import InvalidInput

# Query parameters that only track a click and never choose the page.
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "igshid", "ref_src"})
DEFAULT_PORTS = {"http": 80, "https": 443}
# The columns URLs are stored in.
URL_MAX_LENGTH = 2000
PUBLISHER_URL_MAX_LENGTH = 500


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, drop the default port, fragment and tracking parameters."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    # hostname drops the brackets an IPv6 address needs in a URL.
    netloc = f"[{host}]" if ":" in host else host
    if parts.port and parts.port != DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{parts.port}"
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if key.lower() not in TRACKING_PARAMS and not key.lower().startswith("utm_")
        ]
    )
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def normal_url(value: str, *, field: str = "url", max_length: int = URL_MAX_LENGTH) -> str:
    """A URL as it is stored and compared: normalised (``normalize_url``) and at most
    ``max_length`` characters once normalised; otherwise ``InvalidInput`` naming ``field``.
    Empty stays empty. Every door that stores or looks up a URL calls this."""
    try:
        normal = normalize_url(value)
    except ValueError as exc:
        raise InvalidInput(f"Not a valid URL: {exc}.", field=field) from exc
    # Normalising percent-encodes the query, which can make a URL longer than its column.
    if len(normal) > max_length:
        raise InvalidInput(
            f"The URL is longer than {max_length} characters once normalised.", field=field, code="max_length"
        )
    return normal
