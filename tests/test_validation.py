"""Bad input is refused with a clear message, by the model and by the database."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from operations import dates, models
from operations.dates import DatePrecision

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


def refused(instance):
    """The messages that full_clean() gives, field by field."""
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    return excinfo.value.message_dict


def refused_by_database(instance):
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()
    return type(instance).objects.count()


def casualty_claim(**fields):
    operation = OperationFactory()
    return models.Claim(
        operation=operation,
        source=SourceFactory(),
        point=models.Claim.Point.CASUALTIES,
        category=models.Claim.Category.CIVILIANS_KILLED,
        **fields,
    )


def test_a_low_above_the_high_is_refused():
    claim = casualty_claim(count_low=5, count_high=2)
    assert "below the low" in refused(claim)["count_high"][0]
    assert refused_by_database(claim) == 0


def test_a_negative_count_is_refused():
    claim = casualty_claim(count_low=-1)
    assert "greater than or equal to 0" in refused(claim)["count_low"][0]
    assert refused_by_database(claim) == 0


def test_an_open_high_is_accepted():
    claim = casualty_claim(count_low=13, count_high=None)
    claim.full_clean()
    claim.save()
    assert claim.count_range == "at least 13"


def test_a_count_needs_a_low():
    claim = casualty_claim(count_low=None, count_high=None)
    assert "needs this field" in refused(claim)["count_low"][0]
    assert refused_by_database(claim) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("latitude", "825"), ("latitude", "-90.5"), ("longitude", "180.1"), ("longitude", "-181")],
)
def test_coordinates_out_of_range_are_refused(field, value):
    place = PlaceFactory.build(**{field: value})
    limit = "less than or equal to" if value[0] != "-" else "greater than or equal to"
    assert limit in refused(place)[field][0]
    assert refused_by_database(place) == 0


def test_a_latitude_without_a_longitude_is_refused():
    place = PlaceFactory.build(longitude=None)
    assert "both latitude and longitude" in str(refused(place))
    assert refused_by_database(place) == 0


def test_an_unknown_country_code_is_refused():
    place = PlaceFactory.build(country="XX")
    assert refused(place)["country"] == ["XX is not an ISO 3166 alpha-2 country code."]
    assert refused_by_database(place) == 0


def test_a_lower_case_country_code_is_refused():
    assert "country" in refused(PlaceFactory.build(country="sy"))


def test_an_unknown_time_zone_is_refused():
    operation = OperationFactory.build(local_time_zone="Mars/Olympus", place=None)
    assert "IANA time zone" in refused(operation)["local_time_zone"][0]


def test_a_malformed_date_is_refused():
    operation = OperationFactory.build(occurred_at="yesterdayish", place=None)
    assert "occurred_at" in refused(operation)


def test_a_time_more_precise_than_its_precision_is_refused():
    operation = OperationFactory.build(
        place=None,
        occurred_at=dt.datetime(2022, 2, 15, tzinfo=dt.UTC),
        date_precision=DatePrecision.MONTH,
    )
    message = refused(operation)["occurred_at"][0]
    assert "more precise than month precision" in message


def test_a_month_is_accepted_as_its_first_local_instant():
    operation = OperationFactory.build(
        place=None,
        local_time_zone="Asia/Damascus",
        occurred_at=dt.datetime(2022, 1, 31, 22, 0, tzinfo=dt.UTC),
        date_precision=DatePrecision.MONTH,
    )
    operation.full_clean()
    operation.save()
    operation.refresh_from_db()
    assert operation.when == "Feb 2022"


@pytest.mark.parametrize("day", [dt.date(2022, 3, 25), dt.date(2021, 3, 26)])
def test_a_day_whose_midnight_the_clocks_skip_is_accepted(day):
    """Damascus moved its clocks forward at midnight: those days began at 01:00."""
    occurred_at = dates.from_local(
        day.year, day.month, day.day, zone="Asia/Damascus", precision=DatePrecision.DAY
    )
    operation = OperationFactory.build(
        place=None,
        local_time_zone="Asia/Damascus",
        occurred_at=occurred_at,
        date_precision=DatePrecision.DAY,
    )
    operation.full_clean()
    assert operation.local_date == day
    assert operation.when == f"{day.day} Mar {day.year}"


def test_a_time_without_a_utc_offset_is_refused():
    operation = OperationFactory.build(
        place=None, occurred_at=dt.datetime(2022, 10, 6, 15, 23), date_precision="minute"
    )
    assert "UTC offset" in refused(operation)["occurred_at"][0]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"description": "   "},
        {"person": "person", "organisation": "organisation"},
        {"person": "person", "description": "an associate"},
    ],
    ids=["nothing", "blank-description", "person-and-organisation", "person-and-description"],
)
def test_a_target_must_be_exactly_one_thing(fields):
    values = {
        "person": PersonFactory() if "person" in fields else None,
        "organisation": OrganisationFactory() if "organisation" in fields else None,
        "description": fields.get("description", ""),
    }
    target = models.Target(operation=OperationFactory(), **values)
    assert "exactly one of" in str(refused(target))
    if values["description"].strip() == "" and values["description"]:
        return  # whitespace passes the database check; the model refuses it
    assert refused_by_database(target) == 0


def test_a_role_that_ends_before_it_starts_is_refused():
    role = models.Role(
        person=PersonFactory(),
        organisation=OrganisationFactory(),
        title="leader",
        started_on=dt.date(2022, 3, 10),
        ended_on=dt.date(2022, 2, 1),
    )
    assert refused(role)["ended_on"] == ["A role cannot end before it starts."]
    assert refused_by_database(role) == 0


def test_a_role_date_more_precise_than_its_precision_is_refused():
    role = models.Role(
        person=PersonFactory(),
        organisation=OrganisationFactory(),
        title="leader",
        started_on=dt.date(2022, 3, 10),
        started_precision=DatePrecision.MONTH,
    )
    assert "more precise than its precision" in refused(role)["started_on"][0]


def test_a_claim_cannot_supersede_a_claim_about_another_operation():
    earlier = CasualtyClaimFactory()
    later = casualty_claim(count_low=1, count_high=1, supersedes=earlier)
    assert "same operation" in refused(later)["supersedes"][0]


def test_a_claim_cannot_supersede_a_claim_about_another_point():
    earlier = CasualtyClaimFactory()
    later = models.Claim(
        operation=earlier.operation,
        source=SourceFactory(),
        point=models.Claim.Point.CASUALTIES,
        category=models.Claim.Category.COMBATANTS_KILLED,
        count_low=2,
        count_high=2,
        supersedes=earlier,
    )
    assert "same point" in refused(later)["supersedes"][0]


def test_an_outcome_claim_cannot_supersede_one_about_another_target():
    operation = OperationFactory()
    first, second = TargetFactory(operation=operation), TargetFactory(operation=operation)
    source = SourceFactory()
    earlier = models.Claim.objects.create(
        operation=operation, source=source, point="outcome", target=first, outcome="wounded"
    )
    later = models.Claim(
        operation=operation,
        source=source,
        point="outcome",
        target=second,
        outcome="killed",
        supersedes=earlier,
    )
    assert "same point" in refused(later)["supersedes"][0]


def test_a_claim_about_a_target_of_another_operation_is_refused():
    claim = models.Claim(
        operation=OperationFactory(),
        source=SourceFactory(),
        point="outcome",
        target=TargetFactory(),
        outcome="killed",
    )
    assert refused(claim)["target"] == ["The target belongs to another operation."]


def test_a_claim_leaves_the_fields_of_other_points_empty():
    claim = casualty_claim(count_low=1, count_high=1, kind=models.OperationKind.AIRSTRIKE)
    assert "leaves this field empty" in refused(claim)["kind"][0]


def test_a_credibility_outside_1_to_6_is_refused():
    claim = casualty_claim(count_low=1, count_high=1, credibility=7)
    assert "credibility" in refused(claim)
    assert refused_by_database(claim) == 0


def test_a_reliability_outside_a_to_f_is_refused():
    source = SourceFactory.build(reliability="G")
    assert "reliability" in refused(source)
    assert refused_by_database(source) == 0


def test_a_duplicate_url_is_refused_after_normalisation():
    SourceFactory(url="https://example.com/a")
    duplicate = SourceFactory.build(url="https://www.Example.com/a/?utm_source=x#top")
    assert "A source with this URL already exists" in refused(duplicate)["__all__"][0]
    assert refused_by_database(duplicate) == 1


def test_sources_without_a_url_may_be_many():
    SourceFactory(url="")
    SourceFactory(url="")
    assert models.Source.objects.filter(url="").count() == 2


def test_a_person_cannot_be_linked_to_themself():
    person = PersonFactory()
    link = models.PossibleIdentity(person=person, other=person)
    assert "themself" in str(refused(link))
    assert refused_by_database(link) == 0


def test_a_possible_identity_is_stored_once_whichever_way_round():
    first, second = PersonFactory(), PersonFactory()
    models.PossibleIdentity.objects.create(person=second, other=first)
    reverse = models.PossibleIdentity(person=first, other=second)
    assert refused_by_database(reverse) == 1


def test_an_operation_cannot_be_related_to_itself():
    operation = OperationFactory()
    link = models.OperationLink(
        from_operation=operation, to_operation=operation, relation="followed"
    )
    assert "related to itself" in str(refused(link))
    assert refused_by_database(link) == 0


def test_an_organisation_cannot_be_its_own_ancestor():
    parent = OrganisationFactory()
    child = OrganisationFactory(parent=parent)
    parent.parent = child
    assert "own ancestor" in refused(parent)["parent"][0]


def test_an_unknown_kind_is_refused():
    operation = OperationFactory.build(kind="teleport", place=None)
    assert "kind" in refused(operation)
    assert refused_by_database(operation) == 0


@pytest.mark.parametrize(
    ("low", "high", "field"),
    [
        ("abc", 3, "count_low"),
        (1, "x", "count_high"),
        (1, -2, "count_high"),
        (10**7, None, "count_low"),
    ],
    ids=["text-low", "text-high", "negative-high", "huge-low"],
)
def test_bad_counts_are_refused_with_a_message_not_a_crash(low, high, field):
    claim = casualty_claim(count_low=low, count_high=high)
    assert field in refused(claim)


def test_a_quote_longer_than_1000_characters_is_refused():
    claim = casualty_claim(count_low=1, count_high=1, quote="x" * 1001)
    assert "at most 1000 characters" in refused(claim)["quote"][0]


@pytest.mark.parametrize("value", ["not a date", "2022-13-45"])
def test_a_malformed_role_date_is_refused_with_a_message(value):
    role = models.Role(
        person=PersonFactory(),
        organisation=OrganisationFactory(),
        title="leader",
        started_on=value,
        started_precision=DatePrecision.MONTH,
        ended_on=dt.date(2022, 1, 1),
    )
    assert "started_on" in refused(role)


def test_a_target_with_no_description_at_all_is_refused():
    target = models.Target(operation=OperationFactory(), description=None)
    assert "exactly one of" in str(refused(target))


def test_an_organisation_with_an_unknown_country_is_refused():
    organisation = OrganisationFactory.build(country="XX")
    assert refused(organisation)["country"] == ["XX is not an ISO 3166 alpha-2 country code."]
    assert refused_by_database(organisation) == 0


@pytest.mark.parametrize("language", ["EN", "xx", "english"])
def test_an_unknown_language_code_is_refused(language):
    assert "language" in refused(SourceFactory.build(language=language))


@pytest.mark.parametrize(
    "url", ["https://example.com:99999/a", "ftp://example.com/a", "http://[::1"]
)
def test_a_url_that_is_not_a_web_address_is_refused(url):
    assert "url" in refused(SourceFactory.build(url=url))


def test_a_cycle_of_parents_already_in_the_database_does_not_hang_validation():
    first, second = OrganisationFactory(), OrganisationFactory()
    first.parent, second.parent = second, first
    first.save()
    second.save()
    child = OrganisationFactory.build(parent=first)
    child.full_clean()
