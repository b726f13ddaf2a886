"""Waiting until the system is at rest after a run: outboxes empty, no new answers,
reporting's figures stable, every injected poison dead-lettered (or a time limit)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from typing import Any

from pymongo import AsyncMongoClient

from msa_ops.faults.letters import Letter, Offsets, read_letters
from msa_ops.sim.bus import Bus


async def _count(uri: str, databases: Mapping[str, str], collection: str,
                 query: dict[str, Any]) -> dict[str, int]:  # fmt: skip
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri)
    try:
        return {name: await client[db][collection].count_documents(query)
                for name, db in databases.items()}  # fmt: skip
    finally:
        await client.close()


async def drained_outboxes(uri: str, databases: Sequence[str], limit_s: float = 180.0
                           ) -> dict[str, int]:  # fmt: skip
    """Unpublished outbox records per database, once all are zero or at the time limit."""
    deadline = time.monotonic() + limit_s
    named = {db: db for db in databases}
    while True:
        pending = await _count(uri, named, "outbox", {"published": False})
        if not any(pending.values()) or time.monotonic() > deadline:
            return pending
        await asyncio.sleep(1.0)


async def inbox_counts(uri: str, databases: Mapping[str, str]) -> dict[str, int]:
    """Records each service processed (its inbox: one entry per record handled)."""
    return await _count(uri, databases, "inbox", {})


async def quiet(bus: Bus, pause_s: float = 5.0, limit_s: float = 120.0) -> None:
    """Until the followed topics brought nothing new for ``pause_s``."""
    deadline = time.monotonic() + limit_s
    seen = -1
    while len(bus.seen) != seen and time.monotonic() < deadline:
        seen = len(bus.seen)
        await asyncio.sleep(pause_s)


async def settled_tables(uri: str, database: str, pause_s: float = 2.0,
                         limit_s: float = 180.0) -> dict[str, Any]:  # fmt: skip
    """Reporting's true tables once two readings ``pause_s`` apart are equal."""
    from msa_reporting.readout import true_figures

    deadline = time.monotonic() + limit_s
    previous = await true_figures(uri, database)
    while time.monotonic() < deadline:
        await asyncio.sleep(pause_s)
        current = await true_figures(uri, database)
        if current and current == previous:
            return dict(current)
        previous = current
    return dict(previous)


async def letters_for(bootstrap: str, since: Offsets, expected: set[str],
                      limit_s: float = 60.0) -> list[Letter]:  # fmt: skip
    """The dead letters since ``since``, once every ``expected`` ce_id has one (or at the
    time limit), plus a pause for late duplicates."""
    deadline = time.monotonic() + limit_s
    while True:
        letters = await read_letters(bootstrap, since)
        if expected <= {x.ce_id for x in letters} or time.monotonic() > deadline:
            await asyncio.sleep(3.0)
            return await read_letters(bootstrap, since)
        await asyncio.sleep(2.0)
