"""Periods on a year axis: the geometry of the role timelines drawn as inline SVG.

Templates draw what these objects say (templates/operations/_record_timeline.html);
nothing here touches the database. A period may lack its start (drawn fading in
from the axis) or its end (drawn up to today: a role not known to have ended is
still held).
"""

import datetime as dt
from dataclasses import dataclass, field

from . import dates

WIDTH = 720
MARGIN = 8
LANE_HEIGHT = 34
HEADER_HEIGHT = 22
AXIS_HEIGHT = 24
BAR_OFFSET = 17  # from the top of a lane: its label sits above the bar
BAR_HEIGHT = 12
# A rough width of one character of a 12px label, to keep labels from overlapping.
CHAR_WIDTH = 6.6
GAP = 10


@dataclass
class Span:
    """One bar to draw: `end` is exclusive, None when it runs on to today."""

    start: dt.date | None
    end: dt.date | None
    label: str
    title: str = ""
    href: str = ""


def role_span(role, *, label, title="", href=""):
    """A role's period as a Span: its end date covers the whole day, month or year."""
    end = None
    if role.ended_on is not None:
        end = dates.period_end_date(role.ended_on, role.ended_precision)
    return Span(start=role.started_on, end=end, label=label, title=title, href=href)


@dataclass
class Bar:
    span: Span
    x: float
    width: float
    lane: int = 0
    label_x: float = 0.0
    label_anchor: str = "start"
    y: float = 0.0

    @property
    def open_start(self):
        return self.span.start is None

    @property
    def open_end(self):
        return self.span.end is None

    @property
    def bar_y(self):
        return self.y + BAR_OFFSET

    @property
    def label_y(self):
        return self.y + BAR_OFFSET - 4


@dataclass
class Row:
    label: str
    bars: list = field(default_factory=list)
    y: float = 0.0
    lanes: int = 1

    @property
    def label_y(self):
        return self.y + 15


@dataclass
class Tick:
    x: float
    year: int

    @property
    def label_x(self):
        return round(self.x + 3, 1)


@dataclass
class Chart:
    rows: list
    ticks: list
    height: float
    today_x: float | None
    first_year: int
    last_year: int
    width: int = WIDTH

    @property
    def bars(self):
        return [bar for row in self.rows for bar in row.bars]

    @property
    def axis_y(self):
        return self.height - AXIS_HEIGHT


def axis_years(spans, today):
    """The first and the last year (inclusive) that the axis shows."""
    starts = [span.start for span in spans if span.start is not None]
    # An end is exclusive: a role that ended with 2019 ends on 1 January 2020.
    lasts = [span.end - dt.timedelta(days=1) for span in spans if span.end is not None]
    if any(span.end is None for span in spans) or not (starts or lasts):
        lasts.append(today)
    first = min(starts + lasts).year
    last = max(starts + lasts).year
    if any(span.start is None for span in spans):
        # Room for an unknown start to fade in before the first known date.
        first -= 1
    return first, last


def tick_step(years):
    for step in (1, 2, 5, 10, 20, 50):
        if years / step <= 12:
            return step
    return 100


def label_width(text):
    return len(text) * CHAR_WIDTH


def chart(rows, *, today, headers=True):
    """Lay out `rows` — (row label, [Span, …]) pairs — on one shared year axis.

    In a row, bars whose labels would overlap go to separate lanes. With
    `headers`, each row starts with its label on a line of its own.
    """
    spans = [span for _, row_spans in rows for span in row_spans]
    first, last = axis_years(spans, today)
    start = dt.date(first, 1, 1)
    stop = dt.date(last + 1, 1, 1)
    total = (stop - start).days
    inner = WIDTH - 2 * MARGIN

    def x_of(day):
        day = min(max(day, start), stop)
        return round(MARGIN + inner * (day - start).days / total, 1)

    laid_out = []
    y = 0.0
    for row_label, row_spans in rows:
        row = Row(label=row_label, y=y)
        occupied = []  # per lane: the right edge of what it holds so far
        ordered = sorted(row_spans, key=lambda span: (span.start or dt.date.min, span.label))
        for span in ordered:
            left = x_of(span.start or start)
            right = x_of(span.end or today)
            bar = Bar(span=span, x=left, width=round(max(right - left, 2.0), 1))
            wide = label_width(span.label)
            if left + wide <= WIDTH - MARGIN:
                bar.label_x, bar.label_anchor = left, "start"
                extent = (left, max(left + wide, right))
            else:
                end = round(bar.x + bar.width, 1)
                bar.label_x, bar.label_anchor = end, "end"
                extent = (min(end - wide, left), end)
            for lane, edge in enumerate(occupied):
                if extent[0] >= edge + GAP:
                    bar.lane = lane
                    occupied[lane] = extent[1]
                    break
            else:
                bar.lane = len(occupied)
                occupied.append(extent[1])
            row.bars.append(bar)
        row.lanes = max(len(occupied), 1)
        top = y + (HEADER_HEIGHT if headers else 0)
        for bar in row.bars:
            bar.y = top + bar.lane * LANE_HEIGHT
        y = top + row.lanes * LANE_HEIGHT
        laid_out.append(row)

    step = tick_step(last - first + 1)
    ticks = [
        Tick(x=x_of(dt.date(year, 1, 1)), year=year)
        for year in range(first, last + 1)
        if (year - first) % step == 0
    ]
    today_x = x_of(today) if start <= today < stop else None
    return Chart(
        rows=laid_out,
        ticks=ticks,
        height=y + AXIS_HEIGHT,
        today_x=today_x,
        first_year=first,
        last_year=last,
    )
