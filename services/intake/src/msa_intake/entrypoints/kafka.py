"""Kafka subscriptions: the allocation notices, each ``PersonAllocated`` registering (or
recognising) a person; casework's cases topic, of which intake reads only
``CaseFileExpired`` (the person's record goes with their case file); and the services'
parts of access requests."""

from __future__ import annotations

from collections.abc import Callable

import structlog
from msa_contracts.events import (
    AccessPartDelivered,
    CaseFileExpired,
    IdentityPayload,
    PersonAllocated,
    SealedIdentity,
)
from msa_contracts.topics import ACCESS_PARTS, CASES, catalogue
from msa_kit.consumers import Consumer
from msa_kit.logging import get_logger
from msa_kit.processing import Context, Subscription, Unprocessable

from msa_intake import handlers
from msa_intake.access_requests import part_delivered
from msa_intake.domain.arrival import Arrival
from msa_intake.domain.commands import ExpirePerson, RegisterArrival
from msa_intake.domain.errors import Rejected
from msa_intake.handlers import Deps
from msa_intake.ports import Units

log = get_logger("msa_intake.notices")
Opener = Callable[[SealedIdentity], IdentityPayload]


def consumers(
    notices: str,
    units: Units,
    deps: Deps,
    open_identity: Opener,
    cases: str = CASES,
    parts: str = ACCESS_PARTS,
) -> list[Consumer]:
    """What intake consumes: the ``notices`` topic (rejections, such as an unreadable
    identity or implausible data, are dead-lettered at once), the ``cases`` topic (only
    ``CaseFileExpired``) and the services' parts of access requests on ``parts``."""

    async def on_notice(ctx: Context) -> None:
        notice = ctx.expect(PersonAllocated)
        structlog.contextvars.bind_contextvars(notice_id=notice.notice_id)
        try:
            command = RegisterArrival(
                open_identity(notice.identity), Arrival.from_notice(notice), "allocation-notice"
            )
            result = await handlers.register_arrival(units.bind(ctx), command, deps)
        except Rejected as exc:
            raise Unprocessable(exc.code, exc.message) from exc
        log.debug("notice handled", person_ref=result.person_ref, new_person=result.created)

    async def on_case_event(ctx: Context) -> None:
        if not isinstance(ctx.event, CaseFileExpired):
            return  # the rest of the case feed does not concern intake
        expiry = ctx.event
        reason = f"deletion period of the case file ended on {expiry.expired_on.isoformat()}"
        command = ExpirePerson(expiry.person_ref, expiry.replacement_person_ref, reason)
        if await handlers.expire_person(units.bind(ctx), command):
            log.info("person record deleted: case file expired")

    async def on_part(ctx: Context) -> None:
        delivered = ctx.expect(AccessPartDelivered)
        structlog.contextvars.bind_contextvars(access_request=delivered.request_id)
        await part_delivered(units.bind(ctx), delivered)

    subscription = Subscription(on_notice, allowed_types={PersonAllocated.ce_type()})
    case_types = set(catalogue([]).topic(CASES).event_types)
    answers = Subscription(on_part, allowed_types={AccessPartDelivered.ce_type()})
    return [
        Consumer("intake-allocation-notices", (notices,), subscription),
        Consumer("intake-case-files", (cases,), Subscription(on_case_event, case_types)),
        Consumer("intake-access-parts", (parts,), answers),
    ]
