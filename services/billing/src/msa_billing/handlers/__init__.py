"""Handlers: load, decide, save and publish, one per kind of record."""

from __future__ import annotations

from msa_contracts.events import (
    CaseAssigned,
    CaseClosed,
    CaseFileExpired,
    CaseOpened,
    CaseReassigned,
    DayStarted,
    FachleistungApproved,
    FachleistungExpired,
    HoursLogged,
    ModuleChanged,
)
from msa_kit.consumers import EventRouter
from msa_kit.processing import Context

from msa_billing.handlers import casework, clock, hours, retention
from msa_billing.handlers.deps import Deps

#: the rest of the case feed (plans, goals, referrals) does not concern billing
ROUTES = EventRouter[Deps]({
    HoursLogged: hours.hours_logged,
    CaseOpened: casework.case_changed,
    CaseAssigned: casework.case_changed,
    CaseReassigned: casework.case_changed,
    CaseClosed: casework.case_changed,
    ModuleChanged: casework.case_changed,
    FachleistungApproved: casework.case_changed,
    FachleistungExpired: casework.case_changed,
    CaseFileExpired: retention.case_file_expired,
    DayStarted: clock.day_started,
}, unknown="skip")  # fmt: skip


class Handlers:
    """Routes each decoded event to its handler; the rest is only marked as seen."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def prepare_hours(self, contexts: list[Context]) -> None:
        await hours.preload(self.deps, contexts)

    async def handle(self, ctx: Context) -> None:
        await ROUTES(self.deps, ctx)
