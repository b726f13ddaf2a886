"""Valid sample events for the contract tests (imported by module name, not a fixture)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from msa_contracts.events import (
    CaseAssigned,
    DayStarted,
    Event,
    HoursLogged,
    InvoiceIssued,
    InvoiceLine,
    MeasureOutcomeReported,
    PersonAllocated,
    Reason,
    SealedIdentity,
)
from msa_contracts.values import (
    AccommodationType,
    AgeBand,
    District,
    GoalDomain,
    Module,
    Region,
    ResidenceStatus,
)

CASE = "C-0f1e2d3c4b5a6978"
PERSON = "P-1a2b3c4d5e6f7a8b"


def case_assigned() -> CaseAssigned:
    return CaseAssigned(
        case_id=CASE, person_ref=PERSON, provider_id="caritas", region=Region.MITTE,
        district=District.ALTSTADT, assigned_on=date(2025, 3, 1), module=Module.WILLKOMMEN,
        reasons=[Reason(code="region-match", message="Caritas serves Mitte.")],
        age_band=AgeBand.ADULT, household_size=3, languages=["ar", "de"],
        residence_status=ResidenceStatus.GESTATTUNG,
    )  # fmt: skip


def hours_logged() -> HoursLogged:
    return HoursLogged(
        entry_id="entry-1", case_id=CASE, service_date=date(2025, 3, 3), minutes=45,
        activity="direct", domain=GoalDomain.LANGUAGE, worker_ref="w-7",
    )  # fmt: skip


def sample_events() -> list[Event]:
    """One valid instance of several events, nested parts and optional fields included."""
    return [
        case_assigned(),
        hours_logged(),
        PersonAllocated(
            notice_id="N-2025-0001", allocated_on=date(2025, 2, 20),
            identity=SealedIdentity(key_id="intake-2025", encrypted_key="QUJD",
                                    nonce="bm9uY2U=", ciphertext="Y2lwaGVy"),
            household_size=1, languages=["uk"], residence_status=ResidenceStatus.AE_24,
            status_valid_from=date(2025, 2, 1), district=District.PIESCHEN,
            accommodation_type=AccommodationType.SHARED,
        ),
        InvoiceIssued(
            invoice_number="AWO-2025-03", provider_id="awo", period="2025-03",
            issued_on=date(2025, 4, 2), total_cents=6500,
            lines=[InvoiceLine(case_id=CASE, module=Module.FACHLEISTUNG, approval_id="A-1",
                               service_month="2025-03", entries=1, minutes_billable=60,
                               rate_cents_per_hour=6500, amount_cents=6500)],
        ),
        MeasureOutcomeReported(
            measure_id="M13", field_id="T03", period="2025-03",
            figures={"plans_agreed": 12, "plans_reviewed": None}, suppressed=["plans_reviewed"],
            computed_at=datetime(2025, 4, 1, 6, 0, tzinfo=UTC),
        ),
        DayStarted(day=date(2025, 4, 1), at=datetime(2025, 4, 1, tzinfo=UTC)),
    ]  # fmt: skip
