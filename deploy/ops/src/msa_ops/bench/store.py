"""The store ceiling (b): raw bulk writes of the documents billing writes per entry.

Per accepted entry billing commits an entry document, an inbox record and outbox records
for feedback and ledger (two documents until issue #8, one since). The ceiling writes four
documents per entry, of that shape and size, with ``insert_many`` in batches and no
transaction or processing: into plain collections (the ceiling the target is judged
against), and, ``indexed``, into collections with billing's and the outbox's indexes.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from msa_billing.adapters.indexes import ensure_indexes
from msa_kit.mongo import connect
from msa_kit.outbox import Outbox

from msa_ops.bench.cost import cpu_seconds
from msa_ops.bench.wire import Rate

BATCH = 1000


def _documents(n: int, now: datetime) -> dict[str, dict[str, Any]]:
    entry_id = f"tp-{n}"
    value = (
        f'{{"entry_id":"{entry_id}","provider_id":"caritas","case_id":"C-{n:016x}",'
        '"module":"willkommensleistung","approval_id":null,"service_date":"2026-03-12",'
        '"activity":"direct","domain":"language","worker_ref":"W1","minutes_logged":30,'
        '"minutes_billable":30,"rate_cents_per_hour":6800,"amount_cents":3400,'
        '"accepted_at":"2026-03-31T06:00:00Z"}'
    ).encode()
    entry = {
        "_id": f"caritas/{entry_id}",
        "provider_id": "caritas",
        "entry_id": entry_id,
        "case_id": f"C-{n:016x}",
        "service_date": "2026-03-12",
        "service_month": "2026-03",
        "minutes": 30,
        "activity": "direct",
        "domain": "language",
        "worker_ref": "W1",
        "status": "accepted",
        "minutes_billable": 30,
        "amount_cents": 3400,
        "rate_cents_per_hour": 6800,
        "invoice": None,
        "decided_at": now,
    }
    inbox = {"_id": f"msa.provider.caritas.hours/{uuid.uuid4()}", "at": now}
    headers = [["ce_id", str(uuid.uuid4())], ["ce_type", "de.dresden.msa.HoursAccepted.v1"]]
    out = {
        "key": f"C-{n:016x}".encode(),
        "value": value,
        "headers": headers,
        "created_at": now,
        "published": False,
    }
    return {"entries": entry, "inbox": inbox, "outbox": out}


async def store_ceiling(
    mongodb_uri: str,
    database: str,
    entries: int,
    *,
    indexed: bool = False,
    store_pid: int | None = None,
) -> tuple[Rate, float | None]:
    """Entries per second the store takes as raw bulk inserts (four documents each), into
    plain collections or, ``indexed``, into ones with billing's indexes; and the CPU seconds
    the store process (``store_pid``, if local) spent on those inserts. The caller drops
    ``database`` (the run's clean-up, ``cleanup.remove``) once nothing is measured any more."""
    client = connect(mongodb_uri, app_name="msa-bench-store")
    db = client[database]
    try:
        if indexed:
            await ensure_indexes(db)
            await Outbox(db, source="/msa/bench").ensure_indexes()
        busy, cpu = 0.0, 0.0
        now = datetime.now(UTC)
        for start in range(0, entries, BATCH):
            docs = [_documents(n, now) for n in range(start, min(entries, start + BATCH))]
            batches = {
                "entries": [d["entries"] for d in docs],
                "inbox": [d["inbox"] for d in docs],
                "outbox": [
                    {**d["outbox"], "_id": uuid.uuid4().hex, "topic": t}
                    for d in docs
                    for t in ("feedback", "ledger")
                ],
            }
            t0, c0 = time.perf_counter(), cpu_seconds(store_pid) if store_pid else None
            for name, items in batches.items():
                await db[name].insert_many(items, ordered=False)
            busy += time.perf_counter() - t0
            c1 = cpu_seconds(store_pid) if store_pid else None
            cpu += (c1 - c0) if c0 is not None and c1 is not None else 0.0
        return Rate(entries, busy), (cpu if store_pid else None)
    finally:
        await client.close()
