"""Schemathesis against the live schema: every operation answers as the schema says.

The schema is fetched from `/api/schema/` on pytest-django's live server, so
the documents a client reads are the ones tested. Reads go anonymously (what
the public sees), writes with an analyst's token. Every response must be a
documented status with a documented content type and a body that matches its
schema, and no request may cause a 5xx.
"""

import pytest
import schemathesis
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.throttling import AnonRateThrottle

from operations import models

from .factories import (
    CasualtyClaimFactory,
    OperationFactory,
    OrganisationFactory,
    PersonFactory,
    PlaceFactory,
    SourceFactory,
)

WRITES = {"POST", "PUT", "PATCH", "DELETE"}

# schemathesis.toml's format; the base URL is the live server's, set in the fixture.
CONFIG = """
[generation]
# Reads are anonymous: no made-up token or session cookie either.
with-security-parameters = false

# Every built-in check runs, but for one that tests a promise the API does not make:
# "any request the schema allows is accepted (2xx)". The schema gives a request's shape;
# whether the ids in it exist, or a record passes the model's validation, it cannot say.
# Those requests are answered 400 with the field errors, and 400 is documented.
[checks.positive_data_acceptance]
enabled = false

# A body past the size limit (a fuzzed text of a megabyte) is refused before it is read:
# 413, documented, is a rejection as good as 400. The rest is schemathesis's own list.
[checks.negative_data_rejection]
expected-statuses = [
    "400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx",
]

# The coverage phase sends every type error, boundary and enum value of every field, in
# each of the three body encodings: over 7,000 requests for the writes (minutes). Reads
# and deletes keep it; the writes are fuzzed (random valid and invalid bodies) instead.
[[operations]]
include-method = ["POST", "PUT", "PATCH"]
phases.coverage.enabled = false
"""

DRAFT = models.Status.DRAFT


def seed():
    """The demo records (published) and some drafts, which no account has written."""
    call_command("loaddemo", verbosity=0)
    place = PlaceFactory(status=DRAFT)
    organisation = OrganisationFactory(status=DRAFT)
    PersonFactory(status=DRAFT)
    source = SourceFactory(status=DRAFT)
    operation = OperationFactory(status=DRAFT, place=place)
    models.OperationForce.objects.create(operation=operation, organisation=organisation)
    CasualtyClaimFactory(operation=operation, source=source)
    CasualtyClaimFactory(operation=operation, source=models.Source.objects.published().first())
    OperationFactory(place=place, deleted_at=timezone.now())  # soft-deleted: nobody's


def existing_ids():
    """The ids of every record, by the API's name for the resource."""
    querysets = {
        "operations": models.Operation.objects.all(),
        "persons": models.Person.objects.all(),
        "organisations": models.Organisation.objects.all(),
        "places": models.Place.objects.all(),
        "sources": models.Source.objects.all(),
        "claims": models.Claim.objects.all(),
    }
    return {
        name: sorted(records.values_list("pk", flat=True)) for name, records in querysets.items()
    }


@pytest.fixture
def analyst_token(django_user_model):
    from operations.groups import setup_groups

    groups = setup_groups()
    user = django_user_model.objects.create_user(
        "schemathesis-analyst", password="a-long-test-password", is_staff=True
    )
    user.groups.add(groups["Analyst"])
    return Token.objects.create(user=user).key


@pytest.fixture
def live_schema(live_server, analyst_token, monkeypatch):
    # Anonymous reads stay throttled, at a rate this run never reaches. The throttle
    # reads its rates when DRF is imported, so the class is patched, not the settings.
    monkeypatch.setattr(AnonRateThrottle, "rate", "1000000/minute", raising=False)
    seed()
    ids = existing_ids()

    config = schemathesis.Config.from_str(f'base-url = "{live_server.url}"\n{CONFIG}')
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/", config=config)

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        """A detail path names an existing record as often as a drawn id."""
        resource = context.operation.path.split("/")[3]
        drawn = (path_parameters or {}).get("id")
        if not ids.get(resource) or not isinstance(drawn, int) or isinstance(drawn, bool):
            return st.just(path_parameters)
        existing = st.sampled_from(ids[resource]).map(lambda pk: {**path_parameters, "id": pk})
        return st.one_of(st.just(path_parameters), existing)

    return schema


@pytest.fixture(autouse=True)
def node_id_for_schemathesis(request):
    """schemathesis 4.32's `from_fixture` reads (and renames) `Node._nodeid`, which pytest 9.2
    no longer has (it keeps the id in `Node._id`): give it the attribute it expects."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("live_schema")


@pytest.mark.django_db(transaction=True)
@settings(
    max_examples=20,
    deadline=None,
    # Each example is an HTTP request with a body of nested rows: slow and large by
    # Hypothesis's measure, which is what this test is.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
@schema.parametrize()
def test_every_operation_answers_as_documented(case, analyst_token):
    headers = {"Authorization": f"Token {analyst_token}"} if case.method.upper() in WRITES else {}
    case.call_and_validate(headers=headers)
