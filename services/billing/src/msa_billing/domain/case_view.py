"""Billing's own view of a case over time, kept from casework's published events: who held
the case from which day, which module it was in, its approvals and what they have used.

Dates are business dates. A holding lasts from its ``since`` day up to the day before the
next holding starts; the day a case was closed still belongs to its last holder.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from msa_contracts.events import (
    CaseAssigned,
    CaseClosed,
    CaseOpened,
    CaseReassigned,
    Event,
    FachleistungApproved,
    FachleistungExpired,
    ModuleChanged,
)
from msa_contracts.values import Module
from pydantic import BaseModel, Field


class Holding(BaseModel):
    """From ``since`` on, ``provider_id`` held the case (None: nobody, e.g. waiting)."""

    provider_id: str | None
    since: date


class ModuleSpan(BaseModel):
    module: Module
    since: date


class Approval(BaseModel):
    """A Fachleistung approval with its hour budget and what accepted entries used of it."""

    approval_id: str
    provider_id: str
    valid_from: date
    valid_until: date
    budget_minutes: int = Field(ge=1)
    used_minutes: int = Field(default=0, ge=0)
    thresholds: list[int] = Field(default_factory=list, description="percentages reached")

    def covers(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until

    @property
    def remaining_minutes(self) -> int:
        return max(self.budget_minutes - self.used_minutes, 0)


def _latest(items: list[Any], day: date) -> Any | None:
    """The item in force on ``day``: the latest ``since`` not after it; on a tie, the later."""
    best = None
    for item in items:
        if item.since <= day and (best is None or item.since >= best.since):
            best = item
    return best


class CaseView(BaseModel):
    case_id: str
    #: whose case it is (pseudonym), so that an access request finds the person's entries
    person_ref: str | None = None
    opened_on: date | None = None
    closed_on: date | None = None
    holdings: list[Holding] = Field(default_factory=list)
    modules: list[ModuleSpan] = Field(default_factory=list)
    approvals: list[Approval] = Field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.closed_on is not None

    def holder_on(self, day: date) -> str | None:
        if self.closed_on is not None and day > self.closed_on:
            return None
        holding = _latest(self.holdings, day)
        return holding.provider_id if holding else None

    def holder_at_closure(self) -> str | None:
        return self.holder_on(self.closed_on) if self.closed_on else None

    def current_holder(self) -> str | None:
        return None if self.closed or not self.holdings else self.holdings[-1].provider_id

    def module_on(self, day: date) -> Module | None:
        span = _latest(self.modules, day)
        return span.module if span else None

    def approval_on(self, day: date) -> Approval | None:
        return next((a for a in self.approvals if a.covers(day)), None)

    def approval(self, approval_id: str) -> Approval | None:
        return next((a for a in self.approvals if a.approval_id == approval_id), None)

    def apply(self, event: Event) -> None:
        """Take in one of casework's facts (others change nothing)."""
        applier = _APPLIERS.get(type(event))
        if applier is not None:
            applier(self, event)


def _opened(view: CaseView, e: Any) -> None:
    assert isinstance(e, CaseOpened)
    view.opened_on, view.person_ref = e.opened_on, e.person_ref
    view.modules.insert(0, ModuleSpan(module=e.module, since=e.opened_on))


def _assigned(view: CaseView, e: Any) -> None:
    assert isinstance(e, CaseAssigned)
    view.holdings.append(Holding(provider_id=e.provider_id, since=e.assigned_on))
    if not view.modules:  # the case's opening came before billing's view began
        view.modules.append(ModuleSpan(module=e.module, since=e.assigned_on))


def _reassigned(view: CaseView, e: Any) -> None:
    assert isinstance(e, CaseReassigned)
    view.holdings.append(Holding(provider_id=e.to_provider_id, since=e.reassigned_on))


def _closed(view: CaseView, e: Any) -> None:
    assert isinstance(e, CaseClosed)
    view.closed_on = e.closed_on


def _module_changed(view: CaseView, e: Any) -> None:
    assert isinstance(e, ModuleChanged)
    view.modules.append(ModuleSpan(module=e.module, since=e.since))


def _approved(view: CaseView, e: Any) -> None:
    assert isinstance(e, FachleistungApproved)
    if view.approval(e.approval_id) is None:
        view.approvals.append(Approval(
            approval_id=e.approval_id, provider_id=e.provider_id, valid_from=e.valid_from,
            valid_until=e.valid_until, budget_minutes=e.budget_minutes,
        ))  # fmt: skip


def _expired(view: CaseView, e: Any) -> None:
    assert isinstance(e, FachleistungExpired)
    approval = view.approval(e.approval_id)
    if approval is not None and e.expired_on <= approval.valid_until:
        approval.valid_until = date.fromordinal(e.expired_on.toordinal() - 1)


_APPLIERS: dict[type[Event], Callable[[CaseView, Any], None]] = {
    CaseOpened: _opened,
    CaseAssigned: _assigned,
    CaseReassigned: _reassigned,
    CaseClosed: _closed,
    ModuleChanged: _module_changed,
    FachleistungApproved: _approved,
    FachleistungExpired: _expired,
}
