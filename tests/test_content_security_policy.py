"""The Content-Security-Policy: no inline script on any page, nothing loaded from
elsewhere but the map's tiles. The browser tests fail on any violation (conftest)."""

import pytest

from opsdb.settings import tile_origin

pytestmark = pytest.mark.django_db


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (directive.split() for directive in policy.split(";") if directive)
    }


ANSWERS = ["/", "/feed/", "/admin/login/", "/api/v1/operations/", "/nowhere/"]


@pytest.mark.parametrize("url", ANSWERS)
def test_every_answer_forbids_inline_and_foreign_scripts(client, url):
    policy = directives(client.get(url))

    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["style-src"]


def test_images_may_come_from_the_tile_server_alone(client):
    policy = directives(client.get("/"))

    assert policy["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]


@pytest.mark.parametrize(
    "url, origin",
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("/tiles/{z}/{x}/{y}.png", "'self'"),
    ],
)
def test_the_tile_servers_origin_is_read_from_its_url(url, origin):
    assert tile_origin(url) == origin


def test_only_the_api_docs_allow_inline_styles_for_swagger_ui(client):
    policy = directives(client.get("/api/docs/"))

    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]
