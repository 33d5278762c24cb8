"""The intake assistant, one kind of fact at a time, on short texts.

The sample articles and their scores are in test_intake_samples.py; these
tests pin down each rule so that a change to words.py shows what it breaks.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operations.dates import zone
from operations.intake.assistant import propose_from_text
from operations.models import Claim, LocationPrecision, OperationKind, Outcome
from tests.factories import (
    CasualtyClaimFactory,
    OperationFactory,
    PersonFactory,
    PlaceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

PUBLISHED = dt.date(2022, 10, 7)  # a Friday


def propose(text, published=PUBLISHED, **kwargs):
    return propose_from_text(text, published=published, **kwargs)


def only_operation(text, **kwargs):
    proposal = propose(text, **kwargs)
    assert len(proposal.operations) == 1, [o.sentence for o in proposal.operations]
    return proposal.operations[0]


def counts(operation):
    return {
        (claim.category, claim.count_low, claim.count_high)
        for claim in operation.claims
        if claim.point == Claim.Point.CASUALTIES
    }


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "A US airstrike on Thursday hit a house; no civilians were killed or injured.",
            {("civilians_killed", 0, 0), ("civilians_wounded", 0, 0)},
        ),
        (
            "An airstrike on Thursday killed at least 13 people, among them four children.",
            {("people_killed", 13, None)},
        ),
        (
            "A raid on Thursday left one person dead and many others kidnapped.",
            {("people_killed", 1, 1), ("detained", 2, None)},
        ),
        (
            "A US airstrike on Thursday killed two senior ISIS leaders.",
            {("combatants_killed", 2, 2)},
        ),
        (
            "A drone strike on Thursday wounded between 5 and 7 civilians.",
            {("civilians_wounded", 5, 7)},
        ),
        ("A drone strike on Thursday hit an empty building.", set()),
    ],
)
def test_a_count_is_read_as_a_range_of_its_category(sentence, expected):
    assert counts(only_operation(sentence)) == expected


def test_a_part_of_a_count_is_kept_as_its_note():
    operation = only_operation(
        "An airstrike on Thursday killed at least 13 people, among them four children."
    )
    (claim,) = operation.claims
    assert claim.count_note == "among them four children"


@pytest.mark.parametrize(
    "sentence, attribution",
    [
        (
            "US Central Command said in a statement that a US airstrike on Thursday "
            "killed three fighters.",
            "US Central Command, in a statement",
        ),
        (
            "A US airstrike on Thursday killed three fighters, according to two military sources.",
            "two military sources",
        ),
        (
            "Syrian state TV said on Telegram that a US raid on Thursday killed three fighters.",
            "Syrian state TV, on Telegram",
        ),
        ("A US airstrike on Thursday killed three fighters.", ""),
    ],
)
def test_a_claim_carries_its_attribution_as_the_text_gives_it(sentence, attribution):
    operation = only_operation(sentence)
    assert [claim.attribution for claim in operation.claims] == [attribution]
    assert operation.claims[0].sentence == sentence


@pytest.mark.parametrize(
    "sentence, outcome",
    [
        (
            "In a US raid on Thursday, Abu Hamza al-Tikriti blew himself up.",
            Outcome.DIED_BY_OWN_HAND,
        ),
        ("A US airstrike on Thursday killed Abu Hamza al-Tikriti.", Outcome.KILLED),
        ("Abu Hamza al-Tikriti was wounded in a US airstrike on Thursday.", Outcome.WOUNDED),
        ("A US raid on Thursday captured Abu Hamza al-Tikriti.", Outcome.CAPTURED),
        ("Abu Hamza al-Tikriti escaped a US raid on Thursday.", Outcome.ESCAPED),
    ],
)
def test_a_targets_outcome_comes_from_the_wording(sentence, outcome):
    operation = only_operation(sentence)
    (target,) = operation.targets
    assert target.outcome == outcome
    outcome_claims = [c for c in operation.claims if c.point == Claim.Point.OUTCOME]
    assert [(c.target, c.outcome) for c in outcome_claims] == [(target.key, outcome)]


def test_an_unknown_name_is_proposed_as_a_new_person_spelt_as_written():
    (target,) = only_operation("A US airstrike on Thursday killed Abu Hamza al-Tikriti.").targets
    assert target.new_person == "Abu Hamza al-Tikriti"
    assert target.candidates == []


def test_a_known_alias_matches_its_person_with_the_alias_shown(demo):
    operation = only_operation(
        "A US airstrike on Thursday killed Abu Muad al-Qahtani, an official in charge of "
        "prisoners, near Qamishli."
    )
    (target,) = operation.targets
    best = target.candidates[0]
    assert (best.name, best.matched, best.score) == (
        "Abu Mu'ad al-Qahtani",
        "Abu Muad al-Qahtani",
        1.0,
    )
    assert target.role == "official in charge of prisoners"
    assert target.new_person == ""


def test_people_who_share_a_name_are_all_offered():
    first = PersonFactory(name="Abu Khalid al-Iraqi")
    second = PersonFactory(name="Abu Khalid al-Iraqi")
    (target,) = only_operation("A US airstrike on Thursday killed Abu Khalid al-Iraqi.").targets
    assert {candidate.id for candidate in target.candidates} == {first.pk, second.pk}
    assert target.new_person == ""


def test_an_unnamed_target_is_described_as_the_text_describes_it():
    operation = only_operation(
        "A US helicopter raid on Thursday killed Abu Hamza al-Tikriti and injured one of "
        "his associates."
    )
    described = [t for t in operation.targets if t.description]
    assert [(t.description, t.outcome) for t in described] == [
        ("one of his associates", Outcome.WOUNDED)
    ]


def test_a_place_is_no_more_precise_than_the_words(demo):
    near = only_operation("A US helicopter raid near Qamishli on Wednesday killed three fighters.")
    assert (near.place.name, near.location_precision) == ("Qamishli", LocationPrecision.NEAR)
    region = only_operation("A US airstrike in northern Syria on Thursday killed three fighters.")
    assert (region.place.name, region.location_precision) == (
        "Northern Syria",
        LocationPrecision.REGION,
    )
    town = only_operation("A US raid in Atmeh on Thursday killed three fighters.")
    assert (town.place.name, town.location_precision) == ("Atmeh", LocationPrecision.EXACT)


def test_a_place_the_gazetteer_lacks_is_a_note_not_a_guess(demo):
    proposal = propose("A US airstrike in eastern Syria on Thursday killed three fighters.")
    (operation,) = proposal.operations
    assert operation.place is None
    assert operation.place_text == "eastern Syria"
    assert any("eastern Syria" in note for note in proposal.notes)
    assert operation.local_time_zone == "Asia/Damascus"


def test_the_time_is_read_in_the_places_zone(demo):
    operation = only_operation(
        "A US airstrike in northern Syria on Thursday at 6:23 p.m. local time killed "
        "three fighters."
    )
    assert operation.date_precision == "minute"
    assert operation.local_time_zone == "Asia/Damascus"
    assert operation.occurred_at == dt.datetime(2022, 10, 6, 15, 23, tzinfo=dt.UTC)


def test_kind_words_give_the_kind_of_operation():
    kinds = [
        only_operation(f"A US {words} on Thursday killed three fighters.").kind
        for words in ("drone strike", "air strike", "helicopter raid", "raid")
    ]
    assert kinds == [
        OperationKind.DRONE_STRIKE,
        OperationKind.AIRSTRIKE,
        OperationKind.HELICOPTER_RAID,
        OperationKind.GROUND_RAID,
    ]


def test_one_sentence_can_report_several_operations(demo):
    proposal = propose(
        "The report recalls the October 2019 raid that killed Abu Bakr al-Baghdadi, a "
        "drone strike in July 2022 that killed Maher al-Agal, and the 2022 capture of "
        "Hani Ahmed al-Kurdi."
    )
    found = [
        (o.kind, o.date_precision, [t.candidates[0].name for t in o.targets], o.targets[0].outcome)
        for o in proposal.operations
    ]
    assert found == [
        ("ground_raid", "month", ["Abu Bakr al-Baghdadi"], Outcome.KILLED),
        ("drone_strike", "month", ["Maher al-Agal"], Outcome.KILLED),
        ("capture", "year", ["Hani Ahmed al-Kurdi"], Outcome.CAPTURED),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Analysts say repeated airstrikes have weakened the group over the past decade.",
        "The ministry will publish its annual report next month.",
        "",
        "   ",
    ],
)
def test_a_text_without_an_operation_proposes_none(text):
    assert propose(text).operations == []


def test_a_second_report_of_a_recorded_event_offers_it_with_the_disagreements():
    place = PlaceFactory(name="Hajin")
    recorded = OperationFactory(
        kind=OperationKind.AIRSTRIKE,
        place=place,
        occurred_at=dt.datetime(2022, 10, 6, tzinfo=dt.UTC),
        local_time_zone="UTC",
    )
    first_report = CasualtyClaimFactory(operation=recorded, count_low=0, count_high=0)
    proposal = propose(
        "A US airstrike in Hajin on Thursday killed two civilians, local officials said."
    )
    (operation,) = proposal.operations
    assert [event.id for event in operation.same_as] == [recorded.pk]
    assert "same kind" in operation.same_as[0].reasons
    (claim,) = operation.claims
    assert (claim.category, claim.count_low, claim.disagrees_with, claim.supersedes) == (
        "civilians_killed",
        2,
        [first_report.pk],
        None,
    )


def test_a_later_report_of_the_same_source_corrects_its_earlier_claim():
    source = SourceFactory(url="https://news.example.org/hajin")
    recorded = OperationFactory(
        kind=OperationKind.AIRSTRIKE,
        place=PlaceFactory(name="Hajin"),
        occurred_at=dt.datetime(2022, 10, 6, tzinfo=dt.UTC),
        local_time_zone="UTC",
    )
    earlier = CasualtyClaimFactory(operation=recorded, source=source, count_low=0, count_high=0)
    proposal = propose(
        "A US airstrike in Hajin on Thursday killed two civilians.",
        url="https://www.news.example.org/hajin?utm_source=feed",
    )
    assert proposal.source.existing == source.pk
    (claim,) = proposal.operations[0].claims
    assert (claim.supersedes, claim.disagrees_with) == (earlier.pk, [])


def test_proposing_writes_nothing(demo):
    with CaptureQueriesContext(connection) as queries:
        propose(
            "A US airstrike in northern Syria on Thursday killed Abu 'Ala. The night before, "
            "a US helicopter raid near Qamishli killed Rakkan Wahid al-Shammri.",
            url="https://example.com/new",
            publisher="CENTCOM",
        )
    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    assert set(statements) == {"SELECT"}


@pytest.mark.parametrize(
    "sentence, place, precision",
    [
        ("A US airstrike near Tikrit on Thursday killed three fighters.", "Tikrit", "near"),
        (
            "A US airstrike in Kirkuk province on Thursday killed three fighters.",
            "Kirkuk Governorate",
            "province",
        ),
        ("A US airstrike in Kirkuk on Thursday killed three fighters.", "Kirkuk", "exact"),
        (
            "A US airstrike in Anbar on Thursday killed three fighters.",
            "Anbar Governorate",
            "province",
        ),
        (
            "A US airstrike in Deir al-Zour province on Thursday killed three fighters.",
            "Deir ez-Zor Governorate",
            "province",
        ),
    ],
)
def test_the_demo_gazetteer_gives_towns_and_governorates(demo, sentence, place, precision):
    operation = only_operation(sentence)
    assert (operation.place.name, operation.location_precision) == (place, precision)
    assert operation.local_time_zone in ("Asia/Baghdad", "Asia/Damascus")


def test_the_date_a_statement_was_made_is_not_the_date_of_the_operation():
    monday = dt.date(2023, 1, 2)
    dated = only_operation(
        "The ministry said on Sunday that an airstrike on Wednesday night killed five militants.",
        published=monday,
    )
    assert (dated.occurred_at.date(), dated.date_precision) == (dt.date(2022, 12, 28), "day")
    undated = only_operation(
        "The ministry said on Sunday that an airstrike killed five militants.", published=monday
    )
    assert (undated.occurred_at, undated.date_precision) == (None, "")


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("A US drone struck a car on Thursday, killing two fighters.", "drone_strike"),
        ("US forces raided a house on Thursday and captured two suspects.", "ground_raid"),
        ("Coalition helicopters carried out a raid on Thursday.", "helicopter_raid"),
        ("In a separate operation on Thursday, police arrested three suspects.", "capture"),
        ("Iraqi forces carried out an airdrop operation on Thursday.", "helicopter_raid"),
    ],
)
def test_verbs_and_general_words_give_the_kind_of_operation(sentence, kind):
    assert only_operation(sentence).kind == kind


def test_a_verb_of_a_later_day_reports_another_operation():
    proposal = propose(
        "On Oct. 3, US forces conducted an airstrike in Raqqa, killing two fighters. "
        "On Oct. 5, Iraqi forces raided a hideout and captured a cell leader."
    )
    local_days = [
        (o.kind, o.occurred_at.astimezone(zone(o.local_time_zone)).day)
        for o in proposal.operations
    ]
    assert local_days == [
        ("airstrike", 3),
        ("ground_raid", 5),
    ]


def test_a_capture_on_another_day_is_not_folded_into_the_operation_before(demo):
    proposal = propose(
        "A US airstrike near Raqqa on Wednesday killed two fighters. On Thursday, US forces "
        "captured an ISIS official near Tikrit and raided his house."
    )
    assert [(o.kind, o.place.name) for o in proposal.operations] == [
        ("airstrike", "Raqqa"),
        ("capture", "Tikrit"),
    ]


def test_confirming_a_strike_is_not_another_strike():
    operation = only_operation(
        "Four civilians were killed in a US airstrike on Thursday, a rights group said. "
        "The US military confirmed a strike on Thursday but said the target was a depot."
    )
    assert counts(operation) == {("civilians_killed", 4, 4)}


@pytest.mark.parametrize(
    "text",
    [
        "Drone strike kills two ISIS leaders\n\nBy a staff writer, 6 October 2022\n\n"
        "A US drone struck a motorcycle on Tuesday, killing two ISIS leaders.",
        "<h1>Drone strike kills two ISIS leaders</h1><p>By a staff writer, 6 October 2022</p>"
        "<p>A US drone struck a motorcycle on Tuesday, killing two ISIS leaders.</p>",
    ],
    ids=["text", "html"],
)
def test_headings_and_bylines_report_no_operation_of_their_own(text):
    operation = only_operation(text)
    assert operation.occurred_at.date() == dt.date(2022, 10, 4)
    assert counts(operation) == {("combatants_killed", 2, 2)}


def test_a_text_pasted_without_its_last_full_stop_still_reports_its_operation():
    operation = only_operation(
        "Strike kills three fighters\n\nBy a staff writer\n\n"
        "A US airstrike on Thursday killed three fighters"
    )
    assert counts(operation) == {("combatants_killed", 3, 3)}


def test_the_sentences_of_a_paragraph_tell_more_of_its_operation(demo):
    operation = only_operation(
        "A US airstrike on Thursday killed two senior ISIS figures, CENTCOM said. The command "
        "named them as Abu 'Ala and Abu Mu'ad al-Qahtani. CENTCOM said no civilians were "
        "killed or injured."
    )
    assert [(t.candidates[0].name, t.outcome) for t in operation.targets] == [
        ("Abu 'Ala", Outcome.KILLED),
        ("Abu Mu'ad al-Qahtani", Outcome.KILLED),
    ]
    # Their fate is what CENTCOM's count said.
    outcome_claims = [c for c in operation.claims if c.point == Claim.Point.OUTCOME]
    assert [c.attribution for c in outcome_claims] == ["CENTCOM", "CENTCOM"]
    assert ("civilians_wounded", 0, 0) in counts(operation)


def test_a_text_about_one_operation_tells_more_of_it_in_later_paragraphs():
    operation = only_operation(
        "A drone strike on Thursday killed three men, a monitor said.\n\n"
        "Residents said at least five people were wounded.\n\n"
        "Last year, 30 civilians were killed in the province."
    )
    assert counts(operation) == {("people_killed", 3, 3), ("people_wounded", 5, None)}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "A US raid on Thursday killed three fighters. There is no indication that any "
            "civilians were killed or wounded.",
            {
                ("combatants_killed", 3, 3),
                ("civilians_killed", 0, 0),
                ("civilians_wounded", 0, 0),
            },
        ),
        (
            "A drone strike on Thursday killed three fighters and there were no civilian "
            "casualties.",
            {
                ("combatants_killed", 3, 3),
                ("civilians_killed", 0, 0),
                ("civilians_wounded", 0, 0),
            },
        ),
        (
            "A drone strike on Thursday killed three men; two of the dead were civilians.",
            {("people_killed", 3, 3), ("civilians_killed", 2, 2)},
        ),
        (
            "Iraqi forces killed four terrorists in an airstrike on Thursday.",
            {("combatants_killed", 4, 4)},
        ),
    ],
)
def test_counts_as_statements_and_press_releases_write_them(text, expected):
    assert counts(only_operation(text)) == expected


def test_a_note_inside_a_count_is_kept():
    operation = only_operation(
        "Four civilians, among them two children, were killed in a US airstrike on Thursday."
    )
    (claim,) = operation.claims
    assert (claim.category, claim.count_low, claim.count_note) == (
        "civilians_killed",
        4,
        "among them two children",
    )


def test_a_name_ends_at_a_bracket_and_a_name_set_off_by_commas_has_its_fate():
    operation = only_operation(
        "The SDF said they captured Abu Ali al-Shishani (أبو علي الشيشاني) in a raid on "
        "Thursday. A second man, named only as Abu Suhaib al-Jazrawi, was killed."
    )
    assert [(t.new_person, t.outcome) for t in operation.targets] == [
        ("Abu Ali al-Shishani", Outcome.CAPTURED),
        ("Abu Suhaib al-Jazrawi", Outcome.KILLED),
    ]


def test_the_name_of_a_statements_author_is_not_a_target():
    operation = only_operation(
        "Iraqi aircraft struck a hideout on Thursday, killing seven terrorists, the Security "
        "Media Cell said."
    )
    assert operation.targets == []


def test_someone_named_after_their_fate_has_that_fate():
    operation = only_operation(
        "A US airstrike on Thursday killed an ISIS official, a defence official said. "
        "The official named the man as Usama al-Muhajir."
    )
    assert [(t.new_person, t.outcome) for t in operation.targets] == [
        ("Usama al-Muhajir", Outcome.KILLED)
    ]
    (claim,) = [c for c in operation.claims if c.point == Claim.Point.OUTCOME]
    assert claim.attribution == "a defence official"


def test_several_unnamed_targets_are_one_target_and_a_count():
    operation = only_operation(
        "Forces detained Abu Anas al-Raqqawi in a raid on Thursday. Two of his aides were "
        "also detained."
    )
    assert [(t.description, t.outcome) for t in operation.targets][1:] == [
        ("Two of his aides", Outcome.CAPTURED)
    ]
    assert counts(operation) == {("detained", 2, 2)}


def test_no_indication_of_civilian_casualties_is_none_killed_and_none_wounded():
    operation = only_operation(
        "A partnered raid on Thursday killed 15 ISIS operatives. There is no indication of "
        "civilian casualties."
    )
    assert counts(operation) == {
        ("combatants_killed", 15, 15),
        ("civilians_killed", 0, 0),
        ("civilians_wounded", 0, 0),
    }


def test_a_count_belongs_to_its_own_clause():
    operation = only_operation(
        "Iraqi forces killed three ISIS suspects and arrested a fourth in a raid on Thursday, "
        "police said. An officer was wounded in the exchange of fire."
    )
    assert counts(operation) == {("combatants_killed", 3, 3), ("own_forces_wounded", 1, 1)}


def test_a_text_without_a_headline_is_titled_by_the_opening_of_its_first_sentence():
    text = (
        "A US drone struck a car near the town of Atmeh in Idlib province on Tuesday "
        "afternoon, killing a senior member of the group who had been wanted for years "
        "by the coalition, two military sources said. Three other people were killed."
    )

    title = propose(text).source.title

    assert title == (
        "A US drone struck a car near the town of Atmeh in Idlib province on Tuesday "
        "afternoon, killing a senior member of the group who had been wanted for…"
    )


def test_a_short_first_line_is_the_headline_and_the_title():
    text = "US strike kills ISIS official in Syria\n\nA US drone struck a car near Atmeh."

    assert propose(text).source.title == "US strike kills ISIS official in Syria"


def test_the_end_of_an_organisations_name_is_not_taken_for_a_person():
    text = (
        "A US drone struck a car near Atmeh on Tuesday, killing Abu Khalid al-Halabi. "
        "Three other people were killed in the strike, according to the Syrian "
        "Observatory for Human Rights."
    )

    (operation,) = propose(text).operations

    assert [target.new_person for target in operation.targets] == ["Abu Khalid al-Halabi"]
