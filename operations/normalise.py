"""Normalised source URLs: one Source per document, however its link was copied."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that say how a reader arrived, not which document it is.
TRACKING_PARAMETERS = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "ref",
    "ref_src",
    "cmpid",
    "ocid",
    "smid",
    "_ga",
}
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking(name):
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMETERS


def normalise_url(url):
    """The canonical form of a document's URL.

    Lower-case host without "www.", https, no default port, no fragment, no
    tracking parameters, the other parameters sorted, no trailing slash.
    """
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    original_scheme = scheme = parts.scheme.lower()
    if scheme == "http":
        # The same page served over both schemes is still one document.
        scheme = "https"
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    netloc = host
    if parts.port and parts.port != DEFAULT_PORTS.get(original_scheme):
        netloc = f"{host}:{parts.port}"
    path = parts.path.rstrip("/")
    query = urlencode(
        sorted(
            (name, value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
            if not is_tracking(name)
        )
    )
    return urlunsplit((scheme, netloc, path, query, ""))
