"""What the stores and topics hold about a person, as comparable values: every document of
every collection of a run's databases and every record on every topic that names the
person's reference or one of their case ids, flattened to its leaf values.

Left out, each for its reason: the ciphertext and key material in intake (``sealed``,
``wrapped``, the blind index: unreadable by design; the access result carries their clear
values), the access request's own records (they *are* the request), record headers and the
kit's bookkeeping (inbox, outbox order, key counters). An outbox document counts by the event
it holds."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from bson import json_util
from msa_contracts.namespace import Namespace
from msa_contracts.topics import ACCESS_PARTS, ACCESS_REQUESTS
from msa_ops.reading import read_to_end
from pymongo import AsyncMongoClient

UNREADABLE = {"sealed", "wrapped", "kek"}
SKIPPED_COLLECTIONS = {"access_requests", "access_chunks", "inbox", "outbox_keys",
                       "identity_index"}  # fmt: skip
SKIPPED_TOPICS = {ACCESS_REQUESTS, ACCESS_PARTS}
#: the kit's bookkeeping fields of an outbox document (the event it holds is compared)
OUTBOX_FIELDS = {"_id", "event_id", "order", "topic", "key", "headers", "type", "created_at",
                 "published", "published_at", "value"}  # fmt: skip


def comparable(value: Any) -> str | None:
    """A leaf as it can be compared across stores: instants to the second in UTC, dates and
    text as they are; ``None`` and booleans are not compared (they identify nothing)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        at = value if value.tzinfo else value.replace(tzinfo=UTC)
        return at.astimezone(UTC).replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in "T ":
        try:
            return comparable(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    return str(value)


def leaves(value: Any, skip: Iterable[str] = ()) -> Iterator[tuple[str, str]]:
    """(field name, comparable value) of every leaf."""
    skipped = set(skip)

    def walk(v: Any, name: str) -> Iterator[tuple[str, str]]:
        if isinstance(v, dict):
            for k, item in v.items():
                if k not in skipped:
                    yield from walk(item, k)
        elif isinstance(v, list | tuple):
            for item in v:
                yield from walk(item, name)
        elif isinstance(v, str) and v.startswith("{"):
            try:
                yield from walk(json.loads(v), name)  # an event body kept as its JSON text
            except ValueError:
                yield name, v
        elif (text := comparable(v)) is not None:
            yield name, text

    yield from walk(value, "")


def _mentions(blob: bytes, ids: list[bytes]) -> bool:
    return any(i in blob for i in ids)


async def stored_about(uri: str, run: str, ids: list[str]) -> dict[str, set[tuple[str, str]]]:
    """Per ``<database>.<collection>``: the leaves of its documents naming one of ``ids``."""
    wanted = [i.encode() for i in ids]
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True)
    found: dict[str, set[tuple[str, str]]] = {}
    try:
        for name in await client.list_database_names():
            if not name.startswith(f"{run}_"):
                continue
            for coll in await client[name].list_collection_names():
                if coll in SKIPPED_COLLECTIONS:
                    continue
                async for doc in client[name][coll].find({}):
                    if coll == "outbox":
                        if doc["topic"][0] in SKIPPED_TOPICS:
                            continue
                        doc = json.loads(bytes(doc["value"]))
                    if _mentions(json_util.dumps(doc).encode(), wanted):
                        if coll == "audit":  # an entry's random id identifies nothing
                            doc.pop("_id")
                        found.setdefault(f"{name}.{coll}", set()).update(leaves(doc, UNREADABLE))
    finally:
        await client.close()
    return found


async def published_about(bootstrap: str, ids: list[str]) -> dict[str, set[tuple[str, str]]]:
    """Per topic: the leaves of the record values naming one of ``ids``."""
    wanted = [i.encode() for i in ids]
    found: dict[str, set[tuple[str, str]]] = {}
    ns = Namespace.from_env()
    for r in await read_to_end(bootstrap, prefix="msa."):
        topic = ns.logical(r.topic)
        if topic in SKIPPED_TOPICS or not _mentions((r.key or b"") + (r.value or b""), wanted):
            continue
        try:
            body = json.loads(r.value or b"")
        except ValueError:
            body = {"raw": (r.value or b"").decode(errors="replace")}
        found.setdefault(topic, set()).update(leaves(body))
    return found


def result_values(result: Any) -> set[str]:
    return {v for _, v in leaves(result)}


def absent(held: dict[str, set[tuple[str, str]]], shown: set[str]) -> dict[str, list[str]]:
    """Per source: the fields whose values the result does not contain."""
    missing: dict[str, list[str]] = {}
    for source, pairs in held.items():
        gone = sorted(f"{name}={value}" for name, value in pairs if value not in shown)
        if gone:
            missing[source] = gone
    return missing
