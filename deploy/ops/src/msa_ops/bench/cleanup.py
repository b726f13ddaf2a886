"""What bench runs leave on the broker and the store: their run-private topics
(``<run>….msa.…``) and databases (``<run>…_billing``, ``<run>y_replay``, the ceilings'),
removed after a run unless kept, or for every earlier run at once (``msa bench --clean``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient
from msa_kit.mongo import connect

#: a run's name: ``bench`` and its start time (``msa bench``) or eight hex digits (tests)
RUN = re.compile(r"^bench(?:\d{14}|[0-9a-f]{8})")


@dataclass(frozen=True)
class Leftovers:
    topics: list[str]
    databases: list[str]

    def __bool__(self) -> bool:
        return bool(self.topics or self.databases)


async def leftovers(bootstrap: str, mongodb_uri: str, run: str | None = None) -> Leftovers:
    """The topics and databases of the run ``run`` (None: of every bench run)."""

    def ours(name: str) -> bool:
        return name.startswith(run) if run is not None else RUN.match(name) is not None

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="msa-bench-cleanup")
    await admin.start()
    try:
        topics = sorted(t for t in await admin.list_topics() if ours(t))
    finally:
        await admin.close()
    client = connect(mongodb_uri, app_name="msa-bench-cleanup")
    try:
        databases = sorted(d for d in await client.list_database_names() if ours(d))
    finally:
        await client.close()
    return Leftovers(topics, databases)


async def remove(bootstrap: str, mongodb_uri: str, found: Leftovers,
                 say: Callable[[str], None] = lambda _m: None) -> None:  # fmt: skip
    """Delete the topics, then drop the databases one by one (SecantusDB deletes key by
    key: minutes for a 100,000-entry run)."""
    if found.topics:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="msa-bench-cleanup")
        await admin.start()
        try:
            await admin.delete_topics(found.topics)
        finally:
            await admin.close()
        say(f"deleted {len(found.topics)} topics")
    client = connect(mongodb_uri, app_name="msa-bench-cleanup")
    try:
        for n, name in enumerate(found.databases, start=1):
            say(f"dropping database {name} ({n}/{len(found.databases)})")
            await client.drop_database(name)
    finally:
        await client.close()
