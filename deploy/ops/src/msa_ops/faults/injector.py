"""Runs a fault plan beside the scenario: as the simulated days pass, kill and restart
service processes, restart the broker and the database, start a second instance, inject
poison. One fault at a time; each waits until what it broke is back up."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from msa_ops.faults.plan import Fault, FaultPlan
from msa_ops.faults.poison import Poisoner
from msa_ops.infra import Infra
from msa_ops.stack import Stack

Report = Callable[[str], None]


@dataclass
class Injector:
    plan: FaultPlan
    stack: Stack
    infra: Infra
    poisoner: Poisoner
    start: date
    second_port: int
    report: Report = print
    ready_timeout_s: float = 180.0
    done: Counter[str] = field(default_factory=Counter)
    log: list[tuple[float, str, str]] = field(default_factory=list)  # (seconds, day, fault)
    _day: int = 0
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _began: float = field(default_factory=time.monotonic)

    def day_done(self, message: str) -> None:
        """The scenario's progress callback: one call per simulated day."""
        self._day += 1
        self._changed.set()
        self.report(f"{message}; faults so far: {dict(self.done) or 'none'}")

    async def run(self) -> None:
        for fault in self.plan.faults:
            while self._day < fault.day:
                self._changed.clear()
                await self._changed.wait()
            await asyncio.sleep(fault.delay_s)
            await self._inject(fault)

    async def _inject(self, fault: Fault) -> None:
        day = self.start + timedelta(days=self._day)
        began = time.monotonic()
        if fault.kind == "kill":
            process = self.stack[fault.target]
            await asyncio.to_thread(process.restart)  # SIGKILL, then start again
            await asyncio.to_thread(process.wait_ready, self.ready_timeout_s)
        elif fault.kind == "broker-restart":
            await asyncio.to_thread(self.infra.restart_kafka, True)
        elif fault.kind == "db-restart":
            await asyncio.to_thread(self.infra.restart_mongo, True)
        elif fault.kind == "second-instance":
            process = self.stack.add_instance(fault.target, self.second_port)
            await asyncio.to_thread(process.start)
            await asyncio.to_thread(process.wait_ready, self.ready_timeout_s)
        elif fault.kind == "poison":
            await self.poisoner.inject(fault.target, day)
        self.done[fault.kind] += 1
        self.log.append((round(began - self._began, 1), day.isoformat(), fault.describe()))
        self.report(f"  fault {sum(self.done.values())}/{len(self.plan.faults)} on {day}: "
                    f"{fault.describe()} ({time.monotonic() - began:.1f}s)")  # fmt: skip
