"""Folding events into figures: each figure's definition, joins by business date, dedupe."""

from __future__ import annotations

from datetime import date

from msa_contracts.reference import ReferenceData
from msa_reporting.domain.projection import Figures, project
from msa_reporting.domain.table import FigureTable

from tests.reporting import builders as b
from tests.reporting.builders import Log

JAN, FEB, MAR = "2026-01", "2026-02", "2026-03"
CUM = "cumulative"


def figures(log: Log, reference: ReferenceData, threshold: int = 5) -> Figures:
    return project(log.stored, reference, threshold)


def cells(table: FigureTable, dimension: str) -> dict[tuple[str, str], int | None]:
    """Non-zero cells of one breakdown as {(row, period): value}."""
    return {(r, p): v for (d, r, p), v in table.values.items() if d == dimension and v}


def test_arrivals_count_once_per_person_by_allocation_month_district_and_status(
    reference: ReferenceData,
) -> None:
    log = Log().add(
        b.arrival(1, date(2026, 1, 10), "prohlis", "gestattung-55-asylg"),
        b.arrival(2, date(2026, 2, 3), "neustadt", "ae-25-2"),
        b.arrival(3, date(2026, 2, 20), "weixdorf", "duldung-60a"),
    )
    log.add(b.arrival(1, date(2026, 1, 10), "prohlis", "gestattung-55-asylg"))  # a duplicate
    t = figures(log, reference).true["arrivals"]
    assert cells(t, "total") == {("total", JAN): 1, ("total", FEB): 2, ("total", CUM): 3}
    assert cells(t, "region") == {
        ("sued", JAN): 1,
        ("sued", CUM): 1,
        ("nord", FEB): 2,
        ("nord", CUM): 2,
    }
    assert cells(t, "district")[("weixdorf", CUM)] == 1
    assert cells(t, "status_group") == {
        ("asylum-procedure", JAN): 1,
        ("asylum-procedure", CUM): 1,
        ("humanitarian", FEB): 1,
        ("humanitarian", CUM): 1,
        ("tolerated", FEB): 1,
        ("tolerated", CUM): 1,
    }


def test_a_goal_counts_in_the_district_and_status_the_person_had_on_the_day_it_was_achieved(
    reference: ReferenceData,
) -> None:
    log = Log().add(
        b.arrival(1, date(2026, 1, 5), "prohlis", "gestattung-55-asylg"),
        b.opened(1, date(2026, 1, 5)),
        b.relocated(1, date(2026, 2, 1), "cotta"),
        b.status_changed(1, date(2026, 2, 15), "ae-25-2", "gestattung-55-asylg"),
        b.plan(1, date(2026, 1, 20), [b.goal("g1"), b.goal("g2", "M30", "work-education")]),
        b.achieved(1, "g1", date(2026, 3, 2), date(2026, 1, 20)),
    )
    f = figures(log, reference).true
    assert cells(f["goals_set"], "region") == {("sued", JAN): 2, ("sued", CUM): 2}
    assert cells(f["goals_set"], "field") == {
        ("T04", JAN): 1,
        ("T04", CUM): 1,
        ("T06", JAN): 1,
        ("T06", CUM): 1,
    }
    assert cells(f["goals_achieved"], "district") == {("cotta", MAR): 1, ("cotta", CUM): 1}
    assert cells(f["goals_achieved"], "status_group") == {
        ("humanitarian", MAR): 1,
        ("humanitarian", CUM): 1,
    }
    assert cells(f["goals_achieved"], "measure") == {("M19", MAR): 1, ("M19", CUM): 1}
    assert cells(f["goal_days"], "total") == {("total", MAR): 41, ("total", CUM): 41}


def test_a_goal_reported_achieved_twice_counts_once(reference: ReferenceData) -> None:
    log = Log().add(
        b.opened(1, date(2026, 1, 5)), b.achieved(1, "g1", date(2026, 2, 2), date(2026, 1, 20))
    )
    log.add(b.achieved(1, "g1", date(2026, 2, 9), date(2026, 1, 20)))
    t = figures(log, reference).true["goals_achieved"]
    assert cells(t, "total") == {("total", FEB): 1, ("total", CUM): 1}


def test_open_cases_and_the_waiting_list_are_counted_at_each_month_end(
    reference: ReferenceData,
) -> None:
    log = Log().add(
        b.opened(1, date(2026, 1, 5)),
        b.assigned(1, date(2026, 1, 5), "caritas"),
        b.opened(2, date(2026, 1, 6)),
        b.waitlisted(2, date(2026, 1, 6)),
        b.assigned(2, date(2026, 2, 10), "awo"),
        b.opened(3, date(2026, 1, 7)),
        b.waitlisted(3, date(2026, 1, 7)),
        b.closed(3, date(2026, 1, 31)),
        b.tick(date(2026, 3, 10)),
    )
    f = figures(log, reference).true
    assert cells(f["open_cases"], "total") == {
        ("total", JAN): 2,
        ("total", FEB): 2,
        ("total", MAR): 2,
    }
    assert cells(f["open_cases"], "provider") == {
        ("caritas", JAN): 1,
        ("-", JAN): 1,
        ("caritas", FEB): 1,
        ("awo", FEB): 1,
        ("caritas", MAR): 1,
        ("awo", MAR): 1,
    }
    assert cells(f["waiting"], "total") == {("total", JAN): 1}
    assert cells(f["waiting_days"], "total") == {("total", FEB): 35, ("total", CUM): 35}
    assert f["open_cases"].periods == (JAN, FEB, MAR)  # stocks have no cumulative


def test_a_wait_runs_from_first_joining_the_list_and_only_completed_waits_count(
    reference: ReferenceData,
) -> None:
    log = Log().add(
        b.opened(1, date(2026, 1, 5)),
        b.waitlisted(1, date(2026, 1, 5)),
        b.waitlisted(1, date(2026, 1, 20)),  # moved while waiting: keeps its start day
        b.assigned(1, date(2026, 2, 4), "awo"),
        b.opened(2, date(2026, 2, 4)),
        b.waitlisted(2, date(2026, 2, 4)),
        b.assigned(2, date(2026, 2, 4), "caritas"),  # a place freed the same day: 0 days
        b.opened(3, date(2026, 1, 6)),
        b.waitlisted(3, date(2026, 1, 6)),  # still waiting: counted in waiting only
        b.tick(date(2026, 2, 28)),
    )
    f = figures(log, reference).true
    waits = f["waiting_days"]
    assert waits.values[("total", "total", JAN)] is None
    assert waits.values[("total", "total", FEB)] == 0  # lower median of 30 and 0 days
    assert waits.units[("total", "total", FEB)] == 2  # the two completed waits
    assert cells(f["waiting"], "total") == {("total", JAN): 2, ("total", FEB): 1}


def test_hours_are_split_by_activity_and_amounts_follow_the_month_of_service(
    reference: ReferenceData,
) -> None:
    log = Log().add(
        b.opened(1, date(2026, 1, 5), "cotta", "west"),
        b.hours(1, date(2026, 1, 12), 60, "direct"),
        b.hours(1, date(2026, 1, 13), 30, "indirect"),
        b.hours(1, date(2026, 2, 2), 48, "missed-appointment"),
        b.invoice("RE-2026-000001", "caritas", JAN, [(1, JAN, 10500)]),
        b.invoice("RE-2026-000002", "caritas", FEB, [(1, JAN, 700)], correction=True),
    )
    log.add(b.corrected("RE-2026-000002", "RE-2026-000001", "caritas", JAN, [(1, JAN, 700)]))
    f = figures(log, reference).true
    assert cells(f["hours_direct"], "region") == {("west", JAN): 60, ("west", CUM): 60}
    assert cells(f["hours_indirect"], "total") == {("total", JAN): 30, ("total", CUM): 30}
    assert cells(f["hours_missed"], "domain") == {("language", FEB): 48, ("language", CUM): 48}
    assert cells(f["amount_invoiced"], "total") == {("total", JAN): 11200, ("total", CUM): 11200}


def test_plans_approvals_mentors_and_referrals_count_by_their_own_dates(
    reference: ReferenceData,
) -> None:
    log = Log().add(
        b.arrival(1, date(2026, 1, 5), "pieschen"),
        b.opened(1, date(2026, 1, 5), "pieschen", "nord"),
        b.assigned(1, date(2026, 1, 5), "drk", "pieschen", "nord"),
        b.plan(1, date(2026, 1, 25), [b.goal("g1")], "drk"),
        b.approved(1, date(2026, 2, 1), "drk"),
        b.mentor(1, date(2026, 1, 6)),
        b.referral(1, date(2026, 3, 3), "M62", "drk"),
    )
    f = figures(log, reference).true
    assert cells(f["plans_agreed"], "provider") == {("drk", JAN): 1, ("drk", CUM): 1}
    assert cells(f["approvals"], "total") == {("total", FEB): 1, ("total", CUM): 1}
    assert cells(f["mentors_matched"], "measure") == {("M52", JAN): 1, ("M52", CUM): 1}
    assert cells(f["mentors_matched"], "provider") == {("drk", JAN): 1, ("drk", CUM): 1}
    assert cells(f["referrals"], "field") == {("T12", MAR): 1, ("T12", CUM): 1}


def test_facts_about_unknown_persons_land_in_the_unknown_rows(reference: ReferenceData) -> None:
    log = Log().add(b.achieved(7, "g1", date(2026, 2, 2), date(2026, 1, 20)))
    t = figures(log, reference).true["goals_achieved"]
    assert cells(t, "region") == {("unknown", FEB): 1, ("unknown", CUM): 1}
    assert t.rows["district"][-1] == "unknown"


def test_the_months_run_to_the_latest_clock_tick(reference: ReferenceData) -> None:
    log = Log().add(b.arrival(1, date(2026, 1, 10)), b.tick(date(2026, 4, 2)))
    f = figures(log, reference)
    assert f.true["arrivals"].periods == (JAN, FEB, MAR, "2026-04", CUM)
    assert str(f.as_of) == "2026-04-02"


def test_no_events_give_empty_tables(reference: ReferenceData) -> None:
    f = figures(Log(), reference)
    assert f.as_of is None
    assert f.true["arrivals"].periods == (CUM,)
    assert all(not o.figures or o.is_empty() for o in f.outcomes.values())
