"""Which days are due: never backwards, never a day skipped, nothing ahead of today."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from msa_scheduler.domain.calendar import behind, due_days

DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


def test_after_three_days_down_the_three_missing_days_are_due_in_order() -> None:
    assert due_days(date(2026, 4, 1), date(2026, 4, 4)) == [
        date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 4),
    ]  # fmt: skip


def test_an_empty_topic_starts_today_unless_a_start_day_is_set() -> None:
    assert due_days(None, date(2026, 4, 4)) == [date(2026, 4, 4)]
    since_3rd = due_days(None, date(2026, 4, 4), date(2026, 4, 3))
    assert since_3rd == [date(2026, 4, 3), date(2026, 4, 4)]


def test_a_start_day_in_the_future_publishes_nothing_until_it_comes() -> None:
    assert due_days(None, date(2026, 4, 4), date(2026, 4, 10)) == []


def test_nothing_is_due_when_today_was_published() -> None:
    assert due_days(date(2026, 4, 4), date(2026, 4, 4)) == []


def test_a_log_ahead_of_today_publishes_nothing_and_is_reported() -> None:
    assert due_days(date(2026, 4, 9), date(2026, 4, 4)) == []
    found = behind(date(2026, 4, 9), date(2026, 4, 4))
    assert found is not None and found.last == date(2026, 4, 9)
    assert behind(date(2026, 4, 4), date(2026, 4, 4)) is None


@given(last=st.none() | DAYS, today=DAYS, start=st.none() | DAYS)
def test_due_days_are_consecutive_after_the_last_and_end_today(
    last: date | None, today: date, start: date | None
) -> None:
    due = due_days(last, today, start)
    assert all(b - a == timedelta(days=1) for a, b in itertools.pairwise(due))
    if due:
        assert due[-1] == today
        assert last is None or due[0] == last + timedelta(days=1)
    assert all(last is None or d > last for d in due)
