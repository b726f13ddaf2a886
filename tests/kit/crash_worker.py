"""A process that is killed (SIGKILL) at a chosen point of the outbox path, for tests.

    python -m tests.kit.crash_worker MODE BOOTSTRAP MONGODB_URI DATABASE TOPIC N

MODE ``commit-then-die``: commits state and N outbox records in one transaction, then dies
before any relay runs. MODE ``publish-then-die``: publishes the pending records and dies
before marking them published. MODE ``relay``: a normal restart, relays what is pending.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime
from typing import Any

from msa_kit.kafka import make_producer
from msa_kit.mongo import connect, in_transaction
from msa_kit.outbox import Outbox, Outgoing
from msa_kit.relay import OutboxRelay

from tests.kit.support import departed


async def main(mode: str, bootstrap: str, uri: str, database: str, topic: str, n: int) -> None:
    client = connect(uri, app_name="crash-worker")
    db = client[database]
    outbox = Outbox(db, source="/msa/crash-worker")
    producer = make_producer(bootstrap, service="crash-worker", linger_ms=0)
    if mode == "commit-then-die":

        async def work(session: Any) -> None:
            await db["state"].insert_one({"_id": "written"}, session=session)
            await outbox.add(session, [Outgoing(topic, departed(i)) for i in range(n)],
                             datetime.now(UTC))  # fmt: skip

        await in_transaction(client, work)
        os.kill(os.getpid(), signal.SIGKILL)
    await producer.start()
    if mode == "publish-then-die":
        docs = await db["outbox"].find({"published": False}).sort("order", 1).to_list()
        sends = [await producer.send(d["topic"][0], d["value"], key=d["key"],
                                     headers=[(k, bytes(v)) for k, v in d["headers"]])
                 for d in docs]  # fmt: skip
        await asyncio.gather(*sends)
        await producer.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    published = await OutboxRelay(db, producer).publish_pending()
    print(f"relayed {published}")
    await producer.stop()
    await client.close()


if __name__ == "__main__":
    mode, bootstrap, uri, database, topic, n = sys.argv[1:7]
    asyncio.run(main(mode, bootstrap, uri, database, topic, int(n)))
