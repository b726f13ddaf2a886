"""`msa demo`: the whole system on one machine, a short simulated month, a visible outcome."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from msa_contracts.namespace import Namespace
from msa_contracts.reference import ReferenceData, load_reference
from msa_kit.auth import Role
from rich.console import Console
from rich.table import Table

from msa_ops.infra.cli import start_for_command
from msa_ops.infra.settings import InfraSettings
from msa_ops.keys import ensure_local_keys
from msa_ops.sim.run import simulate
from msa_ops.sim.scenario import ScenarioConfig
from msa_ops.sim.summary import print_summary, summarise
from msa_ops.stack import SERVICES, Stack

console = Console()
if not console.is_terminal:  # piped or logged: room for the tables
    console.width = 140


def available_services() -> list[str]:
    """The services whose package has an entry point (``python -m msa_<name>``)."""
    return [s for s in SERVICES if importlib.util.find_spec(f"msa_{s}.__main__") is not None]


async def _settled_summary(uri: str, database: str) -> list[Any]:
    """Reporting recomputes after a quiet spell: wait until two readings agree."""
    from msa_reporting.summary import measure_plan_summary

    previous: list[Any] | None = None
    for _ in range(30):
        rows = await measure_plan_summary(uri, database)
        if rows and rows == previous:
            return rows
        previous = rows
        await asyncio.sleep(1.0)
    return previous or []


def _print_invoices(billing_url: str, token: str) -> None:
    """The invoices issued during the simulated period, as finance sees them."""
    answer = httpx.get(f"{billing_url}/invoices", headers={"Authorization": f"Bearer {token}"})
    answer.raise_for_status()
    table = Table("Rechnung", "Träger", "Monat", "Zeilen", "Betrag", title="Rechnungen")
    for inv in answer.json()["items"]:
        euros = f"{inv['total_cents'] / 100:,.2f} €".replace(",", " ").replace(".", ",")
        table.add_row(inv["invoice_number"], inv["provider_id"], inv["period"],
                      str(inv["lines"]), euros)  # fmt: skip
    console.print(table)


def _print_measure_plan(rows: list[Any]) -> None:
    from msa_reporting.summary import COLUMNS

    table = Table("Teilbereich", *COLUMNS.values(), title="Maßnahmenplan: Stand je Teilbereich")
    for row in (r for r in rows if r.measure_id is None):
        cells = ["•" if k in row.suppressed else "–" if v is None else str(v)
                 for k, v in row.figures.items()]  # fmt: skip
        table.add_row(row.title, *cells)
    console.print(table)
    console.print("• = unterdrückt (weniger als 5 Personen), – = keine Daten")
    for note in empty_cell_notes(rows, load_reference()):
        console.print(note)


def empty_cell_notes(rows: list[Any], reference: ReferenceData) -> list[str]:
    """Why mentoring cells are empty, in words: the table alone cannot say it. Mentoring
    counts only in the field of the mentoring measure; that field's cell is explained when
    it is empty or suppressed."""
    from msa_reporting.summary import COLUMNS

    measure = reference.mentoring.measure
    field = next(m.field for m in reference.measures if m.id == measure)
    label, months = COLUMNS["mentors_matched"], reference.mentoring.min_months_since_arrival
    notes = [f"{label} zählt nur im Teilbereich {field} (Maßnahme {measure}); "
             "in den übrigen Teilbereichen steht dort 0."]  # fmt: skip
    for row in (r for r in rows if r.measure_id is None and r.field_id == field):
        if "mentors_matched" in row.suppressed:
            notes.append(f"{row.title}, {label}: unterdrückt, weil weniger als 5 Personen "
                         "vermittelt wurden (Schutz vor Rückschluss auf Einzelne).")  # fmt: skip
        elif not row.figures.get("mentors_matched"):
            notes.append(f"{row.title}, {label}: keine Vermittlung – eine Mentorin oder ein "
                         f"Mentor muss mindestens {months} Monate früher angekommen sein, im "
                         "selben Stadtteil wohnen und eine Sprache teilen.")  # fmt: skip
    return notes


def demo(
    persons: Annotated[int, typer.Option(help="Arrivals in the simulated month.")] = 40,
    residents: Annotated[
        int, typer.Option(help="Earlier residents (allocated 8 months before), possible mentors.")
    ] = 40,
    seed: Annotated[int, typer.Option(help="Seed of the simulated population.")] = 7,
    days: Annotated[
        int, typer.Option(help="Simulated days from 2 March (31 reaches the April invoice run).")
    ] = 31,
    wait: Annotated[bool, typer.Option(help="Keep the services running until Ctrl-C.")] = True,
    live: Annotated[
        bool,
        typer.Option(
            help="No simulation: run the services and the scheduler on real days "
            "(namespace 'live', state kept) until Ctrl-C."
        ),
    ] = False,
) -> None:
    """Start the broker, the store and the services; simulate a month; print what happened."""
    if live:
        from msa_ops.live import run_live

        run_live(console, available_services())
        return
    began = time.monotonic()
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # retried warnings are no news here
    settings = InfraSettings.from_env()
    run = f"demo{datetime.now(UTC):%Y%m%d%H%M%S}"
    infra = start_for_command(settings, console, namespace=run)  # its own topics
    console.print(
        f"[green]✓[/green] Kafka {infra.kafka_bootstrap} ({infra.kafka_backend}), "
        f"MongoDB {infra.mongodb_uri} ({infra.mongo_backend}) bereit"
    )
    keys = ensure_local_keys(Path(settings.var_dir) / "keys")
    names = available_services()
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
        f"Dienste starten: {', '.join(names)} (Lauf {run}: Datenbanken {run}_*, "
        f"Topics msa.{run}.…, Protokolle in {settings.var_dir}/logs/{run})"
    )
    try:
        stack.start()
        for p in stack.processes.values():
            console.print(f"[green]✓[/green] {p.name} bereit unter {p.url} (/readyz, /metrics)")
        reference = load_reference()
        config = ScenarioConfig(seed=seed, persons=persons, days=days, hours="billing" in names,
                                residents=residents)  # fmt: skip
        with console.status("Simulation läuft …") as status:
            truth, observed = asyncio.run(
                simulate(
                    infra.kafka_bootstrap,
                    keys,
                    reference,
                    config,
                    progress=status.update,
                    namespace=Namespace(run),
                )
            )
        print_summary(summarise(observed, reference), reference, console)
        console.print(
            f"{truth.persons} Personen gemeldet ({truth.replays} Meldungen doppelt gesendet), "
            f"{len(truth.reports)} Berichte der Träger beantwortet; "
            f"fertig nach {time.monotonic() - began:.0f} s"
        )
        if "billing" in stack.processes:
            _print_invoices(stack["billing"].url, keys.token(Role.FINANCE, subject="demo"))
        if "reporting" in stack.processes:
            rows = asyncio.run(_settled_summary(infra.mongodb_uri, f"{run}_reporting"))
            _print_measure_plan(rows)
            console.print(f"Dashboard: [bold]{stack['reporting'].url}/dashboard[/bold]")
        if wait:
            console.print(
                "Die Dienste laufen weiter; Strg-C beendet sie "
                "(Broker und Datenbank bleiben: `msa infra down`)"
            )
            while all(p.alive() for p in stack.processes.values()):
                time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
