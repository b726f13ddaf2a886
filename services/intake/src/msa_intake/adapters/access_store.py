"""Access requests in intake's database: ``access_requests`` (the request and its private
key, sealed under the person's data key) and ``access_chunks`` (the services' chunks as they
arrived, still sealed to the request's key; the first delivery of a chunk counts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from msa_contracts.events import AccessPartDelivered, SealedChunk
from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from msa_intake.domain.access import AccessRequest
from msa_intake.ports import StoredChunk

REQUESTS, CHUNKS = "access_requests", "access_chunks"
Db = AsyncDatabase[dict[str, Any]]


async def ensure_access_indexes(db: Db) -> None:
    await db[REQUESTS].create_index([("person_ref", ASCENDING)])
    await db[CHUNKS].create_index([("request_id", ASCENDING)])


class MongoAccessRequests:
    def __init__(self, db: Db, session: AsyncClientSession | None) -> None:
        self._requests, self._chunks, self._session = db[REQUESTS], db[CHUNKS], session

    async def add(self, request: AccessRequest, wrapped_key: bytes) -> None:
        doc = {"_id": request.request_id, **request.model_dump(), "wrapped_key": wrapped_key}
        await self._requests.insert_one(doc, session=self._session)

    async def get(self, request_id: str) -> tuple[AccessRequest, bytes] | None:
        doc = await self._requests.find_one({"_id": request_id}, session=self._session)
        if doc is None:
            return None
        wrapped = bytes(doc.pop("wrapped_key"))
        del doc["_id"]
        return AccessRequest.model_validate(doc), wrapped

    async def add_chunk(self, delivered: AccessPartDelivered, at: datetime) -> None:
        d = delivered
        doc = {
            "request_id": d.request_id, "service": d.service, "chunk": d.chunk,
            "chunks": d.chunks, "received_at": at, "sealed": d.sealed.model_dump(),
        }  # fmt: skip
        await self._chunks.update_one(
            {"_id": f"{d.request_id}/{d.service}/{d.chunk}"}, {"$setOnInsert": doc},
            upsert=True, session=self._session,
        )  # fmt: skip

    async def chunks(self, request_id: str) -> list[StoredChunk]:
        cursor = self._chunks.find({"request_id": request_id}, session=self._session)
        return [
            StoredChunk(d["service"], d["chunk"], d["chunks"], d["received_at"],
                        SealedChunk.model_validate(d["sealed"]))
            async for d in cursor
        ]  # fmt: skip
