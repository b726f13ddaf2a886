"""Random but valid event histories for property tests: persons, cases, plans, goals, hours."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st
from msa_contracts.events import Event

from tests.reporting import builders as b

DISTRICTS = ("prohlis", "neustadt", "cotta", "altstadt", "weixdorf")
STATUSES = ("gestattung-55-asylg", "ae-25-2", "duldung-60a")
PROVIDERS = ("caritas", "awo")
GOALS = (("M19", "language"), ("M30", "work-education"), ("M52", "social-contacts"))
START = date(2026, 1, 1)


@st.composite
def person_history(draw: st.DrawFn, n: int) -> list[Event]:
    """One person's events in their own (per-aggregate) order."""
    day = START + timedelta(days=draw(st.integers(0, 80)))
    district = draw(st.sampled_from(DISTRICTS))
    provider = draw(st.sampled_from(PROVIDERS))
    events: list[Event] = [
        b.arrival(n, day, district, draw(st.sampled_from(STATUSES))),
        b.opened(n, day),
    ]
    if draw(st.booleans()):
        events += [
            b.waitlisted(n, day),
            b.assigned(n, day + timedelta(days=draw(st.integers(1, 30))), provider),
        ]
    else:
        events.append(b.assigned(n, day, provider))
    if draw(st.booleans()):
        events.append(
            b.relocated(
                n,
                day + timedelta(days=draw(st.integers(1, 40))),
                draw(st.sampled_from(DISTRICTS)),
                district,
            )
        )
    agreed = day + timedelta(days=draw(st.integers(1, 20)))
    picks = draw(st.lists(st.sampled_from(GOALS), min_size=1, max_size=3, unique=True))
    events.append(
        b.plan(n, agreed, [b.goal(f"g{i}", m, d) for i, (m, d) in enumerate(picks)], provider)
    )
    for i, (m, d) in enumerate(picks):
        outcome = draw(st.sampled_from(("open", "achieved", "dropped")))
        later = agreed + timedelta(days=draw(st.integers(0, 50)))
        if outcome == "achieved":
            events.append(b.achieved(n, f"g{i}", later, agreed, m, d, provider))
        elif outcome == "dropped":
            events.append(b.dropped(n, f"g{i}", later, m, d, provider))
    for k in range(draw(st.integers(0, 3))):
        activity = draw(st.sampled_from(("direct", "indirect", "missed-appointment")))
        events.append(
            b.hours(
                n,
                day + timedelta(days=k),
                draw(st.integers(5, 90)),
                activity,
                provider,
                f"E-{n}-{k}",
            )
        )
    if draw(st.integers(0, 4)) == 0:
        events.append(b.closed(n, day + timedelta(days=draw(st.integers(1, 60)))))
    return events


histories = st.integers(1, 14).flatmap(lambda n: st.tuples(*(person_history(i) for i in range(n))))
