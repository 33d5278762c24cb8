"""Normalised source URLs: one Source per document, however its link was copied."""

import re
import string
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

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
UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
NON_ASCII = re.compile(r"[^\x00-\x7f]+")
WHITESPACE = re.compile(r"\s")


def is_tracking(name):
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMETERS


def normalise_url(url):
    """The canonical form of a document's URL.

    https, lower-case ASCII (punycode) host without "www.", no default port, no
    credentials, no trailing slash, percent-escapes in one spelling, no tracking
    parameters, the others sorted by name, no fragment unless it is a "#!" route.
    Anything else (not a string, no scheme, not http(s), unparsable) comes back
    unchanged, for URLValidator to refuse with a message.
    """
    if url is None:
        return ""
    if not isinstance(url, str):
        return str(url)
    url = url.strip()
    try:
        return _normalise(url)
    except ValueError:
        # urlsplit, .port and the IDNA codec (UnicodeError is a ValueError) refuse
        # what they cannot parse; the model's validator runs after us and explains.
        return url


def _normalise(url):
    # urlsplit silently drops tabs and newlines, which would turn a URL the validator
    # refuses into one it accepts.
    if WHITESPACE.search(url):
        return url
    parts = urlsplit(url)
    # A URL without a scheme or host is not a full address for Source.url; guessing
    # one would hide the analyst's mistake.
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return url
    # Credentials say who fetched the page, not which page it is: they go.
    host = parts.hostname.rstrip(".")
    if parts.netloc.rpartition("@")[2].startswith("["):
        # urlsplit has checked the IPv6 (or IPvFuture) literal; a port needs the brackets.
        host = f"[{host}]"
    elif not host.isascii():
        # The same domain typed in Unicode or copied as punycode is one host.
        host = host.encode("idna").decode("ascii")
    # Loop so a second pass (save() after clean_fields()) changes nothing; keep a
    # host like "www.com" whole.
    while host.startswith("www.") and "." in host[4:]:
        host = host[4:]
    # The scheme becomes https, so https's default port is as redundant as the
    # original scheme's.
    netloc = host
    if parts.port not in (None, DEFAULT_PORTS[parts.scheme], DEFAULT_PORTS["https"]):
        netloc = f"{host}:{parts.port}"
    path = _normalise_escapes(parts.path).rstrip("/")
    # Split the raw query instead of parse_qsl/urlencode, which would rewrite
    # "?id" as "?id=" and "/" as "%2F" and so change what the server is asked for.
    parameters = [
        parameter
        for parameter in (_normalise_escapes(p) for p in parts.query.split("&"))
        if parameter and not is_tracking(unquote_plus(parameter.partition("=")[0]))
    ]
    # Sorting is stable: repeated names keep their order, which servers may read.
    parameters.sort(key=lambda parameter: parameter.partition("=")[0])
    # A "#!" fragment is a single-page site's route, so it names the document.
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit(("https", netloc, path, "&".join(parameters), _normalise_escapes(fragment)))


def _normalise_escapes(text):
    # An address bar copies "/ü" as "/%C3%BC" and "~" as "%7E"; give each one spelling.
    text = NON_ASCII.sub(lambda match: quote(match.group(), safe=""), text)
    return ESCAPE.sub(_normalise_escape, text)


def _normalise_escape(match):
    character = chr(int(match.group(1), 16))
    return character if character in UNRESERVED else match.group().upper()
