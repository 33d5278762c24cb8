"""Dates read from an article's sentences, never more precisely than the words give them."""

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from operations.dates import fits
from operations.intake.when import read_date

# A Friday: the day after the worked example's airstrike.
PUBLISHED = dt.date(2022, 10, 7)


def read(sentence, *, published=PUBLISHED, zone_name="Asia/Damascus", anchor=None):
    reading = read_date(sentence, published=published, zone_name=zone_name, anchor=anchor)
    if reading is not None:
        assert str(reading.start.tzinfo) == zone_name
        assert fits(reading.start, reading.precision)
        assert reading.text in sentence or " … " in reading.text
    return reading


def local(reading):
    """The local start as far as its precision goes, and the precision."""
    parts = {"year": 1, "month": 2, "day": 3, "hour": 4, "minute": 5}[reading.precision]
    return reading.start.timetuple()[:parts], reading.precision


def utc(reading):
    return reading.start.astimezone(dt.UTC).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("sentence", "expected", "text"),
    [
        (
            "On Thursday at 6:23 p.m. local time, a US airstrike in northern Syria killed two.",
            ((2022, 10, 6, 18, 23), "minute"),
            "On Thursday at 6:23 p.m. local time",
        ),
        (
            "The strike came at around 6 pm on Thursday, residents said.",
            ((2022, 10, 6, 18), "hour"),
            "6 pm on Thursday",
        ),
        ("Late on Wednesday, a helicopter landed near Qamishli.", ((2022, 10, 5), "day"),
         "Late on Wednesday"),
        ("The group lost its leader in a raid in February.", ((2022, 2), "month"), "in February"),
        ("Al-Baghdadi was killed in 2019.", ((2019,), "year"), "in 2019"),
    ],
)  # fmt: skip
def test_each_precision_is_read_with_the_words_it_came_from(sentence, expected, text):
    reading = read(sentence)
    assert local(reading) == expected
    assert reading.text == text


@pytest.mark.parametrize(
    ("published", "sentence", "day"),
    [
        (PUBLISHED, "A drone struck a car on Thursday.", (2022, 10, 6)),
        (PUBLISHED, "Thursday night, the village was quiet.", (2022, 10, 6)),
        (PUBLISHED, "Early Friday, the ministry confirmed the death.", (2022, 10, 7)),
        (PUBLISHED, "On Saturday, a raid was reported.", (2022, 10, 1)),
        # Published on a Thursday: "on Thursday" is that same day, "last Thursday" a week before.
        (dt.date(2022, 10, 6), "The strike on Thursday killed two.", (2022, 10, 6)),
        (dt.date(2022, 10, 6), "The raid last Thursday killed one.", (2022, 9, 29)),
        # Across a month boundary (published Monday 3 October) and a year boundary
        # (published Tuesday 2 January).
        (dt.date(2022, 10, 3), "A strike on Friday hit a convoy.", (2022, 9, 30)),
        (dt.date(2024, 1, 2), "A raid on Saturday killed a smuggler.", (2023, 12, 30)),
        (dt.date(2024, 1, 2), "On Tuesday the army said so.", (2024, 1, 2)),
    ],
)
def test_a_weekday_is_the_latest_one_on_or_before_publication(published, sentence, day):
    assert local(read(sentence, published=published)) == (day, "day")


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("Last night a helicopter raid took place.", (2022, 10, 6)),
        ("Overnight, jets struck a depot.", (2022, 10, 6)),
        ("Yesterday the ministry denied it.", (2022, 10, 6)),
        ("The day before yesterday, two were detained.", (2022, 10, 5)),
        ("Two days ago a convoy was hit.", (2022, 10, 5)),
        ("Today the coalition confirmed the strike.", (2022, 10, 7)),
        ("This morning a statement was issued.", (2022, 10, 7)),
        ("Earlier today, officials spoke.", (2022, 10, 7)),
    ],
)
def test_days_named_from_the_publication_date(sentence, day):
    assert local(read(sentence)) == (day, "day")


@pytest.mark.parametrize(
    ("published", "sentence", "day"),
    [
        (PUBLISHED, "He was killed on 6 October 2022.", (2022, 10, 6)),
        (PUBLISHED, "He was killed on October 6, 2022, officials said.", (2022, 10, 6)),
        (PUBLISHED, "The raid of Oct. 6 killed him.", (2022, 10, 6)),
        (PUBLISHED, "The raid on 6 Oct killed him.", (2022, 10, 6)),
        (PUBLISHED, "The log is dated 2022-10-06.", (2022, 10, 6)),
        (PUBLISHED, "On the 6th of October a drone struck.", (2022, 10, 6)),
        # A day without a year is the latest one on or before publication.
        (dt.date(2024, 1, 2), "The strike on December 30 hit a car.", (2023, 12, 30)),
        (dt.date(2023, 3, 1), "He died on 29 Feb.", (2020, 2, 29)),
        (PUBLISHED, "He was captured in May after the raid of 2 May 2021.", (2021, 5, 2)),
    ],
)
def test_written_dates_are_read_to_the_day(published, sentence, day):
    assert local(read(sentence, published=published)) == (day, "day")


@pytest.mark.parametrize(
    ("published", "sentence", "month"),
    [
        (PUBLISHED, "The raid took place in February.", (2022, 2)),
        # The latest February on or before the publication month.
        (dt.date(2022, 1, 10), "The raid took place in February.", (2021, 2)),
        (PUBLISHED, "The raid took place in February 2021.", (2021, 2)),
        (PUBLISHED, "The Feb 2022 raid in north-west Syria.", (2022, 2)),
        (PUBLISHED, "It happened in early February.", (2022, 2)),
        (PUBLISHED, "It happened in mid-February.", (2022, 2)),
        (PUBLISHED, "It happened in late March last year.", (2021, 3)),
        (PUBLISHED, "Another strike came earlier this month.", (2022, 10)),
        (PUBLISHED, "Another strike came last month.", (2022, 9)),
        # Ranges of days give the month they lie in, not one of their days.
        (PUBLISHED, "Fighting raged on 5-6 October.", (2022, 10)),
        (PUBLISHED, "Fighting raged between 5 and 6 October.", (2022, 10)),
        (dt.date(2022, 10, 14), "The raids came last week.", (2022, 10)),
    ],
)
def test_months(published, sentence, month):
    assert local(read(sentence, published=published)) == (month, "month")


@pytest.mark.parametrize(
    ("sentence", "year"),
    [
        ("He was captured in 2019.", 2019),
        ("He was captured in early 2019.", 2019),
        ("He was captured in the summer of 2019.", 2019),
        ("The 2022 capture of Hani al-Kurdi followed.", 2022),
        ("He was captured last year.", 2021),
        ("Earlier this year he was seen in Idlib.", 2022),
        # Monday 26 September to Sunday 2 October: two months, one year.
        ("The raids came last week.", 2022),
    ],
)
def test_years(sentence, year):
    assert local(read(sentence)) == ((year,), "year")


def test_local_time_is_read_in_the_places_zone():
    sentence = "On 10 February 2022 at 6:23 p.m. local time, a drone struck."
    # Syria kept summer and winter time until late 2022; Iraq does not.
    assert utc(read(sentence, zone_name="Asia/Damascus")) == dt.datetime(2022, 2, 10, 16, 23)
    assert utc(read(sentence, zone_name="Asia/Baghdad")) == dt.datetime(2022, 2, 10, 15, 23)
    assert utc(read(sentence, zone_name="UTC")) == dt.datetime(2022, 2, 10, 18, 23)


@pytest.mark.parametrize(
    ("sentence", "zone_name", "local_time"),
    [
        ("The strike came on Thursday at 1523 GMT.", "Asia/Damascus", (2022, 10, 6, 18, 23)),
        ("The strike came on Thursday at 15:23 UTC.", "Asia/Baghdad", (2022, 10, 6, 18, 23)),
        ("The strike came on Thursday at 1523 Zulu.", "Asia/Baghdad", (2022, 10, 6, 18, 23)),
        ("The strike came on Thursday at 18:00 GMT.", "Asia/Kolkata", (2022, 10, 6, 23, 30)),
    ],
)
def test_a_time_in_gmt_is_moved_into_the_places_zone(sentence, zone_name, local_time):
    reading = read(sentence, zone_name=zone_name)
    assert local(reading) == (local_time, "minute")


def test_the_local_time_is_taken_when_gmt_follows_it():
    reading = read("It struck on Thursday at 6:23 p.m. local time (1523 GMT).")
    assert local(reading) == ((2022, 10, 6, 18, 23), "minute")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Thursday night at 1 a.m., a raid began.", ((2022, 10, 7, 1), "hour")),
        ("Last night at 11 pm, jets struck.", ((2022, 10, 6, 23), "hour")),
        ("On Thursday at 18:23 a drone struck.", ((2022, 10, 6, 18, 23), "minute")),
        ("On Thursday at 6.23pm a drone struck.", ((2022, 10, 6, 18, 23), "minute")),
        ("On Thursday at noon a drone struck.", ((2022, 10, 6, 12), "hour")),
        # About 6:20 is known to the hour, not the minute.
        ("At about 6:20 pm on Thursday, a drone struck.", ((2022, 10, 6, 18), "hour")),
        # A range or a bound is not the time it happened.
        ("Between 6 and 7 pm on Thursday, jets flew over.", ((2022, 10, 6), "day")),
        ("Shortly after 6 pm on Thursday, jets flew over.", ((2022, 10, 6), "day")),
        # An hour in GMT that straddles midnight in India is known only to the day.
        ("Around 6 pm GMT on Thursday a strike hit.", ((2022, 10, 6), "day")),
    ],
)
def test_times_of_day(sentence, expected):
    zone_name = "Asia/Kolkata" if "GMT" in sentence else "Asia/Damascus"
    assert local(read(sentence, zone_name=zone_name)) == expected


def test_a_time_that_would_lie_after_publication_leaves_only_the_day():
    reading = read("Today at 23:00 GMT, the coalition struck.")
    assert local(reading) == ((2022, 10, 7), "day")


def test_a_day_that_starts_at_one_in_the_morning_starts_there():
    # Syria moved its clocks from midnight to 01:00 on 25 March 2022.
    reading = read("On 25 March 2022, a raid took place.")
    assert reading.start == dt.datetime(2022, 3, 25, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Damascus"))
    assert reading.precision == "day"


def test_an_unknown_zone_is_read_as_utc():
    reading = read_date(
        "On Thursday at 6:23 pm a drone struck.", published=PUBLISHED, zone_name="Mars/Olympus"
    )
    assert reading.start == dt.datetime(2022, 10, 6, 18, 23, tzinfo=dt.UTC)


@pytest.fixture
def airstrike():
    return read("On Thursday at 6:23 p.m. local time, a US airstrike killed two.")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The night before, a helicopter raid near Qamishli killed one.", ((2022, 10, 5), "day")),
        ("The day before, a convoy was hit.", ((2022, 10, 5), "day")),
        ("A day earlier, a convoy was hit.", ((2022, 10, 5), "day")),
        ("The previous night, a convoy was hit.", ((2022, 10, 5), "day")),
        ("Hours later, a second drone struck.", ((2022, 10, 6), "day")),
        ("Later that day, a second drone struck.", ((2022, 10, 6), "day")),
        ("The next day, the ministry spoke.", ((2022, 10, 7), "day")),
        ("That evening at 9:15 pm, a second drone struck.", ((2022, 10, 6, 21, 15), "minute")),
        # A time alone is on the day the article is telling.
        ("At 11 pm, a second drone struck.", ((2022, 10, 6, 23), "hour")),
    ],
)
def test_phrases_that_count_from_an_earlier_date_of_the_article(airstrike, sentence, expected):
    assert local(read(sentence, anchor=airstrike)) == expected


def test_days_after_the_anchor_are_counted_but_never_past_publication(airstrike):
    sentence = "Two days later, the group named a successor."
    assert read(sentence, anchor=airstrike) is None
    later = read(sentence, published=dt.date(2022, 10, 10), anchor=airstrike)
    assert local(later) == ((2022, 10, 8), "day")


@pytest.mark.parametrize(
    "sentence", ["The night before, a raid took place.", "Hours later, a drone struck.",
                 "At 6:23 p.m. local time, a drone struck."]
)  # fmt: skip
def test_phrases_that_need_an_earlier_day_give_nothing_without_one(sentence):
    assert read(sentence) is None
    anchor_in_a_month = read("The raid took place in February.")
    assert read(sentence, anchor=anchor_in_a_month) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "",
        "Officials did not comment.",
        "Some 2,000 fighters remain, the envoy said, citing Resolution 2254.",
        "The 2014 caliphate spanned parts of Syria and Iraq.",
        "The group may attack again; a march was held in the city.",
        "The raids came recently, in recent days, weeks ago.",
        "Talks will resume next Friday.",
        "Fighting has continued since Thursday.",
        "The truce holds until 6 October.",
        "The raid came on Wednesday or Thursday.",
        "Nothing happened on 6 October 2023, a day still to come.",
        "In 2023 a new offensive is planned.",
        "The strike came at 6:23 p.m. local time.",
        "They were in Raqqa in 2019-2020.",
        "قتل قائد التنظيم في غارة",
        "<p>2,000 <b>fighters</b></p>",
    ],
)
def test_no_date_is_read_where_the_words_give_none(sentence):
    assert read(sentence) is None


@pytest.mark.parametrize("published", [dt.date.min, dt.date(1899, 12, 31), dt.date.max])
def test_a_publication_date_no_article_has_gives_nothing_rather_than_an_error(published):
    assert read("Last night at 11:30 pm GMT, on Thursday", published=published) is None


# Pieces of dates, so that generated text reaches the rules and not only the first look.
FRAGMENTS = st.sampled_from(
    ["on Thursday", "Thursday night", "at 1 a.m.", "6:23 p.m. local time", "(1523 GMT)",
     "last night", "the night before", "hours later", "in February", "in 2019", "6 Oct",
     "December 31", "29 Feb", "5-6 October", "last week", "this year", "at about 11:59 pm",
     "2,000", "until", "or", "and", "the next day", "2022-10-06", "noon", "at 23:30 UTC"]
)  # fmt: skip
ZONES = st.sampled_from(
    [
        "UTC",
        "Asia/Damascus",
        "Asia/Baghdad",
        "Asia/Kathmandu",
        "America/Havana",
        "Pacific/Kiritimati",
    ]
)
TEXT = st.lists(FRAGMENTS | st.text(max_size=8), max_size=12).map(" ".join)


# No per-example deadline: on a loaded machine it measures the load, not the rules.
@settings(deadline=None)
@given(TEXT, st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)), ZONES, TEXT)
def test_any_text_gives_nothing_or_a_date_that_fits_and_is_not_after_publication(
    text, published, zone_name, earlier
):
    anchor = read(earlier, published=published, zone_name=zone_name)
    reading = read(text, published=published, zone_name=zone_name, anchor=anchor)
    if reading is not None:
        assert reading.start.date() <= published
