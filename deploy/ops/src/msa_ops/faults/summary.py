"""The summary of a fault run: a table for people, a JSON document for machines."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from msa_ops.faults.run import FaultRun


def as_dict(run: FaultRun) -> dict[str, Any]:
    f = run.findings
    cfg = run.config
    return {
        "run": run.run_id,
        "clean": f.clean,
        "config": {
            "kills": cfg.kills,
            "persons": cfg.persons,
            "days": cfg.days,
            "seed": cfg.seed,
            "second_instance": cfg.second_instance,
        },
        "faults": run.faults,
        "events_processed": run.processed,
        "events_observed": run.observed,
        "redelivered_records": run.redelivered,
        "lost": sum(f.lost.values()),
        "duplicated": sum(f.duplicated.values()),
        "dead_lettered": len(run.letters),
        "lost_by_check": dict(f.lost),
        "duplicated_by_check": dict(f.duplicated),
        "checked": dict(f.checked),
        "problems": f.problems,
        "seconds": run.seconds,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
        "fault_log": run.fault_log,
    }


def write_json(run: FaultRun, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(as_dict(run), indent=2, default=str))


def print_summary(run: FaultRun, console: Console) -> None:
    d = as_dict(run)
    table = Table("", "", title=f"Fault injection {run.run_id}")
    faults = d["faults"]
    table.add_row("faults injected", ", ".join(f"{k} {v}" for k, v in sorted(faults.items())))
    table.add_row("events processed (inbox)",
                  f"{sum(d['events_processed'].values())} {d['events_processed']}")  # fmt: skip
    table.add_row("events observed (distinct)", str(d["events_observed"]))
    table.add_row("records delivered again (same id)", str(d["redelivered_records"]))
    table.add_row("checked", ", ".join(f"{k} {v}" for k, v in d["checked"].items()))
    table.add_row("lost", str(d["lost"]))
    table.add_row("duplicated", str(d["duplicated"]))
    table.add_row("dead-lettered", f"{d['dead_lettered']} (poison injected: "
                  f"{faults.get('poison', 0)})")  # fmt: skip
    table.add_row("duration", f"{d['seconds'].get('total', 0):.0f}s on {d['machine']}")
    table.add_row("result", "[green]clean[/green]" if d["clean"] else "[red]MISMATCH[/red]")
    console.print(table)
    for problem in d["problems"]:
        console.print(f"[red]✗[/red] {problem}")
