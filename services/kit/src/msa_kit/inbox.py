"""Idempotent inbox: the ids of processed records, written in the same transaction as the
state change, so a redelivered record is recognised and has no second effect."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from msa_kit.mongo import id_chunks

INBOX = "inbox"
DUPLICATE_KEY = 11000


class AlreadyProcessed(Exception):
    """This record was processed before (or concurrently by another consumer)."""


class Inbox:
    """Processed-record ids, keyed by topic and CloudEvents id.

    Keying by topic keeps one provider from blocking another's events by reusing their ids.
    """

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._coll = db[INBOX]

    @staticmethod
    def key(topic: str, event_id: str) -> str:
        return f"{topic}/{event_id}"

    async def seen(self, topic: str, event_id: str, session: AsyncClientSession | None) -> bool:
        doc = await self._coll.find_one({"_id": self.key(topic, event_id)}, session=session)
        return doc is not None

    async def seen_among(self, session: AsyncClientSession, keys: list[str]) -> set[str]:
        """Which of ``keys`` (see ``key``) were processed: ``$in`` lookups of a chunk each."""
        seen: set[str] = set()
        for chunk in id_chunks(keys):
            cursor = self._coll.find({"_id": {"$in": chunk}}, {"_id": 1}, session=session)
            seen.update([doc["_id"] async for doc in cursor])
        return seen

    async def record_many(
        self, session: AsyncClientSession, entries: list[tuple[str, str]], now: datetime
    ) -> None:
        """Record ``(key, ce_type)`` pairs inside the caller's transaction, one bulk insert;
        raises AlreadyProcessed if any is present (a concurrent consumer got there first)."""
        if not entries:
            return
        docs = [{"_id": key, "type": ce_type, "at": now} for key, ce_type in entries]
        try:
            await self._coll.insert_many(docs, ordered=True, session=session)
        except DuplicateKeyError as exc:
            raise AlreadyProcessed(entries[0][0]) from exc
        except BulkWriteError as exc:
            codes = {e.get("code") for e in exc.details.get("writeErrors", [])}
            if codes != {DUPLICATE_KEY}:
                raise
            raise AlreadyProcessed(entries[0][0]) from exc

    @staticmethod
    def position_key(topic: str, partition: int, offset: int, timestamp: int) -> str:
        """For records without a usable ce_id: '#' cannot follow the topic in an event key,
        and the timestamp tells a recreated topic's offsets apart."""
        return f"{topic}#{partition}/{offset}/{timestamp}"

    async def record(
        self, session: AsyncClientSession, topic: str, event_id: str | None, ce_type: str,
        now: datetime, *, position: str | None = None,
    ) -> None:  # fmt: skip
        """Record the id (or, for undecodable records, the position) inside the caller's
        transaction; raises AlreadyProcessed if present."""
        key = position if event_id is None and position else self.key(topic, event_id or "")
        try:
            await self._coll.insert_one({"_id": key, "type": ce_type, "at": now}, session=session)
        except DuplicateKeyError as exc:
            raise AlreadyProcessed(event_id) from exc
