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
from msa_ops.bench.cleanup import RUN, leftovers, remove
from msa_ops.bench.cli import write_docs
from msa_ops.bench.cost import server_pids
from msa_ops.bench.report import markdown, rich_table, targets
from msa_ops.bench.run import BenchConfig, run_bench
from msa_ops.keys import ensure_local_keys

from tests.kit.support import unique

pytestmark = pytest.mark.integration


async def test_the_quick_pieces_produce_positive_figures_in_the_json_shape(
    infra: Any, tmp_path: Path
) -> None:
    keys = ensure_local_keys(tmp_path / "keys")
    cfg = BenchConfig(entries=40, persons=20, latency_s=2.0, run=unique("bench").replace("-", ""),
                      latency_min_entries=0)  # tiny like the rest: never judged  # fmt: skip
    result = await run_bench(cfg, {**infra.env(), **keys.service_env()}, load_reference(),
                             tmp_path / "logs", print, server_pids(infra))  # fmt: skip

    parsed = json.loads(json.dumps(result))
    assert set(parsed) >= {"machine", "ceilings", "billing", "reporting_replay", "config"}
    assert all(v > 0 for k, v in parsed["ceilings"].items() if k != "store_load_average")
    for scenario in ("batched", "per_entry", "one_instance_baseline", "two_instances"):
        figures = parsed["billing"][scenario]
        assert figures["entries"] == 40
        assert figures["per_s"] > 0 and figures["ratio_to_store_ceiling"] > 0
        assert all(v > 0 for v in figures["rss_peak_mib"].values())
        # every accepted entry writes at least its entry, inbox and outbox documents
        assert figures["writes_per_entry"] >= 3
        assert figures["writes_per_entry_by_collection"]["entries/insert"] >= 1
        assert figures["write_commands_per_entry"] > 0
        assert {"billing-0", "store", "broker"} <= set(figures["cpu_s_per_1000"])
        assert figures["cpu_s_per_1000"]["billing-0"] > 0
    assert len(parsed["billing"]["two_instances"]["rss_peak_mib"]) == 2
    assert "billing-1" in parsed["billing"]["two_instances"]["cpu_s_per_1000"]
    latency = parsed["billing"]["latency"]
    assert latency["sent"] > 0
    assert 0 < latency["p50_ms"] <= latency["p95_ms"] <= latency["p99_ms"] <= latency["max_ms"]
    replay = parsed["reporting_replay"]
    assert replay["records"] == parsed["ceilings"]["kafka_records"] > 0
    assert replay["per_s"] > 0 and replay["rss_peak_mib"] > 0
    assert replay["growth"][-1]["records"] == replay["records"]  # tiny: only the end
    assert len(targets(result)) == 5
    judged = {name: met for name, met, _ in targets(result)}
    sized = [n for n in judged if "100,000" in n or "3,000" in n or "full year" in n]
    assert len(sized) == 3 and not any(judged[n] for n in sized)  # too small to be judged
    assert "| reporting replay" in markdown(result)
    assert "| billing scenario | document writes per entry" in markdown(result)
    assert rich_table(result).row_count > 10
    _docs_are_written_between_their_markers(result, tmp_path)
    await _the_run_leaves_nothing_behind(infra, cfg.run)


async def _the_run_leaves_nothing_behind(infra: Any, run: str) -> None:
    found = await leftovers(infra.kafka_bootstrap, infra.mongodb_uri, run)
    assert found.topics and found.databases  # its topics and the billing and replay databases
    assert all(t.startswith(run) for t in found.topics + found.databases)
    await remove(infra.kafka_bootstrap, infra.mongodb_uri, found)
    assert not await leftovers(infra.kafka_bootstrap, infra.mongodb_uri, run)
    assert RUN.match(run)  # what `msa bench --clean` would find, too


def _docs_are_written_between_their_markers(result: dict[str, Any], tmp_path: Path) -> None:
    docs, readme = tmp_path / "PERFORMANCE.md", tmp_path / "README.md"
    marked = "".join(f"<!-- bench:{n}:start -->\nold\n<!-- bench:{n}:end -->\n"
                     for n in ("billing", "replay"))  # fmt: skip
    docs.write_text(f"# Performance\n{marked}## Method\nkept\n")
    readme.write_text("<!-- bench:summary-billing:start -->\nold\n"
                      "<!-- bench:summary-billing:end -->\nrest\n")  # fmt: skip
    write_docs(result, docs, readme)
    text = docs.read_text()
    assert "old" not in text and text.endswith("## Method\nkept\n")
    assert text.count("| billing, batched (40)") == 1 and "| reporting replay" in text
    assert "Billing (40 entries): " in readme.read_text() and "old" not in readme.read_text()


async def test_only_the_replay_runs_with_its_kafka_ceilings(infra: Any, tmp_path: Path) -> None:
    keys = ensure_local_keys(tmp_path / "keys")
    cfg = BenchConfig(persons=20, run=unique("bench").replace("-", ""), only_replay=True)
    result = await run_bench(cfg, {**infra.env(), **keys.service_env()}, load_reference(),
                             tmp_path / "logs", print)  # fmt: skip

    assert result["billing"] is None and "store_entries_per_s" not in result["ceilings"]
    assert result["reporting_replay"]["records"] == result["ceilings"]["kafka_records"] > 0
    assert [name for name, _, _ in targets(result)] == [
        "replay ≥ 25 % of consume ceiling on the full year",
        "replay RSS at end within +10 % of RSS at 100k",
    ]
    assert "--only replay" in markdown(result) and rich_table(result).row_count == 7


async def test_only_billing_runs_with_the_store_ceilings_and_smaller_baselines(
    infra: Any, tmp_path: Path
) -> None:
    keys = ensure_local_keys(tmp_path / "keys")
    cfg = BenchConfig(entries=30, latency_s=2.0, run=unique("bench").replace("-", ""),
                      only_billing=True, baseline_entries=10)  # fmt: skip
    result = await run_bench(cfg, {**infra.env(), **keys.service_env()}, load_reference(),
                             tmp_path / "logs", print, server_pids(infra))  # fmt: skip

    assert result["reporting_replay"] is None
    assert set(result["ceilings"]) == {
        "store_entries_per_s", "store_indexed_entries_per_s", "store_load_average",
        "store_cpu_s_per_1000",
    }  # fmt: skip
    assert result["billing"]["batched"]["entries"] == 30
    b = result["billing"]
    assert b["per_entry"]["entries"] == b["two_instances"]["entries"] == 10
    assert b["one_instance_baseline"]["entries"] == 10  # two are compared with one, same size
    assert [name for name, _, _ in targets(result)] == [
        "billing batched ≥ 30 % of (b) over ≥ 100,000 entries",
        "p99 < 100 ms at a quarter of max over ≥ 3,000 entries",
        "two instances ≥ 1.0× one",
    ]
    assert "--only billing --baseline-entries 10" in markdown(result)
    assert "| ceiling (b) with billing's indexes" in markdown(result)
    assert rich_table(result).row_count > 8
