"""The read side over casework's ``cases`` collection, for the HTTP API."""

from __future__ import annotations

from typing import Any

from msa_contracts.values import Region
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from msa_casework.adapters.documents import Document, case_from
from msa_casework.domain.case import Case, CaseStatus
from msa_casework.ports import CaseFilter

WAITING_ORDER = [("waiting_since", ASCENDING), ("waiting_seq", ASCENDING), ("_id", ASCENDING)]
Db = AsyncDatabase[Document]


class MongoCaseReader:
    def __init__(self, db: Db) -> None:
        self._coll = db["cases"]

    async def case(self, case_id: str) -> Case | None:
        doc = await self._coll.find_one({"_id": case_id})
        return case_from(doc) if doc else None

    async def cases(self, where: CaseFilter, *, limit: int, offset: int) -> list[Case]:
        cursor = self._coll.find(_query(where)).sort([("opened_on", 1), ("_id", 1)])
        return [case_from(d) async for d in cursor.skip(offset).limit(limit)]

    async def count(self, where: CaseFilter) -> int:
        return await self._coll.count_documents(_query(where))

    async def waiting(self, region: Region | None) -> list[Case]:
        query: dict[str, Any] = {"status": CaseStatus.WAITLISTED.value}
        if region is not None:
            query["region"] = region.value
        return [case_from(d) async for d in self._coll.find(query).sort(WAITING_ORDER)]


def _query(where: CaseFilter) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if where.provider_id is not None:
        query["provider_id"] = where.provider_id
    if where.region is not None:
        query["region"] = where.region.value
    if where.status is not None:
        query["status"] = where.status.value
    return query
