"""What the read API returns: a case in full, case summaries, the waiting list."""

from __future__ import annotations

from datetime import date

from msa_contracts.values import District, Module, Region
from pydantic import BaseModel, Field

from msa_casework.domain.case import Case, CaseStatus
from msa_casework.domain.state import (
    Approval,
    Assessment,
    AssignmentPeriod,
    ModulePeriod,
    Plan,
    Referral,
)


class CaseSummary(BaseModel):
    case_id: str
    person_ref: str
    status: CaseStatus
    region: Region
    district: District
    provider_id: str | None = Field(description="assigned provider; the last one if closed")
    module: Module
    module_since: date
    opened_on: date
    closed_on: date | None

    @classmethod
    def of(cls, case: Case) -> CaseSummary:
        return cls(
            case_id=case.case_id, person_ref=case.person_ref, status=case.status,
            region=case.region, district=case.district, provider_id=case.provider_id,
            module=case.module, module_since=case.module_since, opened_on=case.opened_on,
            closed_on=case.closed_on,
        )  # fmt: skip


class CaseDetail(CaseSummary):
    """A case with its plan, goals, approvals, module and assignment history."""

    willkommen_until: date
    close_reason: str | None
    assessment: Assessment
    plan: Plan | None
    approvals: list[Approval]
    modules: list[ModulePeriod] = Field(description="periods; `until` is the last day")
    assignments: list[AssignmentPeriod] = Field(description="provider None = waiting list")
    referrals: list[Referral]
    mentor_ref: str | None
    waiting_since: date | None

    @classmethod
    def of(cls, case: Case) -> CaseDetail:
        return cls(
            **CaseSummary.of(case).model_dump(), willkommen_until=case.willkommen_until,
            close_reason=case.close_reason, assessment=case.assessment, plan=case.plan,
            approvals=case.approvals, modules=case.modules, assignments=case.assignments,
            referrals=case.referrals, mentor_ref=case.mentor_ref,
            waiting_since=case.waiting_since,
        )  # fmt: skip


class CasePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[CaseSummary]


class WaitingEntry(BaseModel):
    position: int = Field(description="1 = served first in its region")
    case_id: str
    region: Region
    district: District
    waiting_since: date
    languages: list[str]


class WaitingList(BaseModel):
    items: list[WaitingEntry]

    @classmethod
    def of(cls, cases: list[Case]) -> WaitingList:
        positions: dict[Region, int] = {}
        items = []
        for case in cases:
            positions[case.region] = positions.get(case.region, 0) + 1
            items.append(WaitingEntry(
                position=positions[case.region], case_id=case.case_id, region=case.region,
                district=case.district, waiting_since=case.waiting_since or case.opened_on,
                languages=case.needs.languages if case.needs else [],
            ))  # fmt: skip
        return cls(items=items)
