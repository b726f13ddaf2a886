"""Synthetic public events for reporting's tests: a small, readable vocabulary.

Each helper returns a valid contract event with defaults; tests pass only what matters.
``Log`` collects events as they would sit on the input topics, with positions.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from msa_contracts import events as ev
from msa_contracts.envelope import Record, encode
from msa_contracts.events import Event, Goal
from msa_contracts.values import (
    AccommodationType,
    AgeBand,
    District,
    GoalDomain,
    Module,
    Region,
    ResidenceStatus,
)
from msa_reporting.domain.stored import Stored

PERSONS, CASES, LEDGER, CLOCK = (
    "msa.intake.persons",
    "msa.casework.cases",
    "msa.billing.ledger",
    "msa.clock",
)
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
REASON = ev.Reason(code="test", message="test")


def ref(n: int) -> str:
    return f"P-{n:016x}"


def case(n: int) -> str:
    return f"C-{n:016x}"


def arrival(
    n: int, on: date, district: str = "prohlis", status: str = "ae-25-2"
) -> ev.ArrivalRegistered:
    return ev.ArrivalRegistered(
        person_ref=ref(n),
        allocated_on=on,
        registered_at=NOW,
        registered_via="allocation-notice",
        age_band=AgeBand.ADULT,
        household_size=1,
        languages=["ar"],
        residence_status=ResidenceStatus(status),
        status_valid_from=on,
        district=District(district),
        accommodation_type=AccommodationType.APARTMENT,
        unaccompanied_minor=False,
    )


def relocated(n: int, on: date, to: str, frm: str = "prohlis") -> ev.PersonRelocated:
    return ev.PersonRelocated(
        person_ref=ref(n),
        from_district=District(frm),
        to_district=District(to),
        moved_on=on,
        accommodation_type=AccommodationType.APARTMENT,
    )


def status_changed(
    n: int, on: date, status: str, previous: str = "ae-25-2"
) -> ev.ResidenceStatusChanged:
    return ev.ResidenceStatusChanged(
        person_ref=ref(n),
        status=ResidenceStatus(status),
        valid_from=on,
        previous_status=ResidenceStatus(previous),
    )


def opened(n: int, on: date, district: str = "prohlis", region: str = "sued") -> ev.CaseOpened:
    return ev.CaseOpened(
        case_id=case(n),
        person_ref=ref(n),
        opened_on=on,
        module=Module.WILLKOMMEN,
        module_until=date(on.year + 1, on.month, 1),
        district=District(district),
        region=Region(region),
    )


def assigned(
    n: int, on: date, provider: str = "caritas", district: str = "prohlis", region: str = "sued"
) -> ev.CaseAssigned:
    return ev.CaseAssigned(
        case_id=case(n),
        person_ref=ref(n),
        provider_id=provider,
        region=Region(region),
        district=District(district),
        assigned_on=on,
        module=Module.WILLKOMMEN,
        reasons=[REASON],
        age_band=AgeBand.ADULT,
        household_size=1,
        languages=["ar"],
        residence_status=ResidenceStatus.AE_25_2,
    )


def waitlisted(n: int, on: date, region: str = "sued") -> ev.CaseWaitlisted:
    return ev.CaseWaitlisted(
        case_id=case(n), region=Region(region), waitlisted_on=on, reasons=[REASON]
    )


def closed(n: int, on: date) -> ev.CaseClosed:
    return ev.CaseClosed(case_id=case(n), closed_on=on, reason="departed")


def goal(gid: str, measure: str = "M19", domain: str = "language") -> Goal:
    return Goal(
        goal_id=gid,
        domain=GoalDomain(domain),
        measure_id=measure,
        indicator="B1 erreicht",
        target_date=date(2026, 12, 31),
        responsible="person",
    )


def plan(
    n: int, on: date, goals: list[Goal], provider: str = "caritas", plan_id: str | None = None
) -> ev.IntegrationPlanAgreed:
    return ev.IntegrationPlanAgreed(
        plan_id=plan_id or f"plan-{n}",
        case_id=case(n),
        provider_id=provider,
        agreed_on=on,
        goals=goals,
        review_due_on=date(2026, 12, 1),
    )


def achieved(
    n: int,
    gid: str,
    on: date,
    agreed: date,
    measure: str = "M19",
    domain: str = "language",
    provider: str = "caritas",
) -> ev.GoalAchieved:
    return ev.GoalAchieved(
        case_id=case(n),
        provider_id=provider,
        goal_id=gid,
        domain=GoalDomain(domain),
        measure_id=measure,
        achieved_on=on,
        plan_agreed_on=agreed,
    )


def dropped(
    n: int,
    gid: str,
    on: date,
    measure: str = "M19",
    domain: str = "language",
    provider: str = "caritas",
) -> ev.GoalDropped:
    return ev.GoalDropped(
        case_id=case(n),
        provider_id=provider,
        goal_id=gid,
        domain=GoalDomain(domain),
        measure_id=measure,
        dropped_on=on,
    )


def approved(n: int, on: date, provider: str = "caritas") -> ev.FachleistungApproved:
    return ev.FachleistungApproved(
        approval_id=f"A-{n}",
        request_id=f"R-{n}",
        case_id=case(n),
        provider_id=provider,
        valid_from=on,
        valid_until=date(2027, 1, 1),
        budget_minutes=2100 * 60,
    )


def hours(
    n: int,
    on: date,
    minutes: int,
    activity: str = "direct",
    provider: str = "caritas",
    entry: str | None = None,
    domain: str = "language",
) -> ev.HoursAccepted:
    return ev.HoursAccepted(
        entry_id=entry or f"E-{uuid.uuid4().hex[:10]}",
        provider_id=provider,
        case_id=case(n),
        module=Module.FACHLEISTUNG,
        approval_id=f"A-{n}",
        service_date=on,
        activity=activity,  # type: ignore[arg-type]
        domain=GoalDomain(domain),
        worker_ref="W1",
        minutes_logged=minutes,
        minutes_billable=minutes,
        rate_cents_per_hour=7000,
        amount_cents=minutes * 7000 // 60,
        accepted_at=NOW,
    )


def invoice(
    number: str,
    provider: str,
    period: str,
    lines: list[tuple[int, str, int]],
    correction: bool = False,
) -> ev.InvoiceIssued:
    """``lines``: (case number, service month, amount in cents)."""
    items = [
        ev.InvoiceLine(
            case_id=case(n),
            module=Module.FACHLEISTUNG,
            approval_id=f"A-{n}",
            service_month=month,
            entries=1,
            minutes_billable=60,
            rate_cents_per_hour=7000,
            amount_cents=cents,
            correction=correction,
        )
        for n, month, cents in lines
    ]
    return ev.InvoiceIssued(
        invoice_number=number,
        provider_id=provider,
        period=period,
        issued_on=date(2026, 4, 1),
        lines=items,
        total_cents=sum(i.amount_cents for i in items),
    )


def corrected(
    number: str, corrects: str, provider: str, period: str, lines: list[tuple[int, str, int]]
) -> ev.InvoiceCorrected:
    """The notice that repeats an invoice's correction lines for the month they correct."""
    issued = invoice(number, provider, period, lines, correction=True)
    return ev.InvoiceCorrected(
        invoice_number=number,
        corrects_invoice_number=corrects,
        provider_id=provider,
        corrected_period=period,
        lines=issued.lines,
        total_cents=issued.total_cents,
    )


def mentor(n: int, on: date, mentor_n: int = 999) -> ev.MentorMatched:
    return ev.MentorMatched(
        case_id=case(n),
        mentor_ref=ref(mentor_n),
        matched_on=on,
        language="ar",
        district=District.PROHLIS,
        measure_id="M52",
    )


def referral(
    n: int, on: date, measure: str = "M62", provider: str = "caritas"
) -> ev.ReferralRecorded:
    return ev.ReferralRecorded(
        referral_id=f"REF-{n}-{on.isoformat()}",
        case_id=case(n),
        provider_id=provider,
        referred_on=on,
        service="debt",
        measure_id=measure,
    )


def tick(day: date) -> ev.DayStarted:
    return ev.DayStarted(day=day, at=datetime(day.year, day.month, day.day, tzinfo=UTC))


def topic_of(event: Event) -> str:
    if isinstance(event, ev.DayStarted):
        return CLOCK
    if isinstance(event, ev.ArrivalRegistered | ev.PersonRelocated | ev.ResidenceStatusChanged):
        return PERSONS
    if isinstance(
        event, ev.HoursAccepted | ev.InvoiceIssued | ev.InvoiceCorrected | ev.HoursAnonymised
    ):
        return LEDGER
    return CASES


def event_id(event: Event, salt: str = "") -> str:
    """Deterministic per content, so a test can publish the same fact twice on purpose."""
    return hashlib.sha256((salt + event.model_dump_json()).encode()).hexdigest()[:32]


def record(event: Event, salt: str = "") -> Record:
    return encode(event, event_id=event_id(event, salt), source="/tests", time=NOW)


@dataclass
class Log:
    """Events as they would sit on the topics: per topic and partition, offsets in order."""

    partitions: int = 3
    offsets: dict[tuple[str, int], int] = field(default_factory=dict)
    stored: dict[str, Stored] = field(default_factory=dict)

    def add(self, *events: Event) -> Log:
        for event in events:
            topic = topic_of(event)
            part = int(hashlib.md5(event.subject().encode()).hexdigest(), 16) % self.partitions
            offset = self.offsets.get((topic, part), 0)
            self.offsets[(topic, part)] = offset + 1
            item = Stored(topic, part, offset, event_id(event), event)
            self.stored.setdefault(item.key, item)
        return self

    def events(self) -> list[Event]:
        return [s.event for s in self.stored.values()]


def kwargs(**values: Any) -> dict[str, Any]:
    return values
