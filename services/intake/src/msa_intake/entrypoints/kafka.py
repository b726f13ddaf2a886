"""Kafka subscriptions: the allocation notices, each ``PersonAllocated`` registering (or
recognising) a person."""

from __future__ import annotations

from collections.abc import Callable

import structlog
from msa_contracts.events import IdentityPayload, PersonAllocated, SealedIdentity
from msa_kit.consumers import Consumer
from msa_kit.logging import get_logger
from msa_kit.processing import Context, Subscription, Unprocessable

from msa_intake import handlers
from msa_intake.domain.arrival import Arrival
from msa_intake.domain.commands import RegisterArrival
from msa_intake.domain.errors import Rejected
from msa_intake.handlers import Deps
from msa_intake.ports import Units

log = get_logger("msa_intake.notices")
Opener = Callable[[SealedIdentity], IdentityPayload]


def consumers(notices: str, units: Units, deps: Deps, open_identity: Opener) -> list[Consumer]:
    """What intake consumes: the ``notices`` topic. Rejections (unreadable identity,
    implausible data) are dead-lettered at once."""

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

    subscription = Subscription(on_notice, allowed_types={PersonAllocated.ce_type()})
    return [Consumer("intake-allocation-notices", (notices,), subscription)]
