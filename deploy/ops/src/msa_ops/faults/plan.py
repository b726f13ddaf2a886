"""A fault plan drawn from a seed: which fault, on which simulated day, how long after the
day began. The same seed gives the same plan; when exactly a fault lands inside the
services' work still depends on timing, which is the point."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from msa_ops.faults.poison import KINDS

Kind = Literal["kill", "broker-restart", "db-restart", "second-instance", "poison"]


@dataclass(frozen=True)
class Fault:
    """``kill``: target is a process key (``casework``, ``intake#2``); ``poison``: a kind."""

    day: int
    delay_s: float
    kind: Kind
    target: str = ""

    def describe(self) -> str:
        return f"{self.kind} {self.target}".strip()


@dataclass(frozen=True)
class FaultPlan:
    faults: tuple[Fault, ...]
    second_instance: str | None

    @classmethod
    def from_seed(
        cls,
        seed: int,
        *,
        kills: int,
        days: int,
        services: tuple[str, ...],
        second_instance: str | None = "intake",
        broker_restart: bool = True,
        db_restart: bool = True,
        poison: tuple[str, ...] = tuple(KINDS),
        must_kill: tuple[str, ...] = (),
    ) -> FaultPlan:
        """Kills spread at random over days 1..days-2 (a random service each, the second
        instance included once it runs; the first kills go to ``must_kill``, one each); the
        second instance starts at 15 % of the period, the broker restarts at 40 %, the
        database at 70 %; poison on random days."""
        rng = random.Random(seed)
        last = max(days - 2, 1)
        faults: list[Fault] = []
        second_day = max(1, days * 15 // 100)
        if second_instance:
            faults.append(Fault(second_day, 0.5, "second-instance", second_instance))
        if broker_restart:
            faults.append(Fault(max(1, days * 40 // 100), rng.uniform(0, 2), "broker-restart"))
        if db_restart:
            faults.append(Fault(max(1, days * 70 // 100), rng.uniform(0, 2), "db-restart"))
        for kind in poison:
            faults.append(Fault(rng.randint(1, last), rng.uniform(0, 2), "poison", kind))
        for n in range(kills):
            day = rng.randint(1, last)
            targets = list(services)
            if second_instance and day > second_day:
                targets.append(f"{second_instance}#2")
            target = must_kill[n] if n < len(must_kill) else rng.choice(targets)
            faults.append(Fault(day, rng.uniform(0, 3), "kill", target))
        faults.sort(key=lambda f: (f.day, f.delay_s))
        return cls(tuple(faults), second_instance)

    def count(self, kind: Kind) -> int:
        return sum(1 for f in self.faults if f.kind == kind)
