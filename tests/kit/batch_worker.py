"""A consumer in batch mode that is killed (SIGKILL) at a chosen point, for tests.

    python -m tests.kit.batch_worker MODE BOOTSTRAP MONGODB_URI SERVICE TOPIC OUT DIE_ON

MODE ``mid-batch``: dies inside the handler of person ``DIE_ON``, before its batch commits.
MODE ``after-commit``: dies right after the first batch transaction commits, before the
batch's offsets are committed and before the relay publishes anything.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any

from msa_contracts.events import PersonDeparted

from tests.kit.demo import build_demo


def die(*_args: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


async def main(mode: str, bootstrap: str, uri: str, service: str, topic: str, out: str,
               die_on: str) -> None:  # fmt: skip
    def maybe_die(event: PersonDeparted) -> None:
        if mode == "mid-batch" and event.person_ref == die_on:
            die()

    runtime = build_demo(bootstrap, uri, service, topic, out, before_effect=maybe_die,
                         processing_batch_max=50)  # fmt: skip
    if mode == "after-commit":
        runtime.batches._on_commit = die  # the hook that runs between commit and ack
    await runtime.start()
    await asyncio.sleep(50)  # killed long before; a survivor fails the test by its exit code
    await runtime.stop()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:8]))
