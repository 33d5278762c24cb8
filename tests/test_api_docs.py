"""The schema and the interactive docs, which must work with no internet."""

import pytest
import yaml
from django.core.management import call_command

from .api_client import api_client


@pytest.mark.django_db
def test_the_schema_documents_every_resource_and_the_errors_it_answers():
    response = api_client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for resource in ("operations", "persons", "organisations", "places", "sources", "claims"):
        listing = paths[f"/api/v1/{resource}/"]
        assert {"400", "401", "404", "429"} <= set(listing["get"]["responses"])
        assert {"400", "401", "403"} <= set(listing["post"]["responses"])
        detail = paths[f"/api/v1/{resource}/{{id}}/"]
        assert {"401", "403", "404", "409"} <= set(detail["delete"]["responses"])
    names = {parameter["name"] for parameter in paths["/api/v1/operations/"]["get"]["parameters"]}
    assert names >= {
        "kind",
        "country",
        "date_after",
        "date_before",
        "actor",
        "organisation",
        "person",
        "outcome",
        "place",
        "q",
        "contested",
        "civilian_harm",
        "bbox",
        "ordering",
        "updated_after",
        "cursor",
        "page_size",
        "format",
    }
    content = paths["/api/v1/operations/"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"application/json", "text/csv", "application/geo+json"}


def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert yaml.safe_load(target.read_text())["info"]["title"] == "OpsDB API"


@pytest.mark.django_db(transaction=True)
def test_the_interactive_docs_load_from_this_server_alone(live_server, page):
    outside = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(live_server.url)
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page.goto(live_server.url + "/api/docs/")
    page.get_by_text("/api/v1/operations/", exact=True).first.wait_for()
    assert page.locator(".opblock-tag", has_text="operations").count() == 1
    assert outside == []
