"""The benchmark harness on tiny sizes: every piece runs and the JSON has its shape.

No timing is asserted: benchmarks never gate CI on timings; only that figures exist and are
positive, that the markdown and table render, and that the replay read what was written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from msa_contracts.reference import load_reference
from msa_ops.bench.report import markdown, rich_table, targets
from msa_ops.bench.run import BenchConfig, run_bench
from msa_ops.keys import ensure_local_keys

from tests.kit.support import unique

pytestmark = pytest.mark.integration


async def test_the_quick_pieces_produce_positive_figures_in_the_json_shape(
    infra: Any, tmp_path: Path
) -> None:
    keys = ensure_local_keys(tmp_path / "keys")
    cfg = BenchConfig(entries=40, persons=20, latency_s=2.0, run=unique("bench").replace("-", ""))
    result = await run_bench(cfg, {**infra.env(), **keys.service_env()}, load_reference(),
                             tmp_path / "logs", print)  # fmt: skip

    parsed = json.loads(json.dumps(result))
    assert set(parsed) >= {"machine", "ceilings", "billing", "reporting_replay", "config"}
    assert all(v > 0 for v in parsed["ceilings"].values())
    for scenario in ("batched", "per_entry", "two_instances"):
        figures = parsed["billing"][scenario]
        assert figures["entries"] == 40
        assert figures["per_s"] > 0 and figures["ratio_to_store_ceiling"] > 0
        assert all(v > 0 for v in figures["rss_peak_mib"].values())
    assert len(parsed["billing"]["two_instances"]["rss_peak_mib"]) == 2
    latency = parsed["billing"]["latency"]
    assert latency["sent"] > 0
    assert 0 < latency["p50_ms"] <= latency["p95_ms"] <= latency["p99_ms"] <= latency["max_ms"]
    replay = parsed["reporting_replay"]
    assert replay["records"] == parsed["ceilings"]["kafka_records"] > 0
    assert replay["per_s"] > 0 and replay["rss_peak_mib"] > 0
    assert len(targets(result)) == 4
    assert "| reporting replay" in markdown(result)
    assert rich_table(result).row_count > 10


async def test_only_the_replay_runs_with_its_kafka_ceilings(infra: Any, tmp_path: Path) -> None:
    keys = ensure_local_keys(tmp_path / "keys")
    cfg = BenchConfig(persons=20, run=unique("bench").replace("-", ""), only_replay=True)
    result = await run_bench(cfg, {**infra.env(), **keys.service_env()}, load_reference(),
                             tmp_path / "logs", print)  # fmt: skip

    assert result["billing"] is None and "store_entries_per_s" not in result["ceilings"]
    assert result["reporting_replay"]["records"] == result["ceilings"]["kafka_records"] > 0
    assert [name for name, _ in targets(result)] == [
        "replay ≥ 25 % of consume ceiling", "replay RSS at end within 10 % of RSS at 100k",
    ]  # fmt: skip
    assert "--only replay" in markdown(result) and rich_table(result).row_count == 6


async def test_only_billing_runs_with_the_store_ceilings_and_smaller_baselines(
    infra: Any, tmp_path: Path
) -> None:
    keys = ensure_local_keys(tmp_path / "keys")
    cfg = BenchConfig(entries=30, latency_s=2.0, run=unique("bench").replace("-", ""),
                      only_billing=True, baseline_entries=10)  # fmt: skip
    result = await run_bench(cfg, {**infra.env(), **keys.service_env()}, load_reference(),
                             tmp_path / "logs", print)  # fmt: skip

    assert result["reporting_replay"] is None
    assert set(result["ceilings"]) == {"store_entries_per_s", "store_indexed_entries_per_s"}
    assert result["billing"]["batched"]["entries"] == 30
    assert result["billing"]["per_entry"]["entries"] == result["billing"]["two_instances"][
        "entries"] == 10  # fmt: skip
    assert [name for name, _ in targets(result)] == [
        "billing ≥ 25 % of store ceiling", "p99 < 100 ms at a quarter of max",
    ]  # fmt: skip
    assert "--only billing --baseline-entries 10" in markdown(result)
    assert "| ceiling (b) with billing's indexes" in markdown(result)
    assert rich_table(result).row_count > 8
