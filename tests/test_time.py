"""Times are stored in UTC and shown in the local time of the place, as precisely as known."""

import datetime as dt

import pytest

from operations import dates
from operations.dates import DatePrecision

from .factories import OperationFactory

pytestmark = pytest.mark.django_db


def test_half_past_midnight_in_syria_is_the_previous_day_in_utc_and_shown_on_its_local_day():
    occurred_at = dates.from_local(
        2022, 10, 6, 0, 30, zone="Asia/Damascus", precision=DatePrecision.MINUTE
    )
    operation = OperationFactory(
        occurred_at=occurred_at, local_time_zone="Asia/Damascus", date_precision="minute"
    )
    operation.refresh_from_db()
    assert operation.occurred_at == dt.datetime(2022, 10, 5, 21, 30, tzinfo=dt.UTC)
    assert operation.local_date == dt.date(2022, 10, 6)
    assert operation.when == "6 Oct 2022, 00:30 local time (5 Oct, 21:30 UTC)"


@pytest.mark.parametrize(
    ("local", "precision", "shown"),
    [
        ((2022, 10, 6, 18, 23), DatePrecision.MINUTE, "6 Oct 2022, 18:23 local time (15:23 UTC)"),
        ((2022, 10, 6, 18, 0), DatePrecision.HOUR, "6 Oct 2022, around 18:00 local time"),
        ((2022, 10, 6), DatePrecision.DAY, "6 Oct 2022"),
        ((2022, 2, 1), DatePrecision.MONTH, "Feb 2022"),
        ((2019, 1, 1), DatePrecision.YEAR, "2019"),
    ],
)
def test_each_date_precision_round_trips(local, precision, shown):
    occurred_at = dates.from_local(*local, zone="Asia/Damascus", precision=precision)
    operation = OperationFactory(
        occurred_at=occurred_at, local_time_zone="Asia/Damascus", date_precision=precision
    )
    operation.full_clean()
    operation.refresh_from_db()
    assert operation.date_precision == precision
    assert operation.local_occurred_at.timetuple()[: len(local)] == local
    assert operation.when.startswith(shown)


def test_from_local_drops_detail_finer_than_the_precision():
    occurred_at = dates.from_local(
        2022, 2, 17, 13, 45, zone="Asia/Damascus", precision=DatePrecision.MONTH
    )
    assert occurred_at == dt.datetime(2022, 1, 31, 22, 0, tzinfo=dt.UTC)
