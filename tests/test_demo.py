"""`loaddemo` loads the worked example of DESIGN.md, once however often it runs."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command

from operations import models

from .factories import OperationFactory, TargetFactory

pytestmark = pytest.mark.django_db


def record_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_app_config("operations").get_models()
    }


@pytest.fixture
def demo():
    call_command("loaddemo", verbosity=0)


def test_loading_twice_changes_nothing(demo):
    first = record_counts()
    call_command("loaddemo", verbosity=0)
    assert record_counts() == first
    assert first["operations.Operation"] == 6


def test_if_empty_leaves_a_database_with_operations_alone(demo):
    models.Operation.objects.filter(kind=models.OperationKind.CAPTURE).delete()
    before = record_counts()
    call_command("loaddemo", "--if-empty", verbosity=0)
    assert record_counts() == before


def test_every_demo_record_is_valid_and_published(demo):
    for model in apps.get_app_config("operations").get_models():
        if model._meta.label.startswith("operations.Historical"):
            continue
        for record in model.objects.all():
            record.full_clean()
            if hasattr(record, "status"):
                assert record.is_published, record


def test_the_helicopter_raid_is_contested_on_civilians_killed(demo):
    raid = models.Operation.objects.with_summary().get(
        kind=models.OperationKind.HELICOPTER_RAID, place__name="Qamishli"
    )
    summary = raid.claims_summary
    civilians = summary.casualties[models.Claim.Category.CIVILIANS_KILLED]
    assert civilians.contested
    assert civilians.range == "0–1"
    assert {claim.source.publisher.name for claim in civilians.claims} == {
        "US Central Command",
        "Syrian state television",
    }
    assert summary.casualties[models.Claim.Category.DETAINED].range == "at least 2"
    assert raid.where == "near Qamishli"
    assert raid.is_unilateral


def test_the_airstrike_shows_its_local_minute_and_utc(demo):
    airstrike = models.Operation.objects.get(kind=models.OperationKind.AIRSTRIKE)
    assert airstrike.when == "6 Oct 2022, 18:23 local time (15:23 UTC)"
    summary = airstrike.claims_summary
    assert not summary.civilian_harm
    assert {outcome.target.name for outcome in summary.outcomes.values()} == {
        "Abu 'Ala",
        "Abu Mu'ad al-Qahtani",
    }


def test_the_baghdadi_raid_keeps_the_corrected_count_of_children(demo):
    raid = models.Operation.objects.get(place__name="Barisha")
    civilians = raid.claims_summary.casualties[models.Claim.Category.CIVILIANS_KILLED]
    assert civilians.range == "2"
    assert [claim.count_low for claim in civilians.superseded] == [3]
    assert not civilians.contested


def test_isis_leadership_over_time_answers_who_led_in_march_2022(demo):
    isis = models.Organisation.objects.get(name="Islamic State (ISIS)")
    leaders = [
        role.person.name
        for role in isis.roles.filter(title="leader").select_related("person")
        if role.held_on(dt.date(2022, 3, 15))
    ]
    assert leaders == ["Abu al-Hasan al-Hashimi al-Qurashi"]


def test_a_persons_last_known_outcome_is_the_latest_published_report(demo):
    person = models.Person.objects.get(name="Abu Bakr al-Baghdadi")
    assert person.last_known_outcome.outcome == models.Outcome.DIED_BY_OWN_HAND
    later = OperationFactory(occurred_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    TargetFactory(operation=later, person=person, outcome=models.Outcome.ESCAPED)
    unpublished = OperationFactory(
        occurred_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC), status=models.Status.DRAFT
    )
    TargetFactory(operation=unpublished, person=person, outcome=models.Outcome.WOUNDED)
    person = models.Person.objects.prefetch_related("targets__operation").get(pk=person.pk)
    # A death outranks a later, mistaken report; drafts are not reports yet.
    assert person.last_known_outcome.outcome == models.Outcome.DIED_BY_OWN_HAND

    survivor = models.Person.objects.get(name="Hani Ahmed al-Kurdi")
    latest = OperationFactory(occurred_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    TargetFactory(operation=latest, person=survivor, outcome=models.Outcome.ESCAPED)
    survivor = models.Person.objects.prefetch_related("targets__operation").get(pk=survivor.pk)
    assert survivor.last_known_outcome.operation == latest
