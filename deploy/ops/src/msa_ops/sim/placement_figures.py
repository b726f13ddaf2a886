"""Reporting's placement figures as they should be, from the simulator's independent
placement model (``msa_ops.sim.placement``), fed with the arrivals and departures in the
order the paced scenario made casework decide them (``Truth.moves``), keyed by notice, so
they need no case → person link:

* ``open_cases`` (stock): cases opened on or before the month's last day (or the as-of day,
  the run's last day, for the running month) and not closed by it; district and status of
  the arrival, provider = the model's holder that day, ``-`` while waiting.
* ``waiting`` (stock): those of them whose holder that day is the waiting list.
* ``waiting_days`` (median): per wait ended by an assignment, days from joining the waiting
  list to the assignment, by the assignment day.

Stocks have no cumulative period (a stock is counted on a day; it does not add up).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date

from msa_ops.sim.figures import CUMULATIVE, TOTAL, Expected, Knowledge
from msa_ops.sim.placement import PlacementModel


def stock_day(period: str, last_day: date) -> date:
    """The day a month's stock is counted on: its last day, or the run's last day."""
    year, mon = (int(p) for p in period.split("-"))
    return min(date(year, mon, calendar.monthrange(year, mon)[1]), last_day)


def expected_placements(
    w: Knowledge, periods: tuple[str, ...], last_day: date
) -> dict[str, Expected]:
    """``open_cases`` and ``waiting`` per month (no cumulative), ``waiting_days`` samples."""
    model = w.truth.placement(w.reference)
    x: dict[str, Expected] = defaultdict(Expected)
    for period in (p for p in periods if p != CUMULATIVE):
        day = stock_day(period, last_day)
        for stay in model.open_cases(day):
            attrs = person_on(w, model, stay.key, day)
            holder = stay.holder_on(day) or "-"
            for figure, extra in (("open_cases", {"provider": holder}), ("waiting", {})):
                if figure == "open_cases" or holder == "-":
                    for dimension, row in [(TOTAL, TOTAL), *(attrs | extra).items()]:
                        x[figure].sums[(dimension, row, period)] += 1
    for stay in model.stays.values():
        for joined, assigned in stay.waits:
            attrs = person_on(w, model, stay.key, assigned)
            x["waiting_days"].add(assigned, (assigned - joined).days, attrs)
    return x


def person_on(w: Knowledge, model: PlacementModel, notice: str, day: date) -> dict[str, str]:
    """Region, district (where the person lives that day) and status group of a notice."""
    status = w.truth.arrivals[notice].residence_status.value
    return w.place(model.stays[notice].district_on(day)) | {"status_group": w.group[status]}
