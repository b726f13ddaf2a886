"""A simulated year of Dresden as the public events the services publish (pure, seeded).

Reporting's replay needs a year's log (20,000 persons, over a million events); driving that
through the live services would take hours, so this writes what intake, casework, billing
and the clock would have published, as valid contract events. Ratios follow the simulator:
origins, languages and residence statuses from ``sim.population.ORIGINS``, districts by the
reference data's weights, providers by region. Assumed rates (per person and year): one
status change in four, one relocation in ten, one case in ten waits 10-60 days, three goals
per plan (half achieved, one in ten dropped), Fachleistung for 15 %, mentors for 5 %,
referrals for 20 %, closures for 8 %; about one hour entry every 3.5 days per assigned case
(the bulk of the log, as in practice). Invoices are left out: one invoice per provider and
month would carry thousands of lines, and the fold of invoice lines is not what dominates.

Each aggregate's events are yielded in date order, so every partition is in business order.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from msa_contracts import events as ev
from msa_contracts.reference import ReferenceData
from msa_contracts.values import AccommodationType, AgeBand, District, GoalDomain, Module
from msa_contracts.values import ResidenceStatus as RS

from msa_ops.sim.population import ORIGINS

PERSONS, CASES, LEDGER, CLOCK = "persons", "cases", "ledger", "clock"
REASON = ev.Reason(code="capacity", message="region, capacity and language")
Activity = Literal["direct", "indirect", "missed-appointment"]
ACTIVITIES: tuple[Activity, ...] = ("direct",) * 7 + ("indirect",) * 2 + ("missed-appointment",)


@dataclass(frozen=True)
class YearConfig:
    persons: int = 20_000
    start: date = date(2025, 1, 1)
    days: int = 365
    entry_every_days: float = 3.5
    seed: int = 2025


def year_of_events(reference: ReferenceData, config: YearConfig) -> Iterator[tuple[str, ev.Event]]:
    """(topic role, event) for a year: persons, cases, ledger and clock."""
    rng = random.Random(config.seed)
    end = config.start + timedelta(days=config.days - 1)
    for day in range(config.days):
        on = config.start + timedelta(days=day)
        yield CLOCK, ev.DayStarted(day=on, at=datetime.combine(on, time(6), UTC))
    for n in range(config.persons):
        yield from _person(rng, reference, config, n, end)


def _person(
    rng: random.Random, ref: ReferenceData, config: YearConfig, n: int, end: date
) -> Iterator[tuple[str, ev.Event]]:
    origins = list(ORIGINS.values())
    _weight, languages, statuses, _given, _family = rng.choices(origins, [o[0] for o in origins])[0]
    status = rng.choices(list(statuses), list(statuses.values()))[0]
    districts = [d for d in ref.districts if d.weight > 0]
    district = rng.choices(districts, [d.weight for d in districts])[0]
    arrived = config.start + timedelta(days=rng.randrange(config.days))
    person, case_id = f"P-{n:016x}", f"C-{n:016x}"
    yield (
        PERSONS,
        ev.ArrivalRegistered(
            person_ref=person,
            allocated_on=arrived,
            registered_at=_at(arrived),
            registered_via="allocation-notice",
            age_band=rng.choice(list(AgeBand)),
            household_size=rng.randint(1, 6),
            languages=list(languages),
            residence_status=status,
            status_valid_from=arrived,
            district=district.id,
            accommodation_type=rng.choice(list(AccommodationType)),
            unaccompanied_minor=False,
        ),
    )
    if rng.random() < 0.25 and (on := _later(rng, arrived, 30, 300, end)):
        yield (
            PERSONS,
            ev.ResidenceStatusChanged(
                person_ref=person, status=RS.AE_25_2, valid_from=on, previous_status=status
            ),
        )
    if rng.random() < 0.10 and (on := _later(rng, arrived, 20, 200, end)):
        to = rng.choice(districts).id
        yield (
            PERSONS,
            ev.PersonRelocated(
                person_ref=person,
                from_district=district.id,
                to_district=to,
                moved_on=on,
                accommodation_type=AccommodationType.APARTMENT,
            ),
        )
    region = district.region
    yield (
        CASES,
        ev.CaseOpened(
            case_id=case_id,
            person_ref=person,
            opened_on=arrived,
            module=Module.WILLKOMMEN,
            module_until=arrived + timedelta(365),
            district=district.id,
            region=region,
        ),
    )
    assigned_on = arrived + timedelta(days=rng.randrange(0, 5))
    if rng.random() < 0.10:
        yield (
            CASES,
            ev.CaseWaitlisted(
                case_id=case_id, region=region, waitlisted_on=arrived, reasons=[REASON]
            ),
        )
        assigned_on = arrived + timedelta(days=rng.randrange(10, 60))
    if assigned_on > end:
        return
    providers = [p.id for p in ref.providers if region in p.regions] or [ref.providers[0].id]
    provider = rng.choice(providers)
    yield (
        CASES,
        ev.CaseAssigned(
            case_id=case_id,
            person_ref=person,
            provider_id=provider,
            region=region,
            district=district.id,
            assigned_on=assigned_on,
            module=Module.WILLKOMMEN,
            reasons=[REASON],
            age_band=AgeBand.ADULT,
            household_size=1,
            languages=list(languages),
            residence_status=status,
        ),
    )
    yield from _plan(rng, ref, case_id, provider, assigned_on, end)
    closed = _later(rng, assigned_on, 60, 330, end) if rng.random() < 0.08 else None
    last = closed or end
    yield from _hours(rng, config, case_id, provider, assigned_on, last, n)
    if closed:
        yield CASES, ev.CaseClosed(case_id=case_id, closed_on=closed, reason="departed")


def _plan(
    rng: random.Random, ref: ReferenceData, case_id: str, provider: str, since: date, end: date
) -> Iterator[tuple[str, ev.Event]]:
    agreed = since + timedelta(days=14)
    if agreed > end:
        return
    goals = []
    for g, info in enumerate(rng.sample(list(ref.domains), 3)):
        measures = [m.id for m in ref.measures if m.field == info.field] or ["M01"]
        goals.append(
            ev.Goal(
                goal_id=f"G{g}",
                domain=GoalDomain(info.id),
                measure_id=rng.choice(measures),
                indicator="agreed indicator",
                target_date=agreed + timedelta(days=180),
                responsible="person",
            )
        )
    yield (
        CASES,
        ev.IntegrationPlanAgreed(
            plan_id=f"plan-{case_id}",
            case_id=case_id,
            provider_id=provider,
            agreed_on=agreed,
            goals=goals,
            review_due_on=agreed + timedelta(days=182),
        ),
    )
    for goal in goals:
        roll = rng.random()
        on = _later(rng, agreed, 30, 250, end)
        ids = {"case_id": case_id, "provider_id": provider, "goal_id": goal.goal_id}
        if on and roll < 0.5:
            yield (
                CASES,
                ev.GoalAchieved(
                    **ids,
                    domain=goal.domain,
                    measure_id=goal.measure_id,
                    achieved_on=on,
                    plan_agreed_on=agreed,
                ),
            )
        elif on and roll < 0.6:
            yield (
                CASES,
                ev.GoalDropped(
                    **ids, domain=goal.domain, measure_id=goal.measure_id, dropped_on=on
                ),
            )
    if rng.random() < 0.15 and (on := _later(rng, agreed, 7, 120, end)):
        yield (
            CASES,
            ev.FachleistungApproved(
                approval_id=f"A-{case_id}",
                request_id=f"R-{case_id}",
                case_id=case_id,
                provider_id=provider,
                valid_from=on,
                valid_until=on + timedelta(days=365),
                budget_minutes=40 * 60,
            ),
        )
    if rng.random() < 0.05 and (on := _later(rng, agreed, 30, 200, end)):
        yield (
            CASES,
            ev.MentorMatched(
                case_id=case_id,
                mentor_ref=f"P-{rng.getrandbits(60):016x}",
                matched_on=on,
                language="de",
                district=District.ALTSTADT,
                measure_id=ref.mentoring.measure,
            ),
        )
    if rng.random() < 0.20 and (on := _later(rng, agreed, 7, 200, end)):
        yield (
            CASES,
            ev.ReferralRecorded(
                referral_id=f"F-{case_id}",
                case_id=case_id,
                provider_id=provider,
                referred_on=on,
                service=rng.choice(["debt", "family", "health"]),
                measure_id="M01",
            ),
        )


def _hours(
    rng: random.Random,
    config: YearConfig,
    case_id: str,
    provider: str,
    since: date,
    until: date,
    n: int,
) -> Iterator[tuple[str, ev.Event]]:
    day, k = since, 0
    while True:
        day += timedelta(days=max(1, round(rng.expovariate(1 / config.entry_every_days))))
        if day > until:
            return
        minutes = rng.choice((15, 30, 45, 60, 90))
        activity = rng.choice(ACTIVITIES)
        billable = {"direct": minutes, "indirect": round(minutes * 1.2)}.get(
            activity, round(minutes * 0.8)
        )
        k += 1
        yield (
            LEDGER,
            ev.HoursAccepted(
                entry_id=f"E{n}-{k}",
                provider_id=provider,
                case_id=case_id,
                module=Module.WILLKOMMEN,
                approval_id=None,
                service_date=day,
                activity=activity,
                domain=rng.choice(list(GoalDomain)),
                worker_ref=f"W{n % 97}",
                minutes_logged=minutes,
                minutes_billable=billable,
                rate_cents_per_hour=6800,
                amount_cents=round(billable * 6800 / 60),
                accepted_at=_at(day),
            ),
        )


def _later(rng: random.Random, after: date, low: int, high: int, end: date) -> date | None:
    on = after + timedelta(days=rng.randint(low, high))
    return on if on <= end else None


def _at(on: date) -> datetime:
    return datetime.combine(on, time(10), UTC)
