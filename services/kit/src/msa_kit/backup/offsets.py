"""The consumer group's committed offsets, saved with a backup and set again on restore.

The services commit a record's offset after the transaction that holds its effects and its
inbox entry. Offsets taken before a dump starts are therefore at or before everything the
dump holds: set back to them after a restore, the group reads again what came after (and
some records the restored inbox knows, which it drops), so the database re-derives from
the topics everything since the backup that the topics still hold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata

from msa_kit.kafka_security import KafkaSecurity

Offsets = dict[str, dict[int, int]]  # topic on the wire -> partition -> next offset
IDLE = {"Empty", "Dead"}


class GroupActive(RuntimeError):
    """The group still has members: stop the service before its offsets are set."""


async def committed(bootstrap: str, security: KafkaSecurity, group: str) -> Offsets:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **security.for_aiokafka())
    await admin.start()
    try:
        found = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    offsets: Offsets = {}
    for tp, meta in found.items():
        if meta.offset >= 0:
            offsets.setdefault(tp.topic, {})[tp.partition] = meta.offset
    return offsets


async def set_committed(bootstrap: str, security: KafkaSecurity, group: str,
                        offsets: Offsets) -> int:  # fmt: skip
    """Commit ``offsets`` for ``group`` (which must have no members); returns partitions set."""
    await ensure_idle(bootstrap, security, group)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                                enable_auto_commit=False, **security.for_aiokafka())  # fmt: skip
    await consumer.start()
    try:
        wanted = {TopicPartition(t, p): OffsetAndMetadata(o, "restored from a backup")
                  for t, parts in offsets.items() for p, o in parts.items()}  # fmt: skip
        if wanted:
            consumer.assign(list(wanted))
            await consumer.commit(wanted)
    finally:
        await consumer.stop()
    return len(wanted)


class BeyondRetention(RuntimeError):
    """A backup's offsets are below the topics' first offsets: what came after the backup is
    partly gone (retention), so a restore could not re-derive it."""


async def missing_since(bootstrap: str, security: KafkaSecurity, offsets: Offsets) -> list[str]:
    """The partitions whose first offset is past ``offsets`` (retention deleted records the
    group has yet to read), as ``topic[partition] offsets a-b``."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                **security.for_aiokafka())  # fmt: skip
    await consumer.start()
    try:
        parts = [TopicPartition(t, p) for t, ps in offsets.items() for p in ps]
        first = await consumer.beginning_offsets(parts) if parts else {}
    finally:
        await consumer.stop()
    return [
        f"{tp.topic}[{tp.partition}] offsets {offsets[tp.topic][tp.partition]:,}-{first[tp] - 1:,}"
        for tp in parts
        if first[tp] > offsets[tp.topic][tp.partition]
    ]


async def ensure_idle(bootstrap: str, security: KafkaSecurity, group: str) -> None:
    """Raise ``GroupActive`` unless ``group`` has no members (its service is stopped)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **security.for_aiokafka())
    await admin.start()
    try:
        [description] = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    state = _state(description)
    if state not in IDLE:
        raise GroupActive(f"consumer group {group} is {state}: stop its consumers first")


def _state(description: Any) -> str:
    groups = getattr(description, "groups", None)
    if groups:  # DescribeGroupsResponse: (error, group, state, protocol type, ...)
        return str(groups[0][2])
    return "Dead"


def write(path: Path, group: str, offsets: Offsets) -> None:
    body = {"group": group, "offsets": {t: {str(p): o for p, o in sorted(parts.items())}
                                        for t, parts in sorted(offsets.items())}}  # fmt: skip
    path.write_text(json.dumps(body, indent=2) + "\n")


def read(path: Path) -> tuple[str, Offsets]:
    body = json.loads(path.read_text())
    parts = body["offsets"].items()
    return str(body["group"]), {t: {int(p): int(o) for p, o in ps.items()} for t, ps in parts}
