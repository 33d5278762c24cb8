"""Casualty ranges, contested points and corrections, derived from the claims."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operations import models
from operations.dates import DatePrecision, from_local

from .factories import CasualtyClaimFactory, OperationFactory, SourceFactory, TargetFactory

pytestmark = pytest.mark.django_db

CIVILIANS_KILLED = models.Claim.Category.CIVILIANS_KILLED


def summary_of(operation):
    return models.Operation.objects.with_summary().get(pk=operation.pk).claims_summary


def count_claim(operation, low, high, **fields):
    return CasualtyClaimFactory(operation=operation, count_low=low, count_high=high, **fields)


def test_agreeing_claims_give_one_value_and_are_not_contested():
    operation = OperationFactory()
    count_claim(operation, 0, 0)
    count_claim(operation, 0, 0)
    civilians = summary_of(operation).casualties[CIVILIANS_KILLED]
    assert (civilians.low, civilians.high, civilians.range) == (0, 0, "0")
    assert not civilians.contested
    assert len(civilians.claims) == 2


def test_disagreeing_claims_give_a_range_and_are_contested():
    operation = OperationFactory()
    count_claim(operation, 0, 0)
    count_claim(operation, 1, 1)
    summary = summary_of(operation)
    civilians = summary.casualties[CIVILIANS_KILLED]
    assert civilians.range == "0–1"
    assert civilians.contested
    assert summary.contested
    assert summary.contested_points == [civilians]
    assert summary.civilian_harm


def test_an_open_range_stays_open_and_agrees_with_a_count_inside_it():
    operation = OperationFactory()
    count_claim(operation, 13, None)
    count_claim(operation, 15, 15)
    civilians = summary_of(operation).casualties[CIVILIANS_KILLED]
    assert civilians.range == "at least 13"
    assert (civilians.low, civilians.high) == (13, None)
    assert not civilians.contested


def test_an_open_range_above_a_closed_one_is_contested():
    operation = OperationFactory()
    count_claim(operation, 13, None)
    count_claim(operation, 2, 5)
    civilians = summary_of(operation).casualties[CIVILIANS_KILLED]
    assert civilians.range == "at least 2"
    assert civilians.contested


def test_overlapping_ranges_are_not_contested():
    operation = OperationFactory()
    count_claim(operation, 5, 10)
    count_claim(operation, 8, 12)
    civilians = summary_of(operation).casualties[CIVILIANS_KILLED]
    assert civilians.range == "5–12"
    assert not civilians.contested


def test_a_superseded_claim_is_left_out_of_the_range_but_still_listed():
    operation = OperationFactory()
    earlier = count_claim(operation, 3, 3)
    later = count_claim(operation, 2, 2, supersedes=earlier)
    civilians = summary_of(operation).casualties[CIVILIANS_KILLED]
    assert civilians.range == "2"
    assert not civilians.contested
    assert civilians.claims == [later]
    assert civilians.superseded == [earlier]
    assert civilians.changed
    assert summary_of(operation).corrections == [(earlier, later)]


def test_an_operation_without_claims_has_an_empty_summary():
    summary = summary_of(OperationFactory())
    assert summary.casualties == {}
    assert not summary.contested
    assert not summary.civilian_harm
    assert summary.sources == []


def test_no_civilians_harmed_is_not_civilian_harm():
    operation = OperationFactory()
    count_claim(operation, 0, 0)
    count_claim(operation, 0, 0, category=models.Claim.Category.CIVILIANS_WOUNDED)
    assert not summary_of(operation).civilian_harm


def test_categories_are_counted_apart():
    operation = OperationFactory()
    count_claim(operation, 2, 2, category=models.Claim.Category.COMBATANTS_KILLED)
    count_claim(operation, 0, 0)
    summary = summary_of(operation)
    assert summary.casualties[models.Claim.Category.COMBATANTS_KILLED].range == "2"
    assert summary.casualties[CIVILIANS_KILLED].range == "0"
    assert not summary.contested


def outcome_claim(target, outcome, **fields):
    return models.Claim.objects.create(
        operation=target.operation,
        source=SourceFactory(),
        point=models.Claim.Point.OUTCOME,
        target=target,
        outcome=outcome,
        **fields,
    )


def test_different_outcomes_for_one_target_are_contested():
    target = TargetFactory(outcome=models.Outcome.KILLED)
    outcome_claim(target, models.Outcome.KILLED)
    outcome_claim(target, models.Outcome.ESCAPED)
    outcome = summary_of(target.operation).outcomes[target.pk]
    assert outcome.contested
    assert outcome.outcomes == [models.Outcome.KILLED, models.Outcome.ESCAPED]


def test_a_correction_from_wounded_to_killed_is_history_not_dispute():
    target = TargetFactory(outcome=models.Outcome.KILLED)
    wounded = outcome_claim(target, models.Outcome.WOUNDED)
    killed = outcome_claim(target, models.Outcome.KILLED, supersedes=wounded)
    outcome = summary_of(target.operation).outcomes[target.pk]
    assert not outcome.contested
    assert outcome.claims == [killed]
    assert outcome.superseded == [wounded]


def time_claim(operation, local, precision):
    zone = "Asia/Damascus"
    return models.Claim.objects.create(
        operation=operation,
        source=SourceFactory(),
        point=models.Claim.Point.TIME,
        occurred_at=from_local(*local, zone=zone, precision=precision),
        date_precision=precision,
        local_time_zone=zone,
    )


def test_times_minutes_apart_are_contested():
    operation = OperationFactory()
    time_claim(operation, (2022, 10, 6, 18, 23), DatePrecision.MINUTE)
    time_claim(operation, (2022, 10, 6, 18, 32), DatePrecision.MINUTE)
    assert summary_of(operation).time.contested


def test_a_day_and_a_minute_within_it_agree():
    operation = OperationFactory()
    time_claim(operation, (2022, 10, 6), DatePrecision.DAY)
    time_claim(operation, (2022, 10, 6, 18, 23), DatePrecision.MINUTE)
    assert not summary_of(operation).time.contested


def test_different_places_are_contested():
    operation = OperationFactory()
    for place in (operation.place, models.Place.objects.create(name="Elsewhere", country="SY")):
        models.Claim.objects.create(
            operation=operation,
            source=SourceFactory(),
            point=models.Claim.Point.PLACE,
            place=place,
            location_precision=models.LocationPrecision.NEAR,
        )
    summary = summary_of(operation)
    assert summary.place.contested
    assert len(summary.place.claims) == 2


def make_operations(count):
    for number in range(count):
        operation = OperationFactory(occurred_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        target = TargetFactory(operation=operation)
        outcome_claim(target, models.Outcome.KILLED)
        count_claim(operation, number, number + 1)
        count_claim(operation, 0, None, category=models.Claim.Category.DETAINED)


def summaries_cost(limit):
    with CaptureQueriesContext(connection) as queries:
        for operation in models.Operation.objects.with_summary()[:limit]:
            summary = operation.claims_summary
            assert summary.casualties
            [point.contested for point in summary.points]
            [claim.statement for claim in summary.claims]
            [source.publisher for source in summary.sources]
            [target.name for target in operation.targets.all()]
            [force.organisation.name for force in operation.forces.all()]
            str(operation.place)
    return len(queries)


def test_summaries_cost_the_same_queries_for_100_operations_as_for_10():
    make_operations(100)
    assert summaries_cost(10) == summaries_cost(100) == 5


def test_readers_figures_leave_out_claims_from_draft_sources():
    operation = OperationFactory()
    count_claim(operation, 2, 2)
    count_claim(operation, 40, 40, source=SourceFactory(status=models.Status.DRAFT))
    public = models.Operation.objects.with_summary(public=True).get(pk=operation.pk)
    assert public.claims_summary.casualties[CIVILIANS_KILLED].range == "2"
    assert not public.claims_summary.contested
    assert summary_of(operation).casualties[CIVILIANS_KILLED].range == "2–40"
