"""The whole benchmark: ceilings, billing (batched, per entry, two instances, latency) and
reporting replay, all on the same broker and store in one run; figures as a dict."""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from msa_contracts.reference import ReferenceData

from msa_ops.bench import wire
from msa_ops.bench.billing import BillingRun, new_run
from msa_ops.bench.cost import load_average
from msa_ops.bench.load import Throughput, latency, throughput
from msa_ops.bench.replay import ReplayFigures, bench_replay
from msa_ops.bench.rss import mib
from msa_ops.bench.store import store_ceiling
from msa_ops.bench.year import YearConfig

PORT = 18950  # service processes of the benchmark use 18950-18959


@dataclass(frozen=True)
class BenchConfig:
    entries: int = 100_000
    persons: int = 20_000
    latency_s: float = 30.0
    run: str = ""
    only_replay: bool = False  # the simulated year's replay and its Kafka ceilings only
    only_billing: bool = False  # the store ceilings and billing only
    baseline_entries: int | None = None  # per-entry and two-instance scenarios (None: entries)
    latency_min_entries: int = 3000  # the latency run lasts until this many were offered


def machine() -> dict[str, Any]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(mem_kb / 2**20, 1),
        "cpu": model,
        "python": platform.python_version(),
    }


async def _scenario(
    name: str,
    cfg: BenchConfig,
    env: dict[str, str],
    reference: ReferenceData,
    log_dir: Path,
    instances: int,
    port: int,
    extra: dict[str, str],
    say: Callable[[str], None],
    then: Callable[[BillingRun], Any] | None = None,
    entries: int | None = None,
    servers: dict[str, int] | None = None,
) -> tuple[Throughput, Any]:
    count = entries or cfg.entries
    run = new_run(
        f"{cfg.run}{name}",
        env["KAFKA_BOOTSTRAP_SERVERS"],
        env,
        reference,
        instances,
        log_dir,
        port,
        extra,
    )
    try:
        await run.start(min(400, max(20, count // 10)), say)  # cases the entries go to
        result = await throughput(run, count, say, servers or {})
        say(f"billing {name}: {result.per_s:,.0f} entries/s over {count:,}")
        after = await then(run) if then else None
        return result, after
    finally:
        await run.stop()


def _tp(t: Throughput, store_per_s: float, indexed_per_s: float) -> dict[str, Any]:
    per_k = 1000 / max(t.entries, 1)
    return {
        "entries": t.entries,
        "seconds": round(t.seconds, 2),
        "per_s": round(t.per_s, 1),
        "load_average": list(t.load),
        "cpu_s_per_1000": {k: round(v * per_k, 2) for k, v in sorted(t.cpu_s.items())},
        "writes_per_entry": round(sum(t.writes.values()) / max(t.entries, 1), 2),
        "writes_per_entry_by_collection": {
            k: round(v / max(t.entries, 1), 3) for k, v in sorted(t.writes.items()) if v
        },
        "write_commands_per_entry": round(sum(t.commands.values()) / max(t.entries, 1), 3),
        "ratio_to_store_ceiling": round(t.per_s / store_per_s, 3),
        "ratio_to_indexed_store_ceiling": round(t.per_s / indexed_per_s, 3),
        "rss_peak_mib": {k: mib(v) for k, v in t.rss_peak.items()},
        "rss_at_10pct_mib": {k: mib(v) for k, v in t.rss_early.items()},
        "rss_end_mib": {k: mib(v) for k, v in t.rss_end.items()},
    }


async def run_bench(
    cfg: BenchConfig,
    env: dict[str, str],
    reference: ReferenceData,
    log_dir: Path,
    say: Callable[[str], None],
    servers: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Every measurement of ``cfg``; ``servers`` (name → pid: store, broker) are the
    processes whose CPU seconds are read beside billing's."""
    bootstrap, uri = env["KAFKA_BOOTSTRAP_SERVERS"], env["MONGODB_URI"]
    if cfg.only_replay:
        replay = await bench_replay(
            bootstrap, env, f"{cfg.run}y", reference, YearConfig(persons=cfg.persons), log_dir, say
        )
        return {**_header(cfg), "ceilings": _kafka(replay), "billing": None,
                "reporting_replay": _replay(replay)}  # fmt: skip
    say(f"run {cfg.run}: store ceiling over {cfg.entries:,} entries")
    ceiling_load = load_average()
    pid = (servers or {}).get("store")
    plain, with_indexes = ceiling_databases(cfg)
    store, ceiling_cpu = await store_ceiling(uri, plain, cfg.entries,
                                             store_pid=pid)  # fmt: skip
    indexed, _ = await store_ceiling(uri, with_indexes, cfg.entries, indexed=True)
    say(f"ceiling: store {store.per_s:,.0f} entries/s (4 documents each), "
        f"{indexed.per_s:,.0f} with billing's indexes")  # fmt: skip
    figures: ReplayFigures | None = None
    if not cfg.only_billing:
        figures = await bench_replay(
            bootstrap, env, f"{cfg.run}y", reference, YearConfig(persons=cfg.persons), log_dir, say
        )
    batched, lat = await _scenario(
        "b1",
        cfg,
        env,
        reference,
        log_dir,
        1,
        PORT,
        {},
        say,
        then=lambda run: _latency(run, cfg, say),
        servers=servers,
    )
    baseline = cfg.baseline_entries
    per_entry, _ = await _scenario(
        "e1", cfg, env, reference, log_dir, 1, PORT + 2, {"PROCESSING_BATCH_MAX": "1"}, say,
        entries=baseline, servers=servers,
    )  # fmt: skip
    one, _ = (batched, None) if not baseline else await _scenario(
        "o1", cfg, env, reference, log_dir, 1, PORT + 3, {}, say, entries=baseline,
        servers=servers,
    )  # fmt: skip
    two, _ = await _scenario("b2", cfg, env, reference, log_dir, 2, PORT + 4, {}, say,
                             entries=baseline, servers=servers)  # fmt: skip
    return {
        **_header(cfg),
        "ceilings": {
            **(_kafka(figures) if figures else {}),
            "store_entries_per_s": round(store.per_s, 1),
            "store_indexed_entries_per_s": round(indexed.per_s, 1),
            "store_load_average": ceiling_load,
            # the store's CPU per 1,000 entries at the ceiling: set beside billing's, a ratio
            # that the machine's other load moves much less than the rates
            **(
                {"store_cpu_s_per_1000": round(ceiling_cpu * 1000 / cfg.entries, 2)}
                if ceiling_cpu is not None
                else {}
            ),
        },
        "billing": {
            "batched": _tp(batched, store.per_s, indexed.per_s),
            "per_entry": _tp(per_entry, store.per_s, indexed.per_s),
            "one_instance_baseline": _tp(one, store.per_s, indexed.per_s),
            "two_instances": _tp(two, store.per_s, indexed.per_s),
            "batching_gain": round(batched.per_s / per_entry.per_s, 2),
            "scaling_two_over_one": round(two.per_s / one.per_s, 2),
            "latency": lat,
        },
        "reporting_replay": _replay(figures) if figures else None,
    }


def ceiling_databases(cfg: BenchConfig) -> list[str]:
    """The databases the store ceilings write; the caller drops them after the run."""
    return [f"{cfg.run}_ceiling", f"{cfg.run}_ceiling_ix"]


def _header(cfg: BenchConfig) -> dict[str, Any]:
    return {
        "run": cfg.run,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "config": {
            "entries": cfg.entries,
            "persons": cfg.persons,
            "latency_s": cfg.latency_s,
            "only": "replay" if cfg.only_replay else "billing" if cfg.only_billing else None,
            "baseline_entries": cfg.baseline_entries,
        },
    }


def _kafka(replay: ReplayFigures) -> dict[str, Any]:
    return {
        "kafka_produce_per_s": round(replay.produce.per_s, 1),
        "kafka_consume_per_s": round(replay.consume.per_s, 1),
        "kafka_records": replay.consume.records,
    }


def _replay(replay: ReplayFigures) -> dict[str, Any]:
    return {
        "records": replay.records,
        "seconds": round(replay.replay_s, 2),
        "per_s": round(replay.replay_per_s, 1),
        "ratio_to_consume_ceiling": round(replay.replay_per_s / replay.consume.per_s, 3),
        "rss_peak_mib": mib(replay.rss_peak),
        "rss_at_100k_mib": mib(replay.rss_at_checkpoint) if replay.rss_at_checkpoint else None,
        "rss_end_mib": mib(replay.rss_at_end),
        "load_average": list(replay.load),
        "growth": [
            {"records": n, "seconds": round(t, 2), "rss_mib": mib(rss)}
            for n, t, rss in replay.growth
        ],
    }


async def _latency(run: BillingRun, cfg: BenchConfig, say: Callable[[str], None]) -> dict[str, Any]:
    tp = len([k for k in run.accepted if k.startswith("tp-")])
    first = min(v for k, v in run.accepted.items() if k.startswith("tp-"))
    last = max(v for k, v in run.accepted.items() if k.startswith("tp-"))
    offered = max(1.0, tp / max(last - first, 1e-3) / 4)
    seconds = max(cfg.latency_s, cfg.latency_min_entries / offered)
    say(f"latency: offering {offered:,.0f} entries/s for {seconds:.0f}s")
    load = load_average()
    result = await latency(run, offered, seconds)
    return {
        "load_average": [load, load_average()],
        "offered_per_s": round(result.offered_per_s, 1),
        "sent": result.sent,
        "p50_ms": result.p50_ms,
        "p95_ms": result.p95_ms,
        "p99_ms": result.p99_ms,
        "max_ms": result.max_ms,
    }


__all__ = ["BenchConfig", "run_bench", "wire"]
