"""When a report should wait for casework's clock instead of being turned down (pure)."""

from __future__ import annotations

from datetime import date

from msa_casework.domain.facts import Outcome
from msa_casework.domain.reports import Sender, refuse, waits_for_clock
from msa_contracts.events import reason

SENDER = Sender("caritas", "ev-1", "de.dresden.msa.GoalProgressReported.v1")
LATEST = date(2026, 3, 10)


def refused(*codes: str) -> Outcome:
    return refuse("C-1", SENDER, [reason(c, f"{c} happened", "reported_on") for c in codes])


def test_a_future_date_waits_when_the_sender_is_ahead_of_caseworks_clock() -> None:
    assert waits_for_clock(refused("date-in-future"), LATEST, date(2026, 3, 14))
    assert waits_for_clock(refused("case-closed", "date-in-future"), LATEST, date(2026, 3, 11))


def test_a_future_date_sent_on_a_day_casework_knows_is_turned_down_at_once() -> None:
    assert not waits_for_clock(refused("date-in-future"), LATEST, LATEST)
    assert not waits_for_clock(refused("date-in-future"), LATEST, date(2026, 3, 1))


def test_other_rejections_and_acceptances_never_wait() -> None:
    assert not waits_for_clock(refused("case-not-assigned"), LATEST, date(2026, 3, 20))
    assert not waits_for_clock(Outcome(), LATEST, date(2026, 3, 20))


def test_before_any_tick_there_is_no_clock_to_wait_for() -> None:
    assert not waits_for_clock(refused("date-in-future"), None, date(2026, 3, 20))
