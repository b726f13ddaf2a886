"""Contract events as casework, the clock and providers send them, with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time

from msa_contracts.events import (
    CaseAssigned,
    CaseClosed,
    CaseOpened,
    CaseReassigned,
    DayStarted,
    FachleistungApproved,
    FachleistungExpired,
    HoursLogged,
    ModuleChanged,
    Reason,
)
from msa_contracts.values import (
    AgeBand,
    District,
    GoalDomain,
    Module,
    Region,
    ResidenceStatus,
)

_cases = itertools.count(1)
_entries = itertools.count(1)
WHY = [Reason(code="test", message="test")]


def new_case_id() -> str:
    return f"C-{next(_cases):016x}"


def opened(case_id: str, on: date, module: Module = Module.WILLKOMMEN) -> CaseOpened:
    return CaseOpened(
        case_id=case_id, person_ref=f"P-{case_id[2:]}", opened_on=on, module=module,
        module_until=date(on.year + 1, on.month, 1), district=District.ALTSTADT,
        region=Region.MITTE,
    )  # fmt: skip


def assigned(case_id: str, provider: str, on: date) -> CaseAssigned:
    return CaseAssigned(
        case_id=case_id, person_ref=f"P-{case_id[2:]}", provider_id=provider,
        region=Region.MITTE, district=District.ALTSTADT, assigned_on=on,
        module=Module.WILLKOMMEN, reasons=WHY, age_band=AgeBand.ADULT, household_size=1,
        languages=["ar"], residence_status=ResidenceStatus.GESTATTUNG,
    )  # fmt: skip


def reassigned(case_id: str, old: str, new: str | None, on: date) -> CaseReassigned:
    return CaseReassigned(case_id=case_id, from_provider_id=old, to_provider_id=new,
                          reassigned_on=on, reasons=WHY)  # fmt: skip


def closed(case_id: str, on: date) -> CaseClosed:
    return CaseClosed(case_id=case_id, closed_on=on, reason="departed")


def module_changed(case_id: str, module: Module, since: date) -> ModuleChanged:
    return ModuleChanged(case_id=case_id, module=module, since=since, reason=WHY[0])


def approved(
    case_id: str, provider: str, valid_from: date, valid_until: date, budget_minutes: int,
    approval_id: str | None = None,
) -> FachleistungApproved:  # fmt: skip
    return FachleistungApproved(
        approval_id=approval_id or f"{case_id}:A1", request_id=f"fl-{case_id[-8:]}",
        case_id=case_id, provider_id=provider, valid_from=valid_from, valid_until=valid_until,
        budget_minutes=budget_minutes,
    )  # fmt: skip


def expired(case_id: str, provider: str, approval_id: str, on: date) -> FachleistungExpired:
    return FachleistungExpired(approval_id=approval_id, case_id=case_id, provider_id=provider,
                               expired_on=on)  # fmt: skip


def tick(day: date) -> DayStarted:
    return DayStarted(day=day, at=datetime.combine(day, time(6), tzinfo=UTC))


def logged(
    case_id: str, on: date, minutes: int = 60, activity: str = "direct",
    entry_id: str | None = None, domain: GoalDomain = GoalDomain.LANGUAGE,
    worker: str = "w-1",
) -> HoursLogged:  # fmt: skip
    return HoursLogged.model_validate({
        "entry_id": entry_id or f"e-{next(_entries)}", "case_id": case_id, "service_date": on,
        "minutes": minutes, "activity": activity, "domain": domain, "worker_ref": worker,
    })  # fmt: skip
