"""An in-memory tick log for unit tests: the same contract as Kafka's, fencing included."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from msa_contracts.events import DayStarted

from msa_scheduler.ports import Fenced


@dataclass
class MemoryTopic:
    """The committed ticks, shared by the logs of several instances; the newest started
    instance holds the fence, as the broker's transaction coordinator gives it."""

    ticks: list[DayStarted] = field(default_factory=list)
    epoch: int = 0
    reachable: bool = True
    fail_next: int = 0  # that many publishes fail as if the broker went away mid-commit


class MemoryTickLog:
    def __init__(self, topic: MemoryTopic | None = None) -> None:
        self.topic = topic or MemoryTopic()
        self._epoch: int | None = None

    async def start(self) -> None:
        self.topic.epoch += 1
        self._epoch = self.topic.epoch

    async def stop(self) -> None:
        self._epoch = None

    async def last_day(self) -> date | None:
        self._ensure_reachable()
        return max((t.day for t in self.topic.ticks), default=None)

    async def publish(self, tick: DayStarted) -> None:
        if self._epoch is None:
            raise RuntimeError("the tick log is not started")
        if self._epoch != self.topic.epoch:
            raise Fenced("another instance took over")
        self._ensure_reachable()
        if self.topic.fail_next:
            self.topic.fail_next -= 1
            raise ConnectionError("broker went away during the commit")
        self.topic.ticks.append(tick)

    async def reachable(self) -> bool:
        return self.topic.reachable

    def _ensure_reachable(self) -> None:
        if not self.topic.reachable:
            raise ConnectionError("broker unreachable")

    @property
    def days(self) -> list[date]:
        return [t.day for t in self.topic.ticks]
