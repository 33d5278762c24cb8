"""Dates known only to some precision, as reports give them.

An operation's time is stored in UTC together with the local time zone and a
precision. A value "fits" its precision when every finer part of its *local*
time is zero: "February 2022" in Syria is stored as 1 Feb 2022 00:00 in
Damascus, which is 31 Jan 2022 22:00 UTC.
"""

import datetime as dt
import zoneinfo
from functools import lru_cache

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    MINUTE = "minute", _("minute")
    HOUR = "hour", _("hour")
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


@lru_cache(maxsize=1)
def time_zone_names():
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def zone(name):
    """The IANA zone of that name; UTC for a name that validation would refuse."""
    return zoneinfo.ZoneInfo(name) if name in time_zone_names() else dt.UTC


def truncate(local, precision):
    """The start of the period of `precision` that contains the local datetime."""
    local = local.replace(second=0, microsecond=0)
    if precision == DatePrecision.MINUTE:
        return local
    local = local.replace(minute=0)
    if precision == DatePrecision.HOUR:
        return local
    local = local.replace(hour=0)
    if precision == DatePrecision.DAY:
        return local
    local = local.replace(day=1)
    if precision == DatePrecision.MONTH:
        return local
    return local.replace(month=1)


def fits(local, precision):
    """Whether a local datetime is the first instant of its period of `precision`.

    Compared as instants: on a day when the clocks go forward at midnight,
    the day starts at 01:00, and that is where it is stored.
    """
    return truncate(local, precision).astimezone(dt.UTC) == local.astimezone(dt.UTC)


def period_end(start, precision):
    """The (exclusive) end of the period that starts at the local datetime `start`."""
    if precision == DatePrecision.MINUTE:
        return start + dt.timedelta(minutes=1)
    if precision == DatePrecision.HOUR:
        return start + dt.timedelta(hours=1)
    if precision == DatePrecision.DAY:
        return start + dt.timedelta(days=1)
    if precision == DatePrecision.MONTH:
        if start.month == 12:
            return start.replace(year=start.year + 1, month=1)
        return start.replace(month=start.month + 1)
    return start.replace(year=start.year + 1)


def from_local(year, month=1, day=1, hour=0, minute=0, *, zone, precision):
    """A UTC datetime for a local time given to `precision` in the IANA `zone`.

    Parts finer than the precision are dropped, so the result always fits.
    """
    local = dt.datetime(year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo(zone))
    return truncate(local, precision).astimezone(dt.UTC)


def at_midnight(value):
    return dt.datetime.combine(value, dt.time())


def partial_date(value, precision):
    """A date moved to the start of its day, month or year (for roles over time)."""
    if value is None:
        return None
    return truncate(at_midnight(value), precision).date()


def period_end_date(value, precision):
    """The day after the day, month or year that a partial date stands for."""
    return period_end(at_midnight(value), precision).date()


def format_local(local, precision):
    """A local datetime written no more precisely than it is known."""
    if precision == DatePrecision.YEAR:
        return f"{local.year}"
    if precision == DatePrecision.MONTH:
        return local.strftime("%b %Y")
    day = f"{local.day} {local.strftime('%b %Y')}"
    if precision == DatePrecision.DAY:
        return day
    if precision == DatePrecision.HOUR:
        return f"{day}, around {local:%H}:00"
    return f"{day}, {local:%H:%M}"


def format_partial_date(value, precision):
    if value is None:
        return ""
    return format_local(at_midnight(value), precision)


def html_datetime(local, precision):
    """The value of a `<time datetime>` for a local datetime known to `precision`.

    HTML takes "2022", "2022-02", "2022-10-06" or a time with its offset, so
    the attribute claims no more precision than the page shows.
    """
    if precision == DatePrecision.YEAR:
        return f"{local.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{local.year:04d}-{local.month:02d}"
    if precision == DatePrecision.DAY:
        return local.date().isoformat()
    return local.isoformat(timespec="minutes")
