"""The four services and the scheduler as real processes on the real broker and store, in a
topic namespace of their own (no other test's ticks on their clock topic), with the
scheduler's "now" in a file the tests move (``SCHEDULER_NOW_FILE``)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from msa_contracts.namespace import Namespace
from msa_contracts.reference import SEED_DIR
from msa_kit.city_day import city_midnight
from msa_ops.infra.topics import ensure_topics, topic_specs
from msa_ops.keys import LocalKeys, ensure_local_keys
from msa_ops.stack import Stack
from msa_scheduler.adapters.clocks import FileClock

from tests.e2e.stacks import started_stack

START = date(2026, 3, 27)  # a Friday: DST starts on Sunday the 29th, March ends on Tuesday
HOLD_DAYS = 3
SERVICES = ["intake", "casework", "billing", "reporting", "scheduler"]


@dataclass
class Clocked:
    stack: Stack
    namespace: Namespace
    now_file: Path
    keys: LocalKeys
    bootstrap: str
    run: str

    def move(self, to: datetime) -> None:
        FileClock.move(self.now_file, to)

    def topic(self, logical: str) -> str:
        return self.namespace.topic(logical)


@pytest.fixture(scope="module")
async def clocked(infra: Any, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Clocked]:
    folder = tmp_path_factory.mktemp("clocked")
    keys = ensure_local_keys(folder / "keys")
    run = f"clock{uuid.uuid4().hex[:6]}"
    namespace = Namespace(run)
    await ensure_topics(infra.kafka_bootstrap, topic_specs(run))
    now_file = folder / "now"
    FileClock.move(now_file, city_midnight(START).replace(hour=10))
    scheduler = {
        "SCHEDULER_NOW_FILE": str(now_file), "SCHEDULER_POLL_S": "0.2",
        "SCHEDULER_TRANSACTIONAL_ID": f"{run}-scheduler", "SCHEDULER_START_DAY": START.isoformat(),
    }  # fmt: skip
    async with started_stack(
        SERVICES, infra=infra, keys=keys, reference_dir=SEED_DIR, run=run,
        log_dir=folder / "logs", base_port=18600,
        env={"MSA_ENV": run, "RETRY_BACKOFF_S": "0.05"},
        extra={"scheduler": scheduler, "billing": {"BILLING_HOLD_DAYS": str(HOLD_DAYS)}},
    ) as stack:  # fmt: skip
        yield Clocked(stack, namespace, now_file, keys, infra.kafka_bootstrap, run)
