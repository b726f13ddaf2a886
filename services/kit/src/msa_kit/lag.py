"""Consumer lag of the service's own consumers (``msa_consumer_lag_records``).

Every ``interval_s`` the monitor asks each consumer of the service for the partitions it is
assigned, their end offsets (the last stable offset: the consumers read committed records
only) and the group's committed offsets, and exports the difference per group, topic
(logical name) and partition. A partition the group never committed counts from its log
start. Each instance reports the partitions assigned to it, so the group's lag is the sum
over instances; a partition that moved to another instance stops being reported here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from aiokafka import TopicPartition
from msa_contracts.namespace import NO_NAMESPACE, Namespace

from msa_kit.logging import get_logger
from msa_kit.metrics import CONSUMER_LAG

log = get_logger("msa_kit.lag")


class Offsets(Protocol):
    """What the monitor asks of a consumer (``AIOKafkaConsumer`` answers it)."""

    def assignment(self) -> set[TopicPartition]: ...
    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]: ...
    async def beginning_offsets(
        self, partitions: list[TopicPartition]
    ) -> dict[TopicPartition, int]: ...
    async def committed(self, partition: TopicPartition) -> int | None: ...


Consumers = Callable[[], Iterable[tuple[str, Offsets]]]


@dataclass(frozen=True)
class Lag:
    group: str
    topic: str
    partition: int
    records: int


async def measure(group: str, consumer: Offsets, namespace: Namespace = NO_NAMESPACE) -> list[Lag]:
    """The lag of every partition assigned to ``consumer`` (one ListOffsets request, one
    OffsetFetch per partition, concurrently)."""
    tps = sorted(consumer.assignment())
    if not tps:
        return []
    ends = await consumer.end_offsets(tps)
    committed = dict(zip(tps, await asyncio.gather(*map(consumer.committed, tps)), strict=True))
    never = [tp for tp in tps if committed[tp] is None]
    starts = await consumer.beginning_offsets(never) if never else {}
    return [
        Lag(group, namespace.logical(tp.topic), tp.partition,
            max(0, ends[tp] - _first(committed[tp], starts.get(tp, 0))))
        for tp in tps if tp in ends
    ]  # fmt: skip


def _first(value: int | None, default: int) -> int:
    return default if value is None else value


def broker_consumers(broker: Any) -> Consumers:
    """The running consumers of a FastStream Kafka broker's subscribers, with their groups
    (a subscriber not started has none)."""

    def running() -> list[tuple[str, Offsets]]:
        subs = getattr(broker, "subscribers", ())
        return [(s.group_id, s.consumer) for s in subs if getattr(s, "consumer", None)]

    return running


class LagMonitor:
    """Exports the lag of ``consumers()`` every ``interval_s``; ``start()``/``stop()``."""

    def __init__(
        self, consumers: Consumers, *, interval_s: float, namespace: Namespace = NO_NAMESPACE,
        timeout_s: float = 10.0,
    ) -> None:  # fmt: skip
        self._consumers = consumers
        self._interval = interval_s
        self._namespace = namespace
        self._timeout = timeout_s
        self._shown: set[tuple[str, str, str]] = set()
        self._task: asyncio.Task[None] | None = None

    async def observe(self) -> list[Lag]:
        """Measure once and export; partitions no longer assigned here are withdrawn."""
        lags: list[Lag] = []
        for group, consumer in self._consumers():
            lags += await measure(group, consumer, self._namespace)
        self._withdraw(self._shown - {(x.group, x.topic, str(x.partition)) for x in lags})
        for lag in lags:
            CONSUMER_LAG.labels(lag.group, lag.topic, str(lag.partition)).set(lag.records)
            self._shown.add((lag.group, lag.topic, str(lag.partition)))
        return lags

    def _withdraw(self, series: set[tuple[str, str, str]]) -> None:
        for labels in series:
            with contextlib.suppress(KeyError):
                CONSUMER_LAG.remove(*labels)
        self._shown -= series

    def start(self) -> None:
        if self._interval > 0 and self._task is None:
            self._task = asyncio.create_task(self._run(), name="consumer-lag")

    async def stop(self) -> None:
        """Stop measuring and withdraw this monitor's series (its consumers stop next)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.wait({task})
        self._withdraw(set(self._shown))

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self.observe(), self._timeout)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a rebalance, the broker away: the next round retries
                log.warning("consumer lag not measured", error=repr(exc)[:300])
            await asyncio.sleep(self._interval)
