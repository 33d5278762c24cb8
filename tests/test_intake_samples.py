"""The intake assistant scored on the project's own sample texts.

Each tests/samples/intake/NAME.txt is an article written for the project, and
NAME.json the facts it contains, written before the assistant read it. The
assistant reads every sample (with the demo data and the records the sample
says exist beforehand), its proposals are matched to the facts, and precision
and recall are printed per kind of fact. The floors below are what it achieves,
rounded down: a change that makes it read worse fails here.
"""

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction

from operations import dates, names
from operations.intake.assistant import propose_from_text
from operations.models import Claim, Operation, Outcome, PersonAlias, Place
from tests.factories import (
    CasualtyClaimFactory,
    OperationFactory,
    PersonFactory,
    PlaceFactory,
)

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples" / "intake"
KINDS_OF_FACT = ["operations", "dates", "places", "targets", "claims", "same events"]
# The samples the assistant was first improved on, and those held out ("held_out":
# true in their facts), written afterwards to show how it reads text it was not
# tuned to. Their first reading (targets 0.00/0.00, claims 1.00/0.50) led to a few
# general rules, so they are no longer unseen. A second batch ("held_out": 2) first
# read claims 0.00/0.00, which showed one general defect (a count read across
# "and" into the next clause), fixed since; nothing else was tuned on it.
IMPROVED_ON = "samples it was improved on"
HELD_OUT = "held-out samples, first batch"
NEVER_TUNED = "held-out samples, second batch"
GROUPS = {None: IMPROVED_ON, 1: HELD_OUT, 2: NEVER_TUNED}
# (precision, recall) the assistant achieves on each set, rounded down.
FLOORS = {
    IMPROVED_ON: {
        "operations": (1.0, 1.0),
        "dates": (1.0, 1.0),
        "places": (1.0, 1.0),
        "targets": (1.0, 1.0),
        "claims": (1.0, 1.0),
        "same events": (1.0, 1.0),
    },
    HELD_OUT: {
        "operations": (1.0, 1.0),
        "dates": (1.0, 1.0),
        "places": (1.0, 1.0),
        "targets": (1.0, 1.0),
        "claims": (0.83, 0.83),
        "same events": (1.0, 1.0),
    },
    NEVER_TUNED: {
        "operations": (1.0, 1.0),
        "dates": (1.0, 1.0),
        "places": (1.0, 1.0),
        "targets": (1.0, 0.0),
        "claims": (1.0, 0.66),
        "same events": (1.0, 1.0),
    },
}


def sample_names():
    return sorted(path.stem for path in SAMPLES.glob("*.json"))


def read_sample(name):
    facts = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    text = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    return text, facts


# --- records that exist before a sample is read -------------------------------------


def place_named(name, **fields):
    """The gazetteer's place of that name, or a new one when the demo lacks it."""
    return Place.objects.filter(name=name).first() or PlaceFactory(name=name, **fields)


def create_existing(existing):
    for spec in existing.get("places", []):
        place_named(**spec)
    for spec in existing.get("persons", []):
        person = PersonFactory(name=spec["name"])
        for alias in spec.get("aliases", []):
            PersonAlias.objects.create(person=person, name=alias)
    for spec in existing.get("operations", []):
        zone = spec["local_time_zone"]
        local = dt.date.fromisoformat(spec["local"])
        operation = OperationFactory(
            title=spec["title"],
            kind=spec["kind"],
            occurred_at=dates.from_local(
                local.year, local.month, local.day, zone=zone, precision=spec["date_precision"]
            ),
            date_precision=spec["date_precision"],
            local_time_zone=zone,
            place=place_named(spec["place"]),
            location_precision=spec["location_precision"],
        )
        for claim in spec.get("claims", []):
            CasualtyClaimFactory(
                operation=operation,
                category=claim["category"],
                count_low=claim["low"],
                count_high=claim["high"],
                attribution=claim["attribution"],
            )


def propose_sample(name):
    """The facts of sample `name` and the assistant's proposal; the records it
    needed are rolled back, so that samples do not see each other's."""
    text, facts = read_sample(name)
    with transaction.atomic():
        create_existing(facts.get("existing", {}))
        proposal = propose_from_text(
            text,
            published=dt.date.fromisoformat(facts["published"]),
            url=facts.get("url"),
            publisher=facts.get("publisher"),
        )
        titles = dict(Operation.objects.values_list("pk", "title"))
        transaction.set_rollback(True)
    return facts, proposal, titles


# --- the facts of an expected and a proposed operation, kind by kind -----------------

DATE_FORMATS = {
    "minute": "%Y-%m-%d %H:%M",
    "hour": "%Y-%m-%d %H",
    "day": "%Y-%m-%d",
    "month": "%Y-%m",
    "year": "%Y",
}


def proposed_date(operation):
    if operation.occurred_at is None:
        return None
    local = operation.occurred_at.astimezone(dates.zone(operation.local_time_zone or "UTC"))
    return local.strftime(DATE_FORMATS[operation.date_precision]), operation.date_precision


def is_target(expected, proposed):
    if expected["outcome"] != proposed.outcome:
        return False
    if "description" in expected:
        return expected["description"] in proposed.description.lower()
    offered = {names.fold(candidate.name) for candidate in proposed.candidates}
    if "candidates" in expected:
        return {names.fold(name) for name in expected["candidates"]} <= offered
    return names.fold(expected["name"]) in offered | {names.fold(proposed.new_person)}


def is_claim(expected, proposed):
    return (expected["category"], expected["low"], expected["high"]) == (
        proposed.category,
        proposed.count_low,
        proposed.count_high,
    ) and expected["attribution"].casefold() == proposed.attribution.casefold()


def expected_items(operation):
    """The facts of one expected operation, by kind of fact."""
    date = operation.get("date")
    place = operation.get("place")
    return {
        "operations": [operation["kind"]],
        "dates": [(date, operation["date_precision"])] if date else [],
        "places": [(place, operation["location_precision"])] if place else [],
        "targets": operation["targets"],
        "claims": operation["claims"],
        "same events": [operation["same_as"]] if operation.get("same_as") else [],
    }


def proposed_items(operation, titles):
    date = proposed_date(operation)
    place = (operation.place.name, operation.location_precision) if operation.place else None
    return {
        "operations": [operation.kind],
        "dates": [date] if date else [],
        "places": [place] if place else [],
        "targets": operation.targets,
        "claims": [c for c in operation.claims if c.point == Claim.Point.CASUALTIES],
        "same events": [titles[operation.same_as[0].id]] if operation.same_as else [],
    }


SAME = {
    "operations": lambda expected, proposed: expected == proposed,
    "dates": lambda expected, proposed: expected == proposed,
    "places": lambda expected, proposed: expected == proposed,
    "targets": is_target,
    "claims": is_claim,
    "same events": lambda expected, proposed: expected == proposed,
}


def found(kind, expected, proposed):
    """How many expected facts the proposed ones find, each used once."""
    unused = list(proposed)
    count = 0
    for fact in expected:
        match = next((item for item in unused if SAME[kind](fact, item)), None)
        if match is not None:
            unused.remove(match)
            count += 1
    return count


# --- scoring ---------------------------------------------------------------------------


@dataclass
class Tally:
    found: int = 0
    proposed: int = 0
    expected: int = 0

    @property
    def precision(self):
        return self.found / self.proposed if self.proposed else 1.0

    @property
    def recall(self):
        return self.found / self.expected if self.expected else 1.0


def pair_operations(expected, proposed):
    """Pairs (expected index, proposed index), the pairs sharing most facts first."""
    shared = {
        (e, p): sum(found(kind, expected[e][kind], proposed[p][kind]) for kind in KINDS_OF_FACT)
        for e in range(len(expected))
        for p in range(len(proposed))
    }
    pairs = []
    for (e, p), count in sorted(shared.items(), key=lambda item: -item[1]):
        if count and all(e != e2 and p != p2 for e2, p2 in pairs):
            pairs.append((e, p))
    return pairs


def score(facts, proposal, titles, tallies):
    expected = [expected_items(operation) for operation in facts["operations"]]
    proposed = [proposed_items(operation, titles) for operation in proposal.operations]
    for kind in KINDS_OF_FACT:
        tallies[kind].expected += sum(len(items[kind]) for items in expected)
        tallies[kind].proposed += sum(len(items[kind]) for items in proposed)
    for e, p in pair_operations(expected, proposed):
        for kind in KINDS_OF_FACT:
            tallies[kind].found += found(kind, expected[e][kind], proposed[p][kind])


def table(title, tallies):
    lines = [
        f"Intake assistant on the {title}",
        f"{'kind of fact':<14}{'found':>7}{'proposed':>10}{'expected':>10}"
        f"{'precision':>11}{'recall':>8}",
    ]
    for kind in KINDS_OF_FACT:
        tally = tallies[kind]
        lines.append(
            f"{kind:<14}{tally.found:>7}{tally.proposed:>10}{tally.expected:>10}"
            f"{tally.precision:>11.2f}{tally.recall:>8.2f}"
        )
    return "\n".join(lines)


def test_the_assistant_reads_the_samples_at_least_as_well_as_before(demo, record_property):
    tallies = {group: {kind: Tally() for kind in KINDS_OF_FACT} for group in FLOORS}
    for name in sample_names():
        facts, proposal, titles = propose_sample(name)
        group = GROUPS[facts.get("held_out")]
        score(facts, proposal, titles, tallies[group])
    # Printed in the terminal summary of every run (tests/conftest.py).
    record_property("summary", "\n\n".join(table(group, by) for group, by in tallies.items()))
    below = {
        (group, kind): (round(tally.precision, 2), round(tally.recall, 2))
        for group, by_kind in tallies.items()
        for kind, tally in by_kind.items()
        if tally.precision < FLOORS[group][kind][0] or tally.recall < FLOORS[group][kind][1]
    }
    assert below == {}, f"below the floors {FLOORS}"


@pytest.mark.parametrize("name", sample_names())
def test_every_sample_has_its_text_and_facts_of_known_kinds(name):
    text, facts = read_sample(name)
    assert text.strip() and dt.date.fromisoformat(facts["published"])
    for operation in facts["operations"]:
        assert operation["kind"] in dict(Operation._meta.get_field("kind").choices)
        assert operation.get("date_precision", "day") in DATE_FORMATS
        for target in operation["targets"]:
            assert target["outcome"] in Outcome.values
        for claim in operation["claims"]:
            assert claim["category"] in Claim.Category.values


# --- the worked example of DESIGN.md, exactly -------------------------------------------


def operation_reporting(proposal, kind, date_precision):
    (operation,) = [
        o for o in proposal.operations if (o.kind, o.date_precision) == (kind, date_precision)
    ]
    return operation


def casualty_claims(operation):
    return {
        (claim.category, claim.count_low, claim.count_high, claim.attribution)
        for claim in operation.claims
        if claim.point == Claim.Point.CASUALTIES
    }


def outcomes(operation):
    return {
        (target.candidates[0].name if target.candidates else target.description, target.outcome)
        for target in operation.targets
    }


def test_the_worked_example_comes_out_right(demo):
    facts, proposal, titles = propose_sample("worked_example")
    airstrike = operation_reporting(proposal, "airstrike", "minute")
    assert airstrike.occurred_at == dt.datetime(2022, 10, 6, 15, 23, tzinfo=dt.UTC)
    assert airstrike.local_time_zone == "Asia/Damascus"
    assert (airstrike.place.name, airstrike.location_precision) == ("Northern Syria", "region")
    assert outcomes(airstrike) == {
        ("Abu 'Ala", Outcome.KILLED),
        ("Abu Mu'ad al-Qahtani", Outcome.KILLED),
    }
    assert casualty_claims(airstrike) == {
        ("combatants_killed", 2, 2, "US Central Command, in a statement"),
        ("civilians_killed", 0, 0, "CENTCOM"),
        ("civilians_wounded", 0, 0, "CENTCOM"),
    }
    assert [c.attribution for c in airstrike.claims if c.point == Claim.Point.OUTCOME] == [
        "US Central Command, in a statement",
        "US Central Command, in a statement",
    ]

    raid = operation_reporting(proposal, "helicopter_raid", "day")
    assert raid.occurred_at.astimezone(dates.zone(raid.local_time_zone)).date() == dt.date(
        2022, 10, 5
    )
    assert (raid.place.name, raid.location_precision) == ("Qamishli", "near")
    assert outcomes(raid) == {
        ("Rakkan Wahid al-Shammri", Outcome.KILLED),
        ("one of his associates", Outcome.WOUNDED),
    }
    # Syrian state TV's account: one killed and at least two taken, against
    # CENTCOM's one killed and one wounded.
    assert casualty_claims(raid) == {
        ("people_killed", 1, 1, "State-run Syrian television, on Telegram"),
        ("detained", 2, None, "State-run Syrian television, on Telegram"),
    }

    # Both are the operations the demo records, offered instead of new ones.
    assert titles[airstrike.same_as[0].id] == facts["operations"][0]["same_as"]
    assert titles[raid.same_as[0].id] == facts["operations"][1]["same_as"]
