"""A provider can publish a valid event with kcat by following only PROVIDERS.md."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from msa_contracts.envelope import decode
from msa_contracts.events import HoursLogged
from msa_contracts.namespace import Namespace
from msa_contracts.topics import catalogue

pytestmark = pytest.mark.integration
DOC = Path(__file__).resolve().parents[2] / "contracts" / "PROVIDERS.md"
TOPIC = "msa.provider.caritas.hours"  # in the session's namespace (MSA_ENV), as the doc says


def documented_command() -> str:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- kcat-publish:start -->\s*```bash\n(.*?)```\s*<!-- kcat-publish:end -->", text, re.S
    )
    assert block, "PROVIDERS.md lost its kcat-publish example"
    return block.group(1)


async def end_offsets(bootstrap: str) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        wire = Namespace.from_env().topic(TOPIC)
        partitions = [TopicPartition(wire, p) for p in range(catalogue().topic(TOPIC).partitions)]
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def test_an_event_published_with_kcat_from_the_docs_is_accepted(infra: Any) -> None:
    kcat = shutil.which("kcat")
    assert kcat, "kcat is missing: scripts/bootstrap.sh installs it (apt-get install kcat)"
    before = await end_offsets(infra.kafka_bootstrap)
    env = {**os.environ, "BROKER": infra.kafka_bootstrap}
    proc = await asyncio.create_subprocess_exec(
        "bash", "-euo", "pipefail", "-c", documented_command(),
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 0, stderr.decode(errors="replace")

    consumer = AIOKafkaConsumer(bootstrap_servers=infra.kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    records: list[Any] = []
    try:
        consumer.assign(list(before))
        for tp, offset in before.items():
            consumer.seek(tp, offset)
        for _ in range(50):
            batch = await consumer.getmany(timeout_ms=200)
            records += [r for recs in batch.values() for r in recs]
            if records:
                break
    finally:
        await consumer.stop()
    assert len(records) == 1, "exactly the documented record should have arrived"
    newest = records[0]
    allowed = catalogue().topic(TOPIC).event_types
    envelope = decode(newest.headers, newest.value, allowed_types=allowed)
    assert isinstance(envelope.event, HoursLogged)
    assert envelope.event.minutes == 90
    assert newest.key == b"C-00000000000000a1" == envelope.subject.encode()
    assert newest.topic == Namespace.from_env().topic(TOPIC)
    assert catalogue().provider_of(Namespace.from_env().logical(newest.topic)) == "caritas"
