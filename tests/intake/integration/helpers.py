"""Helpers for intake's integration tests: a running intake on its own topics and
databases, and a tail that collects what it publishes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from msa_intake.bootstrap import Intake
from msa_intake.keys import LocalKeyPaths

from tests.kit.support import Tail, header


async def wait_for(check: Callable[[], Awaitable[bool]], timeout_s: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.1)


@dataclass
class Running:
    intake: Intake
    http: httpx.AsyncClient
    tail: Tail
    keys: LocalKeyPaths
    bootstrap: str

    @property
    def notices(self) -> str:
        return self.intake.settings.intake_notices_topic

    @property
    def persons(self) -> str:
        return self.intake.settings.intake_persons_topic

    @property
    def cases(self) -> str:
        return self.intake.settings.intake_cases_topic

    @property
    def dead_letters(self) -> str:
        return f"msa.{self.intake.settings.service_name}.dead-letter"

    async def processed(self, event_id: str, topic: str | None = None) -> bool:
        """The record with this CloudEvents id (on ``topic``, by default the notices) went
        through the inbox and its events out."""
        inbox = self.intake.runtime.db["inbox"]
        if await inbox.find_one({"_id": f"{topic or self.notices}/{event_id}"}) is None:
            return False
        return await self.intake.runtime.outbox.pending_count() == 0

    async def settle(self, event_id: str) -> None:
        """Wait until the record is processed and what it emitted has reached the tail."""
        await wait_for(lambda: self.processed(event_id))
        await asyncio.sleep(0.5)


def dlq_code(record: Any) -> str | None:
    return header(record, "dlq_code")
