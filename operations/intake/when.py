"""Dates in an article's sentences, read no more precisely than the words give them.

`read_date` reads one sentence against the publication date ("on Thursday" is
the Thursday on or before it) and, for "the night before" or "hours later",
against an earlier reading of the same article. It returns the most precise
date the sentence gives, or None.

Hand-written rules rather than dateparser: measured on press sentences,
dateparser reads "Resolution 2254" as the year 2254, the verb "may" as May and
"Sept. 14" as 7 September, and it says nothing of precision, which is what an
analyst needs to know here.
"""

import datetime as dt
import re
from dataclasses import dataclass

from operations.dates import DatePrecision, period_end, truncate, zone

from .words import SAYING_VERBS

MINUTE = DatePrecision.MINUTE.value
HOUR = DatePrecision.HOUR.value
DAY = DatePrecision.DAY.value
MONTH = DatePrecision.MONTH.value
YEAR = DatePrecision.YEAR.value
FINEST_FIRST = [MINUTE, HOUR, DAY, MONTH, YEAR]
# The years the rules read ("19xx", "20xx"); a publication date outside them
# is a typing error, and at the ends of the calendar a day earlier does not exist.
FIRST_READABLE, LAST_READABLE = dt.date(1900, 1, 2), dt.date(2099, 12, 31)


@dataclass(frozen=True)
class DateReading:
    start: dt.datetime  # aware, in the place's zone: the first instant of the period
    precision: str  # a DatePrecision value
    text: str  # the words it was read from, as in the sentence


@dataclass(frozen=True)
class Found:
    """A period the words give, in days, before any time of day is added."""

    first: dt.date  # the first day of the period
    precision: str  # day, month or year
    start: int  # where the words are in the sentence
    end: int
    # "Thursday night", "last night": an early-morning time is on the next day.
    night: bool = False


def read_date(sentence, *, published, zone_name, anchor=None):
    """The most precise date `sentence` gives, as a DateReading, or None.

    `published` is the publication date; `zone_name` the IANA zone of the place
    ("UTC" when unknown); `anchor` an earlier reading of the same article, which
    "the night before" or "hours later" count from.
    """
    if not sentence or not FIRST_READABLE <= published <= LAST_READABLE:
        return None
    tz = zone(zone_name)
    anchor_day = None
    if anchor is not None and anchor.precision in (MINUTE, HOUR, DAY):
        anchor_day = anchor.start.date()
    found = [
        each
        for reader in READERS
        for each in reader(sentence, published, anchor_day)
        if each.first <= published
    ]
    best = min(
        found, key=lambda each: (FINEST_FIRST.index(each.precision), each.start), default=None
    )
    clock = time_of_day(sentence)
    day = best if best is not None and best.precision == DAY else None
    if clock is not None and best is None and anchor_day is not None:
        # A time alone ("At 11 pm, a second drone struck") is on the day being told.
        day = Found(anchor_day, DAY, clock.start, clock.start)
    if clock is not None and day is not None:
        reading = with_time(sentence, day, clock, tz, published)
        if reading is not None:
            return reading
    if best is None:
        return None
    start = local_start(dt.datetime.combine(best.first, dt.time()), tz, best.precision)
    if start.date() > published:
        return None  # a day the zone skipped, such as 31 December 1994 in Kiribati
    return DateReading(start, best.precision, sentence[best.start : best.end])


# Words -------------------------------------------------------------------


def pattern(text, flags=0):
    # ASCII classes: English press text, and Python's Unicode \d and \w cost
    # twice as much on every sentence.
    return re.compile(text, flags | re.ASCII)


MONTHS = {
    "January": 1, "Jan": 1, "February": 2, "Feb": 2, "March": 3, "Mar": 3,
    "April": 4, "Apr": 4, "May": 5, "June": 6, "Jun": 6, "July": 7, "Jul": 7,
    "August": 8, "Aug": 8, "September": 9, "Sept": 9, "Sep": 9, "October": 10,
    "Oct": 10, "November": 11, "Nov": 11, "December": 12, "Dec": 12,
}  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip

# Month and weekday names are matched with their capital only, so that "may"
# and "a march" are not months. The dot of "Oct." is taken, not a full stop.
MONTH_NAME = (
    r"(?P<month>"
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")\b(?:\.(?!\s*$|\s+[A-Z]))?"
)
DAY_NUMBER = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
YEAR_NUMBER = r"(?P<year>(?:19|20)\d\d)"
COUNT = r"(?P<count>" + "|".join(NUMBERS) + r"|\d{1,2})"
WEEKDAY = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"
PART_OF_DAY = r"(?P<part>morning|afternoon|evening|night)"
ON = r"(?:(?i:on)\s+)?"

# A date after these words bounds a span ("since Thursday", "until 6
# October"), ends a range ("between 6 and 7 pm") or lies ahead ("next
# Friday"): it is not when something happened.
NOT_WHEN = pattern(
    r"(?:\b(?:since|until|till|by|before|after|from|through|next|coming|between)"
    r"|(?:\d|day)\s*(?:[-–]|\band|\bto|\bor))\s*(?:the\s+)?$",
    re.IGNORECASE,
)
# "The ministry said on Sunday that…": when the words were said, which is not
# when the event happened (a statement's date is not the event's date).
SAID_ON = pattern(
    r"\b(?i:" + "|".join(SAYING_VERBS) + r")\s+(?:(?i:late|early|earlier|later)\s+)?$"
)
# "On Wednesday or Thursday" gives neither day.
OR_ANOTHER = pattern(r"\s+or\s+\S", re.IGNORECASE)


# How far back the words before a date are looked at, so that a long text
# costs time in proportion to its length.
LOOK_BACK = 40


def words_before(sentence, match):
    return sentence[max(0, match.start() - LOOK_BACK) : match.start()]


def matches(regex, sentence):
    """Matches of `regex` that are not preceded by a word that bounds a span."""
    for match in regex.finditer(sentence):
        before = words_before(sentence, match)
        if (
            not NOT_WHEN.search(before)
            and not SAID_ON.search(before)
            and not OR_ANOTHER.match(sentence, match.end())
        ):
            yield match


def mentions(sentence, cues):
    """Whether any of `cues` (lowercase) is in the sentence: a cheap first look.

    Each reader's patterns are tried only when its words may be there, since
    most sentences of an article give no date at all.
    """
    lower = sentence.lower()
    return any(cue in lower for cue in cues)


MONTH_CUES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
HAS_DIGIT = pattern(r"[0-9]")


def number(word):
    return NUMBERS.get(word.lower()) or int(word)


def day_or_none(year, month, day):
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# Readers: each yields what it finds in a sentence as Found periods ---------

EXPLICIT_DAY = [
    # on 6 October 2022, 6 Oct, the 6th of October
    pattern(
        rf"\b{ON}(?:(?i:the)\s+)?{DAY_NUMBER}(?:\s+(?i:of))?\s+{MONTH_NAME}(?:,?\s+{YEAR_NUMBER}\b)?"
    ),
    # October 6, 2022; Oct. 6 (not "October 5-6" nor "October 5 to 6")
    pattern(
        rf"\b{ON}{MONTH_NAME}\s+{DAY_NUMBER}\b(?![:.]?\d|\s*[-–]|\s+(?i:to|and|or)\s+\d)"
        rf"(?:,?\s+{YEAR_NUMBER}\b)?"
    ),
]
ISO_DAY = pattern(rf"\b{ON}(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")


def explicit_days(sentence, published, anchor_day):
    if not mentions(sentence, MONTH_CUES):
        return
    for regex in EXPLICIT_DAY:
        for match in matches(regex, sentence):
            month, day = MONTHS[match["month"]], int(match["day"])
            if match["year"]:
                first = day_or_none(int(match["year"]), month, day)
            else:
                first = latest_day(month, day, published)
            if first:
                yield Found(first, DAY, *match.span())


def iso_days(sentence, published, anchor_day):
    if "-" not in sentence:
        return
    for match in matches(ISO_DAY, sentence):
        first = day_or_none(int(match["year"]), int(match["month"]), int(match["day"]))
        if first:
            yield Found(first, DAY, *match.span())


def latest_day(month, day, published):
    """The latest `month`/`day` on or before the publication date (29 Feb: up to 8 years)."""
    for year in range(published.year, published.year - 9, -1):
        first = day_or_none(year, month, day)
        if first and first <= published:
            return first
    return None


WEEKDAY_WORDS = pattern(
    rf"\b(?:(?i:(?P<last>last)|late|early)\s+)?{ON}{WEEKDAY}\b(?:\s+(?i:{PART_OF_DAY}))?"
)


def weekdays(sentence, published, anchor_day):
    if not mentions(sentence, ("day",)):
        return
    for match in matches(WEEKDAY_WORDS, sentence):
        back = (published.weekday() - WEEKDAYS.index(match["weekday"])) % 7
        if match["last"] and back == 0:
            back = 7
        night = (match["part"] or "").lower() == "night"
        yield Found(published - dt.timedelta(days=back), DAY, *match.span(), night=night)


def phrase(words):
    """Whole words in any case."""
    return pattern(rf"\b(?i:{words})\b")


# Days counted from the publication date: (words, days back, at night).
FROM_PUBLICATION = [
    (phrase(r"(?:the\s+)?day\s+before\s+yesterday"), 2, False),
    (phrase(r"(?:(?:late|early)\s+)?yesterday(?:\s+(?P<part>morning|afternoon|evening|night))?"),
     1, False),
    (phrase(r"last\s+night|overnight"), 1, True),
    (phrase(r"tonight"), 0, True),
    (phrase(r"(?:(?:earlier|later)\s+)?today|this\s+(?:morning|afternoon|evening)"), 0, False),
]  # fmt: skip
DAYS_AGO = phrase(rf"{COUNT}\s+days?\s+ago")


def days_from_publication(sentence, published, anchor_day):
    if not mentions(sentence, ("yesterday", "night", "today", "this", "ago")):
        return
    for regex, back, night in FROM_PUBLICATION:
        for match in matches(regex, sentence):
            at_night = night or (match.groupdict().get("part") or "").lower() == "night"
            yield Found(published - dt.timedelta(days=back), DAY, *match.span(), night=at_night)
    for match in matches(DAYS_AGO, sentence):
        yield Found(published - dt.timedelta(days=number(match["count"])), DAY, *match.span())


# Days counted from the anchor: (words, days after it, at night).
FROM_ANCHOR = [
    (phrase(r"the\s+(?:night|evening)\s+before|the\s+(?:previous|preceding)\s+(?:night|evening)"
            r"|a\s+night\s+earlier"), -1, True),
    (phrase(r"the\s+day\s+before(?!\s+yesterday)|the\s+(?:previous|preceding)\s+day"
            r"|a\s+day\s+(?:earlier|before)"), -1, False),
    (phrase(r"the\s+(?:next|following)\s+night"), 1, True),
    (phrase(r"the\s+(?:next|following)\s+(?:day|morning|afternoon|evening)|a\s+day\s+later"
            r"|the\s+day\s+after"), 1, False),
    (phrase(r"that\s+night"), 0, True),
    (phrase(r"(?:hours|minutes)\s+(?:later|earlier)|(?:later|earlier)\s+(?:that|in\s+the)\s+day"
            r"|that\s+(?:day|morning|afternoon|evening)|the\s+same\s+day"), 0, False),
]  # fmt: skip
ANCHOR_CUES = ("before", "earlier", "later", "after", "next", "following", "previous", "preceding",
               "that", "same")  # fmt: skip
DAYS_FROM_ANCHOR = phrase(rf"{COUNT}\s+days?\s+(?:(?P<later>later|after)|earlier|before)")


def days_from_anchor(sentence, published, anchor_day):
    if anchor_day is None or not mentions(sentence, ANCHOR_CUES):
        return
    for regex, days, night in FROM_ANCHOR:
        for match in matches(regex, sentence):
            yield Found(anchor_day + dt.timedelta(days=days), DAY, *match.span(), night=night)
    for match in matches(DAYS_FROM_ANCHOR, sentence):
        if match["count"].lower() in ("a", "an"):
            continue  # "a day earlier" is read above
        days = number(match["count"]) * (1 if match["later"] else -1)
        yield Found(anchor_day + dt.timedelta(days=days), DAY, *match.span())


EARLY_MID_LATE = r"(?:(?i:early|mid|late)[\s-]+)?"
MONTH_AND_YEAR = pattern(
    rf"\b{EARLY_MID_LATE}{MONTH_NAME}(?:,?\s+(?:(?i:of)\s+)?{YEAR_NUMBER}\b"
    r"|\s+(?P<relative>(?i:last|this))\s+(?i:year)\b)"
)
# A month without a year only after words that make it a time: "in February".
MONTH_ALONE = pattern(
    rf"\b(?P<lead>(?i:in|during|early|mid|late|last|this|the|of))[\s-]+{EARLY_MID_LATE}{MONTH_NAME}"
    r"(?!,?\s+(?:(?i:of)\s+)?(?:\d|(?i:last|this)\s+(?i:year)))"
)


def months(sentence, published, anchor_day):
    if not mentions(sentence, MONTH_CUES):
        return
    for match in matches(MONTH_AND_YEAR, sentence):
        month = MONTHS[match["month"]]
        if match["year"]:
            year = int(match["year"])
        else:
            year = published.year - (match["relative"].lower() == "last")
        yield Found(dt.date(year, month, 1), MONTH, *match.span())
    for match in matches(MONTH_ALONE, sentence):
        month = MONTHS[match["month"]]
        lead = match["lead"].lower()
        year = published.year
        if lead != "this" and (
            month > published.month or (lead == "last" and month == published.month)
        ):
            year -= 1
        yield Found(dt.date(year, month, 1), MONTH, *match.span())


RELATIVE_MONTHS = pattern(
    r"\b(?i:(?:(?:earlier|later|early)\s+)?this\s+(?P<this>month|year)"
    r"|(?:(?:early|late)\s+)?last\s+(?P<last>month|year))\b"
)


def relative_months(sentence, published, anchor_day):
    if not mentions(sentence, ("month", "year")):
        return
    for match in matches(RELATIVE_MONTHS, sentence):
        unit = (match["this"] or match["last"]).lower()
        if unit == "year":
            yield Found(dt.date(published.year - bool(match["last"]), 1, 1), YEAR, *match.span())
        else:
            first = published.replace(day=1)
            if match["last"]:
                first = (first - dt.timedelta(days=1)).replace(day=1)
            yield Found(first, MONTH, *match.span())


SEASON = r"(?:spring|summer|autumn|fall|winter)"
# A bare number is a year only where the words make it one; "2,000
# fighters", "Resolution 2254" or "the 2014 caliphate" are not dates.
YEARS = [
    pattern(rf"\b(?i:in|during|throughout)\s+{EARLY_MID_LATE}{YEAR_NUMBER}\b(?!\s*[-–/,.]\d)"),
    pattern(
        rf"\b(?i:(?:{SEASON}|half|quarter|end|start|beginning|middle)\s+of)\s+{YEAR_NUMBER}\b"
    ),
    pattern(rf"\b(?i:mid-|{SEASON}\s+){YEAR_NUMBER}\b"),
    pattern(
        rf"\b(?i:the)\s+{YEAR_NUMBER}\s+(?i:raid|(?:air|drone\s+)?strike|airstrike|capture"
        r"|operation|attack|killing|bombing|ambush|offensive|assault)s?\b"
    ),
]


def years(sentence, published, anchor_day):
    if not HAS_DIGIT.search(sentence):
        return
    for regex in YEARS:
        for match in matches(regex, sentence):
            yield Found(dt.date(int(match["year"]), 1, 1), YEAR, *match.span())


# Periods of several days: a month or a year when they lie inside one, and
# nothing otherwise ("recently", "in recent days" give nothing at all).
DAY_RANGES = [
    pattern(rf"\b(?P<from>[0-3]?\d)\s*(?:[-–]|(?i:to|and|or))\s*{DAY_NUMBER}\s+{MONTH_NAME}"
            rf"(?:,?\s+{YEAR_NUMBER}\b)?"),
    pattern(rf"\b{MONTH_NAME}\s+(?P<from>[0-3]?\d)\s*(?:[-–]|(?i:to|and|or))\s*{DAY_NUMBER}\b"
            rf"(?:,?\s+{YEAR_NUMBER}\b)?"),
]  # fmt: skip
WEEKS = pattern(
    r"\b(?i:(?P<last_week>last\s+week)|(?:earlier\s+)?this\s+week"
    r"|(?P<weekend>(?:last|this|over\s+the)\s+weekend))\b"
)


def several_days(sentence, published, anchor_day):
    if mentions(sentence, MONTH_CUES):
        yield from day_ranges(sentence, published)
    if mentions(sentence, ("week",)):
        yield from weeks(sentence, published)


def day_ranges(sentence, published):
    for regex in DAY_RANGES:
        for match in regex.finditer(sentence):
            month = MONTHS[match["month"]]
            first_day, last_day = int(match["from"]), int(match["day"])
            if match["year"]:
                last = day_or_none(int(match["year"]), month, last_day)
            else:
                last = latest_day(month, last_day, published)
            first = last and day_or_none(last.year, month, first_day)
            if first and first <= last:
                yield from within(first, last, match)


def weeks(sentence, published):
    for match in WEEKS.finditer(sentence):
        monday = published - dt.timedelta(days=published.weekday())
        if match["last_week"]:
            first, last = monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
        elif match["weekend"]:
            first = published - dt.timedelta(days=(published.weekday() - 5) % 7)
            last = min(first + dt.timedelta(days=1), published)
        else:
            first, last = monday, published
        yield from within(first, last, match)


def within(first, last, match):
    if (first.year, first.month) == (last.year, last.month):
        yield Found(first.replace(day=1), MONTH, *match.span())
    elif first.year == last.year:
        yield Found(first.replace(month=1, day=1), YEAR, *match.span())


READERS = [
    explicit_days,
    iso_days,
    weekdays,
    days_from_publication,
    days_from_anchor,
    months,
    relative_months,
    years,
    several_days,
]


# Times of day --------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    hour: int
    minute: int
    precision: str  # minute or hour
    in_utc: bool
    start: int
    end: int


AM_PM = r"(?P<half>[ap])\.?\s?m\b\.?"
ZONE_WORDS = r"(?:\s*\(?\s*(?P<zone>local\s+time|local|GMT|UTC|Zulu|Z)\b)?"
TIMES = [
    # 6:23 p.m., 18:23
    pattern(rf"\b(?P<hour>[0-2]?\d):(?P<minute>[0-5]\d)(?:\s*{AM_PM})?{ZONE_WORDS}"),
    # 6.23pm: a dot only with am or pm, since "2.50" is not a time
    pattern(rf"\b(?P<hour>1[0-2]|0?\d)\.(?P<minute>[0-5]\d)\s*{AM_PM}{ZONE_WORDS}"),
    # 6 p.m.
    pattern(rf"\b(?P<hour>1[0-2]|0?\d)\s*{AM_PM}{ZONE_WORDS}"),
    # 1523 GMT, 0200 hours: four digits only with words that make them a time
    pattern(r"\b(?P<hour>[01]\d|2[0-3])(?P<minute>[0-5]\d)\s*"
               r"(?:(?i:hours|hrs)|(?P<zone>local\s+time|GMT|UTC|Zulu|Z)\b)"),
    pattern(r"\b(?i:(?P<noon>noon|midday))\b"),
]  # fmt: skip
# "About 6:20 pm" is known to the hour, not to the minute.
ROUGHLY = pattern(
    r"\b(?:about|around|approximately|roughly|some|circa|nearly|almost)\s+(?:at\s+)?$",
    re.IGNORECASE,
)


def time_of_day(sentence):
    """The first time of day that says when something happened, as a Clock, or None."""
    if not HAS_DIGIT.search(sentence) and not mentions(sentence, ("noon", "midday")):
        return None
    found = []
    for regex in TIMES:
        for match in matches(regex, sentence):
            clock = clock_of(match, rough=bool(ROUGHLY.search(words_before(sentence, match))))
            if clock:
                found.append(clock)
    return min(found, key=lambda clock: clock.start, default=None)


def clock_of(match, *, rough):
    parts = match.groupdict()
    if parts.get("noon"):
        return Clock(12, 0, HOUR, False, *match.span())
    hour = int(parts["hour"])
    minute = parts.get("minute")
    half = (parts.get("half") or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23:
        return None
    precision = MINUTE if minute is not None and not rough else HOUR
    in_utc = (parts.get("zone") or "").upper() in ("GMT", "UTC", "ZULU", "Z")
    return Clock(hour, int(minute or 0) if precision == MINUTE else 0, precision, in_utc,
                 *match.span())  # fmt: skip


def with_time(sentence, day, clock, tz, published):
    """The day's reading made precise by the time of day; None if it would lie ahead."""
    on = day.first
    if day.night and clock.hour < 6:
        on += dt.timedelta(days=1)
    naive = dt.datetime.combine(on, dt.time(clock.hour, clock.minute))
    if clock.in_utc:
        local = naive.replace(tzinfo=dt.UTC).astimezone(tz)
    else:
        local = local_start(naive, tz, clock.precision)
    if local.date() > published:
        return None
    period = widened(local, clock.precision)
    if period is None:
        return None
    return DateReading(*period, words_of(sentence, day, clock))


def widened(local, precision):
    """The finest local period that holds the whole of the given one, as (start, precision).

    A time given in UTC and moved into a zone half an hour off UTC no longer
    starts an hour; it is then known to the day, or to nothing finer than the
    day the words give (None) when it straddles midnight.
    """
    end = period_end(local, precision)
    for coarser in (MINUTE, HOUR, DAY)[FINEST_FIRST.index(precision) :]:
        start = local_start(local, local.tzinfo, coarser)
        if start <= local and period_end(start, coarser) >= end:
            return start, coarser
    return None


def local_start(naive_or_local, tz, precision):
    """The first instant of the period, in `tz`; where midnight does not exist, 01:00."""
    first = truncate(naive_or_local.replace(tzinfo=tz), precision)
    return first.astimezone(dt.UTC).astimezone(tz)


def words_of(sentence, day, clock):
    """The words the day and the time were read from: one stretch when they are together."""
    if day.start == day.end:
        return sentence[clock.start : clock.end]
    (first, first_end), (second, second_end) = sorted(
        [(day.start, day.end), (clock.start, clock.end)]
    )
    between = sentence[first_end:second]
    if re.fullmatch(r"(?i:[\s,]|\bat\b|\bon\b|\baround\b|\babout\b)*", between):
        return sentence[first:second_end]
    return f"{sentence[first:first_end]} … {sentence[second:second_end]}"
