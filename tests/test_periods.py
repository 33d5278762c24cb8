"""The geometry of role timelines: periods on a shared year axis."""

import datetime as dt

from operations import periods
from operations.dates import DatePrecision
from operations.models import Role

TODAY = dt.date(2024, 6, 1)


def span(start, end, label="x"):
    return periods.Span(start=start, end=end, label=label)


def test_a_role_ending_in_a_month_covers_the_whole_month():
    role = Role(
        started_on=dt.date(2022, 3, 10),
        ended_on=dt.date(2022, 10, 1),
        ended_precision=DatePrecision.MONTH,
    )

    result = periods.role_span(role, label="leader")

    assert (result.start, result.end) == (dt.date(2022, 3, 10), dt.date(2022, 11, 1))


def test_a_period_reads_with_an_unknown_start_and_an_open_end():
    role = Role(started_on=None, ended_on=None)
    assert role.period == "? – present"
    role = Role(started_on=dt.date(2013, 4, 1), started_precision=DatePrecision.MONTH)
    assert role.period == "Apr 2013 – present"


def test_the_axis_runs_from_the_first_start_to_the_last_end():
    spans = [span(dt.date(2013, 4, 1), dt.date(2019, 10, 27))]
    assert periods.axis_years(spans, TODAY) == (2013, 2019)


def test_an_end_on_new_years_day_closes_the_year_before():
    spans = [span(dt.date(2013, 4, 1), dt.date(2020, 1, 1))]
    assert periods.axis_years(spans, TODAY) == (2013, 2019)


def test_an_open_end_runs_the_axis_to_today_and_an_unknown_start_adds_a_year():
    assert periods.axis_years([span(dt.date(2023, 8, 3), None)], TODAY) == (2023, 2024)
    assert periods.axis_years([span(None, dt.date(2022, 10, 7))], TODAY) == (2021, 2022)
    assert periods.axis_years([span(None, None)], TODAY) == (2023, 2024)


def test_bars_sit_in_proportion_on_the_axis_and_an_open_end_reaches_today():
    chart = periods.chart(
        [
            (
                "leader",
                [span(dt.date(2020, 1, 1), dt.date(2021, 1, 1)), span(dt.date(2023, 1, 1), None)],
            )
        ],
        today=TODAY,
    )

    first, second = chart.bars
    inner = periods.WIDTH - 2 * periods.MARGIN
    assert (chart.first_year, chart.last_year) == (2020, 2024)
    assert first.x == periods.MARGIN
    assert abs(first.width - inner / 5) < 1
    assert second.open_end
    assert abs(second.x + second.width - chart.today_x) < 0.2
    assert [tick.year for tick in chart.ticks] == [2020, 2021, 2022, 2023, 2024]


def test_bars_whose_labels_would_overlap_go_to_separate_lanes():
    long_name = "Abu al-Husayn al-Husayni al-Qurashi"
    chart = periods.chart(
        [
            (
                "leader",
                [
                    span(dt.date(2000, 1, 1), dt.date(2010, 1, 1), "A"),
                    span(dt.date(2010, 1, 1), dt.date(2010, 6, 1), long_name),
                    span(dt.date(2010, 6, 1), dt.date(2011, 1, 1), long_name),
                    span(dt.date(2015, 1, 1), dt.date(2016, 1, 1), "B"),
                ],
            )
        ],
        today=TODAY,
    )

    lanes = [bar.lane for bar in chart.bars]
    assert lanes[0] == 0
    assert lanes[1] != lanes[2]
    assert chart.rows[0].lanes == len(set(lanes))
    # Each lane sits below the one before it, under the row's header.
    tops = sorted({bar.y for bar in chart.bars})
    assert tops[0] == periods.HEADER_HEIGHT
    assert all(b - a == periods.LANE_HEIGHT for a, b in zip(tops, tops[1:], strict=False))


def test_a_label_near_the_right_edge_ends_at_its_bar_instead_of_overflowing():
    chart = periods.chart(
        [("", [span(dt.date(2023, 6, 1), None, "A rather long label for a short bar " * 3)])],
        today=TODAY,
        headers=False,
    )

    (bar,) = chart.bars
    assert bar.label_anchor == "end"
    assert bar.label_x == round(bar.x + bar.width, 1)
    assert chart.bars[0].y == 0


def test_rows_stack_and_the_axis_lies_below_them():
    chart = periods.chart(
        [
            ("leader", [span(dt.date(2020, 1, 1), None)]),
            ("deputy", [span(dt.date(2021, 1, 1), None)]),
        ],
        today=TODAY,
    )

    leader, deputy = chart.rows
    assert deputy.y == leader.y + periods.HEADER_HEIGHT + periods.LANE_HEIGHT
    assert chart.axis_y == deputy.y + periods.HEADER_HEIGHT + periods.LANE_HEIGHT


def test_a_long_axis_labels_fewer_years():
    chart = periods.chart([("", [span(dt.date(1950, 1, 1), None)])], today=TODAY)
    years = [tick.year for tick in chart.ticks]
    assert len(years) <= 15
    assert years[0] == 1950
