"""The notice trimmer: deletes the allocation notices intake has processed from their topic
(Kafka DeleteRecords), so that no sealed identity outlives its registration there, nor an
erasure. ``domain.notices`` says why and how far.

Every ``interval_s`` it reads intake's committed offsets on the notices topic and deletes
each partition's records before them, where that is past what it trimmed last. A round that
fails is logged and tried again; deleting records is idempotent, so a round repeated after
a crash does no harm.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, RecordsToDelete
from msa_kit.kafka_security import KafkaSecurity
from msa_kit.logging import get_logger

from msa_intake.domain.notices import Offsets, Partition, trim_points

log = get_logger("msa_intake.trimming")


class NoticeTrimmer:
    def __init__(
        self, *, topic: str, bootstrap: str, security: KafkaSecurity, group: str,
        interval_s: float,
    ) -> None:  # fmt: skip
        self._topic = topic
        self._admin_args: dict[str, Any] = {"bootstrap_servers": bootstrap,
                                            **security.for_aiokafka()}  # fmt: skip
        self._group = group
        self._interval = interval_s
        self._start: dict[Partition, int] = {}  # each partition's start, as last trimmed
        self._task: asyncio.Task[None] | None = None
        self._admin: AIOKafkaAdminClient | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="intake-notice-trimmer")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.wait({self._task})  # a cancellation of stop itself is not swallowed
        await self._drop_admin()

    async def _loop(self) -> None:
        while True:
            try:
                await self.trim_once()
            except Exception as exc:  # tried again next round; nothing is lost meanwhile
                log.warning("notice trimming failed", error=repr(exc)[:300])
                await self._drop_admin()  # a new connection next round
            await asyncio.sleep(self._interval)

    async def trim_once(self) -> dict[Partition, int]:
        """One round; returns the partitions trimmed and their new start offsets."""
        admin = await self._admin_client()
        plan = trim_points(await self._committed(admin), self._start)
        if not plan:
            return {}
        starts = await admin.delete_records(
            {TopicPartition(t, p): RecordsToDelete(o) for (t, p), o in plan.items()}
        )
        trimmed = {(tp.topic, tp.partition): start for tp, start in starts.items()}
        self._start.update(trimmed)
        log.info("notices trimmed", starts={f"{t}[{p}]": s for (t, p), s in trimmed.items()})
        return trimmed

    async def _admin_client(self) -> AIOKafkaAdminClient:
        if self._admin is None:
            admin = AIOKafkaAdminClient(**self._admin_args)
            try:
                await admin.start()
            except BaseException:
                await admin.close()
                raise
            self._admin = admin
        return self._admin

    async def _drop_admin(self) -> None:
        admin, self._admin = self._admin, None
        if admin is not None:
            with contextlib.suppress(Exception):
                await admin.close()

    async def _committed(self, admin: AIOKafkaAdminClient) -> Offsets:
        """Intake's committed offsets on the notices topic."""
        found = await admin.list_consumer_group_offsets(self._group)
        return {(tp.topic, tp.partition): m.offset for tp, m in found.items()
                if tp.topic == self._topic and m.offset >= 0}  # fmt: skip
