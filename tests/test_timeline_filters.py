"""The timeline and the API are one query: each filter gives the same operations on both.

The world of operations and the expected matches come from the API's filter
tests; here the timeline page is read as a researcher gets it (HTML) and
compared with the same query string on /api/v1/operations/.
"""

import re

import pytest

from operations import models
from operations.filters import OperationFilterSet

from .test_api_filters import FILTER_NAMES, expected_ids, listed
from .test_api_filters import world as world  # the API tests' operations, as a fixture

pytestmark = pytest.mark.django_db

ENTRY = re.compile(r'<article class="operation[^"]*" id="operation-(\d+)"')
COUNT = re.compile(r'<p class="count" role="status"><strong>(\d+)</strong>')

# Parameters that the world's filter cases do not exercise, with a query for each.
MORE_CASES = {
    "ordering": [{"ordering": "date"}, {"ordering": "-date"}],
    "updated_after": [{"updated_after": "2000-01-01T00:00:00Z"}],
    "status": [{"status": "published"}, {"status": "draft"}],
}


def on_timeline(client, params):
    """The ids the timeline lists for `params`, in order, and the count it shows."""
    response = client.get("/", {**params, "page_size": 1000})
    assert response.status_code == 200, response.content.decode()[:2000]
    page = response.content.decode()
    ids = [int(pk) for pk in ENTRY.findall(page)]
    count = int(COUNT.search(page).group(1))
    return ids, count


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_each_filter_on_the_timeline_lists_what_the_api_lists(client, world, name):
    params, keys = world.filters[name]
    ids, count = on_timeline(client, params)
    assert ids == listed(client, params)
    assert set(ids) == expected_ids(world, keys)
    assert count == len(ids)


@pytest.mark.parametrize(
    "params", [params for cases in MORE_CASES.values() for params in cases], ids=str
)
def test_order_status_and_updated_after_on_the_timeline_match_the_api(client, world, params):
    ids, count = on_timeline(client, params)
    assert ids == listed(client, params)
    assert count == len(ids)


def test_several_filters_together_on_the_timeline_match_the_api(client, world):
    params = {}
    for name in ("kinds", "country", "date_after", "contested"):
        params.update(world.filters[name][0])
    ids, _ = on_timeline(client, params)
    assert ids == listed(client, params)


def test_every_filter_of_the_api_is_compared_on_the_timeline(world):
    covered = set(MORE_CASES)
    for name in FILTER_NAMES:
        covered |= set(world.filters[name][0])
    assert covered == set(OperationFilterSet.base_filters)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "teleport"}, "teleport is not one of the available choices"),
        ({"date_after": "yesterday"}, "Give an ISO date: YYYY-MM-DD."),
        ({"country": "XX"}, "XX is not an ISO 3166 alpha-2 country code"),
        ({"bbox": "1,2,3"}, "Give four numbers"),
        ({"contested": "maybe"}, "Give true or false."),
        ({"actor": "abc"}, "Give a record&#x27;s id, a whole number."),
        ({"person": "999999"}, "No record with id 999999."),
    ],
)
def test_a_value_the_api_refuses_is_a_400_on_the_timeline_with_the_same_message(
    client, world, params, message
):
    api = client.get("/api/v1/operations/", params)
    page = client.get("/", params)

    assert api.status_code == page.status_code == 400
    assert message.replace("&#x27;", "'") in str(api.json())
    assert message in page.content.decode()
    assert not ENTRY.findall(page.content.decode())


def test_the_timeline_s_next_page_link_gives_the_same_page_on_the_api(client, world):
    first = client.get("/", {"page_size": 2}).content.decode()
    next_query = re.search(r'<a rel="next" href="\?([^"]+)"', first).group(1).replace("&amp;", "&")

    second = client.get(f"/?{next_query}").content.decode()
    api = client.get(f"/api/v1/operations/?{next_query}").json()

    timeline_ids = [int(pk) for pk in ENTRY.findall(second)]
    assert len(timeline_ids) == 2
    assert timeline_ids == [item["id"] for item in api["results"]]
    assert timeline_ids[0] not in [int(pk) for pk in ENTRY.findall(first)]


def test_the_export_links_carry_the_timeline_s_query(client, world):
    params = world.filters["kinds"][0] | world.filters["country"][0]
    page = client.get("/", params).content.decode().replace("&amp;", "&")
    links = re.findall(r'href="(/api/v1/operations/\?[^"]*)"', page)

    assert len(links) == 3
    json_link = next(link for link in links if "format=" not in link)
    assert [item["id"] for item in client.get(json_link).json()["results"]] == listed(
        client, params
    )
    assert any("format=csv" in link for link in links)
    assert any("format=geojson" in link for link in links)


def test_the_map_points_are_the_located_operations_of_the_same_query(client, world):
    params, _ = world.filters["country"]
    data = client.get("/map.json", params).json()

    located = [
        operation
        for operation in models.Operation.objects.filter(pk__in=listed(client, params))
        if operation.place.has_coordinates
    ]
    assert data["fields"] == [
        "id",
        "place",
        "location_precision",
        "kind",
        "date",
        "date_precision",
    ]
    assert sorted(row[0] for row in data["points"]) == sorted(op.pk for op in located)
    for operation in located:
        row = next(row for row in data["points"] if row[0] == operation.pk)
        assert row[2:] == [
            operation.location_precision,
            operation.kind,
            operation.occurred_on.isoformat(),
            operation.date_precision,
        ]
        name, longitude, latitude = data["places"][str(row[1])]
        assert name == operation.place.name
        assert (longitude, latitude) == (
            float(operation.place.longitude),
            float(operation.place.latitude),
        )


def test_an_unknown_parameter_is_shown_as_ignored_and_left_out_of_the_links(client, world):
    page = client.get("/", {"contsted": "true", "kind": "airstrike", "format": "csv"})
    html = page.content.decode().replace("&amp;", "&")
    assert "Ignored unknown parameter: contsted." in html
    assert "contsted" not in html.split("Ignored unknown parameter")[1].split("</p>", 1)[1]
    assert 'href="/api/v1/operations/?kind=airstrike"' in html
    assert client.get("/api/v1/operations/?kind=airstrike").status_code == 200


@pytest.mark.parametrize(
    "name", ["q", "contested", "civilian_harm", "organisation", "person", "country", "kinds"]
)
def test_an_analyst_s_timeline_matches_the_analyst_s_api_drafts_included(
    client, world, analyst, name
):
    client.force_login(analyst)
    params, _ = world.filters[name]
    ids, count = on_timeline(client, params)
    assert ids == listed(client, params)
    assert count == len(ids)


def test_an_analyst_sees_drafts_on_the_timeline_with_status_draft(client, world, analyst):
    client.force_login(analyst)
    ids, _ = on_timeline(client, {"status": "draft"})
    assert ids
    assert ids == listed(client, {"status": "draft"})
