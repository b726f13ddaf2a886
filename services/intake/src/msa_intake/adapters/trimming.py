"""The notice trimmer: after an erasure, delete the person's allocation notices from the
notices topic (Kafka DeleteRecords), once intake's consumer group has processed them.

It runs beside the consumers: every ``interval_s`` it reads the due notice positions, asks
the broker for the group's committed offsets, deletes each partition's records before the
offset ``domain.notices.trims`` decides, and then forgets the positions trimmed. A round
that fails (broker away, group not committed yet) is logged and tried again; deleting
records is idempotent, so a round repeated after a crash does no harm.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, RecordsToDelete
from msa_kit.kafka_security import KafkaSecurity
from msa_kit.logging import get_logger
from pymongo.asynchronous.database import AsyncDatabase

from msa_intake.adapters.stores import NOTICES
from msa_intake.domain.notices import NoticeAt, trimmed, trims

log = get_logger("msa_intake.trimming")
ROUND_LIMIT = 1000  # due positions handled per round


class NoticeTrimmer:
    def __init__(
        self, db: AsyncDatabase[dict[str, Any]], *, bootstrap: str, security: KafkaSecurity,
        group: str, interval_s: float,
    ) -> None:  # fmt: skip
        self._coll = db[NOTICES]
        self._admin_args = {"bootstrap_servers": bootstrap, **security.for_aiokafka()}
        self._group = group
        self._interval = interval_s
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="intake-notice-trimmer")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            try:
                await self.trim_once()
            except Exception as exc:  # tried again next round; nothing is lost meanwhile
                log.warning("notice trimming failed", error=repr(exc)[:300])
            await asyncio.sleep(self._interval)

    async def trim_once(self) -> int:
        """One round; returns how many due notices are now gone from the topic."""
        docs = await self._coll.find({"due": True}).limit(ROUND_LIMIT).to_list()
        due = [NoticeAt(d["topic"], d["partition"], d["offset"]) for d in docs]
        if not due:
            return 0
        admin = AIOKafkaAdminClient(**self._admin_args)
        await admin.start()
        try:
            parts = sorted({TopicPartition(at.topic, at.partition) for at in due})
            offsets = await admin.list_consumer_group_offsets(self._group, partitions=parts)
            committed = {(tp.topic, tp.partition): m.offset for tp, m in offsets.items()}
            plan = trims(due, committed)
            if plan:
                await admin.delete_records(
                    {TopicPartition(t, p): RecordsToDelete(o) for (t, p), o in plan.items()}
                )
        finally:
            await admin.close()
        gone = trimmed(due, plan)
        if gone:
            await self._coll.delete_many({"_id": {"$in": [at.key for at in gone]}})
            log.info("notices trimmed", notices=len(gone),
                     partitions={f"{t}[{p}]": o for (t, p), o in plan.items()})  # fmt: skip
        return len(gone)
