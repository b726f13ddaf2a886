"""A larger synthetic quarter (seeded): for the dashboard screenshot and replay speed."""

from __future__ import annotations

import random
from datetime import date, timedelta

from msa_contracts.events import Event
from msa_contracts.reference import ReferenceData

from tests.reporting import builders as b

PROVIDERS = ("caritas", "diakonie", "awo", "drk")
START = date(2026, 1, 1)


def quarter(reference: ReferenceData, persons: int, seed: int = 7) -> list[Event]:
    rnd = random.Random(seed)
    districts = [d.id.value for d in reference.districts for _ in range(max(1, d.weight // 10))]
    statuses = ["gestattung-55-asylg", "ae-25-2", "ae-25-2", "ae-24", "duldung-60a"]
    measures = [
        (m.id, d.id.value)
        for d in reference.domains
        for m in reference.measures
        if m.field == d.field
    ]
    out: list[Event] = []
    for n in range(persons):
        day = START + timedelta(days=rnd.randrange(75))
        district = rnd.choice(districts)
        provider = rnd.choice(PROVIDERS)
        out += [b.arrival(n, day, district, rnd.choice(statuses)), b.opened(n, day, district)]
        if rnd.random() < 0.25:
            out += [
                b.waitlisted(n, day),
                b.assigned(n, day + timedelta(days=rnd.randrange(3, 40)), provider),
            ]
        else:
            out.append(b.assigned(n, day, provider))
        agreed = day + timedelta(days=rnd.randrange(5, 20))
        goals = [b.goal(f"g{i}", *rnd.choice(measures)) for i in range(rnd.randrange(1, 5))]
        out.append(b.plan(n, agreed, goals, provider))
        for g in goals:
            later = agreed + timedelta(days=rnd.randrange(10, 60))
            if rnd.random() < 0.5:
                out.append(
                    b.achieved(n, g.goal_id, later, agreed, g.measure_id, g.domain.value, provider)
                )
            elif rnd.random() < 0.2:
                out.append(b.dropped(n, g.goal_id, later, g.measure_id, g.domain.value, provider))
        if rnd.random() < 0.3:
            out.append(b.approved(n, day + timedelta(days=14), provider))
            for k in range(rnd.randrange(2, 8)):
                activity = rnd.choice(("direct", "direct", "indirect", "missed-appointment"))
                out.append(
                    b.hours(
                        n,
                        day + timedelta(days=15 + 3 * k),
                        rnd.randrange(20, 120),
                        activity,
                        provider,
                        f"E-{n}-{k}",
                        rnd.choice(measures)[1],
                    )
                )
        if rnd.random() < 0.2:
            out.append(b.mentor(n, day + timedelta(days=2)))
        if rnd.random() < 0.2:
            out.append(
                b.referral(n, day + timedelta(days=30), rnd.choice(("M62", "M63", "M64")), provider)
            )
    for month in ("2026-01", "2026-02", "2026-03"):
        lines = [(n, month, rnd.randrange(2000, 20000)) for n in range(0, persons, 7)]
        out.append(b.invoice(f"RE-{month}-1", "caritas", month, lines))
    out += [b.tick(START + timedelta(days=d)) for d in range(0, 90)]
    return out
