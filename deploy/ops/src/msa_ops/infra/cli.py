"""`msa infra up|down|status|env`: the local Kafka and MongoDB-wire server."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from msa_ops.infra.core import Infra, start_infra
from msa_ops.infra.errors import InfraError
from msa_ops.infra.manage import infra_status, stop_infra
from msa_ops.infra.settings import InfraSettings

infra_app = typer.Typer(help="Start, inspect and stop Kafka and the MongoDB-wire server.")
console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")


def _report(message: str) -> None:
    err_console.print(f"[dim]{message}[/dim]", highlight=False)


def _guard(action: Callable[[], T]) -> T:
    try:
        return action()
    except InfraError as exc:
        err_console.print(f"[bold red]error:[/bold red] {exc}", highlight=False)
        raise typer.Exit(1) from None


def _table(last: str) -> Table:
    table = Table("component", "backend")
    table.add_column("address", overflow="fold")
    table.add_column(last)
    return table


def start_for_command(
    settings: InfraSettings, out: Console, *, exit_code: int = 1, namespace: str | None = None
) -> Infra:
    """Start (or reuse) the broker and store for a command, with the catalogue's topics in
    ``namespace`` (default: MSA_ENV), reporting progress on ``out``; an infrastructure error
    is printed and ends the command with ``exit_code``."""
    try:
        return start_infra(
            settings, report=lambda m: out.print(f"[dim]{m}[/dim]"), namespace=namespace
        )
    except InfraError as exc:
        out.print(f"[bold red]error:[/bold red] {exc}")
        raise typer.Exit(exit_code) from None


@infra_app.command()
def up(
    topics: Annotated[bool, typer.Option(help="Create the catalogue's topics.")] = True,
) -> None:
    """Start (or reuse) Kafka and the MongoDB-wire server; create missing topics."""
    began = time.monotonic()
    infra = _guard(lambda: start_infra(report=_report, create_topics=topics))
    table = _table("state")
    for component in (infra.kafka, infra.mongo):
        state = "started" if component.name in infra.started else "reused"
        table.add_row(component.name, component.backend, component.address, state)
    console.print(table)
    if infra.created_topics:
        console.print(f"created topics: {', '.join(infra.created_topics)}")
    console.print(f"ready in {time.monotonic() - began:.1f}s")
    for key, value in infra.env().items():
        console.print(f"export {key}='{value}'", highlight=False, soft_wrap=True)


@infra_app.command()
def down(
    wipe: Annotated[bool, typer.Option(help="Also delete the data under var/.")] = False,
) -> None:
    """Stop the managed servers (external ones from the environment are left alone)."""
    stopped = _guard(lambda: stop_infra(wipe=wipe, report=_report))
    console.print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")


@infra_app.command()
def status() -> None:
    """Show each component's backend, address and health (exit 1 if one is unhealthy)."""
    rows = _guard(infra_status)
    table = _table("healthy")
    for row in rows:
        mark = "[green]yes[/green]" if row.healthy else "[red]no[/red]"
        table.add_row(row.name, row.backend, row.address, mark)
    console.print(table)
    if not all(row.healthy for row in rows):
        raise typer.Exit(1)


@infra_app.command()
def env() -> None:
    """Print `export` lines for the running infrastructure (for `eval "$(msa infra env)"`)."""
    rows = _guard(infra_status)
    names = {"kafka": "KAFKA_BOOTSTRAP_SERVERS", "mongo": "MONGODB_URI"}
    for row in rows:
        if row.healthy:
            typer.echo(f"export {names[row.name]}='{row.address}'")
