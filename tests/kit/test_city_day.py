"""The city's day is Dresden's calendar day, DST included, never UTC's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from msa_kit.city_day import NaiveInstant, city_day, city_midnight, next_city_midnight


def test_an_entry_sent_at_half_past_midnight_local_on_1_april_is_dated_1_april() -> None:
    sent = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # 00:30 CEST on 1 April
    assert city_day(sent) == date(2026, 4, 1)


def test_a_winter_evening_in_utc_is_still_the_same_city_day_until_23_00_utc() -> None:
    assert city_day(datetime(2026, 1, 15, 22, 59, tzinfo=UTC)) == date(2026, 1, 15)
    assert city_day(datetime(2026, 1, 15, 23, 0, tzinfo=UTC)) == date(2026, 1, 16)


def test_midnight_carries_the_offset_in_force_that_day() -> None:
    assert city_midnight(date(2026, 3, 29)).utcoffset() == timedelta(hours=1)  # DST starts 02:00
    assert city_midnight(date(2026, 3, 30)).utcoffset() == timedelta(hours=2)
    assert city_midnight(date(2026, 10, 25)).utcoffset() == timedelta(hours=2)  # DST ends 03:00
    assert city_midnight(date(2026, 10, 26)).utcoffset() == timedelta(hours=1)


def _length(day: date) -> timedelta:
    begins = city_midnight(day)
    # in UTC: Python subtracts two instants of one ZoneInfo as wall-clock times
    return next_city_midnight(begins).astimezone(UTC) - begins.astimezone(UTC)


def test_the_days_of_a_dst_change_are_23_and_25_hours_long() -> None:
    assert _length(date(2026, 3, 29)) == timedelta(hours=23)
    assert _length(date(2026, 10, 25)) == timedelta(hours=25)
    assert _length(date(2026, 6, 1)) == timedelta(hours=24)


def test_an_instant_without_offset_is_refused() -> None:
    with pytest.raises(NaiveInstant):
        city_day(datetime(2026, 4, 1, 0, 30))


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_every_instant_lies_between_its_days_midnight_and_the_next(naive: datetime) -> None:
    instant = naive.replace(tzinfo=UTC)
    day = city_day(instant)
    assert city_midnight(day) <= instant < next_city_midnight(instant)
    assert city_day(next_city_midnight(instant)) == day + timedelta(days=1)
