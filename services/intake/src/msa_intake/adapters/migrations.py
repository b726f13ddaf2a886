"""Start-up migrations of intake's stored documents.

Persons registered before vulnerabilities were sealed kept them in clear beside the sealed
identity, where an erasure did not reach them. ``seal_clear_vulnerabilities`` seals them
under the person's key (like every personal field) and removes the clear copy; an erased
person's clear copy is only removed. It is idempotent and runs before the consumers start.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from msa_intake.adapters.crypto import KeyWrapper, Vault
from msa_intake.adapters.keystore import DATA_KEYS
from msa_intake.adapters.stores import PERSONS

Db = AsyncDatabase[dict[str, Any]]
LEGACY = "vulnerabilities"


async def seal_clear_vulnerabilities(db: Db, keys_db: Db, wrapper: KeyWrapper, vault: Vault) -> int:
    """Seal every clear ``vulnerabilities`` field; return how many documents changed."""
    changed = 0
    async for doc in db[PERSONS].find({LEGACY: {"$exists": True}}, {LEGACY: 1}):
        ref, listed = str(doc["_id"]), list(doc.get(LEGACY) or [])
        update: dict[str, Any] = {"$unset": {LEGACY: ""}}
        key_doc = await keys_db[DATA_KEYS].find_one({"_id": ref})
        if key_doc is not None:  # no key: the person was erased, the clear copy just goes
            key = wrapper.unwrap(ref, bytes(key_doc["wrapped"]))
            sealed = vault.seal_fields(key, ref, {LEGACY: listed})
            update["$set"] = {f"sealed.{LEGACY}": sealed[LEGACY]}
        result = await db[PERSONS].update_one({"_id": ref, LEGACY: {"$exists": True}}, update)
        changed += result.modified_count
    return changed
