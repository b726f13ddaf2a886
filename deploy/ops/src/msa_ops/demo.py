"""`msa demo`: the whole system on one machine, a short simulated month, a visible outcome."""

from __future__ import annotations

import asyncio
import importlib.util
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from msa_contracts.reference import load_reference
from rich.console import Console

from msa_ops.infra import InfraError, start_infra
from msa_ops.infra.settings import InfraSettings
from msa_ops.keys import ensure_local_keys
from msa_ops.sim.run import simulate
from msa_ops.sim.scenario import ScenarioConfig
from msa_ops.sim.summary import print_summary, summarise
from msa_ops.stack import SERVICES, Stack

console = Console()


def available_services() -> list[str]:
    """The services whose package has an entry point (``python -m msa_<name>``)."""
    return [s for s in SERVICES if importlib.util.find_spec(f"msa_{s}.__main__") is not None]


def demo(
    persons: Annotated[int, typer.Option(help="Arrivals in the simulated month.")] = 40,
    seed: Annotated[int, typer.Option(help="Seed of the simulated population.")] = 7,
    days: Annotated[int, typer.Option(help="Simulated days.")] = 30,
    wait: Annotated[bool, typer.Option(help="Keep the services running until Ctrl-C.")] = True,
) -> None:
    """Start the broker, the store and the services; simulate a month; print what happened."""
    began = time.monotonic()
    settings = InfraSettings.from_env()
    try:
        infra = start_infra(settings, report=lambda m: console.print(f"[dim]{m}[/dim]"))
    except InfraError as exc:
        console.print(f"[bold red]error:[/bold red] {exc}")
        raise typer.Exit(1) from None
    console.print(
        f"[green]✓[/green] Kafka {infra.kafka_bootstrap} ({infra.kafka_backend}), "
        f"MongoDB {infra.mongodb_uri} ({infra.mongo_backend})"
    )
    keys = ensure_local_keys(Path(settings.var_dir) / "keys")
    names = available_services()
    run = f"demo{datetime.now(UTC):%Y%m%d%H%M%S}"
    stack = asyncio.run(
        Stack.fresh(
            names,
            run=run,
            bootstrap=infra.kafka_bootstrap,
            env={**infra.env(), **keys.service_env()},
            log_dir=Path(settings.var_dir) / "logs" / run,
        )
    )
    console.print(
        f"starting services: {', '.join(names)} (run {run}: databases {run}_*, "
        f"logs in {settings.var_dir}/logs/{run})"
    )
    try:
        stack.start()
        for p in stack.processes.values():
            console.print(f"[green]✓[/green] {p.name} ready at {p.url} (/readyz, /metrics)")
        reference = load_reference()
        config = ScenarioConfig(seed=seed, persons=persons, days=days)
        with console.status("simulating...") as status:
            truth, observed = asyncio.run(
                simulate(infra.kafka_bootstrap, keys, reference, config, progress=status.update)
            )
        print_summary(summarise(observed, reference), reference, console)
        console.print(
            f"{truth.persons} persons announced ({truth.replays} notices sent twice), "
            f"{len(truth.reports)} provider reports answered; "
            f"done in {time.monotonic() - began:.0f}s"
        )
        if wait:
            console.print(
                "services keep running; press Ctrl-C to stop them "
                "(the broker and store stay up: `msa infra down`)"
            )
            while all(p.alive() for p in stack.processes.values()):
                time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
