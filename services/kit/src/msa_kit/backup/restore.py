"""Restoring databases from a backup in mongodump's layout (either tool's): each
collection is dropped, created with its options, filled and given its indexes again."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bson import decode_file_iter, json_util
from pymongo import AsyncMongoClient

from msa_kit.backup import layout

Client = AsyncMongoClient[dict[str, Any]]
BATCH = 1000


class BackupIncomplete(RuntimeError):
    """The backup lacks a database that was asked for."""


@dataclass
class RestoreResult:
    documents: dict[str, int] = field(default_factory=dict)


async def restore(client: Client, backup: Path, databases: list[str]) -> RestoreResult:
    """Replace ``databases`` by their state in ``backup`` (collections not in it are dropped
    too: the database is as it was). Stop the service's consumers and API first."""
    missing = [d for d in databases if not (backup / d).is_dir()]
    if missing:
        raise BackupIncomplete(f"{backup} holds no {', '.join(missing)}")
    result = RestoreResult()
    for name in databases:
        db = client[name]
        for existing in await db.list_collection_names():
            if not existing.startswith("system."):
                await db.drop_collection(existing)
        for collection, data in layout.collections_in(backup, name):
            result.documents[f"{name}.{collection}"] = await _collection(
                db, backup, collection, data
            )
    return result


async def _collection(db: Any, backup: Path, name: str, data: Path) -> int:
    compressed = data.suffix == ".gz"
    meta_path = layout.metadata_file(backup, db.name, name, compressed)
    meta: dict[str, Any] = {}
    if meta_path.is_file():
        with layout.open_read(meta_path) as f:
            meta = json_util.loads(f.read().decode())
    await db.create_collection(name, **_options(meta.get("options", {})))
    coll = db[name]
    count, batch = 0, []
    with layout.open_read(data) as f:
        for doc in decode_file_iter(f):
            batch.append(doc)
            if len(batch) >= BATCH:
                await coll.insert_many(batch, ordered=False)
                count, batch = count + len(batch), []
    if batch:
        await coll.insert_many(batch, ordered=False)
        count += len(batch)
    for index in meta.get("indexes", []):
        if index.get("name") != "_id_":
            await coll.create_index(list(index["key"].items()), **_index_options(index))
    return count


def _options(options: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in options.items() if k not in {"uuid"}}


def _index_options(index: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in index.items() if k not in {"key", "v", "ns"}}


def manifest(backup: Path) -> dict[str, Any]:
    path = backup / layout.MANIFEST
    return json.loads(path.read_text()) if path.is_file() else {}
