"""Per-person data keys in their own database, wrapped by the master key.

Destroying a person's key document is the erasure: their sealed fields, in intake's
database and in any backup of it, can no longer be decrypted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from msa_intake.adapters.crypto import KeyWrapper

DATA_KEYS = "data_keys"


class MongoKeyStore:
    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        session: AsyncClientSession,
        wrapper: KeyWrapper,
        now: datetime,
    ) -> None:
        self._coll = db[DATA_KEYS]
        self._session = session
        self._wrapper = wrapper
        self._now = now

    async def create(self, ref: str) -> bytes:
        key = self._wrapper.new_data_key()
        doc = {
            "_id": ref, "wrapped": self._wrapper.wrap(ref, key),
            "kek": self._wrapper.key_id, "created_at": self._now,
        }  # fmt: skip
        await self._coll.insert_one(doc, session=self._session)
        return key

    async def get(self, ref: str) -> bytes | None:
        doc = await self._coll.find_one({"_id": ref}, session=self._session)
        return None if doc is None else self._wrapper.unwrap(ref, bytes(doc["wrapped"]))

    async def destroy(self, ref: str) -> bool:
        result = await self._coll.delete_one({"_id": ref}, session=self._session)
        return result.deleted_count == 1
