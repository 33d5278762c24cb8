"""Who may do what through the API: anonymous / analyst / reviewer × read / write / publish
× draft / published, for every resource; drafts never leak to anonymous readers."""

import csv
import io
import json

import pytest
from rest_framework.throttling import AnonRateThrottle

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

DRAFT, PUBLISHED = models.Status.DRAFT, models.Status.PUBLISHED


def new_payload(resource):
    """What a script sends to create one record of `resource`."""
    if resource == "operations":
        return {
            "title": "A new raid",
            "kind": "ground_raid",
            "occurred_at": "2023-01-05T00:00:00Z",
            "date_precision": "day",
            "local_time_zone": "UTC",
        }
    if resource == "persons":
        return {"name": "A new person"}
    if resource == "organisations":
        return {"name": "A new group", "kind": "armed_group"}
    if resource == "places":
        return {"name": "A new village", "country": "IQ"}
    return {"kind": "news_article", "title": "A new report"}


FACTORIES = {
    "operations": OperationFactory,
    "persons": PersonFactory,
    "organisations": OrganisationFactory,
    "places": PlaceFactory,
    "sources": SourceFactory,
}
PUBLISHABLE = list(FACTORIES)
ROLES = ["anonymous", "analyst", "reviewer"]


@pytest.fixture
def accounts(analyst, reviewer):
    return {"anonymous": None, "analyst": analyst, "reviewer": reviewer}


def client_as(accounts, role):
    return api_client(accounts[role])


def record(resource, status):
    return FACTORIES[resource](status=status)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", PUBLISHABLE)
def test_drafts_are_listed_for_analysts_and_reviewers_only(accounts, role, resource):
    published, draft = record(resource, PUBLISHED), record(resource, DRAFT)
    listed = client_as(accounts, role).get(f"/api/v1/{resource}/").json()
    ids = {item["id"] for item in listed["results"]}
    assert published.pk in ids
    assert (draft.pk in ids) == (role != "anonymous")
    assert listed["count"] == len(ids)
    statuses = {item["id"]: item["status"] for item in listed["results"]}
    assert statuses[published.pk] == "published"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", PUBLISHABLE)
def test_a_draft_detail_is_a_404_for_anonymous_readers(accounts, role, resource):
    draft = record(resource, DRAFT)
    response = client_as(accounts, role).get(f"/api/v1/{resource}/{draft.pk}/")
    assert response.status_code == (404 if role == "anonymous" else 200)
    if role != "anonymous":
        assert response.json()["status"] == "draft"


@pytest.mark.parametrize("resource", PUBLISHABLE)
def test_anonymous_readers_write_nothing(resource):
    published = record(resource, PUBLISHED)
    client = api_client()
    before = FACTORIES[resource]._meta.model.objects.count()
    url = f"/api/v1/{resource}/"
    assert client.post(url, new_payload(resource), format="json").status_code == 401
    detail = f"{url}{published.pk}/"
    assert client.patch(detail, {"status": DRAFT}, format="json").status_code == 401
    assert client.put(detail, new_payload(resource), format="json").status_code == 401
    assert client.delete(detail).status_code == 401
    assert FACTORIES[resource]._meta.model.objects.count() == before
    published.refresh_from_db()
    assert published.status == PUBLISHED


@pytest.mark.parametrize("role", ["analyst", "reviewer"])
@pytest.mark.parametrize("resource", PUBLISHABLE)
def test_what_an_analyst_or_reviewer_creates_is_a_draft(accounts, role, resource):
    response = client_as(accounts, role).post(
        f"/api/v1/{resource}/", new_payload(resource), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "draft"


@pytest.mark.parametrize("resource", PUBLISHABLE)
def test_only_a_reviewer_publishes(accounts, resource):
    payload = {**new_payload(resource), "status": PUBLISHED}
    analyst, reviewer = client_as(accounts, "analyst"), client_as(accounts, "reviewer")
    refused = analyst.post(f"/api/v1/{resource}/", payload, format="json")
    assert refused.status_code == 403
    assert "reviewer" in refused.json()["detail"]

    draft = record(resource, DRAFT)
    detail = f"/api/v1/{resource}/{draft.pk}/"
    assert analyst.patch(detail, {"status": PUBLISHED}, format="json").status_code == 403
    draft.refresh_from_db()
    assert draft.status == DRAFT
    assert reviewer.patch(detail, {"status": PUBLISHED}, format="json").status_code == 200
    draft.refresh_from_db()
    assert draft.status == PUBLISHED
    assert reviewer.post(f"/api/v1/{resource}/", payload, format="json").status_code == 201


@pytest.mark.parametrize("resource", PUBLISHABLE)
def test_an_analyst_edits_drafts_but_not_published_records(accounts, resource):
    analyst = client_as(accounts, "analyst")
    draft, published = record(resource, DRAFT), record(resource, PUBLISHED)
    field = "title" if resource in ("operations", "sources") else "name"
    ok = analyst.patch(f"/api/v1/{resource}/{draft.pk}/", {field: "Changed"}, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()[field] == "Changed"
    refused = analyst.patch(f"/api/v1/{resource}/{published.pk}/", {field: "Changed"})
    assert refused.status_code == 403
    published.refresh_from_db()
    assert getattr(published, field) != "Changed"
    reviewer = client_as(accounts, "reviewer")
    response = reviewer.patch(f"/api/v1/{resource}/{published.pk}/", {field: "Changed"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "resource,analyst_deletes_drafts",
    [
        ("operations", True),
        ("persons", False),
        ("organisations", False),
        ("places", False),
        ("sources", False),
    ],
)
def test_deleting_follows_the_admins_rules(accounts, resource, analyst_deletes_drafts):
    draft, published = record(resource, DRAFT), record(resource, PUBLISHED)
    analyst, reviewer = client_as(accounts, "analyst"), client_as(accounts, "reviewer")
    response = analyst.delete(f"/api/v1/{resource}/{draft.pk}/")
    assert response.status_code == (204 if analyst_deletes_drafts else 403)
    assert analyst.delete(f"/api/v1/{resource}/{published.pk}/").status_code == 403
    assert reviewer.delete(f"/api/v1/{resource}/{published.pk}/").status_code == 204
    assert api_client().get(f"/api/v1/{resource}/{published.pk}/").status_code == 404


def test_deleting_an_operation_is_a_soft_delete(accounts):
    operation = OperationFactory(status=DRAFT)
    client_as(accounts, "analyst").delete(f"/api/v1/operations/{operation.pk}/")
    operation.refresh_from_db()
    assert operation.deleted_at is not None
    response = client_as(accounts, "reviewer").get(f"/api/v1/operations/{operation.pk}/")
    assert response.status_code == 404


def test_deleting_a_record_others_refer_to_is_a_409(accounts):
    place = PlaceFactory()
    OperationFactory(place=place)
    response = client_as(accounts, "reviewer").delete(f"/api/v1/places/{place.pk}/")
    assert response.status_code == 409
    assert "refer to this one" in response.json()["detail"]
    assert models.Place.objects.filter(pk=place.pk).exists()


# --- claims: their operation decides ----------------------------------------------


def claim_payload(operation):
    return {
        "operation": operation.pk,
        "source": SourceFactory().pk,
        "point": "casualties",
        "category": "civilians_killed",
        "count_low": 0,
        "count_high": 0,
    }


def test_claims_of_draft_operations_are_hidden_from_anonymous_readers(accounts):
    shown = CasualtyClaimFactory(count_low=1, count_high=1)
    hidden = CasualtyClaimFactory(count_low=1, count_high=1, operation__status=DRAFT)
    from_draft_source = CasualtyClaimFactory(count_low=1, count_high=1, source__status=DRAFT)
    for role in ROLES:
        ids = {
            claim["id"]
            for claim in client_as(accounts, role).get("/api/v1/claims/").json()["results"]
        }
        assert shown.pk in ids
        assert (hidden.pk in ids) == (role != "anonymous")
        assert (from_draft_source.pk in ids) == (role != "anonymous")
    assert api_client().get(f"/api/v1/claims/{hidden.pk}/").status_code == 404


def test_an_analyst_adds_claims_to_drafts_but_not_to_published_operations(accounts):
    analyst = client_as(accounts, "analyst")
    draft, published = OperationFactory(status=DRAFT), OperationFactory()
    assert analyst.post("/api/v1/claims/", claim_payload(draft), format="json").status_code == 201
    refused = analyst.post("/api/v1/claims/", claim_payload(published), format="json")
    assert refused.status_code == 403
    assert not published.claims.exists()
    reviewer = client_as(accounts, "reviewer")
    response = reviewer.post("/api/v1/claims/", claim_payload(published), format="json")
    assert response.status_code == 201
    assert api_client().post("/api/v1/claims/", claim_payload(draft)).status_code == 401


# --- drafts never leak through nested fields, counts, search or exports ---------------


@pytest.fixture
def published_with_drafts_inside():
    """A published operation whose person, force, place and one source are drafts."""
    place = PlaceFactory(name="Hidden hamlet", status=DRAFT)
    operation = OperationFactory(place=place, title="Raid on a published record")
    models.OperationForce.objects.create(
        operation=operation, organisation=OrganisationFactory(name="Secret unit", status=DRAFT)
    )
    person = PersonFactory(name="Abu Secret", status=DRAFT)
    models.PersonAlias.objects.create(person=person, name="Abu Sirr")
    target = TargetFactory(operation=operation, person=person)
    draft_source = SourceFactory(title="Unchecked blog", status=DRAFT)
    models.Claim.objects.create(
        operation=operation, source=draft_source, point="outcome", target=target, outcome="killed"
    )
    CasualtyClaimFactory(operation=operation, source=draft_source, count_low=9, count_high=9)
    CasualtyClaimFactory(operation=operation, count_low=0, count_high=0)
    draft_operation = OperationFactory(status=DRAFT, title="Draft raid on Abu Secret")
    TargetFactory(operation=draft_operation, person=PersonFactory(name="Published man"))
    return operation


SECRETS = [
    "Hidden hamlet",
    "Secret unit",
    "Abu Secret",
    "Abu Sirr",
    "Unchecked blog",
    "Draft raid",
]


def assert_no_secret(text):
    for secret in SECRETS:
        assert secret not in text


def test_nested_drafts_do_not_leak_into_an_operation(published_with_drafts_inside):
    operation = published_with_drafts_inside
    response = api_client().get(f"/api/v1/operations/{operation.pk}/")
    assert_no_secret(response.content.decode())
    data = response.json()
    assert data["place"] is None and data["country"] is None and data["where"] == ""
    assert data["forces"][0]["organisation"] is None
    assert data["targets"][0]["person"] is None
    assert data["targets"][0]["name"] == "a person not yet published"
    # Figures rest on published sources only: the draft source's 9 and its claims are out.
    assert data["casualties"]["civilians_killed"]["range"] == "0"
    assert data["contested"] is False
    assert len(data["claims"]) == 1


def test_drafts_do_not_leak_into_lists_exports_or_search(published_with_drafts_inside):
    client = api_client()
    for params in ({}, {"format": "csv"}, {"format": "geojson"}, {"q": "Raid"}):
        assert_no_secret(body(client.get("/api/v1/operations/", params)))
    for resource in ("claims", "sources", "persons", "places", "organisations"):
        assert_no_secret(body(client.get(f"/api/v1/{resource}/")))
        assert_no_secret(body(client.get(f"/api/v1/{resource}/", {"format": "csv"})))
    assert client.get("/api/v1/operations/", {"q": "Abu Sirr"}).json()["count"] == 0
    assert client.get("/api/v1/persons/", {"q": "Abu Sirr"}).json()["count"] == 0
    rows = list(csv.DictReader(io.StringIO(body(client.get("/api/v1/claims/?format=csv")))))
    assert len(rows) == 1
    assert (
        json.loads(body(client.get("/api/v1/operations/?format=geojson")))["without_coordinates"]
        == 1
    )


def test_drafts_do_not_leak_into_counts_or_related_records(published_with_drafts_inside):
    client = api_client()
    published_man = models.Person.objects.get(name="Published man")
    data = client.get(f"/api/v1/persons/{published_man.pk}/").json()
    assert data["targeted_in"] == [] and data["last_known_outcome"] is None
    source = models.Source.objects.get(title__startswith="Report")
    assert client.get(f"/api/v1/sources/{source.pk}/").json()["claims"]["count"] == 1


def test_a_draft_id_in_a_filter_looks_like_an_unknown_one(published_with_drafts_inside):
    draft = models.Person.objects.get(name="Abu Secret")
    hidden = api_client().get("/api/v1/operations/", {"person": draft.pk})
    unknown = api_client().get("/api/v1/operations/", {"person": 987654})
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json()["person"] == [f"No record with id {draft.pk}."]


def test_analysts_see_the_drafts_inside(published_with_drafts_inside, analyst):
    operation = published_with_drafts_inside
    data = api_client(analyst).get(f"/api/v1/operations/{operation.pk}/").json()
    assert data["place"]["name"] == "Hidden hamlet"
    assert data["targets"][0]["name"] == "Abu Secret"
    assert len(data["claims"]) == 3
    assert data["contested"] is True


# --- throttling --------------------------------------------------------------------


def test_anonymous_reads_are_throttled_with_retry_after(analyst, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    client = api_client()
    statuses = [client.get("/api/v1/places/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/places/")
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"].lower()
    assert api_client(analyst).get("/api/v1/places/").status_code == 200


def test_a_claims_statement_does_not_name_draft_places_or_forces():
    operation = OperationFactory()
    source = SourceFactory()
    models.Claim.objects.create(
        operation=operation,
        source=source,
        point="place",
        place=PlaceFactory(name="Hidden hamlet", status=DRAFT),
        location_precision="near",
    )
    forces = models.Claim.objects.create(operation=operation, source=source, point="forces")
    forces.claimed_forces.add(OrganisationFactory(name="Secret unit", status=DRAFT))
    for url in (f"/api/v1/operations/{operation.pk}/", "/api/v1/claims/"):
        assert_no_secret(body(api_client().get(url)))
    assert_no_secret(body(api_client().get("/api/v1/claims/", {"format": "csv"})))
    statements = {
        claim["statement"] for claim in api_client().get("/api/v1/claims/").json()["results"]
    }
    assert statements == {
        "at near a place not yet published",
        "by an organisation not yet published",
    }


def test_a_draft_persons_roles_do_not_tie_operations_to_an_organisation():
    isis = OrganisationFactory(name="Islamic State")
    hidden = PersonFactory(status=DRAFT)
    models.Role.objects.create(person=hidden, organisation=isis, title="courier")
    TargetFactory(person=hidden)
    assert api_client().get("/api/v1/operations/", {"organisation": isis.pk}).json()["count"] == 0
    detail = api_client().get(f"/api/v1/organisations/{isis.pk}/").json()
    assert detail["operations_targeted"]["count"] == 0


def test_a_draft_place_stays_out_of_the_timeline(published_with_drafts_inside, client):
    assert_no_secret(client.get("/").content.decode())
