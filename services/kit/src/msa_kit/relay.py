"""The outbox relay: publishes pending outbox records to Kafka, in write order, then marks them.

One relay per service holds a lease so that two instances do not both publish; if the
holder dies its lease expires and another takes over. Publishing waits for the broker's
acknowledgement (idempotent producer, acks=all) before a record is marked published.
Published records are kept for ``retention_s`` (for operators) and then deleted, so the
outbox does not grow without end and a dead letter's bytes (which may hold an identity sealed
to intake) do not outlive the topics' own retention.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    InvalidTopicError,
    MessageSizeTooLargeError,
    TopicAuthorizationFailedError,
)
from msa_contracts.namespace import NO_NAMESPACE, Namespace
from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from msa_kit.logging import get_logger
from msa_kit.metrics import OUTBOX_PARKED, OUTBOX_PENDING, OUTBOX_PUBLISHED
from msa_kit.mongo import id_chunks
from msa_kit.outbox import OUTBOX, topics_of
from msa_kit.outbox_age import PENDING, OldestUnsent, oldest_pending_order

log = get_logger("msa_kit.relay")
#: Errors no retry can fix: the record is parked (kept, flagged, alerted on) instead.
UNPUBLISHABLE: tuple[type[BaseException], ...] = (
    MessageSizeTooLargeError,
    InvalidTopicError,
    TopicAuthorizationFailedError,
)
LEASES = "leases"
PRUNE_MAX = 10_000  # records deleted per prune round; the next round takes the rest


class OutboxRelay:
    """Publishes what ``Outbox.add`` stored. Start with ``start()``, stop with ``stop()``."""

    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        producer: AIOKafkaProducer,
        *,
        poll_s: float = 0.5,
        batch: int = 500,
        lease_s: float = 10.0,
        owner: str | None = None,
        retention_s: float = 24 * 3600.0,
        prune_every_s: float = 60.0,
        namespace: Namespace = NO_NAMESPACE,
    ) -> None:
        self._outbox = db[OUTBOX]
        self._namespace = namespace  # the outbox holds logical names; the wire, namespaced
        self._leases = db[LEASES]
        self._producer = producer
        self._poll_s = poll_s
        self._batch = batch
        self._lease = timedelta(seconds=lease_s)
        self._held_until: datetime | None = None  # the expiry this relay last wrote
        self._owner = owner or str(uuid.uuid4())
        self._retention = timedelta(seconds=retention_s)
        self._prune_every = timedelta(seconds=prune_every_s)
        self._pruned_at = datetime.min.replace(tzinfo=UTC)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.oldest = OldestUnsent()

    def notify(self) -> None:
        """Something was just committed to the outbox: publish without waiting for a poll."""
        self._wake.set()

    def start(self) -> None:
        self.oldest.export()
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.wait({self._task})  # a cancellation of stop itself is not swallowed

    async def publish_pending(self) -> int:
        """Publish one batch of pending records; returns how many the broker acknowledged
        (a record to several topics counts once per topic).

        A record is marked once the broker acknowledged it on every one of its topics. A
        record the broker can never take (too large, invalid topic, not authorised) is
        parked with the error, so it cannot block every other record; any other failure
        leaves it pending for the next round (its topics may then see it twice).
        Queuing stops at the first record that fails to queue, so no later record of its
        key overtakes it.
        """
        docs = await self._outbox.find(PENDING).sort("order", 1).limit(self._batch).to_list()
        self.oldest.saw(docs[0]["order"] if docs else None)
        OUTBOX_PENDING.set(len(docs))
        if not docs:
            return 0
        queued: list[tuple[dict[str, Any], list[asyncio.Future[Any]]]] = []
        for d in docs:
            try:
                futures = [
                    await self._producer.send(
                        self._namespace.topic(topic), value=d["value"], key=d["key"],
                        headers=[(k, bytes(v)) for k, v in d["headers"]],
                    )
                    for topic in topics_of(d)
                ]  # fmt: skip
            except UNPUBLISHABLE as exc:
                await self._park(d, exc)
                break
            queued.append((d, futures))
        done: list[str] = []
        records = 0
        for d, futures in queued:
            results = await asyncio.gather(*futures, return_exceptions=True)
            failed = [r for r in results if isinstance(r, BaseException)]
            if not failed:
                done.append(d["_id"])
                records += len(results)
            elif unpublishable := next((r for r in failed if isinstance(r, UNPUBLISHABLE)), None):
                await self._park(d, unpublishable)
            else:
                log.warning("outbox record not acknowledged, will retry",
                            error=repr(failed[0])[:200])  # fmt: skip
        marked = {"$set": {"published": True, "published_at": datetime.now(UTC)}}
        for chunk in id_chunks(done):
            await self._outbox.update_many({"_id": {"$in": chunk}}, marked)
        OUTBOX_PUBLISHED.inc(records)
        return records

    async def prune_published(self, now: datetime | None = None) -> int:
        """Delete records published more than the retention ago; returns how many. Pending
        and parked records are never deleted."""
        cutoff = (now or datetime.now(UTC)) - self._retention
        # A record is written (its ``order`` is the wall clock's nanoseconds then, or just
        # above its key's last) before it is published, so only records ordered before the
        # cutoff can be due: the (published, order) index bounds the search on MongoDB.
        # Finding them first and deleting by id keeps a round that finds nothing cheap on
        # SecantusDB too, whose filtered delete reads every published record (about 0.1 ms
        # each, every minute; its find scans some fifty times faster).
        before = int(cutoff.timestamp() * 1_000_000_000)
        due = {"published": True, "order": {"$lt": before}, "published_at": {"$lt": cutoff}}
        found = self._outbox.find(due, {"_id": 1}).limit(PRUNE_MAX)
        ids = [doc["_id"] async for doc in found]
        deleted = 0
        for chunk in id_chunks(ids):
            done = await self._outbox.delete_many({"_id": {"$in": chunk}, **due})
            deleted += done.deleted_count
        if deleted:
            log.info("published outbox records pruned", count=deleted)
        return deleted

    async def _prune_due(self) -> None:
        now = datetime.now(UTC)
        if now - self._pruned_at >= self._prune_every:
            self._pruned_at = now
            await self.prune_published(now)

    async def _park(self, doc: dict[str, Any], exc: BaseException) -> None:
        log.error("outbox record cannot be published: parked", outbox_id=doc["_id"],
                  topic=doc["topic"], error=repr(exc)[:300])  # fmt: skip
        OUTBOX_PARKED.inc()
        await self._outbox.update_one(
            {"_id": doc["_id"]}, {"$set": {"parked": True, "error": repr(exc)[:1000]}}
        )

    async def _run(self) -> None:
        backoff = self._poll_s
        while True:
            try:
                published = 0
                if await self._hold_lease():
                    published = await self.publish_pending()
                    await self._prune_due()
                else:  # another instance publishes; what it leaves pending shows here too
                    self.oldest.saw(await oldest_pending_order(self._outbox))
                backoff = self._poll_s
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker or database away: keep records, try again
                log.warning("outbox relay failed, will retry", error=repr(exc), wait_s=backoff)
                published = 0
                backoff = min(backoff * 2, 5.0)
            if published:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=backoff)

    async def _hold_lease(self) -> bool:
        """Take or renew the lease. A lease renewed less than a tenth of its length ago is
        not written again (at load the relay runs after every commit)."""
        now = datetime.now(UTC)
        if self._held_until is not None and now < self._held_until - self._lease * 0.9:
            return True
        self._held_until = None
        try:
            doc = await self._leases.find_one_and_update(
                {"_id": "outbox-relay", "$or": [{"owner": self._owner}, {"until": {"$lt": now}}]},
                {"$set": {"owner": self._owner, "until": now + self._lease}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            return False
        held = doc is not None and doc.get("owner") == self._owner
        self._held_until = now + self._lease if held else None
        return held
