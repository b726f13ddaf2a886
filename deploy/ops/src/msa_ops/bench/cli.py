"""`msa bench`: the benchmark harness as one command (never part of the test suite)."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from msa_contracts.reference import load_reference
from rich.console import Console

from msa_ops.bench.cleanup import leftovers, remove
from msa_ops.bench.cost import server_pids
from msa_ops.bench.report import blocks, markdown, replace_block, rich_table, summary
from msa_ops.bench.run import BenchConfig, run_bench
from msa_ops.infra.cli import start_for_command
from msa_ops.infra.settings import InfraSettings
from msa_ops.keys import ensure_local_keys

console = Console()


def bench(
    entries: Annotated[int, typer.Option(help="Hour entries per billing scenario.")] = 100_000,
    persons: Annotated[int, typer.Option(help="Persons in the simulated year (replay).")] = 20_000,
    quick: Annotated[bool, typer.Option(help="200 entries, 300 persons.")] = False,
    only: Annotated[
        str | None,
        typer.Option(
            help="'replay': only the year's replay and Kafka ceilings; 'billing': only the "
            "store ceilings and billing."
        ),
    ] = None,
    baseline_entries: Annotated[
        int | None,
        typer.Option(help="Entries for the per-entry and two-instance scenarios (default: all)."),
    ] = None,
    out: Annotated[Path, typer.Option(help="Where the JSON goes.")] = Path("var/bench/latest.json"),
    markdown_out: Annotated[
        Path | None,
        typer.Option(
            "--markdown",
            help="Write the tables into this file (docs/PERFORMANCE.md: between its bench "
            "markers, the parts this run measured) and the summary into --readme.",
        ),
    ] = None,
    readme: Annotated[
        Path, typer.Option(help="Where --markdown puts the summary lines (between markers).")
    ] = Path("README.md"),
    keep: Annotated[
        bool,
        typer.Option(help="Keep the run's topics and databases (to replay them again by hand)."),
    ] = False,
    clean: Annotated[
        bool,
        typer.Option(
            help="Remove what earlier runs kept or left (topics and databases named "
            "bench<run>), then stop: measure nothing."
        ),
    ] = False,
) -> None:
    """Measure ceilings, billing, latency, memory, scaling and reporting replay in one run."""
    if clean:
        _clean()
        return
    if quick:
        entries, persons = min(entries, 200), min(persons, 300)
    if only not in (None, "replay", "billing"):
        raise typer.BadParameter("only 'replay' or 'billing' can be run alone", param_hint="--only")
    settings = InfraSettings.from_env()
    infra = start_for_command(settings, console)
    keys = ensure_local_keys(Path(settings.var_dir) / "keys")
    run = f"bench{datetime.now(UTC):%Y%m%d%H%M%S}"
    cfg = BenchConfig(entries=entries, persons=persons, latency_s=10.0 if quick else 30.0, run=run,
                      only_replay=only == "replay", only_billing=only == "billing",
                      baseline_entries=baseline_entries,
                      latency_min_entries=0 if quick else 3000)  # fmt: skip
    began = time.monotonic()

    def say(message: str) -> None:
        console.print(f"[dim]{time.monotonic() - began:6.0f}s[/dim] {message}")

    result = asyncio.run(
        run_bench(
            cfg,
            {**infra.env(), **keys.service_env()},
            load_reference(),
            Path(settings.var_dir) / "logs" / run,
            say,
            server_pids(infra),
        )
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    console.print(rich_table(result))
    if markdown_out:
        write_docs(result, markdown_out, readme)
    if keep:
        console.print(f"kept the run's topics and databases (named {run}…)")
    else:
        say("removing the run's topics and databases (SecantusDB: minutes for a full run)")
        found = asyncio.run(leftovers(infra.kafka_bootstrap, infra.mongodb_uri, run))
        asyncio.run(remove(infra.kafka_bootstrap, infra.mongodb_uri, found, say))
    console.print(f"JSON: {out}; done in {time.monotonic() - began:.0f}s")


def _clean() -> None:
    settings = InfraSettings.from_env()
    infra = start_for_command(settings, console)
    found = asyncio.run(leftovers(infra.kafka_bootstrap, infra.mongodb_uri))
    if not found:
        console.print("no topics or databases of earlier bench runs")
        return
    console.print(f"{len(found.topics)} topics and {len(found.databases)} databases of earlier "
                  "bench runs")  # fmt: skip
    asyncio.run(remove(infra.kafka_bootstrap, infra.mongodb_uri, found, console.print))


def write_docs(result: dict[str, Any], docs: Path, readme: Path) -> None:
    """The run's tables into ``docs`` (between its markers if it has them, else the whole
    file) and its summary lines into ``readme`` (if it has the markers)."""
    text = docs.read_text() if docs.is_file() else ""
    if "<!-- bench:" in text:
        for name, content in blocks(result).items():
            text = replace_block(text, name, content)
        docs.write_text(text)
    else:
        docs.write_text(markdown(result))
    console.print(f"tables: {docs}")
    if readme.is_file() and "<!-- bench:summary-" in (old := readme.read_text()):
        new = old
        for name, line in summary(result).items():
            if f"<!-- bench:summary-{name}:start -->" in new:
                new = replace_block(new, f"summary-{name}", line)
        readme.write_text(new)
        console.print(f"summary: {readme}")
