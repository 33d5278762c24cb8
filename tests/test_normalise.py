"""operations.normalise: one canonical URL per document, and never an exception.

Run alone with: .venv/bin/python -m pytest -q -p no:playwright tests/test_normalise.py
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from hypothesis import given
from hypothesis import strategies as st

from operations.normalise import normalise_url

# Each pair: two ways of copying one document's link.
SAME = {
    "review example": ("https://www.Example.com/a/?utm_source=x#top", "https://example.com/a"),
    "scheme case": ("HTTPS://example.com/a", "https://example.com/a"),
    "host case": ("https://EXAMPLE.com/a", "https://example.com/a"),
    "http to https": ("http://example.com/a", "https://example.com/a"),
    "www dropped": ("https://www.example.com/a", "https://example.com/a"),
    "www twice": ("https://www.www.example.com/a", "https://example.com/a"),
    "trailing dot of host": ("https://example.com./a", "https://example.com/a"),
    "trailing slash": ("https://example.com/a/", "https://example.com/a"),
    "root slash": ("https://example.com/", "https://example.com"),
    "whitespace": ("  https://example.com/a \n", "https://example.com/a"),
    "credentials dropped": ("https://user:secret@example.com/a", "https://example.com/a"),
    "idn unicode vs punycode": ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
    "idn upper case": ("https://BÜCHER.example/a", "https://xn--BCHER-kva.example/a"),
    "idn with www": ("https://www.bücher.example/a", "https://xn--bcher-kva.example/a"),
    "http port 80": ("http://example.com:80/a", "https://example.com/a"),
    "http port 443": ("http://example.com:443/a", "https://example.com/a"),
    "https port 443": ("https://example.com:443/a", "https://example.com/a"),
    "empty port": ("https://example.com:/a", "https://example.com/a"),
    "other fragment dropped": ("https://example.com/a#comments", "https://example.com/a"),
    "hash-bang kept": ("https://example.com/#!/story/12", "https://example.com#!/story/12"),
    "unreserved escapes decoded": (
        "https://example.com/%7Euser/a%2fb",
        "https://example.com/~user/a%2Fb",
    ),
    "escape hex upper-cased": ("https://example.com/a%c3%bc", "https://example.com/a%C3%BC"),
    "unicode path encoded": ("https://example.com/ü", "https://example.com/%C3%BC"),
    "arabic slug": (
        "https://example.com/أخبار",
        "https://example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1",
    ),
    "query escapes": ("https://example.com/a?q=%7e%2f", "https://example.com/a?q=~%2F"),
    "query sorted by name": ("https://example.com/a?b=1&a=1", "https://example.com/a?a=1&b=1"),
    "repeated names keep order": (
        "https://example.com/a?b=1&a=2&a=1",
        "https://example.com/a?a=2&a=1&b=1",
    ),
    "tracking removed": (
        "https://example.com/a?fbclid=1&id=7&gclid=2",
        "https://example.com/a?id=7",
    ),
    "tracking case": ("https://example.com/a?UTM_Medium=x&id=7", "https://example.com/a?id=7"),
    "only tracking": ("https://example.com/a?utm_campaign=x", "https://example.com/a"),
    "empty query": ("https://example.com/a?", "https://example.com/a"),
    "empty parameters": ("https://example.com/a?&id=7&&", "https://example.com/a?id=7"),
}

# Each pair: two different documents (or addresses the validator must see as typed).
DIFFERENT = {
    "hash-bang routes": ("https://example.com/#!/story/12", "https://example.com/#!/story/13"),
    "hash-bang vs none": ("https://example.com/#!/story/12", "https://example.com/"),
    "repeated names reversed": ("https://example.com/a?a=2&a=1", "https://example.com/a?a=1&a=2"),
    "other port": ("https://example.com:8443/a", "https://example.com/a"),
    "https port 80": ("https://example.com:80/a", "https://example.com/a"),
    "reserved escape": ("https://example.com/a%2Fb", "https://example.com/a/b"),
    "path case": ("https://example.com/A", "https://example.com/a"),
    "query value case": ("https://example.com/a?id=A", "https://example.com/a?id=a"),
    "bare name vs empty value": ("https://example.com/a?id", "https://example.com/a?id="),
    "subdomain kept": ("https://news.example.com/a", "https://example.com/a"),
    "www.com is the host": ("https://www.com/a", "https://com/a"),
    "ipv6 hosts": ("https://[::1]/a", "https://[::2]/a"),
}

# What the validator must see exactly as typed (but stripped).
UNCHANGED = {
    "ipv6 unclosed": "http://[::1",
    "port out of range": "https://example.com:99999/a",
    "port not a number": "https://example.com:ab/a",
    "colon first": ":abc",
    "no scheme": "example.com/a",
    "no scheme with port": "example.com:8080/a",
    "scheme-relative": "//example.com/a",
    "no host": "https:///a",
    "scheme only": "https://",
    "newline inside": "https://exa\nmple.com/a",
    "space inside": "https://example.com/a b",
    "bad idn label": "https://bücher..example/a",
    "surrogate in host": "https://\ud800.example/a",
    "mailto": "mailto:desk@example.com",
    "ftp": "ftp://example.com/a",
    "javascript": "javascript:alert(1)",
}
# Django's URLValidator itself accepts these (ports up to 99999, ftp, any non-ASCII host).
VALIDATOR_ACCEPTS = {"port out of range", "ftp", "surrogate in host"}


def pair_params(pairs):
    return [pytest.param(a, b, id=name) for name, (a, b) in pairs.items()]


def validate(url):
    URLValidator()(url)


@pytest.mark.parametrize(("a", "b"), pair_params(SAME))
def test_same_document(a, b):
    assert normalise_url(a) == normalise_url(b)


@pytest.mark.parametrize(("a", "b"), pair_params(DIFFERENT))
def test_different_documents(a, b):
    assert normalise_url(a) != normalise_url(b)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param(
            "https://www.Example.com/a/?utm_source=x#top", "https://example.com/a", id="review"
        ),
        pytest.param("https://bücher.example/a", "https://xn--bcher-kva.example/a", id="punycode"),
        pytest.param("https://[::1]:8080/a", "https://[::1]:8080/a", id="ipv6 with port"),
        pytest.param("http://[::1]:80/a", "https://[::1]/a", id="ipv6 default port"),
        pytest.param("https://[::ABCD]/a", "https://[::abcd]/a", id="ipv6 lower-cased"),
        pytest.param("https://[v1.x]/a", "https://[v1.x]/a", id="ipvfuture"),
        pytest.param("http://example.com:8080/a", "https://example.com:8080/a", id="other port"),
        pytest.param("https://example.com/?a=2&a=1", "https://example.com?a=2&a=1", id="repeats"),
        pytest.param("https://example.com/?b=1&a=1", "https://example.com?a=1&b=1", id="sorted"),
        pytest.param(
            "https://example.com/a?q=x+y%20z", "https://example.com/a?q=x+y%20z", id="plus"
        ),
        pytest.param("https://example.com/a%zz", "https://example.com/a%zz", id="bad escape"),
        pytest.param("https://example.com/#!", "https://example.com#!", id="bare hash-bang"),
        pytest.param("https://example.com", "https://example.com", id="empty path"),
    ],
)
def test_normal_form(url, expected):
    assert normalise_url(url) == expected


@pytest.mark.parametrize(("a", "b"), pair_params(SAME))
def test_normal_form_is_valid_and_stable(a, b):
    # Source.save() normalises again after clean_fields() did.
    url = normalise_url(a)
    validate(url)
    assert normalise_url(url) == url


@pytest.mark.parametrize("url", [pytest.param(url, id=name) for name, url in UNCHANGED.items()])
def test_unparsable_comes_back_unchanged(url):
    assert normalise_url(url) == url
    assert normalise_url(f"  {url}  ") == url


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(url, id=name)
        for name, url in UNCHANGED.items()
        if name not in VALIDATOR_ACCEPTS
    ],
)
def test_validator_refuses_what_comes_back_unchanged(url):
    with pytest.raises(ValidationError):
        validate(normalise_url(url))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, "", id="None"),
        pytest.param("", "", id="empty"),
        pytest.param(" \t\n", "", id="blank"),
        pytest.param(123, "123", id="int"),
        pytest.param(1.5, "1.5", id="float"),
        pytest.param(["https://example.com"], "['https://example.com']", id="list"),
    ],
)
def test_not_a_url_string(value, expected):
    assert normalise_url(value) == expected


@given(st.text())
def test_never_raises_on_any_text(text):
    url = normalise_url(text)
    assert isinstance(url, str)
    assert normalise_url(url) == url


URL_PIECES = st.sampled_from(
    [
        "http",
        "https",
        "HTTP",
        "ftp",
        "",
        ":",
        "//",
        "/",
        "[",
        "]",
        "::1",
        "@",
        "?",
        "&",
        "=",
        "#",
        "#!",
        "%",
        "%7e",
        "%zz",
        "www.",
        "bücher",
        "xn--",
        ".",
        "example.com",
        ":443",
        ":99999",
        ":0",
        "utm_source",
        "a",
        "~",
        "+",
        " ",
        "\ud800",
        "أخبار",
    ]
)


@given(st.lists(URL_PIECES, max_size=12).map("".join))
def test_never_raises_on_url_like_text(text):
    url = normalise_url(text)
    assert isinstance(url, str)
    assert normalise_url(url) == url
