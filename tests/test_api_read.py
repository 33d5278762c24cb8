"""Reading the API as a script does: the root, lists, details, exports, query counts."""

import csv
import io
import json
import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operations import models

from .api_client import api_client, body
from .factories import (
    CasualtyClaimFactory,
    OperationFactory,
    OrganisationFactory,
    PersonFactory,
    PlaceFactory,
    SourceFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db


def operation_titled(title):
    return models.Operation.objects.get(title__icontains=title)


def test_the_root_lists_every_resource():
    response = api_client().get("/api/v1/")
    assert response.status_code == 200
    assert set(response.json()) == {
        "operations",
        "persons",
        "organisations",
        "places",
        "sources",
        "claims",
    }
    assert response.json()["operations"] == "http://testserver/api/v1/operations/"


def test_an_operation_detail_gives_everything_without_a_second_request(demo):
    operation = operation_titled("airstrike kills two senior")
    data = api_client().get(f"/api/v1/operations/{operation.pk}/").json()

    assert data["kind"] == "airstrike"
    assert data["occurred_at"] == "2022-10-06T15:23:00Z"
    assert data["local_occurred_at"] == "2022-10-06T18:23:00+03:00"
    assert data["local_time_zone"] == "Asia/Damascus"
    assert data["date_precision"] == "minute"
    assert data["when"] == "6 Oct 2022, 18:23 local time (15:23 UTC)"
    assert data["place"]["name"] == "Northern Syria"
    assert data["place"]["longitude"] == pytest.approx(38.9)
    assert data["location_precision"] == "region"
    assert data["forces"] == [
        {
            "id": data["forces"][0]["id"],
            "organisation": {
                "id": data["forces"][0]["organisation"]["id"],
                "url": data["forces"][0]["organisation"]["url"],
                "name": "US Central Command",
            },
            "name": "US Central Command",
            "role": "lead",
        }
    ]
    assert data["unilateral"] is True
    targets = {target["name"]: target for target in data["targets"]}
    assert targets["Abu 'Ala"]["outcome"] == "killed"
    assert targets["Abu 'Ala"]["reported_outcomes"] == ["killed"]
    assert targets["Abu 'Ala"]["person"]["url"].startswith("http://testserver/api/v1/persons/")
    civilians = data["casualties"]["civilians_killed"]
    assert (civilians["low"], civilians["high"], civilians["range"]) == (0, 0, "0")
    assert data["contested"] is False

    claim = next(claim for claim in data["claims"] if claim["category"] == "civilians_killed")
    assert claim["source"]["publisher"]["name"] == "US Central Command"
    assert claim["source"]["web_url"].startswith("https://")
    assert set(claim["source"]) >= {"title", "published_on", "archive_url", "reliability"}
    assert claim["attribution"]
    assert claim["credibility"] in range(1, 7)
    assert "supersedes" in claim
    assert claim["id"] in civilians["claims"]


def test_an_operation_detail_shows_who_says_what_where_sources_disagree(demo):
    operation = operation_titled("Qamishli")
    data = api_client().get(f"/api/v1/operations/{operation.pk}/").json()

    assert data["contested"] is True
    contested = [point for point in data["points"] if point["contested"]]
    assert contested
    claims = {claim["id"]: claim for claim in data["claims"]}
    for point in contested:
        publishers = {claims[pk]["source"]["publisher"]["name"] for pk in point["claims"]}
        assert len(publishers) > 1, point


def test_related_operations_are_linked_both_ways():
    first, second = OperationFactory(), OperationFactory()
    models.OperationLink.objects.create(
        from_operation=second, to_operation=first, relation="followed"
    )
    data = api_client().get(f"/api/v1/operations/{first.pk}/").json()
    assert data["related"] == [
        {
            "relation": "followed",
            "direction": "to",
            "operation": {
                "id": second.pk,
                "url": f"http://testserver/api/v1/operations/{second.pk}/",
                "title": second.title,
                "kind": "airstrike",
                "date": "2022-10-06",
                "date_precision": "day",
            },
        }
    ]


def test_a_list_item_carries_what_a_map_or_a_chart_needs(demo):
    data = api_client().get("/api/v1/operations/").json()
    assert data["count"] == models.Operation.objects.published().count()
    item = next(item for item in data["results"] if "Qamishli" in item["title"])
    assert set(item) >= {
        "id",
        "url",
        "title",
        "kind",
        "date",
        "date_precision",
        "country",
        "place",
        "targets",
        "casualties",
        "contested",
    }
    assert item["country"] == "SY"
    assert item["place"]["latitude"] is not None
    assert item["where"].startswith("near ")
    assert item["contested"] is True
    assert all({"name", "outcome"} <= set(target) for target in item["targets"])


def test_the_newest_operation_comes_first(demo):
    dates = [item["date"] for item in api_client().get("/api/v1/operations/").json()["results"]]
    assert dates == sorted(dates, reverse=True)


def test_a_person_detail_gives_aliases_roles_identities_and_operations(demo):
    person = models.Person.objects.get(name="Abu Ibrahim al-Hashimi al-Qurashi")
    data = api_client().get(f"/api/v1/persons/{person.pk}/").json()
    assert {alias["name"] for alias in data["aliases"]} >= {"Abu Ibrahim al-Hashimi al-Qurayshi"}
    assert data["roles"]
    assert data["roles"][0]["organisation"]["name"]
    assert data["targeted_in"][0]["outcome"] == "died_by_own_hand"
    assert data["last_known_outcome"]["outcome"] == "died_by_own_hand"
    assert "possibly_same_as" in data


def test_possible_identities_show_on_both_persons():
    source = SourceFactory()
    first, second = PersonFactory(), PersonFactory()
    models.PossibleIdentity.objects.create(
        person=first, other=second, source=source, note="Same kunya"
    )
    for person, other in ((first, second), (second, first)):
        data = api_client().get(f"/api/v1/persons/{person.pk}/").json()
        assert [link["person"]["id"] for link in data["possibly_same_as"]] == [other.pk]
        assert data["possibly_same_as"][0]["note"] == "Same kunya"


def test_an_organisation_detail_gives_members_children_and_operation_counts(demo):
    isis = models.Organisation.objects.get(name="Islamic State (ISIS)")
    data = api_client().get(f"/api/v1/organisations/{isis.pk}/").json()
    assert [child["name"] for child in data["children"]] == ["ISIS in Syria"]
    assert data["members"]
    starts = [role["started_on"] for role in data["members"] if role["started_on"]]
    assert starts == sorted(starts)
    targeted = data["operations_targeted"]
    assert targeted["url"] == f"http://testserver/api/v1/operations/?organisation={isis.pk}"
    listed = api_client().get(targeted["url"]).json()
    assert listed["count"] == targeted["count"]


def test_a_place_and_a_source_link_to_their_operations_and_claims(demo):
    place = models.Place.objects.get(name="Atmeh")
    data = api_client().get(f"/api/v1/places/{place.pk}/").json()
    assert data["operations"]["count"] == 1
    assert api_client().get(data["operations"]["url"]).json()["count"] == 1

    source = models.Source.objects.filter(claims__isnull=False).first()
    data = api_client().get(f"/api/v1/sources/{source.pk}/").json()
    assert data["claims"]["count"] == source.claims.count()
    assert api_client().get(data["claims"]["url"]).json()["count"] == source.claims.count()


def test_an_unknown_record_is_a_404_in_json():
    response = api_client().get("/api/v1/operations/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Operation matches the given query."}


# --- exports ------------------------------------------------------------------


def test_the_csv_export_has_one_flat_row_per_operation(demo):
    response = api_client().get("/api/v1/operations/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert len(rows) == models.Operation.objects.published().count()
    row = next(row for row in rows if "airstrike kills two senior" in row["title"])
    assert row["civilians_killed_low"] == "0"
    assert row["civilians_killed_high"] == "0"
    assert row["place"] == "Northern Syria"
    assert row["longitude"] == "38.9"
    assert "Abu 'Ala (killed)" in row["targets"]
    assert "http://testserver/api/v1/operations/" in row["url"]
    assert "format=" not in row["url"]


def test_every_list_exports_csv(demo):
    for resource in ("persons", "organisations", "places", "sources", "claims"):
        response = api_client().get(f"/api/v1/{resource}/", {"format": "csv"})
        assert response.status_code == 200, resource
        rows = list(csv.DictReader(io.StringIO(body(response))))
        assert len(rows) == api_client().get(f"/api/v1/{resource}/").json()["count"], resource


def test_the_geojson_export_puts_longitude_first_and_counts_what_it_leaves_out(demo):
    OperationFactory(place=None)
    OperationFactory(place=PlaceFactory(latitude=None, longitude=None))
    response = api_client().get("/api/v1/operations/", {"format": "geojson"})
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(body(response))
    assert collection["type"] == "FeatureCollection"
    assert collection["without_coordinates"] == 2
    located = models.Operation.objects.published().exclude(place__latitude=None).count()
    assert len(collection["features"]) == located
    feature = next(
        feature
        for feature in collection["features"]
        if "airstrike kills two senior" in feature["properties"]["title"]
    )
    assert feature["geometry"] == {"type": "Point", "coordinates": [38.9, 36.4]}
    assert feature["properties"]["location_precision"] == "region"
    assert feature["properties"]["casualties"]["civilians_killed"]["range"] == "0"


def test_an_export_gives_every_matching_row_not_one_page():
    OperationFactory.create_batch(60, kind="drone_strike")
    OperationFactory.create_batch(3, kind="airstrike")
    response = api_client().get("/api/v1/operations/", {"format": "csv", "kind": "drone_strike"})
    assert len(list(csv.DictReader(io.StringIO(body(response))))) == 60


def test_a_bad_filter_on_an_export_is_a_json_400():
    response = api_client().get("/api/v1/operations/", {"format": "csv", "kind": "teleport"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "kind" in response.json()


def test_a_detail_has_no_csv():
    operation = OperationFactory()
    response = api_client().get(f"/api/v1/operations/{operation.pk}/", {"format": "csv"})
    assert response.status_code == 404


# --- pagination -----------------------------------------------------------------


def test_page_size_is_capped_at_a_thousand():
    OperationFactory.create_batch(3)
    response = api_client().get("/api/v1/operations/", {"page_size": 5000})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_a_tampered_cursor_is_a_404():
    response = api_client().get("/api/v1/operations/", {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


# --- query counts -----------------------------------------------------------------


def make_operations(count, claims_each=2):
    source = SourceFactory()
    force = OrganisationFactory()
    for _ in range(count):
        operation = OperationFactory()
        models.OperationForce.objects.create(operation=operation, organisation=force)
        person = PersonFactory()
        models.PersonAlias.objects.create(person=person, name=f"Abu {person.name}")
        target = TargetFactory(operation=operation, person=person)
        models.Claim.objects.create(
            operation=operation, source=source, point="outcome", target=target, outcome="killed"
        )
        for number in range(claims_each - 1):
            CasualtyClaimFactory(
                operation=operation, source=SourceFactory(), count_low=number, count_high=number
            )
    return operation


def queries_of(url, params=None):
    client = api_client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


# The data version (caching.py), the count, the page, then forces, targets, claims
# and the claims' forces.
LIST_QUERIES = 7


def test_a_list_of_100_operations_costs_the_queries_of_a_list_of_10():
    make_operations(10)
    assert queries_of("/api/v1/operations/", {"page_size": 100}) == LIST_QUERIES
    make_operations(90)
    assert queries_of("/api/v1/operations/", {"page_size": 100}) == LIST_QUERIES


# The data version, the operation, its forces, targets, claims, claimed forces, and
# links both ways.
DETAIL_QUERIES = 8


def test_an_operation_with_20_claims_costs_the_queries_of_one_with_2():
    few = make_operations(1, claims_each=2)
    many = make_operations(1, claims_each=20)
    assert few.claims.count() == 2 and many.claims.count() == 20
    assert queries_of(f"/api/v1/operations/{few.pk}/") == DETAIL_QUERIES
    assert queries_of(f"/api/v1/operations/{many.pk}/") == DETAIL_QUERIES


@pytest.mark.parametrize("resource", ["persons", "organisations", "places", "sources", "claims"])
def test_other_lists_cost_the_same_for_3_and_30_records(resource):
    make_operations(3)
    few = queries_of(f"/api/v1/{resource}/")
    make_operations(27)
    assert queries_of(f"/api/v1/{resource}/") == few


def test_person_and_organisation_details_cost_the_same_for_few_and_many_rows(demo):
    person = models.Person.objects.get(name="Abu Ibrahim al-Hashimi al-Qurashi")
    isis = models.Organisation.objects.get(name="Islamic State (ISIS)")
    person_queries = queries_of(f"/api/v1/persons/{person.pk}/")
    organisation_queries = queries_of(f"/api/v1/organisations/{isis.pk}/")
    for number in range(10):
        TargetFactory(person=person)
        models.PersonAlias.objects.create(person=person, name=f"Alias {number}")
        models.Role.objects.create(person=PersonFactory(), organisation=isis, title="emir")
        OrganisationFactory(parent=isis)
    assert queries_of(f"/api/v1/persons/{person.pk}/") == person_queries
    assert queries_of(f"/api/v1/organisations/{isis.pk}/") == organisation_queries


def resident_memory():
    """This process's resident set size in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_an_8000_operation_csv_export_streams_in_flat_memory():
    call_command("generate_operations", count=8_000, seed=8, stdout=io.StringIO())
    response = api_client().get("/api/v1/operations/", {"format": "csv"})
    assert response.streaming
    lines = iter(response.streaming_content)
    for _ in range(1_001):
        next(lines)
    early = resident_memory()
    rows = 1_000 + sum(1 for _ in lines)
    grown = resident_memory() - early
    assert rows == 8_000
    # Eight times the rows; the memory of a few batches at most, not of 7,000 operations
    # with their claims and targets.
    assert grown < 40 * 2**20, f"grew by {grown / 2**20:.0f} MB"


def test_a_misspelt_parameter_is_a_400_naming_it():
    response = api_client().get("/api/v1/operations/", {"contsted": "true"})
    assert response.status_code == 400
    assert "Unknown parameter" in response.json()["contsted"][0]
    assert "contested" in response.json()["contsted"][0]


def test_a_detail_ignores_list_filters():
    operation = OperationFactory(kind="airstrike")
    for params in ({"kind": "drone_strike"}, {"kind": "teleport"}):
        response = api_client().get(f"/api/v1/operations/{operation.pk}/", params)
        assert response.status_code == 200


def test_a_cursor_without_a_position_is_a_404():
    OperationFactory()
    response = api_client().get("/api/v1/operations/", {"cursor": "eyJpZCI6IDF9"})
    assert response.status_code == 404


def test_a_search_of_too_many_words_is_a_400():
    response = api_client().get("/api/v1/operations/", {"q": " ".join(["ab"] * 300)})
    assert response.status_code == 400
    assert response.json()["q"] == ["Search with at most 12 words."]
    response = api_client().get("/api/v1/persons/", {"q": "a" * 5000})
    assert response.status_code == 400


def test_csv_references_carry_their_ids_and_formulas_stay_text(demo):
    OperationFactory(title='=HYPERLINK("http://evil.example")')
    rows = list(csv.DictReader(io.StringIO(body(api_client().get("/api/v1/claims/?format=csv")))))
    claim = models.Claim.objects.get(pk=rows[0]["id"])
    assert rows[0]["operation_id"] == str(claim.operation_id)
    assert rows[0]["source_id"] == str(claim.source_id)
    operations = body(api_client().get("/api/v1/operations/?format=csv"))
    assert "'=HYPERLINK" in operations


def test_an_api_address_that_matches_no_route_is_a_json_404():
    response = api_client().get("/api/v1/claims/2.8e-142/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_ordering_other_than_date_is_a_400():
    for value in (",", "title", "date,-date"):
        response = api_client().get("/api/v1/operations/", {"ordering": value})
        assert response.status_code == 400, value
        assert "ordering" in response.json()


def test_empty_filter_values_filter_nothing_as_a_submitted_form_sends_them():
    OperationFactory.create_batch(2)
    response = api_client().get("/api/v1/operations/", {"kind": "", "country": "", "q": ""})
    assert response.json()["count"] == 2
