"""The operations list's filters as a script uses them: each alone, together, on every format.

Every expectation is computed from the records the test itself creates with the
factories; the reader is anonymous (published, non-deleted operations only)
unless a test says otherwise.
"""

import base64
import csv
import datetime as dt
import io
import itertools
import json
import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

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

URL = "/api/v1/operations/"
DRAFT = models.Status.DRAFT
CIVILIANS_WOUNDED = models.Claim.Category.CIVILIANS_WOUNDED


def utc(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def listed(client, params=None):
    """The ids the JSON list gives for `params`, in order, from one page big enough."""
    response = client.get(URL, {**(params or {}), "page_size": 1000})
    assert response.status_code == 200, response.content
    data = response.json()
    ids = [item["id"] for item in data["results"]]
    assert data["count"] == len(ids), "the count must be that of the listed operations"
    assert data["next"] is None
    return ids


def matching(client, params=None):
    return set(listed(client, params))


def ids_of(*operations):
    return {operation.pk for operation in operations}


def force(operation, organisation, role=models.OperationForce.Role.LEAD):
    return models.OperationForce.objects.create(
        operation=operation, organisation=organisation, role=role
    )


def csv_ids(response):
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return [int(row["id"]) for row in csv.DictReader(io.StringIO(text))]


def geojson(response):
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


# --- a small world for the filters alone and together ---------------------------------


@pytest.fixture
def world(db):
    """Seven published operations, a draft and a deleted one, with what filters look at.

    `filters` maps a name to (params, keys of the operations expected): the
    expectation of each filter alone, read off the records made here.
    """
    centcom = OrganisationFactory(name="US Central Command")
    sdf = OrganisationFactory(name="Syrian Democratic Forces")
    cts = OrganisationFactory(name="Counter-Terrorism Service")
    isis = OrganisationFactory(name="Islamic State", kind=models.Organisation.Kind.ARMED_GROUP)
    models.OrganisationAlias.objects.create(organisation=isis, name="Daesh")

    atmeh = PlaceFactory(name="Atmeh", country="SY", latitude="36.32000", longitude="36.64000")
    jarablus = PlaceFactory(
        name="Jarablus", country="SY", latitude="36.82000", longitude="38.01000"
    )
    jindires = PlaceFactory(
        name="Jindires", country="SY", latitude="36.39000", longitude="36.69000"
    )
    qamishli = PlaceFactory(
        name="Qamishli", country="SY", latitude="37.05000", longitude="41.22000"
    )
    models.PlaceName.objects.create(place=qamishli, name="Qamişlo")
    mosul = PlaceFactory(name="Mosul", country="IQ", latitude="36.34000", longitude="43.13000")
    north_syria = PlaceFactory(
        name="northern Syria",
        country="SY",
        kind=models.Place.Kind.REGION,
        latitude=None,
        longitude=None,
    )

    qurayshi = PersonFactory(name="Abu Ibrahim al-Hashimi al-Qurayshi")
    ala = PersonFactory(name="Abu 'Ala")
    shammri = PersonFactory(name="Rakkan Wahid al-Shammri")
    agal = PersonFactory(name="Maher al-Agal")
    issawi = PersonFactory(name="Abu Yasir al-Issawi")
    kurdi = PersonFactory(name="Hani Ahmed al-Kurdi")
    models.PersonAlias.objects.create(person=kurdi, name="Salim", kind="nom_de_guerre")

    centcom_statement, news, state_tv = SourceFactory(), SourceFactory(), SourceFactory()
    ops = SimpleNamespace()

    def syrian(title, kind, occurred_at, place, **extra):
        return OperationFactory(
            title=title,
            kind=kind,
            occurred_at=occurred_at,
            date_precision="minute",
            local_time_zone="Asia/Damascus",
            place=place,
            **extra,
        )

    # 01:00 local on 3 Feb 2022 (Damascus was UTC+2 then).
    ops.atmeh = syrian("Raid on a house in Atmeh", "helicopter_raid", utc(2022, 2, 2, 23), atmeh)
    force(ops.atmeh, centcom)
    TargetFactory(operation=ops.atmeh, person=qurayshi, outcome="died_by_own_hand")
    CasualtyClaimFactory(operation=ops.atmeh, source=centcom_statement, count_low=6, count_high=6)
    CasualtyClaimFactory(operation=ops.atmeh, source=news, count_low=13, count_high=13)

    ops.ala = syrian("Strike near Jarablus", "airstrike", utc(2022, 10, 6, 15, 23), jarablus)
    force(ops.ala, centcom)
    TargetFactory(operation=ops.ala, person=ala, outcome="killed")
    CasualtyClaimFactory(operation=ops.ala, source=centcom_statement)
    CasualtyClaimFactory(operation=ops.ala, source=news)

    # 00:30 local on 6 Oct 2022 (UTC+3): the UTC date is the 5th.
    ops.qamishli = syrian("Helicopter raid", "helicopter_raid", utc(2022, 10, 5, 21, 30), qamishli)
    force(ops.qamishli, centcom)
    TargetFactory(operation=ops.qamishli, person=shammri, outcome="killed")
    TargetFactory(
        operation=ops.qamishli, person=None, description="an associate", outcome="wounded"
    )
    CasualtyClaimFactory(operation=ops.qamishli, source=centcom_statement)
    CasualtyClaimFactory(operation=ops.qamishli, source=state_tv, count_low=1, count_high=1)

    ops.agal = syrian("Drone strike on a motorbike", "drone_strike", utc(2022, 7, 12, 9), jindires)
    force(ops.agal, centcom)
    TargetFactory(operation=ops.agal, person=agal, outcome="killed")
    first = CasualtyClaimFactory(
        operation=ops.agal, source=news, category=CIVILIANS_WOUNDED, count_low=1, count_high=1
    )
    CasualtyClaimFactory(
        operation=ops.agal, source=news, category=CIVILIANS_WOUNDED, supersedes=first
    )

    ops.mosul = OperationFactory(
        title="Strike on a tunnel",
        summary="Iraqi jets, with coalition support, hit a hideout.",
        kind="airstrike",
        occurred_at=utc(2021, 3, 10, 18),
        date_precision="hour",
        local_time_zone="Asia/Baghdad",
        place=mosul,
    )
    force(ops.mosul, cts)
    force(ops.mosul, centcom, models.OperationForce.Role.SUPPORT)
    TargetFactory(operation=ops.mosul, person=None, organisation=isis, outcome="unknown")
    TargetFactory(operation=ops.mosul, person=issawi, outcome="killed")

    # Midnight local on 16 June 2022: 21:00 UTC on the 15th.
    ops.kurdi = syrian("Capture of a commander", "capture", utc(2022, 6, 15, 21), north_syria)
    ops.kurdi.date_precision = "day"
    ops.kurdi.save()
    force(ops.kurdi, centcom)
    force(ops.kurdi, sdf, models.OperationForce.Role.PARTNER)
    TargetFactory(operation=ops.kurdi, person=kurdi, outcome="captured")
    CasualtyClaimFactory(
        operation=ops.kurdi, source=news, category=CIVILIANS_WOUNDED, count_low=1, count_high=None
    )

    ops.attack = OperationFactory(
        title="Attack on a checkpoint",
        kind="other",
        occurred_at=utc(2023, 1, 1, 10),
        place=None,
    )
    force(ops.attack, isis)
    TargetFactory(operation=ops.attack, person=None, organisation=sdf, outcome="unharmed")

    # Invisible to anonymous readers, although they match most filters.
    hidden = []
    for status, deleted_at in ((DRAFT, None), (models.Status.PUBLISHED, timezone.now())):
        operation = syrian(
            "Raid on al-Qurayshi's hideout in Qamishli",
            "airstrike",
            utc(2022, 10, 6, 12),
            qamishli,
            status=status,
            summary="Daesh leader targeted.",
        )
        operation.deleted_at = deleted_at
        operation.save()
        force(operation, centcom)
        force(operation, sdf, models.OperationForce.Role.PARTNER)
        TargetFactory(operation=operation, person=qurayshi, outcome="killed")
        TargetFactory(operation=operation, person=None, organisation=isis, outcome="captured")
        TargetFactory(operation=operation, person=None, description="a guard", outcome="wounded")
        CasualtyClaimFactory(operation=operation, source=news, count_low=3, count_high=3)
        CasualtyClaimFactory(operation=operation, source=state_tv, count_low=0, count_high=0)
        hidden.append(operation)
    ops.draft, ops.deleted = hidden

    published = ["atmeh", "ala", "qamishli", "agal", "mosul", "kurdi", "attack"]
    filters = {
        "kind": ({"kind": "helicopter_raid"}, {"atmeh", "qamishli"}),
        "kinds": ({"kind": ["airstrike", "drone_strike"]}, {"ala", "agal", "mosul"}),
        "country": (
            {"country": "SY"},
            {"atmeh", "ala", "qamishli", "agal", "kurdi"},
        ),
        "country_iq": ({"country": "IQ"}, {"mosul"}),
        "date_after": (
            {"date_after": "2022-06-16"},
            {"kurdi", "agal", "qamishli", "ala", "attack"},
        ),
        "date_before": ({"date_before": "2022-06-16"}, {"atmeh", "mosul", "kurdi"}),
        "actor": (
            {"actor": centcom.pk},
            {"atmeh", "ala", "qamishli", "agal", "mosul", "kurdi"},
        ),
        "actor_sdf": ({"actor": sdf.pk}, {"kurdi"}),
        "organisation": ({"organisation": isis.pk}, {"mosul"}),
        "organisation_sdf": ({"organisation": sdf.pk}, {"attack"}),
        "person": ({"person": qurayshi.pk}, {"atmeh"}),
        "outcome": ({"outcome": "killed"}, {"ala", "qamishli", "agal", "mosul"}),
        "outcome_wounded": ({"outcome": "wounded"}, {"qamishli"}),
        "place": ({"place": qamishli.pk}, {"qamishli"}),
        "q": ({"q": "Qurashi"}, {"atmeh"}),
        "q_alias": ({"q": "Daesh"}, {"mosul", "attack"}),
        "q_title": ({"q": "raid"}, {"atmeh", "qamishli"}),
        "contested": ({"contested": "true"}, {"atmeh", "qamishli"}),
        "not_contested": (
            {"contested": "false"},
            {"ala", "agal", "mosul", "kurdi", "attack"},
        ),
        "civilian_harm": ({"civilian_harm": "true"}, {"atmeh", "qamishli", "kurdi"}),
        "no_civilian_harm": (
            {"civilian_harm": "false"},
            {"ala", "agal", "mosul", "attack"},
        ),
        "bbox": ({"bbox": "36,36,40,37.5"}, {"atmeh", "agal", "ala"}),
        "bbox_east": ({"bbox": "40,36,42,38"}, {"qamishli"}),
    }
    return SimpleNamespace(
        ops=ops,
        published=published,
        filters=filters,
        centcom=centcom,
        sdf=sdf,
        isis=isis,
        qurayshi=qurayshi,
        qamishli=qamishli,
    )


def expected_ids(world, keys):
    return {getattr(world.ops, key).pk for key in keys}


def combined(world, names):
    params, keys = {}, set(world.published)
    for name in names:
        more, expected = world.filters[name]
        params.update(more)
        keys &= expected
    return params, expected_ids(world, keys)


FILTER_NAMES = [
    "kind",
    "kinds",
    "country",
    "country_iq",
    "date_after",
    "date_before",
    "actor",
    "actor_sdf",
    "organisation",
    "organisation_sdf",
    "person",
    "outcome",
    "outcome_wounded",
    "place",
    "q",
    "q_alias",
    "q_title",
    "contested",
    "not_contested",
    "civilian_harm",
    "no_civilian_harm",
    "bbox",
    "bbox_east",
]
# The filters that the draft (and the deleted) operation of `world` match.
DRAFT_MATCHES = [
    "kinds",
    "country",
    "date_after",
    "actor",
    "actor_sdf",
    "organisation",
    "person",
    "outcome",
    "outcome_wounded",
    "place",
    "q",
    "q_alias",
    "q_title",
    "contested",
    "civilian_harm",
    "bbox_east",
]


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_each_filter_alone_gives_exactly_the_matching_published_operations(client, world, name):
    params, keys = world.filters[name]
    assert matching(client, params) == expected_ids(world, keys)


def test_with_no_filter_anonymous_readers_get_every_published_live_operation(client, world):
    assert matching(client) == expected_ids(world, world.published)


def test_every_pair_of_filters_gives_the_intersection_of_each_alone(client, world):
    # One value per parameter: a dict holds one value for each.
    names = [
        "kinds",
        "country",
        "date_after",
        "date_before",
        "actor",
        "organisation",
        "person",
        "outcome",
        "place",
        "q_alias",
        "contested",
        "no_civilian_harm",
        "bbox",
    ]
    failures = []
    for pair in itertools.combinations(names, 2):
        params, expected = combined(world, pair)
        got = matching(client, params)
        if got != expected:
            failures.append((pair, params, sorted(got), sorted(expected)))
    assert failures == []


@pytest.mark.parametrize(
    "names",
    [
        ("kinds", "country", "date_after", "date_before"),
        ("q_title", "contested"),
        ("q_alias", "not_contested"),
        ("actor", "outcome", "no_civilian_harm"),
        ("actor", "civilian_harm", "country", "bbox"),
        ("kind", "contested", "civilian_harm", "date_after", "q_title"),
    ],
    ids="+".join,
)
def test_several_filters_together_give_the_intersection(client, world, names):
    params, expected = combined(world, names)
    assert matching(client, params) == expected


def test_kind_country_and_a_date_range_select_the_operations_meeting_all_three(client, world):
    params = {
        "kind": ["airstrike", "drone_strike", "helicopter_raid"],
        "country": "SY",
        "date_after": "2022-07-12",
        "date_before": "2022-10-06",
    }
    assert matching(client, params) == ids_of(world.ops.agal, world.ops.qamishli, world.ops.ala)


def test_a_date_range_that_ends_before_it_starts_gives_nothing(client, world):
    assert listed(client, {"date_after": "2022-10-06", "date_before": "2022-10-05"}) == []


@pytest.mark.parametrize("name", DRAFT_MATCHES)
def test_a_draft_or_deleted_operation_matching_a_filter_is_neither_listed_nor_counted(
    client, world, name, analyst
):
    params, keys = world.filters[name]
    response = client.get(URL, {**params, "page_size": 1000})
    data = response.json()
    listed_ids = {item["id"] for item in data["results"]}
    assert not listed_ids & ids_of(world.ops.draft, world.ops.deleted)
    assert data["count"] == len(keys) == len(listed_ids)
    # The filter does match the draft: an analyst gets it (a deleted one is nobody's).
    analysts = Client()
    analysts.force_login(analyst)
    assert matching(analysts, params) == expected_ids(world, keys) | ids_of(world.ops.draft)


def test_analysts_see_the_draft_through_the_same_filters(client, world, analyst):
    client.force_login(analyst)
    params = {"person": world.qurayshi.pk, "kind": "airstrike", "contested": "true"}
    assert matching(client, params) == ids_of(world.ops.draft)


# --- each filter, on records made for it ----------------------------------------------


def test_kind_keeps_only_operations_of_that_kind(client):
    strike = OperationFactory(kind="airstrike")
    OperationFactory(kind="ground_raid")
    assert listed(client, {"kind": "airstrike"}) == [strike.pk]


def test_kind_repeated_keeps_operations_of_any_of_the_kinds(client):
    strike = OperationFactory(kind="airstrike")
    drone = OperationFactory(kind="drone_strike")
    capture = OperationFactory(kind="capture")
    assert matching(client, {"kind": ["airstrike", "drone_strike"]}) == ids_of(strike, drone)
    assert matching(client, {"kind": ["capture", "drone_strike"]}) == ids_of(capture, drone)


def test_country_is_the_iso_code_of_the_operations_place(client):
    syria = OperationFactory(place=PlaceFactory(country="SY"))
    iraq = OperationFactory(place=PlaceFactory(country="IQ"))
    OperationFactory(place=None)
    assert listed(client, {"country": "SY"}) == [syria.pk]
    assert listed(client, {"country": "IQ"}) == [iraq.pk]
    assert listed(client, {"country": "TR"}) == []


def test_date_after_and_date_before_include_the_days_they_name(client):
    days = {day: OperationFactory(occurred_at=utc(2022, 10, day)) for day in (5, 6, 7, 8)}
    assert matching(client, {"date_after": "2022-10-06"}) == ids_of(days[6], days[7], days[8])
    assert matching(client, {"date_before": "2022-10-07"}) == ids_of(days[5], days[6], days[7])
    assert listed(client, {"date_after": "2022-10-07", "date_before": "2022-10-07"}) == [
        days[7].pk
    ]


def test_date_filters_compare_the_local_date_where_it_happened_not_the_utc_date(client):
    # 00:30 on 7 Oct in Damascus (UTC+3) is 21:30 UTC on 6 Oct.
    damascus = OperationFactory(
        occurred_at=utc(2022, 10, 6, 21, 30),
        date_precision="minute",
        local_time_zone="Asia/Damascus",
    )
    # 22:00 on 6 Oct in New York (UTC-4) is 02:00 UTC on 7 Oct.
    new_york = OperationFactory(
        occurred_at=utc(2022, 10, 7, 2),
        date_precision="minute",
        local_time_zone="America/New_York",
    )
    assert listed(client, {"date_after": "2022-10-07"}) == [damascus.pk]
    assert listed(client, {"date_before": "2022-10-06"}) == [new_york.pk]
    assert listed(client, {"date_after": "2022-10-07", "date_before": "2022-10-07"}) == [
        damascus.pk
    ]
    assert listed(client, {"date_after": "2022-10-06", "date_before": "2022-10-06"}) == [
        new_york.pk
    ]


def test_actor_keeps_operations_the_organisation_conducted_in_any_role_once_each(client):
    us, partner, other = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    joint = OperationFactory()
    force(joint, us)
    force(joint, partner, models.OperationForce.Role.PARTNER)
    alone = OperationFactory()
    force(alone, partner, models.OperationForce.Role.SUPPORT)
    targeted = OperationFactory()
    force(targeted, other)
    TargetFactory(operation=targeted, person=None, organisation=partner)
    assert listed(client, {"actor": us.pk}) == [joint.pk]
    assert matching(client, {"actor": partner.pk}) == ids_of(joint, alone)


def test_organisation_keeps_operations_that_targeted_it_not_those_it_conducted(client):
    group, force_ = OrganisationFactory(), OrganisationFactory()
    targeted = OperationFactory()
    force(targeted, force_)
    TargetFactory(operation=targeted, person=None, organisation=group, outcome="unknown")
    TargetFactory(operation=targeted, person=None, organisation=group, outcome="wounded")
    conducted = OperationFactory()
    force(conducted, group)
    assert listed(client, {"organisation": group.pk}) == [targeted.pk]
    assert listed(client, {"organisation": force_.pk}) == []


# DESIGN: `organisation` means operations whose targets belonged to it.
def test_organisation_keeps_operations_whose_targeted_persons_belonged_to_it(client):
    isis = OrganisationFactory(name="Islamic State", kind="armed_group")
    deputy = PersonFactory(name="Abu 'Ala")
    models.Role.objects.create(
        person=deputy,
        organisation=isis,
        title="deputy leader in Syria",
        started_on=dt.date(2020, 1, 1),
    )
    strike = OperationFactory(occurred_at=utc(2022, 10, 6, 15))
    TargetFactory(operation=strike, person=deputy, outcome="killed")
    TargetFactory(operation=OperationFactory(), person=PersonFactory())
    assert listed(client, {"organisation": isis.pk}) == [strike.pk]


def test_person_keeps_operations_that_targeted_the_person_once_each(client):
    leader, other = PersonFactory(), PersonFactory()
    first, second = OperationFactory(), OperationFactory(occurred_at=utc(2022, 10, 7))
    TargetFactory(operation=first, person=leader, outcome="escaped")
    TargetFactory(operation=first, person=other)
    TargetFactory(operation=second, person=leader, outcome="killed")
    TargetFactory(operation=OperationFactory(), person=other)
    assert listed(client, {"person": leader.pk}) == [second.pk, first.pk]


def test_outcome_keeps_operations_with_a_target_of_that_outcome(client):
    mixed = OperationFactory()
    TargetFactory(operation=mixed, outcome="killed")
    TargetFactory(operation=mixed, outcome="captured")
    killed = OperationFactory()
    TargetFactory(operation=killed, outcome="killed")
    TargetFactory(operation=killed, outcome="killed")
    OperationFactory()
    assert matching(client, {"outcome": "killed"}) == ids_of(mixed, killed)
    assert listed(client, {"outcome": "captured"}) == [mixed.pk]
    assert listed(client, {"outcome": "died_by_own_hand"}) == []


def test_place_keeps_operations_at_that_place(client):
    village = PlaceFactory()
    here = OperationFactory(place=village)
    OperationFactory(place=PlaceFactory(latitude=village.latitude, longitude=village.longitude))
    OperationFactory(place=None)
    assert listed(client, {"place": village.pk}) == [here.pk]


def test_q_searches_titles_and_summaries_ignoring_case(client):
    titled = OperationFactory(title="Raid near Qamishli")
    summarised = OperationFactory(summary="A convoy was hit on the M4 HIGHWAY.")
    OperationFactory(title="Strike", summary="Nothing to see.")
    assert listed(client, {"q": "qamishli"}) == [titled.pk]
    assert listed(client, {"q": "m4 highway"}) == [summarised.pk]


def test_q_folds_transliterations_of_a_targeted_persons_name(client):
    leader = PersonFactory(name="Abu Ibrahim al-Hashimi al-Qurayshi")
    raid = OperationFactory(title="Raid in Atmeh")
    TargetFactory(operation=raid, person=leader, outcome="died_by_own_hand")
    TargetFactory(operation=OperationFactory(), person=PersonFactory(name="Abu Mu'ad al-Qahtani"))
    for query in ("Qurashi", "al-Qurayshi", "QURAISHI", "Hashimi Qurashi"):
        assert listed(client, {"q": query}) == [raid.pk], query


def test_q_finds_a_targeted_person_by_any_alias(client):
    person = PersonFactory(name="Hani Ahmed al-Kurdi")
    models.PersonAlias.objects.create(person=person, name="Salim", kind="nom_de_guerre")
    capture = OperationFactory(kind="capture")
    TargetFactory(operation=capture, person=person, outcome="captured")
    OperationFactory()
    assert listed(client, {"q": "Salim"}) == [capture.pk]


def test_q_finds_an_operation_by_an_alias_of_its_place(client):
    town = PlaceFactory(name="Tell Abyad")
    models.PlaceName.objects.create(place=town, name="Girê Spî", language="ku")
    there = OperationFactory(place=town)
    OperationFactory()
    assert listed(client, {"q": "Gire Spi"}) == [there.pk]
    assert listed(client, {"q": "Tal Abyad"}) == [there.pk]


def test_q_finds_an_organisation_by_alias_as_target_and_as_conducting_force(client):
    isis = OrganisationFactory(name="Islamic State", kind="armed_group")
    models.OrganisationAlias.objects.create(organisation=isis, name="Daesh")
    targeted = OperationFactory()
    TargetFactory(operation=targeted, person=None, organisation=isis, outcome="unknown")
    conducted = OperationFactory(kind="other")
    force(conducted, isis)
    OperationFactory()
    assert matching(client, {"q": "Daesh"}) == ids_of(targeted, conducted)
    assert matching(client, {"q": "daesh"}) == ids_of(targeted, conducted)


def test_q_finds_an_operation_by_the_name_of_its_conducting_force(client):
    centcom = OrganisationFactory(name="US Central Command")
    models.OrganisationAlias.objects.create(organisation=centcom, name="CENTCOM")
    strike = OperationFactory()
    force(strike, centcom)
    OperationFactory()
    assert listed(client, {"q": "centcom"}) == [strike.pk]
    assert listed(client, {"q": "Central Command"}) == [strike.pk]


def test_q_that_matches_nothing_gives_an_empty_list(client):
    OperationFactory(title="Raid")
    assert listed(client, {"q": "Zanzibar"}) == []


@pytest.mark.parametrize("query", ["%", "_", "\\"])
def test_q_wildcard_characters_are_taken_literally(client, query):
    OperationFactory(title="Raid")
    OperationFactory(title="Strike")
    literal = OperationFactory(title=f"Raid {query} strike")
    assert listed(client, {"q": query}) == [literal.pk]


def test_contested_true_gives_operations_whose_sources_disagree_and_false_the_rest(client):
    disputed = OperationFactory()
    CasualtyClaimFactory(operation=disputed, count_low=0, count_high=0)
    CasualtyClaimFactory(operation=disputed, count_low=1, count_high=1)
    agreed = OperationFactory()
    CasualtyClaimFactory(operation=agreed, count_low=0, count_high=0)
    CasualtyClaimFactory(operation=agreed, count_low=0, count_high=0)
    overlapping = OperationFactory()  # "at least 1" and "2–5" can both be true.
    CasualtyClaimFactory(operation=overlapping, count_low=1, count_high=None)
    CasualtyClaimFactory(operation=overlapping, count_low=2, count_high=5)
    unclaimed = OperationFactory()
    assert listed(client, {"contested": "true"}) == [disputed.pk]
    assert matching(client, {"contested": "false"}) == ids_of(agreed, overlapping, unclaimed)


def test_contested_ignores_a_claim_that_a_later_one_corrected(client):
    corrected = OperationFactory()
    wrong = CasualtyClaimFactory(operation=corrected, count_low=1, count_high=1)
    CasualtyClaimFactory(operation=corrected, count_low=0, count_high=0, supersedes=wrong)
    CasualtyClaimFactory(operation=corrected, count_low=0, count_high=0)
    assert listed(client, {"contested": "true"}) == []
    assert listed(client, {"contested": "false"}) == [corrected.pk]


def test_contested_covers_disagreeing_outcome_claims(client):
    operation = OperationFactory()
    target = TargetFactory(operation=operation, outcome="killed")
    for outcome in ("killed", "wounded"):
        models.Claim.objects.create(
            operation=operation,
            source=SourceFactory(),
            point=models.Claim.Point.OUTCOME,
            target=target,
            outcome=outcome,
        )
    OperationFactory()
    assert listed(client, {"contested": "true"}) == [operation.pk]


def test_civilian_harm_true_gives_operations_with_a_current_claim_of_civilians_hurt(client):
    killed = OperationFactory()
    CasualtyClaimFactory(operation=killed, count_low=1, count_high=1)
    wounded = OperationFactory()
    CasualtyClaimFactory(
        operation=wounded, category=CIVILIANS_WOUNDED, count_low=2, count_high=None
    )
    none_reported = OperationFactory()
    CasualtyClaimFactory(operation=none_reported, count_low=0, count_high=0)
    combatants = OperationFactory()
    CasualtyClaimFactory(
        operation=combatants, category="combatants_killed", count_low=4, count_high=4
    )
    unclaimed = OperationFactory()
    assert matching(client, {"civilian_harm": "true"}) == ids_of(killed, wounded)
    assert matching(client, {"civilian_harm": "false"}) == ids_of(
        none_reported, combatants, unclaimed
    )


def test_a_superseded_claim_of_civilian_deaths_is_not_civilian_harm(client):
    operation = OperationFactory()
    wrong = CasualtyClaimFactory(operation=operation, count_low=1, count_high=1)
    CasualtyClaimFactory(operation=operation, count_low=0, count_high=0, supersedes=wrong)
    assert listed(client, {"civilian_harm": "true"}) == []
    assert listed(client, {"civilian_harm": "false"}) == [operation.pk]


def test_a_correction_that_reports_civilian_deaths_is_civilian_harm(client):
    operation = OperationFactory()
    first = CasualtyClaimFactory(operation=operation, count_low=0, count_high=0)
    CasualtyClaimFactory(operation=operation, count_low=2, count_high=2, supersedes=first)
    assert listed(client, {"civilian_harm": "true"}) == [operation.pk]


def test_bbox_keeps_operations_whose_place_lies_inside_borders_included(client):
    def at(lon, lat):
        return OperationFactory(place=PlaceFactory(longitude=lon, latitude=lat))

    inside = at("38.90000", "36.40000")
    on_corner = at("36.10000", "35.20000")
    on_edge = at("42.30000", "37.00000")
    east = at("43.13000", "36.34000")
    south = at("38.90000", "33.50000")
    west_hemisphere = at("-38.90000", "36.40000")
    OperationFactory(place=PlaceFactory(latitude=None, longitude=None))
    OperationFactory(place=None)
    assert matching(client, {"bbox": "36.1,35.2,42.3,37"}) == ids_of(inside, on_corner, on_edge)
    assert matching(client, {"bbox": "-180,-90,180,90"}) == ids_of(
        inside, on_corner, on_edge, east, south, west_hemisphere
    )
    assert listed(client, {"bbox": "-40,36,-38,37"}) == [west_hemisphere.pk]
    assert listed(client, {"bbox": "0,0,1,1"}) == []


def test_updated_after_keeps_operations_changed_since_then(client):
    old, new = OperationFactory(), OperationFactory()
    models.Operation.objects.filter(pk=old.pk).update(updated_at=utc(2024, 1, 1))
    models.Operation.objects.filter(pk=new.pk).update(updated_at=utc(2024, 3, 1))
    assert listed(client, {"updated_after": "2024-02-01T00:00:00Z"}) == [new.pk]
    assert matching(client, {"updated_after": "2023-12-31T23:00:00Z"}) == ids_of(old, new)


def test_status_draft_gives_anonymous_readers_nothing(client):
    OperationFactory(status=DRAFT)
    published = OperationFactory()
    assert listed(client, {"status": "draft"}) == []
    assert listed(client, {"status": "published"}) == [published.pk]


# --- ordering ---------------------------------------------------------------------------


@pytest.fixture
def timeline(db):
    """Operations at three moments, several at the same instant, made out of order."""
    moments = [utc(2022, 10, 6, 15), utc(2021, 1, 1), utc(2022, 10, 6, 15), utc(2023, 5, 1)]
    moments += [utc(2022, 10, 6, 15)] * 4 + [utc(2021, 1, 1)] * 3
    return [OperationFactory(occurred_at=moment) for moment in moments]


def newest_first(operations):
    return [
        op.pk for op in sorted(operations, key=lambda op: (op.occurred_at, op.pk), reverse=True)
    ]


def oldest_first(operations):
    return [op.pk for op in sorted(operations, key=lambda op: (op.occurred_at, op.pk))]


def test_the_list_is_newest_first_by_default(client, timeline):
    assert listed(client) == newest_first(timeline)


@pytest.mark.parametrize("ordering", ["date", "-date"])
def test_ordering_date_gives_oldest_first_and_minus_date_newest_first(client, timeline, ordering):
    expected = oldest_first(timeline) if ordering == "date" else newest_first(timeline)
    assert listed(client, {"ordering": ordering}) == expected


# --- pagination ---------------------------------------------------------------------------


def walk(client, params, follow="next", start=URL):
    """Every page of the list from `start`, following `follow` links; the pages' ids."""
    response = client.get(start, params)
    pages, counts = [], set()
    for _ in range(100):
        assert response.status_code == 200, response.content
        data = response.json()
        pages.append([item["id"] for item in data["results"]])
        counts.add(data["count"])
        if data[follow] is None:
            return pages, counts, data
        response = client.get(data[follow])
    raise AssertionError("the links go round in circles")


@pytest.mark.parametrize("page_size", [2, 3])
@pytest.mark.parametrize("ordering", [None, "date", "-date"])
def test_small_pages_walk_every_operation_once_following_next_even_with_ties(
    client, timeline, ordering, page_size
):
    params = {"page_size": page_size} | ({"ordering": ordering} if ordering else {})
    pages, counts, _ = walk(client, params)
    expected = oldest_first(timeline) if ordering == "date" else newest_first(timeline)
    assert [pk for page in pages for pk in page] == expected
    assert all(len(page) == page_size for page in pages[:-1])
    assert counts == {len(timeline)}


# Walking back over ties (DRF's own cursor skipped records: encode/django-rest-framework#7709).
@pytest.mark.parametrize("ordering", ["date", "-date"])
def test_page_size_2_walks_back_over_ties_following_previous(client, timeline, ordering):
    forward, _, last = walk(client, {"page_size": 2, "ordering": ordering})
    assert last["previous"] is not None
    backward, _, _ = walk(client, {}, follow="previous", start=last["previous"])
    assert backward == forward[-2::-1]


def test_next_links_keep_the_filters_and_the_count(client, timeline):
    for operation in timeline[::2]:
        operation.kind = "drone_strike"
        operation.save()
    kept = list(timeline[::2])
    pages, counts, _ = walk(client, {"kind": "drone_strike", "page_size": 2, "ordering": "date"})
    assert [pk for page in pages for pk in page] == oldest_first(kept)
    assert counts == {len(kept)}


def test_walking_filtered_pages_over_a_joined_filter_repeats_nothing(client):
    us, ally = OrganisationFactory(), OrganisationFactory()
    operations = [OperationFactory(occurred_at=utc(2022, 10, 6)) for _ in range(5)]
    for operation in operations:
        force(operation, us)
        force(operation, ally, models.OperationForce.Role.PARTNER)
        TargetFactory(operation=operation, outcome="killed")
        TargetFactory(operation=operation, outcome="killed")
    pages, counts, _ = walk(client, {"actor": us.pk, "outcome": "killed", "page_size": 2})
    assert [pk for page in pages for pk in page] == newest_first(operations)
    assert counts == {5}


# --- the exports ---------------------------------------------------------------------------


EXPORT_CASES = [
    (),
    ("kind",),
    ("kinds", "country"),
    ("date_after", "actor"),
    ("q_alias",),
    ("contested", "bbox"),
    ("civilian_harm",),
    ("person",),
    ("outcome", "no_civilian_harm"),
]


@pytest.mark.parametrize("names", EXPORT_CASES, ids=lambda names: "+".join(names) or "all")
def test_the_csv_export_gives_the_operations_of_the_json_list(client, world, names):
    params, expected = combined(world, names)
    ids = listed(client, params)
    assert set(ids) == expected
    assert csv_ids(client.get(URL, {**params, "format": "csv"})) == ids


@pytest.mark.parametrize("names", EXPORT_CASES, ids=lambda names: "+".join(names) or "all")
def test_the_geojson_export_gives_the_operations_of_the_json_list(client, world, names):
    params, expected = combined(world, names)
    ids = listed(client, params)
    data = geojson(client.get(URL, {**params, "format": "geojson"}))
    mapped = [feature["id"] for feature in data["features"]]
    # Operations without coordinates are counted, not drawn.
    located = [pk for pk in ids if pk not in ids_of(world.ops.kurdi, world.ops.attack)]
    assert mapped == located
    assert data["without_coordinates"] == len(ids) - len(located)


# Exports break ties by id, as the JSON list does.
@pytest.mark.parametrize("ordering", [None, "date", "-date"])
@pytest.mark.parametrize("export", ["csv", "geojson"])
def test_exports_list_in_the_order_of_the_json_list_ties_included(
    client, timeline, ordering, export
):
    params = {"ordering": ordering} if ordering else {}
    response = client.get(URL, {**params, "format": export})
    if export == "csv":
        exported = csv_ids(response)
    else:
        exported = [feature["id"] for feature in geojson(response)["features"]]
    expected = oldest_first(timeline) if ordering == "date" else newest_first(timeline)
    assert listed(client, params) == expected
    assert exported == expected


@pytest.mark.parametrize("paging", [{"page_size": 2}, {"cursor": "xyz"}])
@pytest.mark.parametrize("export", ["csv", "geojson"])
def test_an_export_refuses_paging_parameters(client, paging, export):
    response = client.get(URL, {**paging, "format": export})
    assert response.status_code == 400
    (name,) = paging
    assert "An export gives every matching record" in response.json()[name][0]


# --- bad values ----------------------------------------------------------------------------


BAD_VALUES = [
    ("date_after", "yesterdayish"),
    ("date_after", "06/10/2022"),
    ("date_before", "2022-02-30"),
    ("bbox", "1,2,3"),
    ("bbox", "200,0,10,10"),
    ("bbox", "0,-95,10,10"),
    ("bbox", "10,10,0,0"),
    ("bbox", "a,b,c,d"),
    ("bbox", "nan,0,1,1"),
    ("bbox", "0,0,inf,1"),
    ("kind", "teleport"),
    ("country", "XX"),
    ("contested", "maybe"),
    ("civilian_harm", "maybe"),
    ("actor", "abc"),
    ("actor", "999999"),
    ("actor", str(10**25)),
    ("actor", "-1"),
    ("actor", "1.5"),
    ("organisation", "999999"),
    ("person", "999999"),
    ("place", "abc"),
    ("outcome", "vanished"),
    ("ordering", "title"),
    ("page_size", "0"),
    ("page_size", "abc"),
    ("page_size", "-2"),
    ("updated_after", "soon"),
]


# An export has no pages: page_size means nothing there.
BAD_REQUESTS = [(parameter, value, None) for parameter, value in BAD_VALUES] + [
    (parameter, value, export)
    for parameter, value in BAD_VALUES
    if parameter != "page_size"
    for export in ("csv", "geojson")
]


@pytest.mark.parametrize(("parameter", "value", "export"), BAD_REQUESTS)
def test_a_bad_value_is_a_json_400_naming_its_parameter(client, parameter, value, export):
    OperationFactory()
    params = {parameter: value} | ({"format": export} if export else {})
    response = client.get(URL, params)
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert isinstance(data, dict) and list(data) == [parameter]
    messages = data[parameter]
    assert isinstance(messages, list) and messages and all(messages)


def test_a_bad_value_among_good_ones_names_only_the_bad_parameter(client):
    OperationFactory()
    response = client.get(URL, {"kind": "airstrike", "country": "XX", "date_after": "2022-01-01"})
    assert response.status_code == 400
    assert list(response.json()) == ["country"]


def test_two_bad_values_are_both_named(client):
    response = client.get(URL, {"kind": "teleport", "bbox": "1,2,3"})
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "bbox"}


def without_id(message, pk):
    return re.sub(rf"\b{pk}\b", "<id>", message)


@pytest.mark.parametrize(
    ("parameter", "factory"),
    [
        ("person", PersonFactory),
        ("actor", OrganisationFactory),
        ("organisation", OrganisationFactory),
        ("place", PlaceFactory),
    ],
)
def test_a_draft_records_id_is_refused_exactly_like_an_unknown_id(client, parameter, factory):
    draft = factory(status=DRAFT)
    operation = OperationFactory(place=draft if parameter == "place" else PlaceFactory())
    if parameter == "person":
        TargetFactory(operation=operation, person=draft)
    elif parameter == "actor":
        force(operation, draft)
    elif parameter == "organisation":
        TargetFactory(operation=operation, person=None, organisation=draft)
    unknown = draft.pk + 1000
    hidden_response = client.get(URL, {parameter: draft.pk})
    unknown_response = client.get(URL, {parameter: unknown})
    assert hidden_response.status_code == unknown_response.status_code == 400
    hidden, missing = hidden_response.json(), unknown_response.json()
    assert list(hidden) == list(missing) == [parameter]
    assert [without_id(m, draft.pk) for m in hidden[parameter]] == [
        without_id(m, unknown) for m in missing[parameter]
    ]


def test_a_published_records_id_that_only_drafts_refer_to_gives_an_empty_list(client):
    person = PersonFactory()
    TargetFactory(operation=OperationFactory(status=DRAFT), person=person)
    assert listed(client, {"person": person.pk}) == []


ODD_VALUES = [
    ("page_size", "١٠"),
    ("page_size", "1e3"),
    ("page_size", ""),
    ("page_size", str(10**30)),
    ("actor", "١"),
    ("actor", "0"),
    ("actor", str(2**63 - 1)),
    ("actor", str(2**63)),
    ("actor", "\x00"),
    ("person", "٣٤٥٦٧"),
    ("place", " 1 "),
    ("q", "\x00"),
    ("q", "a" * 5000),
    ("q", "'; DROP TABLE operations_operation; --"),
    ("q", "ء"),
    ("q", "\u200f\u200e"),
    ("country", "\x00S"),
    ("country", "sy"),
    ("kind", "\x00"),
    ("date_after", "0001-01-01"),
    ("date_before", "9999-12-31"),
    ("date_after", "99999-01-01"),
    ("date_after", "2022-10-07T00:00:00"),
    ("date_after", "\x00"),
    ("updated_after", "2022-10-07T00:00:00+25:00"),
    ("updated_after", "9999-12-31T23:59:59+00:00"),
    ("updated_after", "0001-01-01T00:00:00Z"),
    ("bbox", "1e309,0,1,1"),
    ("bbox", ",,,"),
    ("bbox", "0,0,0,0"),
    ("bbox", "-180,-90,180,90,"),
    ("bbox", "\x00"),
    ("contested", "\x00"),
    ("ordering", "date,-date"),
    ("ordering", "-date,date,date"),
    ("ordering", "\x00"),
    ("cursor", "\x00"),
    ("cursor", "cD0yMDIyLTEwLTA2KzE1JTNBMDAlM0EwMCUyQjAwJTNBMDA="),
    ("cursor", "bz0xMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMA=="),
    ("format", "xml"),
]


@pytest.mark.parametrize(("parameter", "value"), ODD_VALUES)
def test_an_odd_value_is_never_a_server_error(client, parameter, value):
    OperationFactory(occurred_at=utc(2022, 10, 6, 15))
    OperationFactory(occurred_at=utc(2022, 10, 6, 15))
    response = client.get(URL, {parameter: value})
    assert response.status_code < 500, response.content
    if response.status_code == 400:
        assert isinstance(response.json(), dict)


# "²".isdigit() is true, but it is no page size.
def test_a_superscript_digit_page_size_is_a_400_not_a_500(client):
    OperationFactory()
    response = client.get(URL, {"page_size": "²"})
    assert response.status_code == 400
    assert response.json() == {"page_size": ["Give a whole number from 1 to 1000."]}


# The database compares in UTC, where these fall off the calendar.
@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_updated_after_beyond_the_calendar_in_utc_is_a_400_not_a_500(client, value):
    OperationFactory()
    response = client.get(URL, {"updated_after": value})
    assert response.status_code == 400
    assert list(response.json()) == ["updated_after"]


# A cursor that decodes but whose position is no date-time.
def test_a_cursor_with_a_forged_position_is_a_404_not_a_500(client):
    OperationFactory()
    forged = base64.b64encode(b"p=not-a-date").decode()
    response = client.get(URL, {"cursor": forged})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


# --- drafts never show through a filter ------------------------------------------------------


def test_q_matching_only_a_draft_persons_alias_finds_nothing(client):
    secret = PersonFactory(name="Abu Secret", status=DRAFT)
    models.PersonAlias.objects.create(person=secret, name="Abu Sirr", kind="kunya")
    operation = OperationFactory(title="Raid")
    TargetFactory(operation=operation, person=secret)
    for query in ("Abu Sirr", "Sirr", "Abu Secret"):
        assert listed(client, {"q": query}) == [], query
    assert listed(client, {"q": "Raid"}) == [operation.pk]


def test_q_matching_only_a_draft_organisation_or_place_alias_finds_nothing(client):
    unit = OrganisationFactory(name="Secret unit", status=DRAFT)
    models.OrganisationAlias.objects.create(organisation=unit, name="Task Force Hidden")
    hamlet = PlaceFactory(name="Hidden hamlet", status=DRAFT)
    models.PlaceName.objects.create(place=hamlet, name="Khirbat Mukhfiya")
    operation = OperationFactory(place=hamlet)
    force(operation, unit)
    TargetFactory(operation=operation, person=None, organisation=unit)
    for query in ("Task Force Hidden", "Secret unit", "Khirbat Mukhfiya", "Hidden hamlet"):
        assert listed(client, {"q": query}) == [], query


def test_q_matching_a_draft_operations_title_finds_nothing(client):
    OperationFactory(title="Raid on a secret compound", status=DRAFT)
    assert client.get(URL, {"q": "secret compound"}).json()["count"] == 0


def test_claims_from_a_draft_source_neither_contest_nor_harm_for_anonymous_readers(client):
    operation = OperationFactory()
    CasualtyClaimFactory(operation=operation, count_low=0, count_high=0)
    CasualtyClaimFactory(
        operation=operation, source=SourceFactory(status=DRAFT), count_low=9, count_high=9
    )
    assert listed(client, {"contested": "true"}) == []
    assert listed(client, {"civilian_harm": "true"}) == []
    assert listed(client, {"contested": "false", "civilian_harm": "false"}) == [operation.pk]


def test_a_draft_correction_does_not_hide_the_published_claim_it_corrects(client):
    operation = OperationFactory()
    published = CasualtyClaimFactory(operation=operation, count_low=2, count_high=2)
    CasualtyClaimFactory(
        operation=operation,
        source=SourceFactory(status=DRAFT),
        count_low=0,
        count_high=0,
        supersedes=published,
    )
    assert listed(client, {"civilian_harm": "true"}) == [operation.pk]


@pytest.fixture
def at_a_draft_place(client):
    """A published operation at a draft place: readers see no place, country or point."""
    hamlet = PlaceFactory(
        name="Hidden hamlet", status=DRAFT, country="IQ", latitude="34.10000", longitude="42.50000"
    )
    operation = OperationFactory(place=hamlet)
    shown = client.get(f"{URL}{operation.pk}/").json()
    assert shown["place"] is None and shown["country"] is None
    return operation


# A draft place's country stays secret.
def test_country_does_not_reveal_the_country_of_a_draft_place(client, at_a_draft_place):
    assert listed(client, {"country": "IQ"}) == []
    assert listed(client, {"country": "SY"}) == []


# A draft place's whereabouts stay secret.
def test_bbox_does_not_reveal_where_a_draft_place_is(client, at_a_draft_place):
    assert listed(client, {"bbox": "42.4,34,42.6,34.2"}) == []
    assert listed(client, {"bbox": "-180,-90,180,90"}) == []
