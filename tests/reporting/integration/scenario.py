"""A synthetic quarter small enough to compute by hand, published to real topics.

Twelve persons: 1-6 arrive in January in Prohlis (Süd) in the asylum procedure, are
assigned to Caritas and agree plans on 20 Jan with a language goal (M19) and a work goal
(M30); 7-12 arrive in February in Neustadt (Nord) with §25(2) status: 7-9 go to AWO,
10-12 wait (10 and 11 get Diakonie on 2 Mar, 12 still waits). Person 3 moves to Cotta
(West) on 15 Feb, person 5's status changes on 1 Mar, person 4's case closes on 10 Mar.
The clock stands at 15 Mar. Two deliveries are duplicates: one record sent twice (same
event id), one fact published twice under different ids.
"""

from __future__ import annotations

from datetime import date

from msa_contracts.events import Event

from tests.reporting import builders as b

JAN, FEB, MAR, CUM = "2026-01", "2026-02", "2026-03", "cumulative"


def events() -> list[tuple[Event, str]]:
    """(event, salt): the same salt and content give the same CloudEvents id."""
    out: list[Event] = []
    for n in range(1, 7):
        day = date(2026, 1, 4 + n)
        out += [b.arrival(n, day, "prohlis", "gestattung-55-asylg"), b.opened(n, day)]
        out += [b.assigned(n, day, "caritas")]
        out.append(
            b.plan(n, date(2026, 1, 20), [b.goal("g1"), b.goal("g2", "M30", "work-education")])
        )
    for n in range(7, 13):
        day = date(2026, 2, n - 5)
        out += [b.arrival(n, day, "neustadt", "ae-25-2"), b.opened(n, day, "neustadt", "nord")]
        if n <= 9:
            out.append(b.assigned(n, day, "awo", "neustadt", "nord"))
        else:
            out.append(b.waitlisted(n, day, "nord"))
    out += [b.assigned(n, date(2026, 3, 2), "diakonie", "neustadt", "nord") for n in (10, 11)]
    out += [
        b.relocated(3, date(2026, 2, 15), "cotta"),
        b.status_changed(5, date(2026, 3, 1), "ae-25-2", "gestattung-55-asylg"),
        *(b.achieved(n, "g1", date(2026, 2, 20), date(2026, 1, 20)) for n in range(1, 6)),
        b.dropped(6, "g1", date(2026, 2, 25)),
        b.achieved(3, "g2", date(2026, 3, 5), date(2026, 1, 20), "M30", "work-education"),
        b.approved(1, date(2026, 2, 1)),
        b.approved(2, date(2026, 2, 1)),
        b.hours(1, date(2026, 2, 3), 60, "direct", entry="E-1"),
        b.hours(1, date(2026, 2, 4), 30, "indirect", entry="E-2"),
        b.hours(2, date(2026, 2, 5), 90, "direct", entry="E-3"),
        b.hours(2, date(2026, 2, 6), 48, "missed-appointment", entry="E-4"),
        b.invoice("RE-2026-000001", "caritas", FEB, [(1, FEB, 10500), (2, FEB, 15300)]),
        b.mentor(7, date(2026, 2, 3)),
        b.referral(1, date(2026, 3, 3), "M62"),
        b.closed(4, date(2026, 3, 10)),
        *(b.tick(date(2026, m, d)) for m, d in ((1, 1), (2, 1), (3, 1), (3, 15))),
    ]
    pairs = [(e, "") for e in out]
    pairs.append((out[0], ""))  # person 1's arrival redelivered: same event id
    pairs.append((b.achieved(2, "g1", date(2026, 2, 20), date(2026, 1, 20)), "again"))  # new id
    return pairs


def distinct_inputs() -> int:
    """How many events the projection should keep (records minus same-id duplicates)."""
    return len({(type(e).__name__, e.model_dump_json(), salt) for e, salt in events()})


#: Hand-computed true figures: (figure, dimension, row, period) -> value.
EXPECTED: dict[tuple[str, str, str, str], int] = {
    ("arrivals", "total", "total", JAN): 6,
    ("arrivals", "total", "total", FEB): 6,
    ("arrivals", "total", "total", MAR): 0,
    ("arrivals", "total", "total", CUM): 12,
    ("arrivals", "region", "sued", JAN): 6,
    ("arrivals", "region", "nord", FEB): 6,
    ("arrivals", "status_group", "asylum-procedure", CUM): 6,
    ("arrivals", "status_group", "humanitarian", CUM): 6,
    ("open_cases", "total", "total", JAN): 6,
    ("open_cases", "total", "total", FEB): 12,
    ("open_cases", "total", "total", MAR): 11,
    ("open_cases", "provider", "caritas", FEB): 6,
    ("open_cases", "provider", "caritas", MAR): 5,
    ("open_cases", "provider", "awo", MAR): 3,
    ("open_cases", "provider", "diakonie", MAR): 2,
    ("open_cases", "provider", "-", FEB): 3,
    ("open_cases", "provider", "-", MAR): 1,
    ("waiting", "total", "total", JAN): 0,
    ("waiting", "total", "total", FEB): 3,
    ("waiting", "total", "total", MAR): 1,
    ("waiting", "region", "nord", FEB): 3,
    ("waiting_days", "total", "total", MAR): 24,
    ("waiting_days", "total", "total", CUM): 24,
    ("plans_agreed", "total", "total", JAN): 6,
    ("plans_agreed", "provider", "caritas", CUM): 6,
    ("goals_set", "total", "total", JAN): 12,
    ("goals_set", "measure", "M19", JAN): 6,
    ("goals_set", "field", "T06", CUM): 6,
    ("goals_set", "domain", "language", CUM): 6,
    ("goals_achieved", "total", "total", FEB): 5,
    ("goals_achieved", "total", "total", MAR): 1,
    ("goals_achieved", "total", "total", CUM): 6,
    ("goals_achieved", "district", "prohlis", FEB): 4,
    ("goals_achieved", "district", "cotta", FEB): 1,
    ("goals_achieved", "region", "west", CUM): 2,
    ("goals_achieved", "measure", "M30", MAR): 1,
    ("goals_achieved", "status_group", "asylum-procedure", CUM): 6,
    ("goals_dropped", "total", "total", FEB): 1,
    ("goals_dropped", "measure", "M19", CUM): 1,
    ("goal_days", "total", "total", FEB): 31,
    ("goal_days", "total", "total", MAR): 44,
    ("goal_days", "total", "total", CUM): 31,
    ("approvals", "total", "total", FEB): 2,
    ("approvals", "provider", "caritas", CUM): 2,
    ("hours_direct", "total", "total", FEB): 150,
    ("hours_indirect", "total", "total", FEB): 30,
    ("hours_missed", "total", "total", FEB): 48,
    ("hours_direct", "region", "sued", CUM): 150,
    ("amount_invoiced", "total", "total", FEB): 25800,
    ("amount_invoiced", "region", "sued", CUM): 25800,
    ("mentors_matched", "measure", "M52", FEB): 1,
    ("mentors_matched", "region", "nord", CUM): 1,
    ("referrals", "field", "T12", MAR): 1,
    ("referrals", "provider", "caritas", CUM): 1,
}
