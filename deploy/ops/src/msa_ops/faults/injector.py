"""Runs a fault plan beside the scenario: as the simulated days pass, kill and restart
service processes, restart the broker and the database, start a second instance, inject
poison. One fault at a time; each waits until what it broke is back up."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from msa_ops.faults.plan import Fault, FaultPlan
from msa_ops.faults.poison import Poisoner
from msa_ops.infra import Infra
from msa_ops.infra.components import Component
from msa_ops.infra.settings import InfraSettings
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
    failed: list[str] = field(default_factory=list)
    _day: int = 0
    _started: int = 0
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _began: float = field(default_factory=time.monotonic)

    def day_done(self, message: str) -> None:
        """The scenario's progress callback: one call per simulated day."""
        self._day += 1
        self._changed.set()
        self.report(f"{message}; faults so far: {dict(self.done) or 'none'}")

    async def pace(self, day: int) -> None:
        """The scenario's pace: day ``day`` begins once every fault planned for an earlier
        day has been injected, so the faults land among the days they were planned for."""
        while any(f.day < day for f in self.plan.faults[self._started :]):
            self._changed.clear()
            await self._changed.wait()

    async def run(self) -> None:
        for fault in self.plan.faults:
            while self._day < fault.day:
                self._changed.clear()
                await self._changed.wait()
            await asyncio.sleep(fault.delay_s)
            self._started += 1
            self._changed.set()
            try:
                await self._inject(fault)
            except Exception as exc:  # a fault that could not be injected is a finding
                self.failed.append(f"{fault.describe()}: {exc!r}"[:500])
                self.report(f"  fault {fault.describe()} failed: {exc!r}"[:500])

    async def _inject(self, fault: Fault) -> None:
        day = self.start + timedelta(days=self._day)
        began = time.monotonic()
        if fault.kind == "kill":
            process = self.stack[fault.target]
            await asyncio.to_thread(process.restart)  # SIGKILL, then start again
            await asyncio.to_thread(process.wait_ready, self.ready_timeout_s)
        elif fault.kind == "broker-restart":
            await self._restart(self.infra.kafka)
        elif fault.kind == "db-restart":
            await self._restart(self.infra.mongo)
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

    async def _restart(self, component: Component) -> None:
        """SIGKILL, then start on the same data. A crashed broker recovers its logs first,
        which on a busy machine can outlast the usual start timeout: wait longer, and start
        again if the first start gave up."""
        settings = getattr(component, "settings", None)
        if isinstance(settings, InfraSettings):  # local processes only
            patient = replace(settings, start_timeout=max(settings.start_timeout, 600.0))
            component.settings = patient  # type: ignore[attr-defined]
        try:
            await asyncio.to_thread(component.restart, True)
        except Exception as exc:
            self.report(f"  {component.name} did not come back ({exc!r}); starting it again")
            await asyncio.to_thread(component.ensure_started)
        finally:
            if isinstance(settings, InfraSettings):
                component.settings = settings  # type: ignore[attr-defined]
