"""Builders of contract events and reference data for casework's tests."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Literal

from msa_casework.domain.opening import case_id_for
from msa_contracts.events import (
    ArrivalRegistered,
    DayStarted,
    FachleistungRequested,
    Goal,
    GoalProgressReported,
    IntegrationPlanSubmitted,
    PersonDeparted,
    PersonErased,
    PersonRelocated,
    PlanReviewed,
    ReferralMade,
    ResidenceStatusChanged,
)
from msa_contracts.reference import ProviderContract, ReferenceData, load_reference
from msa_contracts.reference.model import Rate
from msa_contracts.values import (
    AccommodationType,
    AgeBand,
    District,
    GoalDomain,
    Region,
    ResidenceStatus,
)

ALLOCATED = date(2026, 1, 15)


def person_ref() -> str:
    """A fresh person reference, so tests sharing a service never collide."""
    return f"P-{uuid.uuid4().hex[:16]}"


def contract(
    provider_id: str, regions: Sequence[Region], capacity: int, languages: Sequence[str]
) -> ProviderContract:
    return ProviderContract(
        id=provider_id, name=provider_id.title(), regions=tuple(regions), capacity=capacity,
        languages=tuple(languages), rates=(Rate(valid_from=date(2024, 1, 1), cents_per_hour=7000),),
    )  # fmt: skip


def reference_with(*providers: ProviderContract) -> ReferenceData:
    """The seed reference data with other provider contracts."""
    return load_reference().model_copy(update={"providers": tuple(providers)})


def arrival(
    ref: str | None = None,
    *,
    district: District = District.ALTSTADT,
    languages: Sequence[str] = ("ar",),
    status: ResidenceStatus = ResidenceStatus.AE_25_2,
    allocated_on: date = ALLOCATED,
    age_band: AgeBand = AgeBand.ADULT,
    unaccompanied_minor: bool = False,
) -> ArrivalRegistered:
    return ArrivalRegistered(
        person_ref=ref or person_ref(), allocated_on=allocated_on,
        registered_at=datetime.combine(allocated_on, datetime.min.time(), UTC),
        registered_via="allocation-notice", age_band=age_band, household_size=2,
        languages=list(languages), residence_status=status, status_valid_from=allocated_on,
        district=district, accommodation_type=AccommodationType.APARTMENT,
        unaccompanied_minor=unaccompanied_minor,
    )  # fmt: skip


def status_changed(
    ref: str, status: ResidenceStatus, on: date, previous: ResidenceStatus
) -> ResidenceStatusChanged:
    return ResidenceStatusChanged(person_ref=ref, status=status, valid_from=on,
                                  previous_status=previous)  # fmt: skip


def relocated(
    ref: str, from_district: District, to_district: District, on: date
) -> PersonRelocated:
    return PersonRelocated(person_ref=ref, from_district=from_district, to_district=to_district,
                           moved_on=on, accommodation_type=AccommodationType.APARTMENT)  # fmt: skip


def departed(ref: str, on: date) -> PersonDeparted:
    return PersonDeparted(person_ref=ref, departed_on=on, reason="moved-away")


def erased(ref: str, on: date) -> PersonErased:
    return PersonErased(person_ref=ref, erased_at=datetime.combine(on, datetime.min.time(), UTC))


def goal(
    goal_id: str = "g1",
    *,
    domain: GoalDomain = GoalDomain.LANGUAGE,
    measure_id: str = "M24",
    target_date: date = date(2026, 9, 30),
) -> Goal:
    return Goal(
        goal_id=goal_id, domain=domain, measure_id=measure_id, indicator="A2 certificate",
        target_date=target_date, responsible="person",
    )  # fmt: skip


def plan(
    ref: str, *goals: Goal, plan_id: str = "plan-1", agreed_on: date = date(2026, 2, 1)
) -> IntegrationPlanSubmitted:
    return IntegrationPlanSubmitted(
        plan_id=plan_id, case_id=case_id_for(ref), agreed_with_person_on=agreed_on,
        goals=list(goals) or [goal()],
    )  # fmt: skip


def reviewed(ref: str, on: date, plan_id: str = "plan-1") -> PlanReviewed:
    return PlanReviewed(plan_id=plan_id, case_id=case_id_for(ref), reviewed_on=on)


def progress(
    ref: str, goal_id: str, status: Literal["in_progress", "achieved", "dropped"], on: date,
    plan_id: str = "plan-1",
) -> GoalProgressReported:  # fmt: skip
    return GoalProgressReported(case_id=case_id_for(ref), plan_id=plan_id, goal_id=goal_id,
                                status=status, reported_on=on)  # fmt: skip


def fachleistung(
    ref: str, hours: int, on: date = date(2026, 3, 1), request_id: str | None = None
) -> FachleistungRequested:
    return FachleistungRequested(
        request_id=request_id or f"req-{uuid.uuid4().hex[:8]}", case_id=case_id_for(ref),
        requested_on=on, projected_hours=hours, domains=[GoalDomain.HOUSING],
    )  # fmt: skip


def referral(ref: str, on: date = date(2026, 3, 1), referral_id: str = "ref-1") -> ReferralMade:
    return ReferralMade(referral_id=referral_id, case_id=case_id_for(ref), referred_on=on,
                        service="debt", measure_id="M62")  # fmt: skip


def tick(day: date) -> DayStarted:
    return DayStarted(day=day, at=datetime.combine(day, datetime.min.time(), UTC))
