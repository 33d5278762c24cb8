"""The database's answer to "contested?" is the summary's answer, on varied claims."""

import datetime as dt
import random

import pytest

from operations import models
from operations.dates import DatePrecision, from_local

from .factories import OperationFactory, OrganisationFactory, PlaceFactory, SourceFactory

pytestmark = pytest.mark.django_db

POINTS = list(models.Claim.Point.values)
PRECISIONS = list(DatePrecision.values)


def random_claim(rng, operation, targets, sources, places, forces, earlier):
    point = rng.choice(POINTS)
    fields = {"operation": operation, "source": rng.choice(sources), "point": point}
    if point == "outcome":
        fields |= {"target": rng.choice(targets), "outcome": rng.choice(models.Outcome.values)}
    elif point == "casualties":
        low = rng.choice([0, 0, 1, 2, 5, 13])
        high = rng.choice([low, low, low + 3, None, max(low - 1, 0)])
        fields |= {
            "category": rng.choice(["civilians_killed", "detained"]),
            "count_low": low,
            "count_high": high if high is None or high >= low else low,
        }
    elif point == "time":
        precision = rng.choice(PRECISIONS)
        fields |= {
            "occurred_at": from_local(
                2022,
                rng.choice([2, 3]),
                rng.choice([1, 6]),
                rng.choice([0, 18]),
                rng.choice([23, 32]),
                zone="Asia/Damascus",
                precision=precision,
            ),
            "date_precision": precision,
            "local_time_zone": "Asia/Damascus",
        }
    elif point == "place":
        fields |= {"place": rng.choice(places), "location_precision": "near"}
    elif point == "kind":
        fields |= {"kind": rng.choice(["airstrike", "drone_strike"])}
    same_point = [c for c in earlier if c.point_key == models.Claim(**fields).point_key]
    if same_point and rng.random() < 0.3:
        fields["supersedes"] = rng.choice(same_point)
    claim = models.Claim.objects.create(**fields)
    if point == "forces":
        claim.claimed_forces.set(rng.sample(forces, rng.choice([0, 1, 1, 2])))
    return claim


@pytest.mark.parametrize("seed", range(8))
def test_sql_and_summary_agree_on_which_operations_are_contested(seed):
    rng = random.Random(seed)
    sources = [SourceFactory(), SourceFactory(), SourceFactory(status=models.Status.DRAFT)]
    places = [PlaceFactory(), PlaceFactory()]
    forces = [OrganisationFactory(), OrganisationFactory()]
    for _ in range(40):
        operation = OperationFactory(occurred_at=dt.datetime(2022, 1, 1, tzinfo=dt.UTC))
        targets = [
            operation.targets.create(description="a driver"),
            operation.targets.create(description="a guard"),
        ]
        claims = []
        for _ in range(rng.randint(0, 5)):
            claims.append(random_claim(rng, operation, targets, sources, places, forces, claims))

    for public in (False, True):
        in_python = {
            operation.pk
            for operation in models.Operation.objects.with_summary(public=public)
            if operation.claims_summary.contested
        }
        in_sql = set(
            models.Operation.objects.contested(public=public).values_list("pk", flat=True)
        )
        assert in_sql == in_python
        assert 0 < len(in_sql) < 40


def test_the_admin_filters_operations_by_contested(analyst_client, demo):
    response = analyst_client.get("/admin/operations/operation/", {"contested": "yes"})
    assert [o.title for o in response.context["cl"].result_list] == [
        "US helicopter raid near Qamishli kills an ISIS weapons smuggler"
    ]
    response = analyst_client.get("/admin/operations/operation/", {"contested": "no"})
    assert len(response.context["cl"].result_list) == 5
