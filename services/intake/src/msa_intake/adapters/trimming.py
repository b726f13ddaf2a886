"""The notice trimmer: deletes the allocation notices intake has processed from their topic
(Kafka DeleteRecords), so that no sealed identity outlives its registration there, nor an
erasure, by more than a trim interval. ``domain.notices`` says why and how far.

Every ``interval_s`` it reads intake's committed offsets on the notices topic and deletes
each partition's records before them, where that is past what it trimmed last; partitions
are trimmed one by one, so one that fails does not hold the others. A round that fails is
logged and tried again with a new connection; deleting records is idempotent, so a round
repeated after a crash does no harm.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, RecordsToDelete
from msa_kit.kafka_security import KafkaSecurity
from msa_kit.logging import get_logger

from msa_intake.domain.notices import Offsets, Partition, trim_points

log = get_logger("msa_intake.trimming")
AdminFactory = Callable[[], Any]  # an AIOKafkaAdminClient, or a fake of one in tests


class NoticeTrimmer:
    def __init__(self, *, topic: str, group: str, interval_s: float, admin: AdminFactory) -> None:
        self._topic = topic
        self._group = group
        self._interval = interval_s
        self._new_admin = admin
        self._start: dict[Partition, int] = {}  # each partition's start, as last trimmed
        self._task: asyncio.Task[None] | None = None
        self._admin: Any = None

    @classmethod
    def on_broker(
        cls, *, topic: str, bootstrap: str, security: KafkaSecurity, group: str,
        interval_s: float,
    ) -> NoticeTrimmer:  # fmt: skip
        args: dict[str, Any] = {"bootstrap_servers": bootstrap, **security.for_aiokafka()}
        return cls(topic=topic, group=group, interval_s=interval_s,
                   admin=lambda: AIOKafkaAdminClient(**args))  # fmt: skip

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="intake-notice-trimmer")

    async def stop(self) -> None:
        try:
            if self._task:
                self._task.cancel()
                await asyncio.wait({self._task})  # a cancellation of stop is not swallowed
        finally:
            await self._drop_admin()

    async def _loop(self) -> None:
        while True:
            try:
                await self.trim_once()
            except Exception as exc:  # tried again next round; nothing is lost meanwhile
                log.warning("notice trimming failed", error=repr(exc)[:300])
                await self._drop_admin()
            await asyncio.sleep(self._interval)

    async def trim_once(self) -> dict[Partition, int]:
        """One round; returns the partitions trimmed and their new start offsets."""
        admin = await self._admin_client()
        found = await admin.list_consumer_group_offsets(self._group)
        committed: Offsets = {(tp.topic, tp.partition): m.offset for tp, m in found.items()
                              if tp.topic == self._topic and m.offset >= 0}  # fmt: skip
        trimmed: dict[Partition, int] = {}
        for (topic, partition), before in trim_points(committed, self._start).items():
            part = TopicPartition(topic, partition)
            try:
                starts = await admin.delete_records({part: RecordsToDelete(before)})
            except Exception as exc:  # e.g. the partition's leader is away: next round
                self._start.pop((topic, partition), None)
                log.warning("notice trimming failed", partition=partition, error=repr(exc)[:300])
                continue
            trimmed[topic, partition] = self._start[topic, partition] = starts[part]
        if trimmed:
            log.info("notices trimmed", starts={f"{t}[{p}]": s for (t, p), s in trimmed.items()})
        return trimmed

    async def _admin_client(self) -> Any:
        if self._admin is None:
            admin = self._new_admin()
            try:
                await admin.start()
            except BaseException:
                with contextlib.suppress(Exception):
                    await admin.close()
                raise
            self._admin = admin
        return self._admin

    async def _drop_admin(self) -> None:
        """Close the connection; the next round opens a new one and forgets what it trimmed
        (the topic may have been recreated meanwhile)."""
        admin, self._admin = self._admin, None
        self._start.clear()
        if admin is not None:
            with contextlib.suppress(Exception):
                await admin.close()
