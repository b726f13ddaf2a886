"""The city's day: every "today" and every date taken from an instant is Dresden's.

Instants travel in UTC (``ce_time``, ``at`` fields); a *day* (a service date, the clock's
day, the day a provider sent something) is the calendar day in Europe/Berlin. This is the
one place that turns one into the other, so an entry sent at 00:30 local time on 1 April
(22:30 UTC on 31 March) is dated 1 April everywhere. ``MSA_CITY_TIME_ZONE`` changes the
zone for a deployment elsewhere; ``tzdata`` is pinned, so the rules do not depend on the
host's zone files.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

DEFAULT_TIME_ZONE = "Europe/Berlin"
TIME_ZONE_ENV = "MSA_CITY_TIME_ZONE"


class NaiveInstant(ValueError):
    """An instant without a time zone offset cannot be placed on the city's calendar."""


@cache
def city_zone() -> ZoneInfo:
    """The city's time zone (``MSA_CITY_TIME_ZONE``, default Europe/Berlin)."""
    return ZoneInfo(os.environ.get(TIME_ZONE_ENV) or DEFAULT_TIME_ZONE)


def city_day(instant: datetime, zone: ZoneInfo | None = None) -> date:
    """The city's calendar day at ``instant`` (which must carry an offset)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise NaiveInstant(f"{instant.isoformat()} has no time zone offset")
    return instant.astimezone(zone or city_zone()).date()


def city_midnight(day: date, zone: ZoneInfo | None = None) -> datetime:
    """The instant ``day`` begins in the city, with the offset in force then (DST-correct:
    +01:00 in winter, +02:00 in summer)."""
    return datetime.combine(day, time(0), tzinfo=zone or city_zone())


def next_city_midnight(instant: datetime, zone: ZoneInfo | None = None) -> datetime:
    """The first city midnight after ``instant``."""
    return city_midnight(city_day(instant, zone) + timedelta(days=1), zone)
