"""Every admin page renders for each role, at a cost that does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operations import models

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

MODELS = ["operation", "person", "organisation", "place", "source", "claim", "target"]


def populate(count):
    """`count` operations, each with a target with aliases and roles, and two claims."""
    isis = OrganisationFactory(name="ISIS")
    for number in range(count):
        person = PersonFactory(name=f"Abu Test {number}")
        person.aliases.create(name=f"Abu Tést {number}")
        person.roles.create(organisation=isis, title="emir")
        target = TargetFactory(person=person)
        operation = target.operation
        operation.forces.create(organisation=isis)
        source = SourceFactory(publisher=isis)
        CasualtyClaimFactory(operation=operation, source=source)
        models.Claim.objects.create(
            operation=operation, source=source, point="outcome", target=target, outcome="killed"
        )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.fixture(params=["superuser", "reviewer", "analyst"])
def staff_client(request, client):
    client.force_login(request.getfixturevalue(request.param))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_costs_the_same_for_3_rows_as_for_30(staff_client, model):
    url = f"/admin/operations/{model}/"
    populate(3)
    few = queries_for(staff_client, url)
    populate(27)
    assert queries_for(staff_client, url) == few


@pytest.mark.parametrize("model", MODELS)
def test_every_add_page_renders(staff_client, model):
    populate(2)
    queries_for(staff_client, f"/admin/operations/{model}/add/")


@pytest.mark.parametrize("model", MODELS)
def test_every_change_and_history_page_renders(staff_client, model):
    populate(2)
    record = models.Operation._meta.apps.get_model("operations", model).objects.first()
    queries_for(staff_client, f"/admin/operations/{model}/{record.pk}/change/")
    queries_for(staff_client, f"/admin/operations/{model}/{record.pk}/history/")


def operation_with_claims(count):
    operation = OperationFactory()
    target = TargetFactory(operation=operation)
    forces = [OrganisationFactory(), OrganisationFactory()]
    for number in range(count):
        claim = CasualtyClaimFactory(operation=operation, count_low=number, count_high=number)
        models.Claim.objects.create(
            operation=operation,
            source=claim.source,
            point="outcome",
            target=target,
            outcome="killed",
        ).claimed_forces.set([])
        forces_claim = models.Claim.objects.create(
            operation=operation, source=claim.source, point="forces"
        )
        forces_claim.claimed_forces.set(forces)
    return operation


def test_an_operation_with_30_claims_costs_the_same_as_one_with_3(superuser, client):
    client.force_login(superuser)
    small, large = operation_with_claims(1), operation_with_claims(10)
    assert large.claims.count() == 30
    url = "/admin/operations/operation/{}/change/"
    queries_for(client, url.format(small.pk))  # warms the per-process caches
    assert queries_for(client, url.format(large.pk)) == queries_for(client, url.format(small.pk))


def record_with_rows(model, count):
    """A record of `model` whose change page lists `count` related rows of each kind."""
    isis = OrganisationFactory()
    person = PersonFactory()
    source = SourceFactory(publisher=isis)
    place = PlaceFactory()
    for number in range(count):
        person.aliases.create(name=f"Alias {number}")
        isis.aliases.create(name=f"Name {number}")
        place.aliases.create(name=f"Spelling {number}")
        person.roles.create(organisation=isis, title=f"title {number}")
        target = TargetFactory(person=person, operation__place=place)
        CasualtyClaimFactory(operation=target.operation, source=source)
        models.Claim.objects.create(
            operation=target.operation,
            source=source,
            point="outcome",
            target=target,
            outcome="killed",
        )
    return {"person": person, "organisation": isis, "source": source, "place": place}[model]


@pytest.mark.parametrize("model", ["person", "organisation", "source", "place"])
@pytest.mark.parametrize("page", ["change", "history"])
def test_change_and_history_pages_cost_the_same_for_2_rows_as_for_20(staff_client, model, page):
    small, large = record_with_rows(model, 2), record_with_rows(model, 20)
    url = f"/admin/operations/{model}/{{}}/{page}/"
    queries_for(staff_client, url.format(small.pk))  # warms the per-process caches
    assert queries_for(staff_client, url.format(large.pk)) == queries_for(
        staff_client, url.format(small.pk)
    )


def test_an_operations_history_costs_the_same_with_30_claims_as_with_3(superuser, client):
    client.force_login(superuser)
    small, large = operation_with_claims(1), operation_with_claims(10)
    url = "/admin/operations/operation/{}/history/"
    queries_for(client, url.format(small.pk))
    assert queries_for(client, url.format(large.pk)) == queries_for(client, url.format(small.pk))
