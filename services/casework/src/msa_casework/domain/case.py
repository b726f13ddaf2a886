"""The case aggregate: one per person, from arrival to departure or erasure."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from msa_contracts.events import Reason
from msa_contracts.values import District, Module, Region

from msa_casework.domain.calendar import ONE_DAY
from msa_casework.domain.errors import CaseClosedError, CaseDataErasedError
from msa_casework.domain.state import (
    Approval,
    Assessment,
    AssignmentPeriod,
    ModulePeriod,
    Needs,
    Plan,
    Referral,
    State,
)


class CaseStatus(StrEnum):
    OPENED = "opened"  # only inside the opening decision, before the case is placed
    ASSIGNED = "assigned"
    WAITLISTED = "waitlisted"
    CLOSED = "closed"


class Case(State):
    """State of one case. ``provider_id`` stays the last provider once the case is closed."""

    case_id: str
    person_ref: str
    opened_on: date
    status: CaseStatus
    district: District
    region: Region
    needs: Needs | None
    assessment: Assessment
    module: Module
    module_since: date
    willkommen_until: date
    provider_id: str | None = None
    waiting_since: date | None = None
    waiting_seq: int | None = None
    assignments: list[AssignmentPeriod] = []
    modules: list[ModulePeriod] = []
    plan: Plan | None = None
    approvals: list[Approval] = []
    request_ids: list[str] = []
    referrals: list[Referral] = []
    mentor_ref: str | None = None
    review_notices: list[str] = []
    closed_on: date | None = None
    close_reason: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status is not CaseStatus.CLOSED

    @property
    def assigned_to(self) -> str | None:
        """The provider working the case now (None when waiting or closed)."""
        return self.provider_id if self.status is CaseStatus.ASSIGNED else None

    @property
    def known_needs(self) -> Needs:
        if self.needs is None:
            raise CaseDataErasedError(self.case_id)
        return self.needs

    def active_approvals(self) -> list[Approval]:
        return sorted((a for a in self.approvals if not a.expired), key=lambda a: a.valid_from)

    def assign(self, provider_id: str, on: date, reasons: list[Reason]) -> None:
        self._ensure_open()
        self._end_assignment(on)
        self.status, self.provider_id = CaseStatus.ASSIGNED, provider_id
        self.waiting_since = self.waiting_seq = None
        self.assignments.append(
            AssignmentPeriod(provider_id=provider_id, region=self.region, since=on, reasons=reasons)
        )

    def waitlist(self, on: date, seq: int, reasons: list[Reason]) -> None:
        """Wait for a place; a case already waiting keeps its place in the queue."""
        self._ensure_open()
        self._end_assignment(on)
        if self.waiting_since is None:
            self.waiting_since, self.waiting_seq = on, seq
        self.status, self.provider_id = CaseStatus.WAITLISTED, None
        self.assignments.append(
            AssignmentPeriod(provider_id=None, region=self.region, since=on, reasons=reasons)
        )

    def enter_module(self, module: Module, since: date, until: date | None, reason: str) -> None:
        """Enter ``module`` on ``since``; history periods end on their last day (inclusive)."""
        self._ensure_open()
        if self.modules and (self.modules[-1].until is None or self.modules[-1].until >= since):
            self.modules[-1].until = since - ONE_DAY
        self.modules.append(ModulePeriod(module=module, since=since, until=until, reason=reason))
        self.module, self.module_since = module, since

    def close(self, on: date, reason: str) -> None:
        self._ensure_open()
        self._end_assignment(on)
        self.status, self.closed_on, self.close_reason = CaseStatus.CLOSED, on, reason
        self.waiting_since = self.waiting_seq = None

    def _end_assignment(self, on: date) -> None:
        if self.assignments and self.assignments[-1].until is None:
            self.assignments[-1].until = on

    def _ensure_open(self) -> None:
        if not self.is_open:
            raise CaseClosedError(self.case_id)
