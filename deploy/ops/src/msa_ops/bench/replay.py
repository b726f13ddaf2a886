"""Reporting replay over a simulated year, with the broker ceilings on the same topics.

The year is written to run-private copies of reporting's four input topics (same
partitions); the raw produce of those records and a raw consume of them from offset zero
are the ceilings (a). Then ``python -m msa_reporting.replay`` rebuilds all projections from
offset zero into a fresh database as a process of its own, whose resident memory is read
at 100,000 and 300,000 records and at the end (the replay's own process, which ends up
holding the whole world) and sampled throughout with its second process (the peak).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from msa_contracts import topics as logical
from msa_contracts.envelope import Record
from msa_contracts.reference import ReferenceData

from msa_ops.bench import wire
from msa_ops.bench.cost import load_average
from msa_ops.bench.rss import RssSampler, rss_bytes
from msa_ops.bench.year import CASES, CLOCK, LEDGER, PERSONS, YearConfig, year_of_events

ROLES = {
    PERSONS: logical.PERSONS,
    CASES: logical.CASES,
    LEDGER: logical.LEDGER,
    CLOCK: logical.CLOCK,
}
ENV = {
    PERSONS: "REPORTING_PERSONS_TOPIC",
    CASES: "REPORTING_CASES_TOPIC",
    LEDGER: "REPORTING_LEDGER_TOPIC",
    CLOCK: "REPORTING_CLOCK_TOPIC",
}
PROGRESS = re.compile(r"read ([\d,]+) records")
PROGRESS_END = re.compile(r"rebuilt \S+: (?:[\d,]+ archived events and )?([\d,]+) records")
REBUILT = re.compile(r"events in ([\d.]+)s")  # the replay's own time, without interpreter start
CHECKPOINT = 100_000
#: records read at which time and RSS are taken for the growth table (and at the end)
GROWTH = (100_000, 300_000)


@dataclass(frozen=True)
class ReplayFigures:
    records: int
    produce: wire.Rate
    consume: wire.Rate
    replay_s: float
    rss_peak: int
    rss_at_checkpoint: int | None
    rss_at_end: int | None
    log: str
    #: (records, seconds since reading began, RSS bytes) at each GROWTH point and the end
    growth: tuple[tuple[int, float, int | None], ...] = ()
    load: tuple[float, float] = (0.0, 0.0)  # one-minute load average at start and end

    @property
    def replay_per_s(self) -> float:
        return self.records / max(self.replay_s, 1e-9)


async def write_year(
    bootstrap: str,
    run: str,
    reference: ReferenceData,
    config: YearConfig,
    say: Callable[[str], None],
) -> tuple[dict[str, wire.BenchTopic], wire.Rate]:
    topics = wire.fresh_topics(run, ROLES.values())
    await wire.create(bootstrap, topics.values())

    def records() -> Iterator[tuple[str, Record]]:
        for n, (role, event) in enumerate(year_of_events(reference, config), start=1):
            if n % 100_000 == 0:
                say(f"year: {n:,} events generated")
            yield topics[ROLES[role]].name, wire.encoded(event)

    rate = await wire.produce(bootstrap, wire.chunked(records(), 20_000))
    say(f"year: {rate.records:,} records produced ({rate.per_s:,.0f}/s raw)")
    return topics, rate


@dataclass(frozen=True)
class ReplayRun:
    seconds: float
    sampler: RssSampler
    at_checkpoint: int | None  # RSS when CHECKPOINT records were read
    growth: tuple[tuple[int, float, int | None], ...]


def run_replay(
    env: dict[str, str],
    topics: dict[str, wire.BenchTopic],
    database: str,
    log_path: Path,
    say: Callable[[str], None],
) -> ReplayRun:
    """The replay process, its time, memory and growth (time and RSS at GROWTH points)."""
    # the replay writes ``database`` only; it refuses the one it would serve (MONGODB_DATABASE)
    child_env = {**os.environ, **env, "SERVICE_NAME": "reporting"}
    child_env.pop("MONGODB_DATABASE", None)
    child_env |= {ENV[role]: topics[name].name for role, name in ROLES.items()}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "msa_reporting.replay", "--database", database, "--no-archive"],
        env=child_env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    at_checkpoint: int | None = None
    reported: float | None = None
    growth: list[tuple[int, float, int | None]] = []
    reading_since: float | None = None
    sampling = RssSampler({"reporting-replay": proc.pid}, tree=True)  # with its second process
    with sampling as sampler, log_path.open("w") as log:
        assert proc.stderr is not None
        last_said = 0.0
        for line in proc.stderr:
            log.write(line)
            if reading_since is None and line.startswith("reading "):
                reading_since = time.monotonic()
            found = PROGRESS.search(line)
            read = int(found[1].replace(",", "")) if found else 0
            if found and at_checkpoint is None and read >= CHECKPOINT:
                at_checkpoint = rss_bytes(proc.pid)
            if found and len(growth) < len(GROWTH) and read >= GROWTH[len(growth)]:
                since = time.monotonic() - (reading_since or t0)
                growth.append((read, since, rss_bytes(proc.pid)))
            if (done := REBUILT.search(line)) and "rebuilt" in line:
                reported = float(done[1])
            if time.monotonic() - last_said > 2 or "rebuilt" in line:
                say(f"replay: {line.strip()}")
                last_said = time.monotonic()
            if "rebuilt" in line:
                final = PROGRESS_END.search(line)
                records = int(final[1].replace(",", "")) if final else 0
                rss = rss_bytes(proc.pid) or sampler.last.get("reporting-replay")
                growth.append((records, reported or time.monotonic() - t0, rss))
        code = proc.wait()
    if code != 0:
        raise RuntimeError(f"replay failed ({code}); see {log_path}")
    return ReplayRun(reported or time.monotonic() - t0, sampler, at_checkpoint, tuple(growth))


async def bench_replay(
    bootstrap: str,
    env: dict[str, str],
    run: str,
    reference: ReferenceData,
    config: YearConfig,
    log_dir: Path,
    say: Callable[[str], None],
) -> ReplayFigures:
    topics, produced = await write_year(bootstrap, run, reference, config, say)
    consumed = await wire.consume(bootstrap, [t.name for t in topics.values()])
    say(f"ceiling: raw consume {consumed.records:,} records ({consumed.per_s:,.0f}/s)")
    load = load_average()
    done = run_replay(env, topics, f"{run}_replay", log_dir / "replay.log", say)
    name = "reporting-replay"
    return ReplayFigures(
        produced.records,
        produced,
        consumed,
        done.seconds,
        done.sampler.peak.get(name, 0),
        done.at_checkpoint,
        done.growth[-1][2] if done.growth else done.sampler.last.get(name),  # its own process
        str(log_dir / "replay.log"),
        done.growth,
        (load, load_average()),
    )
