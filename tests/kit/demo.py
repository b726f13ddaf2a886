"""A tiny service built on the kit, for tests: it counts each PersonDeparted it handles
(the 'effect') and forwards the event to an output topic through the outbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from msa_contracts.events import PersonDeparted
from msa_kit.processing import Context, NotYet, Subscription, Unprocessable
from msa_kit.runtime import ServiceRuntime
from msa_kit.settings import KitSettings

from tests.kit.support import wait_for


def build_demo(
    bootstrap: str,
    mongodb_uri: str,
    service: str,
    in_topic: str,
    out_topic: str,
    *,
    fail_on: frozenset[str] = frozenset(),
    reject_on: frozenset[str] = frozenset(),
    before_effect: Callable[[PersonDeparted], None] = lambda _event: None,
    not_yet: Callable[[PersonDeparted], bool] = lambda _event: False,
    **settings: Any,
) -> ServiceRuntime:
    runtime = ServiceRuntime(
        KitSettings(
            service_name=service,
            kafka_bootstrap_servers=bootstrap,
            mongodb_uri=mongodb_uri,
            **({"retry_backoff_s": 0.01, "outbox_poll_s": 0.1, "graceful_timeout_s": 5} | settings),
        )
    )

    async def count_and_forward(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, PersonDeparted)
        if event.person_ref in fail_on:
            raise RuntimeError(f"cannot handle {event.person_ref}")
        if event.person_ref in reject_on:
            raise Unprocessable("person-unknown", f"no such person {event.person_ref}")
        if ctx.patient and not_yet(event):
            raise NotYet(f"{event.person_ref} waits")
        before_effect(event)
        await runtime.db["effects"].update_one(
            {"_id": event.person_ref}, {"$inc": {"n": 1}}, upsert=True, session=ctx.session
        )
        ctx.emit(out_topic, event)

    runtime.subscribe(
        [in_topic],
        Subscription(count_and_forward, allowed_types={PersonDeparted.ce_type()}),
        title="demo-departures",
    )
    return runtime


async def effects(runtime: ServiceRuntime) -> dict[str, int]:
    return {d["_id"]: d["n"] async for d in runtime.db["effects"].find({})}


async def until_effects(runtime: ServiceRuntime, n: int, timeout_s: float = 30.0) -> None:
    """Wait until ``n`` persons have an effect (``wait_for``'s failure after ``timeout_s``)."""

    async def counted() -> bool:
        return len(await effects(runtime)) == n

    await wait_for(counted, timeout_s=timeout_s)
