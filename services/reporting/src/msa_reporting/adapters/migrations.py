"""Start-up migration of reporting's archive of input events.

Events archived as a version that an upcaster has since superseded are read as the current
version (``documents.stored_of``), but their bodies stay as received: the version-1 bodies
of ``ArrivalRegistered`` and ``CaseAssigned`` held vulnerabilities (special categories) in
clear. ``upcast_archive`` rewrites them as the current version, once (a marker in ``meta``
says it is done, so a large archive is not read again on every start).
"""

from __future__ import annotations

from typing import Any

from msa_contracts.events import UPCASTERS
from msa_contracts.events.base import TYPE_PREFIX
from pymongo.asynchronous.database import AsyncDatabase

from msa_reporting.adapters import documents as docs
from msa_reporting.adapters.mongo import BODIES, CHUNK, EVENTS, META, PACKED

MARKER = "archive-upcast-special-categories"
SUPERSEDED = sorted(f"{TYPE_PREFIX}.{name}.v{version}" for name, version in UPCASTERS)


async def upcast_archive(db: AsyncDatabase[dict[str, Any]]) -> int:
    """Rewrite every archived event of a superseded version; return how many documents
    changed (0 once the marker is set)."""
    if await db[META].find_one({"_id": MARKER}) is not None:
        return 0
    events, changed = db[EVENTS], 0
    async for doc in events.find({"type": {"$in": SUPERSEDED}}):
        if (stored := docs.stored_of(doc)) is not None:
            await events.replace_one({"_id": doc["_id"]}, docs.event_doc(stored))
            changed += 1
    batches = {"$or": [{PACKED: {"$exists": True}}, {CHUNK: {"$exists": True}}]}
    async for doc in events.find(batches):
        items = docs.unpacked(doc[PACKED], doc.get(BODIES)) if PACKED in doc else doc[CHUNK]
        if any(item["type"] in SUPERSEDED for item in items):
            rows, bodies = docs.packed([s for i in items if (s := docs.stored_of(i))])
            await events.replace_one({"_id": doc["_id"]}, {PACKED: rows, BODIES: bodies})
            changed += 1
    await db[META].update_one({"_id": MARKER}, {"$set": {"changed": changed}}, upsert=True)
    return changed
