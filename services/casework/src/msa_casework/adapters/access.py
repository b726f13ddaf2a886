"""Casework's part of an access request: the person's cases as stored (assignments, modules,
plan with goals and reviews, approvals, referrals, mentor) and casework's view of the person
(needs data, mentees), read in the request record's transaction."""

from __future__ import annotations

from typing import Any

from msa_contracts.events import AccessRequested
from msa_kit.processing import Context

from msa_casework.adapters.mongo_reader import Db


class MongoAccess:
    """``msa_kit.access_requests.Collect`` over casework's database."""

    def __init__(self, db: Db) -> None:
        self._db = db

    async def __call__(self, ctx: Context, request: AccessRequested) -> dict[str, Any]:
        ref, session = request.person_ref, ctx.session
        cursor = self._db["cases"].find({"person_ref": ref}, session=session).sort("_id", 1)
        cases = [doc async for doc in cursor]
        person = await self._db["persons"].find_one({"_id": ref}, session=session)
        mentored_by = [c["mentor_ref"] for c in cases if c.get("mentor_ref")]
        return {"cases": cases, "person": person, "mentored_by": mentored_by}
