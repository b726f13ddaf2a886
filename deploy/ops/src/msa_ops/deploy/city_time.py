"""The city's day in PromQL: recording rules that give the start (Unix seconds) of the
current Europe/Berlin calendar day, summer time included.

PromQL knows only UTC. The rules apply the EU's rule for Central European Time: UTC+1, and
UTC+2 from the last Sunday of March to the last Sunday of October, switching at 01:00 UTC.
A *last Sunday* of those 31-day months is on the 25th or later, so "the latest Sunday, up
to today, fell on the 25th or later" is ``day_of_month - day_of_week >= 25`` (on that
Sunday itself only from 01:00 UTC on).

The day's start is exact on every day: the local midnight, read in the offset in force at
that midnight (the switch comes two or three hours after it, so the offset two hours before
the local midnight taken as UTC is the one at the midnight itself).
"""

from __future__ import annotations

from typing import Any

#: Central European Time, the zone the services' ConfigMaps set (MSA_CITY_TIME_ZONE)
ZONE = "Europe/Berlin"
STANDARD_OFFSET_S = 3600
DAY_S = 86400
OFFSET = "msa:city_utc_offset_seconds"
WALL_MIDNIGHT = "msa:city_wall_midnight_seconds"
DAY_START = "msa:city_day_start_timestamp_seconds"


def _switched(t: str) -> str:
    """1 once this month's last Sunday's 01:00 UTC has passed at timestamps ``t``, else 0."""
    on_sunday_before_one = f"(day_of_week({t}) == bool 0) * (hour({t}) < bool 1)"
    return f"((day_of_month({t}) - day_of_week({t})) >= bool 25) * (1 - {on_sunday_before_one})"


def summer_time(t: str) -> str:
    """1 where the instants ``t`` (an instant vector of Unix seconds) are in summer time."""
    month, switched = f"month({t})", _switched(t)
    return (
        f"(({month} > bool 3) * ({month} < bool 10)"
        f" + ({month} == bool 3) * {switched}"
        f" + ({month} == bool 10) * (1 - {switched}))"
    )


def utc_offset(t: str) -> str:
    """The city's UTC offset in seconds at the instants ``t``."""
    return f"({STANDARD_OFFSET_S} + {STANDARD_OFFSET_S} * {summer_time(t)})"


def recording_rules() -> dict[str, Any]:
    """The group that records the offset now, the city's last midnight on its wall clock
    (read as if UTC) and the start of the city's current day (the rules of a group run in
    order, each seeing the ones before)."""
    local = f"(vector(time()) + {OFFSET})"
    return {
        "name": "msa-city-time",
        "interval": "1m",
        "rules": [
            {"record": OFFSET, "expr": utc_offset("vector(time())")},
            {"record": WALL_MIDNIGHT, "expr": f"{local} - {local} % {DAY_S}"},
            {"record": DAY_START,
             "expr": f"{WALL_MIDNIGHT} - {utc_offset(f'({WALL_MIDNIGHT} - 7200)')}"},
        ],
    }  # fmt: skip
