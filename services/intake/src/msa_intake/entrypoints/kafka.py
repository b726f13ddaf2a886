"""Kafka subscriptions: the allocation notices, each ``PersonAllocated`` registering (or
recognising) a person; and casework's case feed, for who holds each person's case."""

from __future__ import annotations

from typing import Protocol

import structlog
from msa_contracts.events import (
    CaseAssigned,
    CaseClosed,
    CaseReassigned,
    IdentityPayload,
    PersonAllocated,
    PersonAllocatedV1,
    SealedIdentity,
    SpecialCategories,
)
from msa_contracts.topics import CASE_FEED
from msa_kit.consumers import Consumer, EventRouter
from msa_kit.logging import get_logger
from msa_kit.processing import Context, Subscription, UnexpectedEvent, Unprocessable

from msa_intake import handlers
from msa_intake.domain.arrival import Arrival
from msa_intake.domain.commands import RegisterArrival
from msa_intake.domain.errors import Rejected
from msa_intake.handlers import Deps
from msa_intake.ports import Units

log = get_logger("msa_intake.notices")


class Opener(Protocol):
    """Opens a notice's sealed boxes with intake's private key (``IdentityOpener``)."""

    def __call__(self, sealed: SealedIdentity) -> IdentityPayload: ...
    def special_categories(self, sealed: SealedIdentity | None) -> SpecialCategories: ...


async def _assigned(units: Units, ctx: Context) -> None:
    await handlers.case_assigned(units.bind(ctx), ctx.expect(CaseAssigned))


async def _reassigned(units: Units, ctx: Context) -> None:
    await handlers.case_reassigned(units.bind(ctx), ctx.expect(CaseReassigned))


async def _closed(units: Units, ctx: Context) -> None:
    await handlers.case_closed(units.bind(ctx), ctx.expect(CaseClosed))


#: the case feed's other events (plans, goals, approvals) do not concern intake
CASE_ROUTES: EventRouter[Units] = EventRouter(
    {CaseAssigned: _assigned, CaseReassigned: _reassigned, CaseClosed: _closed}, unknown="skip"
)


def consumers(
    notices: str, cases: str, units: Units, deps: Deps, open_identity: Opener
) -> list[Consumer]:
    """What intake consumes: the ``notices`` topic (rejections, such as an unreadable
    identity or implausible data, are dead-lettered at once) and the ``cases`` topic."""

    async def on_notice(ctx: Context) -> None:
        notice = ctx.event
        if not isinstance(notice, PersonAllocated | PersonAllocatedV1):
            raise UnexpectedEvent(f"expected PersonAllocated, got {type(notice).__name__}")
        structlog.contextvars.bind_contextvars(notice_id=notice.notice_id)
        try:
            boxed = notice.special_categories if isinstance(notice, PersonAllocated) else None
            arrival = Arrival.from_notice(notice, open_identity.special_categories(boxed))
            command = RegisterArrival(open_identity(notice.identity), arrival, "allocation-notice")
            result = await handlers.register_arrival(units.bind(ctx), command, deps)
        except Rejected as exc:
            raise Unprocessable(exc.code, exc.message) from exc
        log.info("notice handled", person_ref=result.person_ref, new_person=result.created)

    async def on_case(ctx: Context) -> None:
        await CASE_ROUTES(units, ctx)

    notice_types = {PersonAllocated.ce_type(), PersonAllocatedV1.ce_type()}
    notice_subscription = Subscription(on_notice, allowed_types=notice_types)
    case_subscription = Subscription(on_case, allowed_types={k.ce_type() for k in CASE_FEED})
    return [
        Consumer("intake-allocation-notices", (notices,), notice_subscription),
        Consumer("intake-case-holders", (cases,), case_subscription),
    ]
