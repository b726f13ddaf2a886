"""`msa faults run`: the fault-injection harness from the command line."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path
from typing import Annotated

import typer
from msa_contracts.reference import load_reference
from rich.console import Console

from msa_ops.faults.run import FaultConfig, run_faults
from msa_ops.faults.summary import print_summary, write_json
from msa_ops.infra.cli import start_for_command
from msa_ops.infra.settings import InfraSettings
from msa_ops.keys import ensure_local_keys

faults_app = typer.Typer(help="Fault injection against the real services.", no_args_is_help=True)
console = Console()
if not console.is_terminal:
    console.width = 140


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


@faults_app.command("run")
def run(
    kills: Annotated[int, typer.Option(help="Service processes to SIGKILL and restart.")] = 6,
    persons: Annotated[int, typer.Option(help="Arrivals in the simulated period.")] = 12,
    days: Annotated[int, typer.Option(help="Simulated days from 2 March 2026.")] = 91,
    seed: Annotated[int, typer.Option(help="Seed of the population and the fault plan.")] = 7,
    broker_restart: Annotated[bool, typer.Option(help="Restart Kafka once mid-run.")] = True,
    db_restart: Annotated[bool, typer.Option(help="Restart the database once mid-run.")] = True,
    second_instance: Annotated[
        str, typer.Option(help="Service to start a second instance of ('' for none).")
    ] = "intake",
    base_port: Annotated[int, typer.Option(help="HTTP ports base+1..4, +10.")] = 18500,
    json_out: Annotated[Path, typer.Option("--json", help="Where to write the summary.")] = Path(
        "var/faults/summary.json"
    ),
) -> None:
    """Run the services through a simulated period while injecting faults; reconcile with
    the ground truth; exit 1 on any mismatch."""
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # broker restarts are planned
    signal.signal(signal.SIGTERM, _interrupt)  # stop the services on the way out
    settings = InfraSettings.from_env()
    infra = start_for_command(settings, console, exit_code=2)
    var = Path(settings.var_dir)
    keys = ensure_local_keys(var / "keys")
    config = FaultConfig(kills=kills, persons=persons, days=days, seed=seed,
                         broker_restart=broker_restart, db_restart=db_restart,
                         second_instance=second_instance or None, base_port=base_port)  # fmt: skip
    plan = config.plan()
    console.print(f"fault plan: {len(plan.faults)} faults "
                  f"({plan.count('kill')} kills) over {days} simulated days")  # fmt: skip
    result = asyncio.run(run_faults(infra, keys, load_reference(), config,
                                    log_dir=var / "logs", report=console.print))  # fmt: skip
    print_summary(result, console)
    write_json(result, json_out)
    console.print(f"summary written to {json_out}")
    if not result.findings.clean:
        raise typer.Exit(1)
