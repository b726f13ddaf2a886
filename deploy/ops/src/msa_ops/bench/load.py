"""Offered load on a running billing scenario: sustained throughput and latency."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from msa_ops.bench import wire
from msa_ops.bench.billing import BillingRun, entries
from msa_ops.bench.cost import CpuMeter, delta, load_average, scrape_writes
from msa_ops.bench.rss import RssSampler


@dataclass(frozen=True)
class Throughput:
    entries: int
    seconds: float
    rss_peak: dict[str, int]
    rss_early: dict[str, int]
    rss_end: dict[str, int]
    cpu_s: dict[str, float] = field(default_factory=dict)  # per process, over the run
    writes: dict[str, float] = field(default_factory=dict)  # documents, "collection/kind"
    commands: dict[str, float] = field(default_factory=dict)  # write commands, likewise
    load: tuple[float, float] = (0.0, 0.0)  # one-minute load average at start and end

    @property
    def per_s(self) -> float:
        return self.entries / max(self.seconds, 1e-9)


@dataclass(frozen=True)
class Latency:
    offered_per_s: float
    sent: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


def _pids(run: BillingRun) -> dict[str, int]:
    return {f"billing-{i}": p.proc.pid for i, p in enumerate(run.processes) if p.proc}


def _writes(run: BillingRun) -> tuple[dict[str, float], dict[str, float]]:
    docs: dict[str, float] = {}
    commands: dict[str, float] = {}
    for p in run.processes:
        d, c = scrape_writes(p.port)
        docs, commands = _add(docs, d), _add(commands, c)
    return docs, commands


def _add(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    return {k: a.get(k, 0.0) + b.get(k, 0.0) for k in set(a) | set(b)}


async def throughput(
    run: BillingRun, count: int, say: Callable[[str], None], servers: dict[str, int]
) -> Throughput:
    """Publish ``count`` entries at once; seconds from the first publish to the last accept,
    with the CPU seconds of billing and the ``servers`` (name → pid) and billing's store
    writes over that time."""
    batch = entries(run, count, run.cases, prefix="tp")
    ids = {f"tp-{n}" for n in range(count)}
    early: dict[str, int] = {}
    writes_before = await asyncio.to_thread(_writes, run)
    load_before = load_average()
    cpu = CpuMeter({**_pids(run), **servers}).start()
    with RssSampler(_pids(run)) as rss:
        t0 = time.perf_counter()
        sending = asyncio.create_task(wire.produce(run.bootstrap, wire.chunked(iter(batch), 5000)))
        last_said = time.monotonic()
        while not ids <= run.accepted.keys():
            await run.poll()
            done = len(ids & run.accepted.keys())
            if not early and done >= count // 10:
                rss.sample()
                early = dict(rss.last)
            if time.monotonic() - last_said > 3:
                rate = done / (time.perf_counter() - t0)
                say(f"billing {run.run}: {done:,}/{count:,} accepted ({rate:,.0f}/s)")
                last_said = time.monotonic()
        await sending
        seconds = max(run.accepted[i] for i in ids) - t0
    spent = cpu.stop()
    await asyncio.sleep(1.0)  # the relay's marks of the last records
    docs, commands = await asyncio.to_thread(_writes, run)
    return Throughput(
        count, seconds, dict(rss.peak), early, dict(rss.last), spent,
        delta(docs, writes_before[0]), delta(commands, writes_before[1]),
        (load_before, load_average()),
    )  # fmt: skip


async def latency(run: BillingRun, per_s: float, seconds: float) -> Latency:
    """Publish one entry every ``1/per_s`` s for ``seconds``; percentiles of publish→accept."""
    count = max(1, int(per_s * seconds))
    batch = entries(run, count, run.cases, prefix="lat", seed=11)
    sent: dict[str, float] = {}
    prod = wire.producer(run.bootstrap)
    await prod.start()

    async def pace() -> None:
        t0 = time.perf_counter()
        for n, (topic, r) in enumerate(batch):
            delay = t0 + n / per_s - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sent[f"lat-{n}"] = time.perf_counter()
            await prod.send(topic, r.value, key=r.key, headers=list(r.headers))

    try:
        pacing = asyncio.create_task(pace())
        ids = {f"lat-{n}" for n in range(count)}
        deadline = time.monotonic() + seconds + 120
        while not (pacing.done() and ids <= run.accepted.keys()):
            if time.monotonic() > deadline:
                raise TimeoutError("latency run: entries not accepted in time")
            await run.poll()
        await pacing
    finally:
        await prod.stop()
    waits = sorted((run.accepted[i] - sent[i]) * 1000 for i in ids)
    percentiles = (_pct(waits, 50), _pct(waits, 95), _pct(waits, 99))
    return Latency(per_s, count, *percentiles, round(waits[-1], 1))  # rounded as they are


def _pct(ordered: list[float], p: float) -> float:
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[index], 1)
