"""Kafka subscriptions: the allocation notices, each ``PersonAllocated`` registering (or
recognising) a person; casework's case feed, for who holds each person's case and for
``CaseFileExpired`` (the person's record goes with their case file); and the services'
parts of access requests."""

from __future__ import annotations

from typing import Protocol

import structlog
from msa_contracts.events import (
    AccessPartDelivered,
    CaseAssigned,
    CaseClosed,
    CaseFileExpired,
    CaseReassigned,
    IdentityPayload,
    PersonAllocated,
    PersonAllocatedV1,
    SealedIdentity,
    SpecialCategories,
)
from msa_contracts.topics import ACCESS_PARTS, CASE_FEED
from msa_kit.consumers import Consumer, EventRouter
from msa_kit.logging import get_logger
from msa_kit.processing import Context, Subscription, UnexpectedEvent, Unprocessable

from msa_intake import handlers
from msa_intake.access_requests import part_delivered
from msa_intake.domain.arrival import Arrival
from msa_intake.domain.commands import ExpirePerson, RegisterArrival
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


async def _expired(units: Units, ctx: Context) -> None:
    expiry = ctx.expect(CaseFileExpired)
    reason = f"deletion period of the case file ended on {expiry.expired_on.isoformat()}"
    command = ExpirePerson(expiry.person_ref, expiry.replacement_person_ref, reason)
    if await handlers.expire_person(units.bind(ctx), command):
        log.info("person record deleted: case file expired")


#: the case feed's other events (plans, goals, approvals) do not concern intake
CASE_ROUTES: EventRouter[Units] = EventRouter(
    {
        CaseAssigned: _assigned,
        CaseReassigned: _reassigned,
        CaseClosed: _closed,
        CaseFileExpired: _expired,
    },
    unknown="skip",
)


def consumers(
    notices: str,
    cases: str,
    units: Units,
    deps: Deps,
    open_identity: Opener,
    parts: str = ACCESS_PARTS,
) -> list[Consumer]:
    """What intake consumes: the ``notices`` topic (rejections, such as an unreadable
    identity or implausible data, are dead-lettered at once), the ``cases`` topic and the
    services' parts of access requests on ``parts``."""

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
        log.debug("notice handled", person_ref=result.person_ref, new_person=result.created)

    async def on_case(ctx: Context) -> None:
        await CASE_ROUTES(units, ctx)

    async def on_part(ctx: Context) -> None:
        delivered = ctx.expect(AccessPartDelivered)
        structlog.contextvars.bind_contextvars(access_request=delivered.request_id)
        await part_delivered(units.bind(ctx), delivered)

    notice_types = {PersonAllocated.ce_type(), PersonAllocatedV1.ce_type()}
    notice_subscription = Subscription(on_notice, allowed_types=notice_types)
    case_subscription = Subscription(on_case, allowed_types={k.ce_type() for k in CASE_FEED})
    answers = Subscription(on_part, allowed_types={AccessPartDelivered.ce_type()})
    return [
        Consumer("intake-allocation-notices", (notices,), notice_subscription),
        Consumer("intake-case-feed", (cases,), case_subscription),
        Consumer("intake-access-parts", (parts,), answers),
    ]
