"""Dumping databases at one point in time: every collection is read in one snapshot
session (read concern ``snapshot`` on a replica set), which is what ``mongodump --oplog``
gives for a whole instance and it cannot give per database."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bson import BSON, json_util
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

from msa_kit.backup import layout

Client = AsyncMongoClient[dict[str, Any]]


@dataclass
class DumpResult:
    path: Path
    documents: dict[str, int] = field(default_factory=dict)  # "<db>.<collection>" -> count

    @property
    def total(self) -> int:
        return sum(self.documents.values())


async def dump(client: Client, databases: list[str], out: Path, *, compress: bool = True,
               snapshot: bool = True) -> DumpResult:  # fmt: skip
    """Write ``databases`` into ``out`` (emptied first) in mongodump's layout."""
    layout.fresh(out)
    result = DumpResult(out)
    async with client.start_session(snapshot=snapshot) as session:
        for name in databases:
            db = client[name]
            cursor = await db.list_collections()  # names and options: no snapshot needed
            async for info in cursor:
                if info.get("type", "collection") != "collection" or info["name"].startswith(
                    "system."
                ):
                    continue
                count = await _collection(db, info, out, compress, session)
                result.documents[f"{name}.{info['name']}"] = count
    return result


async def _collection(
    db: Any, info: Mapping[str, Any], out: Path, compress: bool, session: AsyncClientSession
) -> int:
    name = info["name"]
    coll = db[name]
    count = 0
    with layout.open_write(layout.data_file(out, db.name, name, compress)) as data:
        async for doc in coll.find({}, session=session, batch_size=1000):
            data.write(BSON.encode(doc))
            count += 1
    indexes = [dict(i) async for i in await coll.list_indexes()]
    uuid = info.get("info", {}).get("uuid")
    metadata = {
        "indexes": indexes, "uuid": uuid.hex() if isinstance(uuid, bytes) else "",
        "collectionName": name, "type": "collection", "options": info.get("options", {}),
    }  # fmt: skip
    text = json_util.dumps(metadata, json_options=json_util.CANONICAL_JSON_OPTIONS)
    with layout.open_write(layout.metadata_file(out, db.name, name, compress)) as meta:
        meta.write(text.encode())
    return count


def write_manifest(backup: Path, at: datetime, databases: list[str], result: DumpResult,
                   tool: str) -> None:  # fmt: skip
    manifest = {"taken_at": at.isoformat(), "databases": databases, "tool": tool,
                "documents": result.documents}  # fmt: skip
    (backup / layout.MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
