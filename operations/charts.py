"""The count-per-month chart of the timeline, drawn on the server as SVG geometry.

The template turns these numbers into <rect> and <text> elements, so the
chart needs no script and no library, and every bar is a link to its month.
"""

import datetime as dt
import math
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 180
LEFT, RIGHT, TOP, BOTTOM = 50, 8, 10, 26
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
# A chart spans at least a year, so that one busy month is not one wall-wide bar.
MIN_MONTHS = 12


@dataclass
class Bar:
    month: dt.date
    count: int
    x: float
    y: float
    width: float
    height: float
    url: str

    @property
    def label(self):
        noun = "operation" if self.count == 1 else "operations"
        return f"{self.month:%B %Y}: {self.count} {noun}"


def months_between(first, last):
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def nice_ceiling(value):
    """The smallest 1, 2 or 5 × 10ⁿ at or above `value`: a readable top for the axis."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def month_chart(counts, *, link):
    """Geometry of a bar chart of `counts` [(month, count)]; `link(month)` gives a bar's URL.

    Every month between the first and the last is drawn, empty ones as gaps;
    a short span is widened to MIN_MONTHS, ending with the last month.
    """
    if not counts:
        return None
    totals = dict(counts)
    first, last = counts[0][0], counts[-1][0]
    months_before = MIN_MONTHS - 1 - ((last.year - first.year) * 12 + last.month - first.month)
    if months_before > 0:
        index = first.year * 12 + first.month - 1 - months_before
        first = dt.date(index // 12, index % 12 + 1, 1)
    months = months_between(first, last)
    top = nice_ceiling(max(totals.values()))
    step = PLOT_WIDTH / len(months)
    gap = min(1.0, step * 0.15)
    bars = []
    for index, month in enumerate(months):
        count = totals.get(month, 0)
        if not count:
            continue
        height = PLOT_HEIGHT * count / top
        bars.append(
            Bar(
                month=month,
                count=count,
                x=round(LEFT + index * step + gap / 2, 2),
                y=round(TOP + PLOT_HEIGHT - height, 2),
                width=round(max(step - gap, 0.5), 2),
                height=round(height, 2),
                url=link(month),
            )
        )
    ticks = [
        {"value": value, "y": round(TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / top, 2)}
        for value in (0, top // 2 if top >= 2 else None, top)
        if value is not None
    ]
    # Label every year when the chart spans several, otherwise every month.
    if len(months) > 18:
        labels = [
            {"x": round(LEFT + index * step, 2), "text": str(month.year)}
            for index, month in enumerate(months)
            if month.month == 1 or index == 0
        ]
        if len(labels) > 14:
            labels = labels[:: math.ceil(len(labels) / 14)]
    else:
        labels = [
            {"x": round(LEFT + (index + 0.5) * step, 2), "text": f"{month:%b %y}"}
            for index, month in enumerate(months)
        ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": TOP + PLOT_HEIGHT,
        # The y axis's title runs up the left edge: rotated, its x is minus the height.
        "title_x": -(TOP + PLOT_HEIGHT / 2),
        "label_y": HEIGHT - 8,
        "bars": bars,
        "ticks": ticks,
        "labels": labels,
        "centred": len(months) <= 18,
        "first": months[0],
        "last": months[-1],
        "total": sum(totals.values()),
        "busiest": max(counts, key=lambda item: item[1]),
    }
