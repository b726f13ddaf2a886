"""A runtime's stop is bounded step by step: a broker whose consumers never finish leaving,
a producer that never closes and a store that never answers cannot hold the shutdown, and
the log names each step that gave up."""

from __future__ import annotations

import asyncio

from msa_kit.mongo import connect
from msa_kit.runtime import ServiceRuntime
from msa_kit.settings import KitSettings
from structlog.testing import capture_logs


class Stuck:
    """A broker or producer whose ``stop`` never returns (and records that it was asked)."""

    def __init__(self) -> None:
        self.asked = 0

    async def stop(self) -> None:
        self.asked += 1
        await asyncio.Event().wait()


async def test_stop_gives_up_each_stuck_step_within_its_bound_and_names_it() -> None:
    nowhere = "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=60000"  # a store never answering
    settings = KitSettings(service_name="stuck", graceful_timeout_s=0.2, mongodb_uri=nowhere)
    broker, producer = Stuck(), Stuck()
    runtime = ServiceRuntime(settings, broker=broker, producer=producer,  # type: ignore[arg-type]
                             client=connect(settings.mongodb_uri, app_name="stuck"))  # fmt: skip
    ran: list[str] = []

    async def close_cache() -> None:
        ran.append("hook")

    runtime.shutdown_hooks.append(close_cache)
    began = asyncio.get_running_loop().time()
    with capture_logs() as logs:
        await asyncio.wait_for(runtime.stop(), 10)
    took = asyncio.get_running_loop().time() - began

    assert broker.asked == producer.asked == 1 and ran == ["hook"]
    gave_up = {e["step"]: e["bound_s"] for e in logs if e["event"] == "shutdown step gave up"}
    assert gave_up == {"consumers": 0.4, "last outbox flush": 0.2, "producer": 0.2}
    assert 0.8 <= took < 5, took
    assert logs[-1]["event"] == "service stopped"
