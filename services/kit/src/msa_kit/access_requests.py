"""The one shape of a service's answer to an access request (DSGVO Art. 15): collect what
the service holds about the person, seal it to the request's key in chunks and emit the
chunks with the record's transaction (so a request is answered once, however often it is
delivered). The service supplies only ``collect``."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime
from typing import Any

import structlog
from msa_contracts.access_parts import seal_part
from msa_contracts.events import AccessPartDelivered, AccessRequested
from msa_contracts.events.access import AccessService
from msa_contracts.topics import ACCESS_PARTS, ACCESS_REQUESTS, Catalogue

from msa_kit.consumers import Consumer
from msa_kit.logging import get_logger
from msa_kit.outbox import OUTBOX
from msa_kit.processing import Context, Subscription

log = get_logger("msa_kit.access_requests")
#: What the service holds about ``person_ref``, as JSON-ready data (dates may be objects),
#: read in the record's transaction (``ctx.session``).
Collect = Callable[[Context, AccessRequested], Awaitable[dict[str, Any]]]


def json_ready(value: Any) -> Any:
    """Stored documents as JSON: dates and instants as ISO text, bytes as base64."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


async def sent_about(db: Any, session: Any, keys: Iterable[str]) -> list[dict[str, Any]]:
    """The events the service published about ``keys`` (record keys: case ids, person
    references) that its outbox still keeps (``OUTBOX_RETENTION_S``): answers whose content
    the service's state does not keep, e.g. why an entry was held before it was accepted."""
    wanted = [k.encode() for k in keys]
    if not wanted:
        return []
    query = {"key": {"$in": wanted}, "topic.0": {"$ne": ACCESS_PARTS}}
    cursor = db[OUTBOX].find(query, session=session).sort("order", 1)
    return [
        {"type": doc["type"], "topics": doc["topic"], "event_id": doc["event_id"],
         "created_at": doc["created_at"], "body": json.loads(bytes(doc["value"]))}
        async for doc in cursor
    ]  # fmt: skip


def answer_access(service: AccessService, collect: Collect) -> Callable[[Context], Awaitable[None]]:
    """The handler of ``AccessRequested``: the service's part, sealed, on the parts topic."""

    async def answer(ctx: Context) -> None:
        request = ctx.expect(AccessRequested)
        structlog.contextvars.bind_contextvars(access_request=request.request_id)
        part = json_ready(await collect(ctx, request))
        chunks = seal_part(part, request.recipient)
        for number, sealed in enumerate(chunks):
            delivered = AccessPartDelivered(
                request_id=request.request_id, service=service, chunk=number,
                chunks=len(chunks), sealed=sealed,
            )  # fmt: skip
            ctx.emit(ACCESS_PARTS, delivered)
        log.info("access request answered", chunks=len(chunks))

    return answer


def access_consumer(service: AccessService, catalogue: Catalogue, collect: Collect) -> Consumer:
    """The consumer of the access-requests topic for ``service``."""
    topic = catalogue.topic(ACCESS_REQUESTS)
    handler = answer_access(service, collect)
    return Consumer(f"{service}-access-requests", (topic.name,),
                    Subscription(handler, allowed_types=topic.event_types))  # fmt: skip
