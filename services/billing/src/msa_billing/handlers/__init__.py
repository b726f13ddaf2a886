"""Handlers: load, decide, save and publish, one per kind of record."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from msa_contracts.events import (
    CaseAssigned,
    CaseClosed,
    CaseOpened,
    CaseReassigned,
    DayStarted,
    Event,
    FachleistungApproved,
    FachleistungExpired,
    HoursLogged,
    ModuleChanged,
)
from msa_kit.processing import Context

from msa_billing.handlers import casework, clock, hours
from msa_billing.handlers.deps import Deps

HandlerFn = Callable[[Deps, Context], Awaitable[None]]

BY_EVENT: dict[type[Event], HandlerFn] = {
    HoursLogged: hours.hours_logged,
    CaseOpened: casework.case_changed,
    CaseAssigned: casework.case_changed,
    CaseReassigned: casework.case_changed,
    CaseClosed: casework.case_changed,
    ModuleChanged: casework.case_changed,
    FachleistungApproved: casework.case_changed,
    FachleistungExpired: casework.case_changed,
    DayStarted: clock.day_started,
}


class Handlers:
    """Routes each decoded event to its handler; the rest of the case feed (plans, goals,
    referrals) does not concern billing and is only marked as seen."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def prepare_hours(self, contexts: list[Context]) -> None:
        await hours.preload(self.deps, contexts)

    async def handle(self, ctx: Context) -> None:
        handler = BY_EVENT.get(type(ctx.event))
        if handler is not None:
            await handler(self.deps, ctx)
