"""A process killed with SIGKILL anywhere on the outbox path loses and doubles nothing."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.kit.demo import build_demo, effects
from tests.kit.support import departed, read_topic, service_topics, unique, wait_for

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


async def run_worker(*args: str) -> int:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.kit.crash_worker", *args, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode is not None, out
    return proc.returncode


@pytest.mark.parametrize("crash_point", ["commit-then-die", "publish-then-die"])
async def test_killed_writer_publishes_after_restart_and_the_effect_happens_once(
    infra: Any, mongo: Any, service: str, crash_point: str
) -> None:
    topic, out = unique("t-crash"), unique("t-out")
    await service_topics(infra.kafka_bootstrap, service, topic, out)
    database = unique("writer")
    base = (infra.kafka_bootstrap, infra.mongodb_uri, database, topic, "3")

    if crash_point == "publish-then-die":
        assert await run_worker("commit-then-die", *base) == -signal.SIGKILL
    assert await run_worker(crash_point, *base) == -signal.SIGKILL
    assert await mongo[database]["state"].count_documents({}) == 1
    assert await mongo[database]["outbox"].count_documents({"published": False}) == 3

    assert await run_worker("relay", *base) == 0
    assert await mongo[database]["outbox"].count_documents({"published": False}) == 0
    on_wire = await read_topic(infra.kafka_bootstrap, topic, expect=3)
    copies = 2 if crash_point == "publish-then-die" else 1
    assert len(on_wire) == 3 * copies

    consumer = build_demo(infra.kafka_bootstrap, infra.mongodb_uri, service, topic, out)
    await consumer.start()
    try:

        async def all_three() -> bool:
            return len(await effects(consumer)) == 3

        await wait_for(all_three)
        forwarded = await read_topic(infra.kafka_bootstrap, out, expect=3)
        counted = await effects(consumer)
    finally:
        await consumer.stop()
    assert counted == {departed(i).person_ref: 1 for i in range(3)}
    assert len(forwarded) == 3
